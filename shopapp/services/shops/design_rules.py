"""What a store design may hold: the section library (each type's settings and blocks), the theme's
settings, the ready-made styles, and the colour arithmetic (WCAG contrast) the checks use.

A field's kind says how design_check cleans it:
text:N (at most N characters), html (sanitised), link (inside this shop), image (this shop's media),
video (this shop's media), color (#rgb / #rrggbb), int:lo:hi, choice:a|b|c, products (this shop's ids),
category (this shop's id), bool.
"""

from __future__ import annotations

import re

MAX_SECTIONS_PER_PAGE = 100
MAX_SECTIONS = 200  # over every page of the design: 200 sections or more is refused
MAX_BLOCKS = 20
MAX_PAGES = 20
MIN_CONTRAST = 4.5  # WCAG AA for normal text
MIN_ACCENT_CONTRAST = 3.0  # badges and highlights: only warned under this

_SOURCE = "choice:newest|best_selling|category|tag"
SECTIONS: dict[str, tuple[dict[str, str], dict[str, str] | None]] = {
    "banner": ({"title": "text:60", "subtitle": "text:200", "image_url": "image", "link": "link", "height": "choice:small|medium|large"},
               {"image_url": "image", "title": "text:60", "subtitle": "text:200", "link": "link", "alt": "text:200"}),
    "notice": ({"text": "text:200", "link": "link"}, None),
    "search": ({"placeholder": "text:60"}, None),
    "category_list": ({"title": "text:60", "layout": "choice:icons|chips"}, None),
    "featured_products": ({"title": "text:60", "product_ids": "products", "limit": "int:1:60", "columns": "int:1:4"}, None),
    "product_grid": ({"title": "text:60", "source": _SOURCE, "category_id": "category", "tag": "text:40",
                      "limit": "int:1:60", "columns": "int:1:4"}, None),
    "product_carousel": ({"title": "text:60", "source": _SOURCE, "category_id": "category", "tag": "text:40",
                          "product_ids": "products", "limit": "int:1:30"}, None),
    "rich_text": ({"title": "text:60", "html": "html", "text": "text:5000"}, None),
    "image_text": ({"title": "text:60", "text": "text:2000", "image_url": "image", "link": "link",
                    "image_side": "choice:top|left|right"}, None),
    "image_grid": ({"title": "text:60", "columns": "int:1:4"}, {"image_url": "image", "link": "link", "alt": "text:200"}),
    "hotzone": ({"image_url": "image", "alt": "text:200"},
                {"x": "int:0:100", "y": "int:0:100", "w": "int:1:100", "h": "int:1:100", "link": "link", "label": "text:60"}),
    "video": ({"title": "text:60", "video_url": "video", "poster_url": "image"}, None),
    "coupons": ({"title": "text:60"}, None),
    "flash_sale": ({"title": "text:60"}, None),
    "group_buy": ({"title": "text:60"}, None),
    # 猜你喜欢 (issue 22): the shopper's own picks when logged in and known to the nightly job, else best sellers.
    "recommended": ({"title": "text:60", "limit": "int:1:8", "columns": "int:1:4"}, None),
    "store_info": ({"title": "text:60", "address": "text:200", "hours": "text:100"}, None),
    "divider": ({"style": "choice:line|dashed"}, None),
    "spacer": ({"height": "int:4:120"}, None),
}
SECTION_TYPES = tuple(SECTIONS)

# A new section from the library starts with these (the editor's 添加模块).
STARTERS: dict[str, dict] = {
    "banner": {"settings": {"height": "medium"}, "blocks": [{"image_url": "", "title": "", "subtitle": "", "link": ""}]},
    "notice": {"settings": {"text": "欢迎光临"}},
    "category_list": {"settings": {"layout": "icons"}},
    "featured_products": {"settings": {"limit": 4, "columns": 2}},
    "product_grid": {"settings": {"source": "newest", "limit": 12, "columns": 2}},
    "product_carousel": {"settings": {"source": "best_selling", "limit": 8}},
    "rich_text": {"settings": {"title": "关于我们", "text": "介绍一下你的店"}},
    "image_text": {"settings": {"image_side": "top"}},
    "image_grid": {"settings": {"columns": 2}, "blocks": []},
    "hotzone": {"settings": {}, "blocks": []},
    "spacer": {"settings": {"height": 24}},
    "recommended": {"settings": {"limit": 6, "columns": 2}},
    "divider": {"settings": {"style": "line"}},
}

LINK_LIST = {"label": "text:20", "link": "link"}
THEME: dict[str, str] = {
    "font_scale": "choice:0.9|1|1.1|1.25", "radius": "int:0:24", "button_style": "choice:filled|outline|pill",
    "logo_url": "image", "favicon_url": "image", "header_layout": "choice:left|center", "preset": "text:20",
}
THEME_LISTS = {"footer_links": 10, "menu": 8, "tab_bar": 5}
COLORS = ("primary", "accent", "background", "text", "button_text")

PRESETS: dict[str, dict] = {
    "清新": {"colors": {"primary": "#047857", "accent": "#b45309", "background": "#f0fdf4", "text": "#14532d", "button_text": "#ffffff"},
             "radius": 16, "button_style": "pill", "font_scale": "1"},
    "简约": {"colors": {"primary": "#111827", "accent": "#6b7280", "background": "#ffffff", "text": "#111827", "button_text": "#ffffff"},
             "radius": 4, "button_style": "outline", "font_scale": "1"},
    "国潮": {"colors": {"primary": "#b91c1c", "accent": "#b45309", "background": "#fff7ed", "text": "#3f1d0b", "button_text": "#ffffff"},
             "radius": 8, "button_style": "filled", "font_scale": "1.1"},
}
DEFAULT_THEME: dict = {**PRESETS["清新"], "colors": dict(PRESETS["清新"]["colors"]), "preset": "清新", "header_layout": "left",
                       "footer_links": [], "menu": [], "tab_bar": []}

def theme_variables(theme: dict) -> dict[str, str]:
    """A design's theme as the CSS variables of the storefront's frame (assets/shopapp.css maps the shop's
    colour classes onto them): the app's frame and the page's first HTML (api/first_screen.py) both wear them."""
    colors = {**DEFAULT_THEME["colors"], **(theme.get("colors") or {})}
    return {
        "--shop-primary": colors["primary"], "--shop-accent": colors["accent"], "--shop-bg": colors["background"],
        "--shop-text": colors["text"], "--shop-button-text": colors["button_text"],
        "--shop-radius": f"{int(theme.get('radius', 12))}px", "--shop-font-scale": str(theme.get("font_scale", "1")),
    }


_HEX = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")


def is_color(value) -> bool:
    return isinstance(value, str) and bool(_HEX.fullmatch(value))


def contrast(one: str, other: str) -> float:
    """WCAG 2 contrast ratio of two #hex colours (1 to 21)."""
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _luminance(color: str) -> float:
    digits = color[1:]
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    channels = [int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
