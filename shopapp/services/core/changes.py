"""What this process has written that every shopper sees: a counter per shop, moved by each write to a table a
storefront page shows, so what a worker remembers for all its shoppers (a product page's blocks) is never older
than a write the same worker made. Another worker's write reaches it when its remembered copy runs out (a
second), as for the shop's public fields and published design (services/shops).

Counted without being called: every ORM row flushed to a shown table moves its shop's counter, and a bulk
UPDATE/INSERT/DELETE statement on such a table (a stock move, a coupon's issued count) moves every shop's,
because its shop is inside the statement's WHERE, not worth compiling to find. SQL written as text moves
nothing: its service calls `note` itself (the inventory ledger's stock move on PostgreSQL)."""

from __future__ import annotations

from itertools import chain

from sqlalchemy import event
from sqlalchemy.orm import Session

# The tables a storefront page shows (a product, its stock, pictures, reviews, and the activities and
# coupons on it). A block that shows another table adds it here.
SHOWN = frozenset({
    "product", "variant", "product_image", "category", "product_category", "review", "review_photo",
    "promotion", "coupon", "bargain", "group_buy", "group_buy_group", "flash_sale", "recommendation",
})

_by_shop: dict[int, int] = {}
_every_shop = [0]


def stamp(shop_id: int) -> tuple[int, int]:
    """Take it before reading: a value read under an older stamp than the current one is stale."""
    return _every_shop[0], _by_shop.get(shop_id, 0)


def touch(shop_id: int | None = None) -> None:
    """A shop's shown data changed here (every shop's with none named)."""
    if shop_id is None:
        _every_shop[0] += 1
    else:
        _by_shop[shop_id] = _by_shop.get(shop_id, 0) + 1


def _shop_of_shown(row) -> int | None:
    table = getattr(row, "__tablename__", None)
    return getattr(row, "shop_id", None) if table in SHOWN else None


def note(session: Session, shop_id: int) -> None:
    """A write in `session` changed a shop's shown data: the counter moves now and again at the commit (a
    reader between the two saw the old rows)."""
    touch(shop_id)
    session.info.setdefault("shops_changed", set()).add(shop_id)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context) -> None:
    for shop_id in {shop for shop in map(_shop_of_shown, chain(session.new, session.dirty, session.deleted)) if shop is not None}:
        note(session, shop_id)


@event.listens_for(Session, "do_orm_execute")
def _on_statement(state) -> None:
    if state.is_update or state.is_insert or state.is_delete:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) in SHOWN:
            touch()
            state.session.info["every_shop_changed"] = True


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    for shop_id in session.info.pop("shops_changed", ()):
        touch(shop_id)
    if session.info.pop("every_shop_changed", False):
        touch()


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop("shops_changed", None)  # moved at the flush already; nothing more to tell
    session.info.pop("every_shop_changed", None)
