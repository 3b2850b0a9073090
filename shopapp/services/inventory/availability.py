"""What a shopper can buy: where a variant sells from, units available, the product list's summary, low stock."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import and_, case, func, update
from sqlalchemy.orm.util import identity_key
from sqlmodel import Session, select

from shopapp.models import Product, Shop, Variant
from shopapp.services.core.paging import page_size, page_start

STOCK, VARIANT_QUOTA, PRODUCT_QUOTA = "stock", "variant_quota", "product_quota"
REFRESH_BATCH = 1000


# Where a variant sells from -------------------------------------------------------------------


def sells_from(variant: Variant, product: Product) -> str:
    """The pool a sale of this variant takes from: its own quota, its product's, or stock."""
    if variant.presale_quota is not None:
        return VARIANT_QUOTA
    if product.presale_quota is not None:
        return PRODUCT_QUOTA
    return STOCK


def available(variant: Variant, product: Product) -> int:
    """Units a shopper can buy now: the places left in the quota it sells from, else its stock."""
    pool = sells_from(variant, product)
    if pool == VARIANT_QUOTA:
        return max(0, variant.presale_quota - variant.presale_sold)
    if pool == PRODUCT_QUOTA:
        return max(0, product.presale_quota - product.presale_sold)
    return max(0, variant.stock)


def presale_date(variant: Variant, product: Product) -> date | None:
    """When the variant ships on pre-sale: its own date, else its product's; None when it is not on pre-sale."""
    return variant.presale_ships_at or product.presale_ships_at


# The product list's summary -------------------------------------------------------------------


def refresh_products(session: Session, shop_id: int, product_ids: Iterable[int]) -> None:
    """Recompute each product's min_price and in_stock from its variants (and its pre-sale quota).

    The product rows are locked first, in id order, and the summary computed by a second statement:
    on PostgreSQL a statement sees what was committed when it started, so computed after the lock
    it sees every change of whoever held the lock before (each of whom refreshed under it too), and
    the last refresh is always right. A move that leaves a variant neither empty nor refilled cannot
    change the summary, which is why only those call this.
    """
    ids = sorted(set(product_ids))
    for start in range(0, len(ids), REFRESH_BATCH):
        batch = ids[start:start + REFRESH_BATCH]
        session.exec(
            select(Product.id).where(Product.shop_id == shop_id, Product.id.in_(batch))
            .order_by(Product.id).with_for_update()
        ).all()
        session.exec(
            update(Product).where(Product.shop_id == shop_id, Product.id.in_(batch))
            .values(**summary_values()).execution_options(synchronize_session=False)
        )
    for product_id in ids:
        loaded = session.identity_map.get(identity_key(Product, product_id))
        if loaded is not None:
            session.expire(loaded, ["min_price", "in_stock"])


def summary_values() -> dict:
    """min_price and in_stock as SQL over the product's variants, for an UPDATE of product
    (also the migration's backfill): the rule of `available`, in SQL."""
    for_sale = and_(Variant.shop_id == Product.shop_id, Variant.product_id == Product.id, Variant.enabled.is_(True))
    can_buy = case(
        (Variant.presale_quota.is_not(None), Variant.presale_quota > Variant.presale_sold),
        (Product.presale_quota.is_not(None), Product.presale_quota > Product.presale_sold),
        else_=Variant.stock > 0,
    )
    return {
        "min_price": select(func.min(Variant.price)).where(for_sale).correlate(Product).scalar_subquery(),
        "in_stock": select(Variant.id).where(for_sale, can_buy).correlate(Product).exists(),
    }


def low_stock(
    session: Session, shop_id: int, threshold: int | None = None, page: int = 1, per_page: int = 50,
) -> tuple[list[dict], int]:
    """Enabled variants of live (not archived) products with at most `threshold` units (the
    shop's own low_stock_threshold unless given), emptiest first."""
    if threshold is None:
        threshold = session.exec(select(Shop.low_stock_threshold).where(Shop.id == shop_id)).one()
    per_page = page_size(per_page)
    page = max(1, page)
    conditions = (
        Variant.shop_id == shop_id,
        Variant.enabled.is_(True),
        Variant.stock <= threshold,
        Product.status != "archived",
    )
    base = select(Variant, Product.title).join(Product, Product.id == Variant.product_id).where(*conditions)
    total = session.exec(
        select(func.count()).select_from(Variant).join(Product, Product.id == Variant.product_id).where(*conditions)
    ).one()
    rows = session.exec(base.order_by(Variant.stock, Variant.id).offset(page_start(page, per_page)).limit(per_page)).all()
    items = [
        {
            "variant_id": variant.id, "product_id": variant.product_id, "title": title, "sku": variant.sku,
            "option_values": variant.option_values, "stock": variant.stock,
        }
        for variant, title in rows
    ]
    return items, total
