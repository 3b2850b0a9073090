"""A shop page's first screen as HTML in the page the server first sends (api/seo.py): the storefront
frame's header and the home's first sections, or a product's picture, title and price, drawn with the
app's own class names (so the app's stylesheet, already in the page's head, lays them out as the app
will) and the shop's theme.

It stands in a <first-screen> element fixed over the viewport: React leaves an element it does not know
alone in <body> while it hydrates; assets/first-screen.js removes it (and a CSS rule hides it) once the
app has drawn the page's own content under it. Nothing beneath it moves, so the page shows no layout shift.
Every text and address is escaped; rich text is the sanitised HTML the app shows too."""

from __future__ import annotations

from html import escape

from shopapp.i18n import t

MAIN = '<main class="mx-auto min-h-screen max-w-5xl">'
PAD = "px-4 pt-5"
# Hidden as soon as the app's own page is there (or its not-found page): a section of the home, the
# product's title once its data has arrived.
HOME_DRAWN = '[data-testid="store-section"]'
PRODUCT_DRAWN = '[data-testid="product-title"]:not(:empty), [data-testid="product-missing"]'


def home_html(view: dict, lang: str) -> str:
    """The home's first screen; "" when no section of it can be drawn before the app (then there is no
    content of the app to wait for either)."""
    if not view["sections"]:
        return ""
    frame = view["frame"]
    body = _coupons(view["coupons"], lang) + "".join(_sections(view["sections"], frame, lang))
    return _screen(frame, lang, MAIN + body + "</main>", HOME_DRAWN)


def product_html(view: dict, lang: str) -> str:
    e = escape
    picture = (f'<img src="{e(view["picture"])}" alt="{e(view["alt"])}" width="960" height="960" fetchpriority="high" '
               'class="aspect-square w-full shrink-0 snap-center object-cover"/>') if view["picture"] else ""
    count = (f'<p class="px-4 pt-1 text-xs text-gray-500">{view["pictures"]} {e(t("store.photos_swipe", lang))}</p>'
             if view["pictures"] > 1 else "")
    was = f'<s class="ml-2 text-sm text-gray-400">{e(view["compare_at"])}</s>' if view["compare_at"] else ""
    article = (
        '<article class="bg-white pb-24 md:grid md:grid-cols-2 md:gap-6 md:p-6"><div>'
        f'<div class="flex aspect-square w-full snap-x snap-mandatory overflow-x-auto bg-gray-100">{picture}</div>{count}</div>'
        f'<div class="px-4 py-4 md:py-0"><h1 class="text-xl font-bold leading-snug">{e(view["title"])}</h1>'
        f'<div class="mt-2"><span class="text-2xl font-bold text-red-600">{e(view["price"])}</span>{was}</div></div></article>'
    )
    return _screen(view["frame"], lang, MAIN + article + "</main>", PRODUCT_DRAWN)


def _screen(frame: dict, lang: str, main: str, drawn: str) -> str:
    style = ";".join(f"{name}:{value}" for name, value in frame["style"].items())
    css = ("first-screen{position:fixed;inset:0;z-index:30;display:block;overflow:hidden}"
           f"body:has({drawn}) first-screen{{display:none}}")
    # inert and aria-hidden: a picture of the page, not a second copy of its links for assistive technology
    # (the app's own page is there under it from the start).
    return (f'<first-screen inert aria-hidden="true" data-drawn="{escape(drawn)}"><style>{css}</style>'
            '<script defer src="/first-screen.js"></script>'
            f'<div class="shop-themed min-h-screen bg-gray-50 text-gray-900" style="{escape(style)}" data-button="{escape(frame["button_style"])}">'
            f"{_header(frame, lang)}{_menu(frame['menu'])}{main}</div></first-screen>")


def _header(frame: dict, lang: str) -> str:
    """ui/store/layout.store_frame's header (the cart's count comes with the app)."""
    e, home = escape, f"/s/{frame['slug']}"
    logo = f'<img src="{e(frame["logo_url"])}" alt="" class="h-8 w-8 rounded-full object-cover"/>' if frame["logo_url"] else ""
    layout = "flex flex-col items-center gap-2" if frame["header_layout"] == "center" else "flex items-center justify-between gap-2"
    return (
        f'<header class="sticky top-0 z-10 {layout} border-b bg-white/95 px-4 py-3 backdrop-blur">'
        f'<a href="{e(home)}" class="flex min-w-0 items-center gap-2 text-lg font-bold text-gray-900">{logo}<span class="truncate">{e(frame["name"])}</span></a>'
        '<div class="flex items-center gap-2">'
        f'<button type="button" class="text-sm px-2 py-1 rounded border border-gray-300 text-gray-700 hover:bg-gray-100">{e(t("nav.language", lang))}</button>'
        f'<a href="{e(home)}/account" class="px-1 py-1 text-sm text-gray-800">{e(t("store.account", lang))}</a>'
        f'<a href="{e(home)}/cart" class="rounded border border-gray-300 px-2 py-1 text-sm text-gray-800">{e(t("store.cart", lang))}</a>'
        "</div></header>"
    )


def _menu(menu: list[dict]) -> str:
    if not menu:
        return ""
    links = "".join(f'<a href="{escape(i["link"])}" class="whitespace-nowrap px-2 py-1 text-sm">{escape(i["label"])}</a>' for i in menu)
    return f'<nav aria-label="menu" class="flex gap-1 overflow-x-auto border-b px-2 py-1">{links}</nav>'


def _coupons(coupons: list[dict], lang: str) -> str:
    """ui/store/coupons.coupon_block as a guest first sees it."""
    if not coupons:
        return ""
    e = escape
    cards = "".join(
        '<li class="w-36 shrink-0 rounded-xl border border-red-200 bg-red-50 p-2">'
        f'<p class="font-bold text-red-600">{e(c["description"])}</p><p class="truncate text-xs text-gray-600">{e(c["name"])}</p>'
        f'<button type="button" class="mt-1 rounded-full bg-red-600 px-3 py-1 text-xs font-semibold text-white">{e(t("store.coupons.login_to_claim", lang))}</button></li>'
        for c in coupons)
    return (f'<section class="px-4 pt-4"><h2 class="mb-2 font-semibold">{e(t("store.coupons.title", lang))}</h2>'
            f'<ul class="flex gap-2 overflow-x-auto pb-1">{cards}</ul></section>')


def _sections(sections: list[dict], frame: dict, lang: str):
    """ui/store/sections.section for the types a first screen holds (services/marketing/first_screen.FIRST_TYPES)."""
    first_picture = True
    for section in sections:
        settings, kind = section.get("settings") or {}, section["type"]
        if kind == "banner":
            inner, first_picture = _banner(section, frame, lang, first_picture), False
        elif kind == "image_text":
            inner, first_picture = _image_text(settings), False
        else:
            inner = _simple(kind, settings, section, frame, lang)
        yield f'<div data-section="{escape(kind)}">{inner}</div>'


def _simple(kind: str, settings: dict, section: dict, frame: dict, lang: str) -> str:
    e = escape
    if kind == "notice":
        return (f'<a href="{e(settings.get("link") or "#")}" class="shop-notice mx-4 mt-3 block truncate rounded-lg px-3 py-2 text-sm">'
                f'<span aria-hidden="true">📢 </span>{e(settings.get("text", ""))}</a>')
    if kind == "search":
        hint = t("store.search_placeholder", lang)
        placeholder = settings.get("subtitle") or settings.get("placeholder") or settings.get("address") or hint
        return (f'<form action="/s/{e(frame["slug"])}/search" class="{PAD}"><input name="q" type="search" placeholder="{e(placeholder)}" '
                f'aria-label="{e(hint)}" class="w-full rounded-full bg-gray-100 px-4 py-2"/></form>')
    if kind == "category_list":
        return _categories(section["categories"], _variant(settings), frame, lang)
    if kind == "rich_text":
        title = f'<h2 class="mb-2 font-semibold">{e(settings["title"])}</h2>' if settings.get("title") else ""
        text = (f'<div class="prose max-w-none">{settings["html"]}</div>' if settings.get("html")  # sanitised (nh3) by the service
                else f'<p class="whitespace-pre-line">{e(settings.get("text", ""))}</p>')
        return f'<section class="{PAD}">{title}{text}</section>'
    if kind == "divider":
        return '<hr class="mx-4 mt-5 border-dashed"/>' if _variant(settings) == "dashed" else '<hr class="mx-4 mt-5"/>'
    if kind == "spacer":
        return f'<div style="height:{int(settings.get("height") or 24)}px" aria-hidden="true"></div>'
    return ""


def _banner(section: dict, frame: dict, lang: str, first_picture: bool) -> str:
    e, settings = escape, section.get("settings") or {}
    slides = section.get("blocks") or [{k: settings.get(k, "") for k in ("image_url", "title", "subtitle", "link")}]
    drawn = []
    for n, slide in enumerate(slides):
        if slide.get("image_url"):
            first = first_picture and n == 0
            inner = (f'<img src="{e(slide["image_url"])}" alt="{e(slide.get("alt") or slide.get("title") or frame["name"])}" width="960" height="400" '
                     f'loading="{"eager" if first else "lazy"}" fetchpriority="{"high" if first else "auto"}" class="aspect-[12/5] w-full object-cover"/>')
        else:
            inner = (f'<div class="shop-notice px-5 py-8"><h1 class="text-2xl font-bold">{e(slide.get("title") or frame["name"])}</h1>'
                     f'<p class="mt-1 text-sm">{e(slide.get("subtitle") or frame["description"] or "")}</p></div>')
        link = slide.get("link") or f"/s/{frame['slug']}"
        drawn.append(f'<a href="{e(link)}" class="block w-full shrink-0 snap-center overflow-hidden rounded-2xl">{inner}</a>')
    return (f'<section aria-label="{e(t("store.section.banner", lang))}" class="mx-4 mt-3 flex snap-x snap-mandatory gap-2 overflow-x-auto">'
            f'{"".join(drawn)}</section>')


def _categories(categories: list[dict], variant: str, frame: dict, lang: str) -> str:
    if not categories:
        return ""
    e, icons = escape, variant == "icons"
    links = "".join(
        f'<a href="/s/{e(frame["slug"])}/search?category={int(c["id"])}" class="'
        + ('flex flex-col items-center gap-1 text-xs text-gray-800"><span aria-hidden="true" class="shop-notice flex h-11 w-11 items-center '
           f'justify-center rounded-full">{e(c["name"][:1])}</span>' if icons else
           'whitespace-nowrap rounded-full bg-white px-3 py-1.5 text-sm text-gray-800 shadow-sm">')
        + f'{e(c["name"])}</a>' for c in categories)
    layout = "grid grid-cols-5 gap-2 px-4 pt-4" if icons else "flex gap-2 overflow-x-auto px-4 pt-4"
    return f'<nav aria-label="{e(t("store.categories", lang))}" class="{layout}">{links}</nav>'


def _image_text(settings: dict) -> str:
    e, variant = escape, _variant(settings)
    picture = (f'<img src="{e(settings["image_url"])}" alt="{e(settings.get("title", ""))}" loading="lazy" width="480" height="320" '
               'class="w-full rounded-xl object-cover"/>') if settings.get("image_url") else ""
    words = f'<div><h2 class="mt-2 font-semibold">{e(settings.get("title", ""))}</h2><p class="whitespace-pre-line">{e(settings.get("text", ""))}</p></div>'
    layout = {"left": "grid grid-cols-2 gap-3", "right": "grid grid-cols-2 gap-3 [direction:rtl]"}.get(variant, "")
    body = f'<div class="{layout}">{picture}{words}</div>'
    return f'<section class="{PAD}">' + (f'<a href="{e(settings["link"])}">{body}</a>' if settings.get("link") else body) + "</section>"


def _variant(settings: dict) -> str:
    """ui/store/section_data.section_view's one `variant` of a section (its layout, picture side, style)."""
    return str(settings.get("height") or settings.get("layout") or settings.get("image_side") or settings.get("style") or "")
