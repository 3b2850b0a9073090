"""Checking a whole store design before it is kept: every field of every section against the library's
rules (design_rules), links only inside this shop, pictures only from this shop's media, rich text
sanitised, colours readable. Problems are collected per field path ("pages.home.sections.3.settings.link")
so the editor can point at them; nothing is saved when one is found."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3
from sqlmodel import Session, select

from shopapp.models import Category, Product
from shopapp.services.catalog import storage
from shopapp.services.shops import design_rules as rules
from shopapp.services.shops import design_videos
from shopapp.settings import get_settings

_HANDLE = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
_SECTION_ID = re.compile(r"[A-Za-z0-9_-]{1,40}")


@dataclass
class Checker:
    session: Session
    shop_id: int
    slug: str
    errors: dict[str, str] = field(default_factory=dict)
    warnings: list[dict[str, str]] = field(default_factory=list)

    # The design -------------------------------------------------------------------------

    def theme(self, theme, path: str = "theme") -> dict:
        if not isinstance(theme, dict):
            self.errors[path] = "invalid"
            return {}
        clean = self.fields(theme, rules.THEME, path)
        clean["colors"] = self.colors(theme.get("colors") or {}, f"{path}.colors")
        for name, most in rules.THEME_LISTS.items():
            items = theme.get(name) or []
            if not isinstance(items, list) or len(items) > most:
                self.errors[f"{path}.{name}"] = "too_many" if isinstance(items, list) else "invalid"
                continue
            clean[name] = [self.fields(item, rules.LINK_LIST, f"{path}.{name}.{i}") for i, item in enumerate(items)]
        return clean

    def colors(self, colors: dict, path: str) -> dict:
        clean = dict(rules.DEFAULT_THEME["colors"])
        for name in rules.COLORS:
            if name in colors:
                if rules.is_color(colors[name]):
                    clean[name] = colors[name].lower()
                else:
                    self.errors[f"{path}.{name}"] = "color_invalid"
        if any(key.startswith(path) for key in self.errors):
            return clean
        # Under WCAG AA a shopper cannot read the page or the buttons: refused; a pale accent is only warned.
        if rules.contrast(clean["text"], clean["background"]) < rules.MIN_CONTRAST:
            self.errors[f"{path}.text"] = "contrast_too_low"
        if rules.contrast(clean["button_text"], clean["primary"]) < rules.MIN_CONTRAST:
            self.errors[f"{path}.primary"] = "contrast_too_low"
        if rules.contrast(clean["primary"], clean["background"]) < rules.MIN_CONTRAST:  # links, outline buttons
            self.warnings.append({"field": f"{path}.primary", "code": "contrast_low"})
        if rules.contrast(clean["accent"], clean["background"]) < rules.MIN_ACCENT_CONTRAST:
            self.warnings.append({"field": f"{path}.accent", "code": "contrast_low"})
        return clean

    def pages(self, pages, path: str = "pages") -> dict:
        if not isinstance(pages, dict) or len(pages) > rules.MAX_PAGES:
            self.errors[path] = "too_many" if isinstance(pages, dict) else "invalid"
            return {}
        if sum(len(p.get("sections") or []) for p in pages.values() if isinstance(p, dict)) >= rules.MAX_SECTIONS:
            self.errors[path] = "too_many_sections"
            return {}
        clean = {}
        for handle, page in pages.items():
            if handle != "home" and not (isinstance(handle, str) and _HANDLE.fullmatch(handle)):
                self.errors[f"{path}.{handle}"] = "handle_invalid"
                continue
            clean[handle] = self.page(page, f"{path}.{handle}")
        return clean

    def page(self, page, path: str) -> dict:
        if not isinstance(page, dict) or not isinstance(page.get("sections", []), list):
            self.errors[path] = "invalid"
            return {"sections": []}
        sections = page.get("sections", [])
        if len(sections) > rules.MAX_SECTIONS_PER_PAGE:
            self.errors[f"{path}.sections"] = "too_many_sections"
            return {"sections": []}
        clean = self.fields(page, {"title": "text:60"}, path)
        clean["sections"] = [self.section(s, f"{path}.sections.{i}") for i, s in enumerate(sections)]
        return clean

    def section(self, section, path: str) -> dict:
        if not isinstance(section, dict) or section.get("type") not in rules.SECTIONS:
            self.errors[f"{path}.type"] = "section_type_invalid"
            return {}
        settings_spec, block_spec = rules.SECTIONS[section["type"]]
        given_id = section.get("id")
        clean = {
            "id": given_id if isinstance(given_id, str) and _SECTION_ID.fullmatch(given_id) else uuid.uuid4().hex[:10],
            "type": section["type"],
            "hidden": section.get("hidden") is True,
            "settings": self.fields(section.get("settings") or {}, settings_spec, f"{path}.settings"),
        }
        blocks = section.get("blocks") or []
        if block_spec is not None:
            if not isinstance(blocks, list) or len(blocks) > rules.MAX_BLOCKS:
                self.errors[f"{path}.blocks"] = "too_many" if isinstance(blocks, list) else "invalid"
                blocks = []
            clean["blocks"] = [self.fields(b, block_spec, f"{path}.blocks.{i}") for i, b in enumerate(blocks)]
        return clean

    # One field --------------------------------------------------------------------------

    def fields(self, data, spec: dict[str, str], path: str) -> dict:
        if not isinstance(data, dict):
            self.errors[path] = "invalid"
            return {}
        clean = {}
        for name, kind in spec.items():
            if name in data and data[name] is not None:
                value = self.value(data[name], kind, f"{path}.{name}")
                if value is not None:
                    clean[name] = value
        return clean

    def value(self, value, kind: str, path: str):
        name, _, rest = kind.partition(":")
        problem, clean = getattr(self, f"_{name}")(value, rest)
        if problem:
            self.errors[path] = problem
            return None
        return clean

    def _text(self, value, limit: str):
        if not isinstance(value, str):
            return "must_be_text", None
        return ("too_long", None) if len(value) > int(limit) else (None, value.strip())

    def _html(self, value, _):
        if not isinstance(value, str):
            return "must_be_text", None
        if len(value) > 20000:
            return "too_long", None
        # Script, event handlers or a javascript: link are refused with a message (the owner learns that
        # the page would not run them); pictures only from this shop's media; then the catalogue's
        # sanitiser (nh3) strips whatever else is not plain formatting.
        problem = rich_text_problem(value)
        if problem is None:
            problem = next((p for p in (self._media(src)[0] for src in rich_text_pictures(value)) if p), None)
        return (problem, None) if problem else (None, nh3.clean(value))

    def _int(self, value, bounds: str):
        low, high = (int(b) for b in bounds.split(":"))
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        ok = isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
        return (None, value) if ok else ("invalid", None)

    def _choice(self, value, options: str):
        value = str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value
        return (None, value) if value in options.split("|") else ("invalid", None)

    def _bool(self, value, _):
        return (None, value) if isinstance(value, bool) else ("invalid", None)

    def _color(self, value, _):
        return (None, value.lower()) if rules.is_color(value) else ("color_invalid", None)

    def _link(self, value, _):
        return link_problem(value, self.slug)

    def _image(self, value, _):
        return self._media(value)

    def _video(self, value, _):
        problem, clean = self._media(value)
        if not problem and clean and not design_videos.is_video_url(clean):
            return "not_a_video", None
        return problem, clean

    def _media(self, value):
        if not isinstance(value, str):
            return "must_be_text", None
        value = value.strip()
        prefix = storage.url(f"shops/{self.shop_id}/x")[:-1]
        if value and (not value.startswith(prefix) or ".." in value):
            return "media_not_in_shop", None  # a picture from elsewhere (or another shop) could change under us
        return None, value

    def _products(self, value, _):
        if not isinstance(value, list) or len(value) > 60 or not all(isinstance(i, int) and not isinstance(i, bool) for i in value):
            return "invalid", None
        found = self.session.exec(select(Product.id).where(Product.shop_id == self.shop_id, Product.id.in_(value))).all() if value else []
        return ("product_not_found", None) if len(found) != len(set(value)) else (None, value)

    def _category(self, value, _):
        if value in ("", None):
            return None, None
        category = self.session.get(Category, value) if isinstance(value, int) and not isinstance(value, bool) else None
        return ("category_not_found", None) if category is None or category.shop_id != self.shop_id else (None, value)


def link_problem(value, slug: str) -> tuple[str | None, str | None]:
    """A link on the storefront may only go to a page of this shop: `/s/<slug>...`, or the same on the
    platform's own address. javascript:, data:, other sites and other shops are refused."""
    if not isinstance(value, str):
        return "must_be_text", None
    value = value.strip()
    if not value:
        return None, ""
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("", "http", "https"):
        return "link_unsafe", None
    if parts.netloc and parts.netloc.lower() != urlsplit(get_settings().public_url).netloc.lower():
        return "link_outside_shop", None
    if value.startswith("//") or not (parts.path == f"/s/{slug}" or parts.path.startswith(f"/s/{slug}/")):
        return "link_outside_shop", None
    return None, value


_RUNNING_TAGS = {"script", "style", "iframe", "object", "embed", "frame", "frameset", "applet", "base", "form", "meta", "link"}
_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "srcset", "poster", "background"}
_SAFE_SCHEMES = ("", "http", "https", "mailto", "tel")


def rich_text_problem(html: str) -> str | None:
    """"html_unsafe" when rich text holds anything that would run: a script (or another element that
    loads code), an event handler (on...=) or a link of another scheme than http(s), mailto, tel."""
    found = _RichTextReader()
    found.feed(html)
    found.close()
    return "html_unsafe" if found.unsafe else None


def rich_text_pictures(html: str) -> list[str]:
    found = _RichTextReader()
    found.feed(html)
    found.close()
    return found.pictures


class _RichTextReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.unsafe = False
        self.pictures: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in _RUNNING_TAGS:
            self.unsafe = True
        for name, value in attrs:
            if name.startswith("on"):
                self.unsafe = True
            elif name in _URL_ATTRIBUTES and value is not None:
                # Browsers ignore control characters and spaces inside a scheme ("java\tscript:").
                squeezed = re.sub(r"[\x00-\x20]", "", value)
                if urlsplit(squeezed).scheme.lower() not in _SAFE_SCHEMES:
                    self.unsafe = True
                if tag == "img" and name == "src":
                    self.pictures.append(value.strip())

    handle_startendtag = handle_starttag
