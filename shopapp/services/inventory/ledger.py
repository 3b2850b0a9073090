"""Stock and pre-sale quotas with their ledger: the only code that changes Variant.stock or a presale_sold count.

Where a sale comes from: a variant sells from its own pre-sale quota when it has one, else from
its product's, else from stock (models/catalog.py explains the pre-sale model). Every change is one
conditional UPDATE (`... WHERE stock + delta >= 0`, `... WHERE presale_sold + qty <= presale_quota`):
the database checks and changes the row under its own lock, so two checkouts can never both take
the last unit (PostgreSQL re-checks the WHERE after waiting for the row; SQLite lets one writer in
at a time). Every change writes a ledger row (StockMove); for a quota, before/after are the places
left in it (quota minus sold).

Each product keeps a summary of its variants for the product list (min_price, in_stock):
refresh_products recomputes it, and every move that empties or refills a variant calls it.

Lock order, so two writers never wait for each other in a circle (a deadlock): product by product
in product-id order, and within a product its variants (in id order) before the product row.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NoReturn

from sqlalchemy import case, delete, func, insert, text, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key
from sqlmodel import Session, select

from shopapp.models import ApiKey, Product, StockMove, StockNotification, User, Variant
from shopapp.models.base import utcnow
from shopapp.services.core.changes import note as note_shown_change
from shopapp.services.core.errors import Conflict, Invalid, NotFound, require_fields
from shopapp.services.core.paging import page_size, page_start
from shopapp.services.core.permissions import Actor, require, shop_row
from shopapp.services.inventory import stock_alerts
from shopapp.services.inventory.availability import PRODUCT_QUOTA, STOCK, VARIANT_QUOTA, refresh_products, sells_from

# PostgreSQL's INTEGER stops at 2,147,483,647; staying well below it keeps every sum in range.
MAX_STOCK = 1_000_000_000


# Stock ----------------------------------------------------------------------------------------


def adjust_stock(session: Session, actor_label: str, shop_id: int, variant_id: int, delta: int, reason: str) -> int:
    """Add (or, negative, take) `delta` units; returns the new stock. Never goes below zero."""
    _check_move(delta, reason, "delta")
    if delta == 0:
        return _current_stock(session, shop_id, variant_id)[0]
    after, product_id = _move_stock(session, actor_label, shop_id, variant_id, delta, reason)
    if _emptied_or_refilled(after - delta, after):
        refresh_products(session, shop_id, [product_id])
    return after


def set_stock(session: Session, actor_label: str, shop_id: int, variant_id: int, value: int, reason: str) -> int:
    """Make the stock exactly `value` (a stocktake); the ledger records the difference."""
    _check_move(value, reason, "stock")
    if value < 0:
        raise Invalid(fields={"stock": "stock_negative"})
    # FOR UPDATE holds the row until commit, so no sale can slip in between the read
    # and the write and be lost from the ledger (SQLite's BEGIN IMMEDIATE already does).
    before, product_id = _current_stock(session, shop_id, variant_id, lock=True)
    if before == value:
        return value
    session.exec(
        update(Variant).where(Variant.id == variant_id, Variant.shop_id == shop_id)
        .values(stock=value).execution_options(synchronize_session=False)
    )
    _record(session, actor_label, shop_id, variant_id, before=before, after=value, reason=reason)
    if _emptied_or_refilled(before, value):
        refresh_products(session, shop_id, [product_id])
    return value


def stock_new_variants(session: Session, actor_label: str, shop_id: int, stock: dict[int, int], reason: str) -> None:
    """The first stock of variants created in this transaction (variant id -> units), in one statement.

    Nobody can have asked to hear about a variant that did not exist, so no back-in-stock alert is due.
    The caller refreshes the products' summaries once it has made them all (catalog does).
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
             "pool": STOCK, "reason": reason.strip(), "actor": (actor_label or "")[:100], "created_at": utcnow()}
            for variant_id, units in changes.items()
        ])
    for variant_id, units in changes.items():
        loaded = session.identity_map.get(identity_key(Variant, variant_id))
        if loaded is not None:
            set_committed_value(loaded, "stock", units)


# Orders: taking units and giving them back ----------------------------------------------------


def take_for_order(
    session: Session, actor_label: str, shop_id: int, lines: Iterable[tuple[int, int]], reason: str,
    *, loaded: Iterable[tuple[Variant, Product]] = (),
) -> dict[int, str]:
    """Take each (variant_id, qty) from where the variant sells; returns variant id -> the pool
    it came from (STOCK, VARIANT_QUOTA or PRODUCT_QUOTA), for the order items to remember.

    `loaded`: the variants with their products as the caller read them in this transaction (a checkout's
    cart lines), not read again. Where a variant sells from is all that is taken from them: the units
    themselves are checked by the conditional UPDATE.

    The first line that cannot be had raises Conflict("insufficient_stock", variant_id=...,
    available=...); what was taken before it stays taken, so the caller runs this inside a
    savepoint (checkout does) and nothing is kept.
    """
    wanted = _merged(lines)
    for qty in wanted.values():
        _check_move(-qty, reason, "qty")
    known = {variant.id: (variant, product) for variant, product in loaded if variant.shop_id == shop_id}
    missing = [variant_id for variant_id in wanted if variant_id not in known]
    found = [known[variant_id] for variant_id in wanted if variant_id in known]
    found += _variants_and_products(session, shop_id, missing)
    if len(found) < len(wanted):
        raise NotFound()
    taken: dict[int, str] = {}
    for product, variants in _product_by_product(found):
        emptied = False
        # Its variants' rows first, the product's row (its quota, its summary) last: the lock order.
        for variant in sorted(variants, key=lambda v: (sells_from(v, product) == PRODUCT_QUOTA, v.id)):
            pool = sells_from(variant, product)
            qty = wanted[variant.id]
            try:
                if pool == STOCK:
                    after, _ = _move_stock(session, actor_label, shop_id, variant.id, -qty, reason)
                else:
                    after = _move_quota(session, actor_label, shop_id, pool, variant.id, product.id, -qty, reason)
            except Conflict as refused:
                raise Conflict("insufficient_stock", variant_id=variant.id, **refused.params) from None
            emptied |= after == 0
            taken[variant.id] = pool
        if emptied:
            refresh_products(session, shop_id, [product.id])
    return taken


def put_back_for_order(
    session: Session, actor_label: str, shop_id: int, lines: Iterable[tuple[int, int, int, str]], reason: str,
) -> list[tuple[int, int]]:
    """Give (variant_id, product_id, qty, pool) lines of an order back to where they were taken
    from; returns the (variant_id, qty) that could not go back: the variant was deleted since,
    or the pre-sale they came from has ended (its quota cleared)."""
    lines = [line for line in lines if line[2] > 0]
    for _, _, qty, _ in lines:
        _check_move(qty, reason, "qty")
    refused: list[tuple[int, int]] = []
    for product_id in sorted({line[1] for line in lines}):
        refilled = False
        # Its variants' rows first, the product's row (its quota, its summary) last: the lock order.
        mine = sorted(
            (line for line in lines if line[1] == product_id), key=lambda line: (line[3] == PRODUCT_QUOTA, line[0]),
        )
        for variant_id, _, qty, pool in mine:
            try:
                if pool == STOCK:
                    after, _ = _move_stock(session, actor_label, shop_id, variant_id, qty, reason)
                else:
                    after = _move_quota(session, actor_label, shop_id, pool, variant_id, product_id, qty, reason)
            except (NotFound, Conflict):
                refused.append((variant_id, qty))
                continue
            refilled |= after == qty
        if refilled:
            refresh_products(session, shop_id, [product_id])
    return refused


# Pre-sale quotas ------------------------------------------------------------------------------


def set_presale_quota(
    session: Session, actor_label: str, shop_id: int, product_id: int, quota: int | None, reason: str,
    *, variant_id: int | None = None, field: str = "presale.quota",
) -> None:
    """Set the quota of a product's pre-sale, or of a variant's own (`variant_id`); None ends
    that quota and its count. A quota never goes below the units already sold on it:
    Invalid({field: "presale_quota_below_sold"})."""
    if quota is not None:
        _check_move(quota, reason, field)
        if quota < 0:
            raise Invalid(fields={field: "must_not_be_negative"})
    table = Variant if variant_id is not None else Product
    row_id = variant_id if variant_id is not None else product_id
    # Locked like set_stock's read, so no sale slips in between the check and the write.
    current = session.exec(
        select(table.presale_quota, table.presale_sold)
        .where(table.id == row_id, table.shop_id == shop_id).with_for_update()
    ).first()
    if current is None:
        raise NotFound()
    old_quota, sold = current
    new_sold = sold if quota is not None else 0
    if quota is not None and quota < sold:
        raise Invalid(fields={field: "presale_quota_below_sold"})
    if (old_quota, sold) == (quota, new_sold):
        return
    session.exec(
        update(table).where(table.id == row_id, table.shop_id == shop_id)
        .values(presale_quota=quota, presale_sold=new_sold).execution_options(synchronize_session=False)
    )
    loaded = session.identity_map.get(identity_key(table, row_id))
    if loaded is not None:
        set_committed_value(loaded, "presale_quota", quota)
        set_committed_value(loaded, "presale_sold", new_sold)
    before = old_quota - sold if old_quota is not None else 0
    after = quota - new_sold if quota is not None else 0
    if before != after:
        _record(
            session, actor_label, shop_id, variant_id, before=before, after=after, reason=reason,
            pool=VARIANT_QUOTA if variant_id is not None else PRODUCT_QUOTA, product_id=product_id,
        )


def lock_variants(session: Session, shop_id: int, product_id: int) -> None:
    """Lock all of a product's variants, in id order, before changing several of them or the
    product's row: what follows (a refresh locking the product row in between) then never waits
    for a variant, and the lock order holds."""
    session.exec(
        select(Variant.id).where(Variant.shop_id == shop_id, Variant.product_id == product_id)
        .order_by(Variant.id).with_for_update()
    ).all()


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


def stock_history(
    session: Session, actor: Actor, product_id: int, page: int = 1, per_page: int = 20,
) -> tuple[list[dict], int]:
    """The ledger of one product, newest first: every move of its variants' stock and of its
    pre-sale places, with who made it (a person's e-mail, an API key's name, or what the platform
    did: "order:…", "system"), why, and the count before and after."""
    require(actor, "view_console")
    shop_row(session, Product, actor.shop_id, product_id)
    per_page, page = page_size(per_page), max(1, page)
    variants = {
        v.id: v for v in session.exec(select(Variant).where(Variant.shop_id == actor.shop_id, Variant.product_id == product_id))
    }
    mine = (StockMove.variant_id.in_(list(variants))) | (StockMove.variant_id.is_(None) & (StockMove.product_id == product_id))
    query = select(StockMove).where(StockMove.shop_id == actor.shop_id, mine)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    moves = session.exec(query.order_by(StockMove.id.desc()).offset(page_start(page, per_page)).limit(per_page)).all()
    who = _actor_names(session, actor.shop_id, {m.actor for m in moves})
    return [
        {
            "id": m.id, "variant_id": m.variant_id, "sku": variants[m.variant_id].sku if m.variant_id in variants else "",
            "option_values": variants[m.variant_id].option_values if m.variant_id in variants else [],
            "pool": m.pool, "delta": m.delta, "before": m.before, "after": m.after, "reason": m.reason,
            "actor": m.actor, "actor_name": who.get(m.actor, m.actor), "created_at": m.created_at,
        }
        for m in moves
    ], total


def _actor_names(session: Session, shop_id: int, labels: set[str]) -> dict[str, str]:
    """"user:3" -> their e-mail, "api_key:2" -> the key's name (the shop's own keys only)."""
    ids = {kind: [int(x.split(":", 1)[1]) for x in labels if x.startswith(kind + ":") and x.split(":", 1)[1].isdigit()]
           for kind in ("user", "api_key")}
    names = {f"user:{u.id}": u.email for u in session.exec(select(User).where(User.id.in_(ids["user"])))}
    names.update({f"api_key:{k.id}": k.name for k in session.exec(
        select(ApiKey).where(ApiKey.shop_id == shop_id, ApiKey.id.in_(ids["api_key"]))
    )})
    return names


def stock_moves(session: Session, shop_id: int, variant_id: int, limit: int = 50) -> list[dict]:
    """A variant's ledger, newest first: its stock moves and the pre-sale places it took or gave back."""
    rows = session.exec(
        select(StockMove).where(StockMove.shop_id == shop_id, StockMove.variant_id == variant_id)
        .order_by(StockMove.id.desc()).limit(page_size(limit))
    ).all()
    return [
        {"id": m.id, "pool": m.pool, "delta": m.delta, "before": m.before, "after": m.after, "reason": m.reason,
         "actor": m.actor, "created_at": m.created_at}
        for m in rows
    ]


def forget_variants(session: Session, shop_id: int, variant_ids: list[int], *, product_id: int | None = None) -> None:
    """Drop the ledger and back-in-stock registrations of variants being deleted (their rows point at
    them); with `product_id`, the whole product is going: its quota's ledger rows go too."""
    if product_id is not None:
        session.exec(delete(StockMove).where(StockMove.shop_id == shop_id, StockMove.product_id == product_id))
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


def _current_stock(session: Session, shop_id: int, variant_id: int, *, lock: bool = False) -> tuple[int, int]:
    """(stock, product id) of the variant."""
    query = select(Variant.stock, Variant.product_id).where(Variant.id == variant_id, Variant.shop_id == shop_id)
    found = session.exec(query.with_for_update() if lock else query).first()
    if found is None:
        raise NotFound()
    return found[0], found[1]


def _move_stock(
    session: Session, actor_label: str, shop_id: int, variant_id: int, delta: int, reason: str,
) -> tuple[int, int]:
    """The one conditional statement that moves stock; returns (stock after, product id)."""
    if session.get_bind().dialect.name == "postgresql":
        return _move_stock_and_record(session, actor_label, shop_id, variant_id, delta, reason)
    moved = session.exec(
        update(Variant)
        .where(
            Variant.id == variant_id,
            Variant.shop_id == shop_id,
            Variant.stock + delta >= 0,
            Variant.stock + delta <= MAX_STOCK,
        )
        .values(stock=Variant.stock + delta)
        .returning(Variant.stock, Variant.product_id)
        .execution_options(synchronize_session=False)
    ).first()
    if moved is None:
        _refuse_move(session, shop_id, variant_id, delta)
    after, product_id = moved
    _record(session, actor_label, shop_id, variant_id, before=after - delta, after=after, reason=reason)
    return after, product_id


def _refuse_move(session: Session, shop_id: int, variant_id: int, delta: int) -> NoReturn:
    """Why the conditional UPDATE moved nothing: too much stock, or not enough."""
    current, _ = _current_stock(session, shop_id, variant_id)
    if current + delta > MAX_STOCK:
        raise Invalid(fields={"delta": "stock_too_large"})
    raise Conflict("insufficient_stock", available=current)


# PostgreSQL: the conditional UPDATE and its ledger row in one statement (a data-modifying CTE), so one round
# trip instead of two while the row is locked: a checkout of the hot SKU holds it from here to its commit.
_MOVE_STOCK_AND_RECORD = text("""
    WITH moved AS (
        UPDATE variant SET stock = stock + :delta
        WHERE id = :variant_id AND shop_id = :shop_id AND stock + :delta >= 0 AND stock + :delta <= :max_stock
        RETURNING stock, product_id
    ), recorded AS (
        INSERT INTO stock_move (shop_id, variant_id, pool, product_id, delta, before, after, reason, actor, created_at)
        SELECT :shop_id, :variant_id, :pool, NULL, :delta, stock - :delta, stock, :reason, :actor, :at FROM moved
    )
    SELECT stock, product_id FROM moved
""")


def _move_stock_and_record(
    session: Session, actor_label: str, shop_id: int, variant_id: int, delta: int, reason: str,
) -> tuple[int, int]:
    """_move_stock on PostgreSQL: the same UPDATE and the same ledger row as _record writes, in one statement."""
    moved = session.execute(_MOVE_STOCK_AND_RECORD, {
        "delta": delta, "variant_id": variant_id, "shop_id": shop_id, "max_stock": MAX_STOCK, "pool": STOCK,
        "reason": reason.strip(), "actor": (actor_label or "")[:100], "at": utcnow(),
    }).first()
    if moved is None:
        _refuse_move(session, shop_id, variant_id, delta)
    note_shown_change(session, shop_id)  # text SQL: the statement hook cannot see its table
    after, product_id = moved
    _after_stock_move(session, shop_id, variant_id, before=after - delta, after=after)
    return after, product_id


def _move_quota(
    session: Session, actor_label: str, shop_id: int, pool: str, variant_id: int, product_id: int, delta: int,
    reason: str,
) -> int:
    """Take (negative `delta`) or give back places in a pre-sale quota; returns the places left.
    Conflict("insufficient_stock") when there are not enough places, or no quota any more."""
    table = Variant if pool == VARIANT_QUOTA else Product
    row_id = variant_id if pool == VARIANT_QUOTA else product_id
    sold = -delta
    left = session.exec(
        update(table)
        .where(
            table.id == row_id,
            table.shop_id == shop_id,
            table.presale_quota.is_not(None),
            table.presale_sold + sold >= 0,
            table.presale_sold + sold <= table.presale_quota,
        )
        .values(presale_sold=table.presale_sold + sold)
        .returning(table.presale_quota - table.presale_sold, table.presale_sold)
        .execution_options(synchronize_session=False)
    ).first()
    if left is None:
        current = session.exec(
            select(table.presale_quota - table.presale_sold).where(table.id == row_id, table.shop_id == shop_id)
        ).first()
        raise Conflict("insufficient_stock", available=max(0, current or 0))
    after, now_sold = left
    loaded = session.identity_map.get(identity_key(table, row_id))
    if loaded is not None:
        set_committed_value(loaded, "presale_sold", now_sold)
    # A product's quota is shared: its ledger row names the variant sold, when it still exists.
    if pool == PRODUCT_QUOTA and session.exec(select(Variant.id).where(Variant.id == variant_id)).first() is None:
        variant_id = None
    _record(
        session, actor_label, shop_id, variant_id, before=after - delta, after=after, reason=reason,
        pool=pool, product_id=product_id,
    )
    return after


def _record(
    session: Session, actor_label: str, shop_id: int, variant_id: int | None, *, before: int, after: int, reason: str,
    pool: str = STOCK, product_id: int | None = None,
) -> None:
    # A Core INSERT, not the session's unit of work: every checkout writes one, right after the hot row's UPDATE.
    session.execute(insert(StockMove).values(
        shop_id=shop_id, variant_id=variant_id, delta=after - before, before=before, after=after,
        reason=reason.strip(), actor=(actor_label or "")[:100], pool=pool, product_id=product_id, created_at=utcnow(),
    ))
    if pool == STOCK:
        _after_stock_move(session, shop_id, variant_id, before=before, after=after)


def _after_stock_move(session: Session, shop_id: int, variant_id: int, *, before: int, after: int) -> None:
    # The UPDATE went around the ORM: a Variant already loaded in this session must show the new stock too.
    loaded = session.identity_map.get(identity_key(Variant, variant_id))
    if loaded is not None:
        set_committed_value(loaded, "stock", after)
    if before == 0 < after:
        # Back in stock: the shoppers waiting for it are told (the alerts read availability, never the ledger).
        stock_alerts.variant_restocked(session, shop_id, variant_id)


def _emptied_or_refilled(before: int, after: int) -> bool:
    """Only a move to or from zero can change whether the product is in stock."""
    return (before > 0) != (after > 0)


def _merged(lines: Iterable[tuple[int, int]]) -> dict[int, int]:
    wanted: dict[int, int] = {}
    for variant_id, qty in lines:
        wanted[variant_id] = wanted.get(variant_id, 0) + qty
    return wanted


def _variants_and_products(session: Session, shop_id: int, variant_ids: list[int]) -> list[tuple[Variant, Product]]:
    if not variant_ids:
        return []
    return list(session.exec(
        select(Variant, Product).join(Product, Product.id == Variant.product_id)
        .where(Variant.shop_id == shop_id, Variant.id.in_(variant_ids))
    ).all())


def _product_by_product(found: list[tuple[Variant, Product]]) -> list[tuple[Product, list[Variant]]]:
    """The variants grouped by product, products in id order (the lock order)."""
    groups: dict[int, tuple[Product, list[Variant]]] = {}
    for variant, product in found:
        groups.setdefault(product.id, (product, []))[1].append(variant)
    return [groups[product_id] for product_id in sorted(groups)]
