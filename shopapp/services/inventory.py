"""Variant stock and its ledger: the only code that changes Variant.stock."""

from __future__ import annotations

from sqlalchemy import case, delete, func, insert, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key
from sqlmodel import Session, select

from shopapp.models import Product, StockMove, StockNotification, Variant
from shopapp.models.base import utcnow
from shopapp.services.errors import Conflict, Invalid, NotFound, require_fields
from shopapp.services.permissions import Actor, require

# PostgreSQL's INTEGER stops at 2,147,483,647; staying well below it keeps every sum in range.
MAX_STOCK = 1_000_000_000
MAX_PER_PAGE = 250


def adjust_stock(session: Session, actor_label: str, shop_id: int, variant_id: int, delta: int, reason: str) -> int:
    """Add (or, negative, take) `delta` units; returns the new stock. Never goes below zero.

    A caller moving several variants in one transaction goes in variant-id order, so two
    checkouts wait for each other instead of deadlocking.
    """
    _check_move(delta, reason, "delta")
    if delta == 0:
        return _current_stock(session, shop_id, variant_id)
    # One conditional statement: the database checks and changes the row under its own lock,
    # so two checkouts can never both take the last unit (PostgreSQL re-checks the WHERE
    # after waiting for the row; SQLite lets one writer in at a time).
    after = session.exec(
        update(Variant)
        .where(
            Variant.id == variant_id,
            Variant.shop_id == shop_id,
            Variant.stock + delta >= 0,
            Variant.stock + delta <= MAX_STOCK,
        )
        .values(stock=Variant.stock + delta)
        .returning(Variant.stock)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if after is None:
        current = _current_stock(session, shop_id, variant_id)
        if current + delta > MAX_STOCK:
            raise Invalid(fields={"delta": "stock_too_large"})
        raise Conflict("insufficient_stock", available=current)
    _record(session, actor_label, shop_id, variant_id, before=after - delta, after=after, reason=reason)
    return after


def set_stock(session: Session, actor_label: str, shop_id: int, variant_id: int, value: int, reason: str) -> int:
    """Make the stock exactly `value` (a stocktake); the ledger records the difference."""
    _check_move(value, reason, "stock")
    if value < 0:
        raise Invalid(fields={"stock": "stock_negative"})
    # FOR UPDATE holds the row until commit, so no sale can slip in between the read
    # and the write and be lost from the ledger (SQLite's BEGIN IMMEDIATE already does).
    before = _current_stock(session, shop_id, variant_id, lock=True)
    if before == value:
        return value
    session.exec(
        update(Variant).where(Variant.id == variant_id, Variant.shop_id == shop_id)
        .values(stock=value).execution_options(synchronize_session=False)
    )
    _record(session, actor_label, shop_id, variant_id, before=before, after=value, reason=reason)
    return value


def stock_new_variants(session: Session, actor_label: str, shop_id: int, stock: dict[int, int], reason: str) -> None:
    """The first stock of variants created in this transaction (variant id -> units), in one statement.

    Nobody can have asked to hear about a variant that did not exist, so no back-in-stock alert is due.
    """
    for value in stock.values():
        _check_move(value, reason, "stock")
        if value < 0:
            raise Invalid(fields={"stock": "stock_negative"})
    changes = {variant_id: units for variant_id, units in stock.items() if units}
    ids = list(changes)
    # One statement per thousand variants: row-by-row updates cost a round trip each on PostgreSQL.
    for start in range(0, len(ids), 1000):
        batch = ids[start:start + 1000]
        session.exec(
            update(Variant)
            .where(Variant.id.in_(batch), Variant.shop_id == shop_id, Variant.stock == 0)
            .values(stock=case({variant_id: changes[variant_id] for variant_id in batch}, value=Variant.id))
            .execution_options(synchronize_session=False)
        )
    if changes:
        session.execute(insert(StockMove), [
            {"shop_id": shop_id, "variant_id": variant_id, "delta": units, "before": 0, "after": units,
             "reason": reason.strip(), "actor": (actor_label or "")[:100], "created_at": utcnow()}
            for variant_id, units in changes.items()
        ])
    for variant_id, units in changes.items():
        loaded = session.identity_map.get(identity_key(Variant, variant_id))
        if loaded is not None:
            set_committed_value(loaded, "stock", units)


def adjust_stock_as(
    session: Session, actor: Actor, variant_id: int, *, reason: str,
    delta: int | None = None, set_to: int | None = None,
) -> int:
    """The console's and the API's door: `delta` or `set_to`, exactly one, by someone who manages the catalog."""
    require(actor, "manage_catalog")
    if (delta is None) == (set_to is None):
        raise Invalid(fields={"delta": "delta_or_set"})
    if delta is not None:
        return adjust_stock(session, actor.label, actor.shop_id, variant_id, delta, reason)
    return set_stock(session, actor.label, actor.shop_id, variant_id, set_to, reason)


def low_stock(
    session: Session, shop_id: int, threshold: int = 5, page: int = 1, per_page: int = 50,
) -> tuple[list[dict], int]:
    """Enabled variants of live (not archived) products with at most `threshold` units, emptiest first."""
    per_page = max(1, min(per_page, MAX_PER_PAGE))
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
    rows = session.exec(base.order_by(Variant.stock, Variant.id).offset((page - 1) * per_page).limit(per_page)).all()
    items = [
        {
            "variant_id": variant.id, "product_id": variant.product_id, "title": title, "sku": variant.sku,
            "option_values": variant.option_values, "stock": variant.stock,
        }
        for variant, title in rows
    ]
    return items, total


def stock_moves(session: Session, shop_id: int, variant_id: int, limit: int = 50) -> list[dict]:
    """A variant's ledger, newest first."""
    rows = session.exec(
        select(StockMove).where(StockMove.shop_id == shop_id, StockMove.variant_id == variant_id)
        .order_by(StockMove.id.desc()).limit(max(1, min(limit, MAX_PER_PAGE)))
    ).all()
    return [
        {"id": m.id, "delta": m.delta, "before": m.before, "after": m.after, "reason": m.reason,
         "actor": m.actor, "created_at": m.created_at}
        for m in rows
    ]


def forget_variants(session: Session, shop_id: int, variant_ids: list[int]) -> None:
    """Drop the ledger and back-in-stock registrations of variants being deleted (their rows point at them)."""
    if variant_ids:
        session.exec(delete(StockMove).where(StockMove.shop_id == shop_id, StockMove.variant_id.in_(variant_ids)))
        session.exec(delete(StockNotification).where(
            StockNotification.shop_id == shop_id, StockNotification.variant_id.in_(variant_ids)
        ))


def _check_move(amount: int, reason: str, field: str) -> None:
    errors: dict[str, str] = {}
    if not isinstance(amount, int) or isinstance(amount, bool):
        errors[field] = "must_be_whole_number"
    elif abs(amount) > MAX_STOCK:
        errors[field] = "stock_too_large"
    if not isinstance(reason, str) or not reason.strip():
        errors["reason"] = "required"
    elif len(reason.strip()) > 200:
        errors["reason"] = "too_long"
    require_fields(errors)


def _current_stock(session: Session, shop_id: int, variant_id: int, *, lock: bool = False) -> int:
    query = select(Variant.stock).where(Variant.id == variant_id, Variant.shop_id == shop_id)
    stock = session.exec(query.with_for_update() if lock else query).first()
    if stock is None:
        raise NotFound()
    return stock


def _record(
    session: Session, actor_label: str, shop_id: int, variant_id: int, *, before: int, after: int, reason: str,
) -> None:
    session.add(StockMove(
        shop_id=shop_id, variant_id=variant_id, delta=after - before, before=before, after=after,
        reason=reason.strip(), actor=(actor_label or "")[:100],
    ))
    # The UPDATE went around the ORM: a Variant already loaded in this session must show the new stock too.
    loaded = session.identity_map.get(identity_key(Variant, variant_id))
    if loaded is not None:
        set_committed_value(loaded, "stock", after)
    if before == 0 < after:
        from shopapp.services import stock_alerts  # stock_alerts reads variants; imported here to keep inventory first

        stock_alerts.variant_restocked(session, shop_id, variant_id)
