"""What a shop page's first screen shows, read on the server for the page's first HTML (api/first_screen.py):
the header and the home's first sections, or a product's main picture, title and price. The same
reads as the storefront's own states (ui/store), so the first paint is the page the app then draws.

A shopper sees what was published; with the shop's preview token, the draft (design.design_for_visit).
In marketing's layer because a first screen shows the running promotions (the 领券 strip, a limited
discount's price) over the shop's design and catalogue."""

from __future__ import annotations

import nh3
from sqlmodel import Session

from shopapp.services.catalog import views
from shopapp.services.core.money import format_money
from shopapp.services.marketing import coupons, promotion_badges
from shopapp.services.shops import design, design_pages, design_rules, shops

# Sections a phone's first screen can hold before anything of the app has run. The home stops at the first
# section of another type (product lists, videos...): those the app draws once its state has arrived.
FIRST_TYPES = ("notice", "search", "banner", "category_list", "rich_text", "image_text", "divider", "spacer")
MOST_SECTIONS = 5  # a phone's screen (823 px in Lighthouse) is full well before
MOST_COUPONS = 3  # the 领券 strip's cards a phone shows side by side


def home(session: Session, slug: str, preview: str = "") -> dict:
    """{frame, coupons, sections} of a shop's home; NotFound when there is no such shop."""
    shop = shops.public_shop_by_slug(session, slug)
    shown = design.design_for_visit(session, shop["id"], preview)
    page = shown["pages"].get("home") or {"sections": []}
    visible = [s for s in page.get("sections", []) if not s.get("hidden")]
    first = []
    for section in visible[:MOST_SECTIONS]:
        if section["type"] not in FIRST_TYPES:
            break
        first.append(section)
    return {
        "frame": _frame(shop, shown["theme"]),
        "coupons": [{"description": c["description"], "name": c["name"]} for c in coupons.claimable_coupons(session, shop["id"])[:MOST_COUPONS]],
        "sections": [_cleaned(s) for s in design_pages.filled_page(session, shop["id"], {"sections": first})],
    }


def product(session: Session, slug: str, product_id: int, preview: str = "") -> dict:
    """{frame, title, picture, alt, price, compare_at} of an active product's page, as a guest sees it
    first (the first variant in stock, its limited price if a promotion runs); NotFound otherwise."""
    shop = shops.public_shop_by_slug(session, slug)
    shown = views.storefront_product(session, shop["id"], product_id)
    variant = next((v for v in shown["variants"] if v["available"] > 0), shown["variants"][0] if shown["variants"] else None)
    price = compare_at = ""
    if variant:
        _, sale = promotion_badges.for_variants(session, shop["id"], shown["id"], [(v["id"], v["price"]) for v in shown["variants"]])
        money = lambda amount: format_money(amount, shop["currency"])  # noqa: E731
        price = money(sale.get(variant["id"], variant["price"]))
        if variant["id"] in sale:
            compare_at = money(variant["price"])
        elif (variant["compare_at_price"] or 0) > variant["price"]:
            compare_at = money(variant["compare_at_price"])
    picture = shown["images"][0] if shown["images"] else {}
    return {
        "frame": _frame(shop, design.design_for_visit(session, shop["id"], preview)["theme"]),
        "title": shown["title"], "picture": picture.get("url", ""), "alt": picture.get("alt") or shown["title"],
        "price": price, "compare_at": compare_at, "pictures": len(shown["images"]),
    }


def _cleaned(section: dict) -> dict:
    """Rich text was sanitised when saved; sanitised again here, as this HTML is written into the page as is."""
    settings = section.get("settings") or {}
    if section["type"] != "rich_text" or not settings.get("html"):
        return section
    return {**section, "settings": {**settings, "html": nh3.clean(settings["html"])}}


def _frame(shop: dict, theme: dict) -> dict:
    """The storefront frame's header as ui/store/layout.store_frame draws it, in the shop's theme."""
    return {
        "slug": shop["slug"], "name": shop["name"], "description": shop["description"] or "", "logo_url": theme.get("logo_url") or shop["logo_url"] or "",
        "header_layout": theme.get("header_layout", "left"), "button_style": theme.get("button_style", "filled"),
        "style": design_rules.theme_variables(theme),
        "menu": [{"label": i.get("label", ""), "link": i.get("link", "")} for i in theme.get("menu") or []],
    }
