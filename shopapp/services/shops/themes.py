"""A shop's home page as data, as it was before the visual editor (店铺装修): an ordered list of flat sections.

Section types: banner, category_list, featured_products, product_grid, rich_text, image_text.
A shop that never edited its home gets DEFAULT_SECTIONS. The storefront now reads services/shops/design:
these sections are shown (converted, in the default theme) only until the shop first publishes with the
editor; the demo seed still arranges its first home here.
"""

from __future__ import annotations

from sqlmodel import Session, select

from shopapp.models import Product, StoreTheme
from shopapp.models.base import utcnow
from shopapp.services.catalog import categories as catalog_categories
from shopapp.services.catalog import products as catalog_products
from shopapp.services.catalog import views
from shopapp.services.core.errors import Invalid, require_fields
from shopapp.services.core.permissions import Actor, require

SECTION_TYPES = ("banner", "category_list", "featured_products", "product_grid", "rich_text", "image_text")
MAX_SECTIONS = 20
DEFAULT_SECTIONS = [
    {"type": "banner", "title": "", "subtitle": "", "image_url": "", "link": ""},  # empty title = the shop's name and description
    {"type": "category_list", "title": ""},
    {"type": "featured_products", "title": "", "product_ids": [], "limit": 4},  # no ids = the newest
    # A phone's first few screens, then "查看全部商品": 40 cards at once made the home slow to start.
    {"type": "product_grid", "title": "", "limit": 12},
]
_TEXT_LIMITS = {"title": 60, "subtitle": 200, "text": 5000, "image_url": 500, "link": 500}


def home_sections(session: Session, shop_id: int) -> list[dict]:
    theme = session.get(StoreTheme, shop_id)
    return theme.sections if theme and theme.sections else [dict(section) for section in DEFAULT_SECTIONS]


def save_sections(session: Session, actor: Actor, sections: list) -> list[dict]:
    """Replace the home page's sections; every section is checked first, nothing is saved when one is wrong."""
    require(actor, "edit_shop")
    if not isinstance(sections, list) or len(sections) > MAX_SECTIONS:
        raise Invalid(fields={"sections": "too_many" if isinstance(sections, list) else "invalid"})
    errors: dict[str, str] = {}
    clean = [_checked(session, actor.shop_id, section, errors, f"sections.{i}") for i, section in enumerate(sections)]
    require_fields(errors)
    theme = session.get(StoreTheme, actor.shop_id) or StoreTheme(shop_id=actor.shop_id)
    theme.sections, theme.updated_at = clean, utcnow()
    session.add(theme)
    return clean


def home_page(session: Session, shop_id: int) -> list[dict]:
    """The sections with what each shows filled in (products as summaries, categories), for the storefront."""
    filled = []
    for section in home_sections(session, shop_id):
        kind = section["type"]
        shown = dict(section, products=[], categories=[])
        if kind == "category_list":
            shown["categories"] = [c for c in catalog_categories.list_categories(session, shop_id) if c["parent_id"] is None]
        elif kind in ("featured_products", "product_grid"):
            shown["products"] = _products(session, shop_id, section)
        filled.append(shown)
    return filled


def _products(session: Session, shop_id: int, section: dict) -> list[dict]:
    limit = int(section.get("limit") or 20)
    ids = section.get("product_ids") or []
    if not ids:
        items, _ = catalog_products.list_products(session, shop_id, active_only=True, sort="newest", per_page=limit)
        return items
    products = session.exec(
        select(Product).where(Product.shop_id == shop_id, Product.status == "active", Product.id.in_(ids))
    ).all()
    by_id = {p.id: p for p in products}
    return views.product_summaries(session, shop_id, [by_id[i] for i in ids if i in by_id][:limit])


def _checked(session: Session, shop_id: int, section, errors: dict[str, str], prefix: str) -> dict:
    if not isinstance(section, dict) or section.get("type") not in SECTION_TYPES:
        errors[f"{prefix}.type"] = "section_type_invalid"
        return {}
    clean = {"type": section["type"]}
    for field, limit in _TEXT_LIMITS.items():
        if field in section:
            value = section[field]
            if not isinstance(value, str):
                errors[f"{prefix}.{field}"] = "must_be_text"
            elif len(value) > limit:
                errors[f"{prefix}.{field}"] = "too_long"
            else:
                clean[field] = value.strip()
    if "limit" in section:
        limit = section["limit"]
        if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= 60:
            errors[f"{prefix}.limit"] = "invalid"
        clean["limit"] = limit
    if "product_ids" in section:
        ids = section["product_ids"]
        if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
            errors[f"{prefix}.product_ids"] = "invalid"
        elif ids and len(session.exec(select(Product.id).where(Product.shop_id == shop_id, Product.id.in_(ids))).all()) != len(set(ids)):
            errors[f"{prefix}.product_ids"] = "product_not_found"
        clean["product_ids"] = ids
    return clean


