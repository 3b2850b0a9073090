"""Bulk edits from the console's product list: many products, one action, all or nothing."""

from __future__ import annotations

from sqlmodel import Session, select

from shopapp.models import Product, Variant
from shopapp.models.base import utcnow
from shopapp.services.catalog import search
from shopapp.services.catalog.products import MAX_AMOUNT
from shopapp.services.catalog.views import STATUSES
from shopapp.services.core.errors import Invalid, require_fields
from shopapp.services.core.money import change_by_percent
from shopapp.services.core.permissions import Actor, require
from shopapp.services.inventory import availability, ledger

ACTIONS = ("set_status", "price_by_amount", "price_by_percent", "set_stock", "add_tag")
MAX_PRODUCTS = 500


def bulk_edit(session: Session, actor: Actor, product_ids: list[int], action: str, value: str | int) -> int:
    """Apply one action to the chosen products; returns how many products changed.

    Amounts are in 分 (price_by_amount may be negative); percent may be negative (a discount).
    Nothing is saved when any product would end up invalid (e.g. a price below zero).
    """
    require(actor, "manage_catalog")
    if action not in ACTIONS:
        require_fields({"action": "invalid"})
    if not product_ids:
        require_fields({"product_ids": "required"})
    if len(product_ids) > MAX_PRODUCTS:
        require_fields({"product_ids": "too_many"})
    products = session.exec(
        select(Product).where(Product.shop_id == actor.shop_id, Product.id.in_(product_ids)).order_by(Product.id)
    ).all()
    if not products:
        require_fields({"product_ids": "required"})
    if action in ("set_status", "add_tag"):
        _edit_products(session, products, action, str(value).strip())
        if action == "add_tag":
            session.flush()
            # Tags are in the search documents (a status follows by a trigger).
            search.index_products(session, actor.shop_id, [product.id for product in products])
    else:
        _edit_variants(session, actor, products, action, _number(value))
    return len(products)


def _edit_products(session: Session, products: list[Product], action: str, value: str) -> None:
    if action == "set_status" and value not in STATUSES:
        require_fields({"value": "status_invalid"})
    if action == "add_tag" and not 0 < len(value) <= 30:
        require_fields({"value": "required" if not value else "too_long"})
    for product in products:
        if action == "set_status":
            product.status = value
        elif value not in product.tags:
            product.tags = [*product.tags, value]
        product.updated_at = utcnow()
        session.add(product)


def _edit_variants(session: Session, actor: Actor, products: list[Product], action: str, value: int | float) -> None:
    variants = session.exec(
        select(Variant).where(Variant.shop_id == actor.shop_id, Variant.product_id.in_([p.id for p in products]))
        .order_by(Variant.product_id, Variant.id)
    ).all()
    prices: dict[int, int] = {}
    if action == "set_stock":
        if value < 0 or value != int(value):
            require_fields({"value": "must_not_be_negative"})
    else:
        prices = {v.id: _new_price(v.price, action, value) for v in variants}
        if any(price < 0 for price in prices.values()):
            require_fields({"value": "price_negative"})
        if any(price > MAX_AMOUNT for price in prices.values()):
            require_fields({"value": "number_too_large"})
    # Product by product, its variants before its row: the lock order of checkouts (services/inventory.py),
    # so a bulk edit and a checkout never deadlock.
    by_product: dict[int, list[Variant]] = {}
    for variant in variants:
        by_product.setdefault(variant.product_id, []).append(variant)
    for product in products:
        ledger.lock_variants(session, actor.shop_id, product.id)
        for variant in by_product.get(product.id, []):
            if action == "set_stock":
                ledger.set_stock(session, actor.label, actor.shop_id, variant.id, int(value), "bulk edit")
            else:
                variant.price = prices[variant.id]
                session.add(variant)
        session.flush()
        product.updated_at = utcnow()
        session.add(product)
        session.flush()
        availability.refresh_products(session, actor.shop_id, [product.id])


def _new_price(price: int, action: str, value: int | float) -> int:
    return price + int(value) if action == "price_by_amount" else change_by_percent(price, value)


def _number(value) -> int | float:
    try:
        number = float(str(value).strip())
    except ValueError:
        raise Invalid(fields={"value": "must_be_number"}) from None
    return int(number) if number == int(number) else number
