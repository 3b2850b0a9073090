"""A design's page filled in for the storefront: each visible section with what it shows (product
summaries, categories, the shop's contact). Products are read per source, not per card: all the
hand-picked ones in one query, each list (newest, by category, by tag, best-selling) in one."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from shopapp.models import Order, OrderItem, Product
from shopapp.services.catalog import categories as catalog_categories
from shopapp.services.catalog import products as catalog_products
from shopapp.services.catalog import views
from shopapp.services.core import changes
from shopapp.services.core.remembered import Remembered

_LISTS = ("product_grid", "product_carousel")


# A published page filled in, per (shop, page handle): the same for every shopper (what is theirs, the
# 猜你喜欢 picks and their prices, is added after), and the home's product lists were most of its load's
# CPU. Kept with the page it was filled from, so a newly published page is never answered with the old,
# and with the shop's stamp (core.changes), so a product this worker changed is shown changed at once.
_filled: Remembered[tuple[int, str], tuple[dict, tuple[int, int], list[dict]]] = Remembered(1.0)


def filled_published_page(session: Session, shop_id: int, handle: str, page: dict) -> list[dict]:
    """filled_page of a published page (design.design_for_visit without a preview), remembered a second per
    worker; callers read it and copy what they change."""
    stamp = changes.stamp(shop_id)
    found = _filled.get((shop_id, handle))
    if found is not None and found[0] is page and found[1] == stamp:
        return found[2]
    filled = filled_page(session, shop_id, page)
    _filled.put((shop_id, handle), (page, stamp, filled))
    return filled


def forget_filled() -> None:
    """Forget every remembered page (the tests' next shop may reuse this one's id)."""
    _filled.forget()


def filled_page(session: Session, shop_id: int, page: dict) -> list[dict]:
    sections = [s for s in page.get("sections", []) if not s.get("hidden")]
    picked = _picked_products(session, shop_id, sections)
    needs_categories = any(s["type"] == "category_list" for s in sections)
    categories = [c for c in catalog_categories.list_categories(session, shop_id) if c["parent_id"] is None] if needs_categories else []
    filled = []
    for section in sections:
        settings = section.get("settings", {})
        shown = {**section, "products": [], "categories": []}
        if section["type"] == "category_list":
            shown["categories"] = categories
        elif section["type"] == "featured_products" or (section["type"] == "product_carousel" and settings.get("product_ids")):
            ids = settings.get("product_ids") or []
            limit = int(settings.get("limit") or 4)
            shown["products"] = [picked[i] for i in ids if i in picked][:limit] if ids else _listed(session, shop_id, "newest", settings, limit)
        elif section["type"] in _LISTS:
            shown["products"] = _listed(session, shop_id, settings.get("source") or "newest", settings, int(settings.get("limit") or 12))
        filled.append(shown)
    return filled


def _picked_products(session: Session, shop_id: int, sections: list[dict]) -> dict[int, dict]:
    ids = {i for s in sections for i in (s.get("settings", {}).get("product_ids") or [])}
    if not ids:
        return {}
    rows = session.exec(select(Product).where(Product.shop_id == shop_id, Product.status == "active", Product.id.in_(ids))).all()
    return {item["id"]: item for item in views.product_summaries(session, shop_id, list(rows))}


def _listed(session: Session, shop_id: int, source: str, settings: dict, limit: int) -> list[dict]:
    if source == "best_selling":
        return _best_selling(session, shop_id, limit)
    if source == "category" and settings.get("category_id"):
        items, _ = catalog_products.list_products(session, shop_id, active_only=True, category_id=settings["category_id"],
                                                  sort="newest", per_page=limit)
        return items
    if source == "tag" and settings.get("tag"):
        # The search matches tags (and titles): close enough for a shelf of "新品" or "礼盒".
        items, _ = catalog_products.list_products(session, shop_id, active_only=True, q=settings["tag"], per_page=limit)
        return items
    items, _ = catalog_products.list_products(session, shop_id, active_only=True, sort="newest", per_page=limit)
    return items


def _best_selling(session: Session, shop_id: int, limit: int) -> list[dict]:
    """Units in paid orders, most first; a shop with no sales yet shows its newest."""
    units = func.sum(OrderItem.qty)
    ranked = session.exec(
        select(OrderItem.product_id, units).join(Order, Order.id == OrderItem.order_id)
        .where(OrderItem.shop_id == shop_id, Order.shop_id == shop_id, Order.paid_at.is_not(None))
        .group_by(OrderItem.product_id).order_by(units.desc(), OrderItem.product_id).limit(limit * 2)
    ).all()
    if not ranked:
        items, _ = catalog_products.list_products(session, shop_id, active_only=True, sort="newest", per_page=limit)
        return items
    order = [pid for pid, _ in ranked]
    rows = session.exec(select(Product).where(Product.shop_id == shop_id, Product.status == "active", Product.id.in_(order))).all()
    by_id = {p.id: p for p in rows}
    return views.product_summaries(session, shop_id, [by_id[i] for i in order if i in by_id][:limit])
