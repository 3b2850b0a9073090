"""The console's order list and the shopper's order history: filters, search, pages and cursors."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, or_, tuple_
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from shopapp.models import Order, OrderItem
from shopapp.services.core.clock import start_of_day
from shopapp.services.core.errors import require_fields
from shopapp.services.core.paging import page_size, page_start
from shopapp.services.core.permissions import Actor, require
from shopapp.services.customers import shoppers
from shopapp.services.orders.state import STATUSES
from shopapp.services.orders.views import order_summary

# The order list's search finds a fragment anywhere in these. A shorter query than MIN_FRAGMENT
# characters must start one of them instead: PostgreSQL's trigram index needs three characters
# to find a fragment, and one or two characters anywhere match most orders anyway ("8" is in
# nearly every phone number). Two-character names (李四) are still found, as names start with
# the surname.
SEARCH_COLUMNS = ("order_no", "email", "recipient_name", "recipient_phone")
MIN_FRAGMENT = 3
# A search matching at most this many orders is counted and paged from one read of its matches.
FEW_MATCHES = 1000
# A search's total stops here ("10 000 or more"), as the product search's does (search.MAX_COUNTED):
# counting all 100 000 orders that hold "example" means testing each, and nobody pages that far.
MAX_COUNTED = 10_000
# On PostgreSQL each searched column has a trigram index (pg_trgm), so a fragment is found without
# reading every order of the shop. Raw SQL: no model can say `gin_trgm_ops`, and SQLite has no
# such index (its shops are small enough to read). The migration 1a2b3c4d5e6f holds its own
# copy; keep the two in step.
SEARCH_INDEXES = tuple(f"ix_order_{column}_trgm" for column in SEARCH_COLUMNS)
POSTGRESQL_SEARCH_OBJECTS = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    *(f'CREATE INDEX IF NOT EXISTS ix_order_{column}_trgm ON "order" USING gin ({column} gin_trgm_ops)'
      for column in SEARCH_COLUMNS),
)


def customer_orders(session: Session, shop_id: int, customer_token: str, *, page: int = 1, per_page: int = 20) -> tuple[list[dict], int]:
    """The logged-in shopper's order history, newest first."""
    customer = shoppers.customer_for_token(session, shop_id, customer_token)
    conditions = [Order.shop_id == shop_id, Order.customer_id == customer.id]
    per_page = page_size(per_page)
    rows, total = _page_from_index(session, conditions, None, page_start(page, per_page), per_page)
    return _summaries(session, shop_id, rows), total


def list_orders(
    session: Session, actor: Actor, *, status: str | None = None, q: str | None = None,
    created_from: date | datetime | None = None, created_to: date | datetime | None = None,
    page: int = 1, per_page: int = 50, after: str | None = None,
) -> tuple[list[dict], int]:
    """One page of order summaries, newest first, and how many match in all.

    `q` finds a fragment of an order number, e-mail, recipient or phone (a query of one or two
    characters the start of one: see MIN_FRAGMENT); a date in the date filters means that whole
    day in China time (`created_to` includes its day). `after`, a cursor from `next_after`, starts
    the page just after that order instead of at `page`: walking the cursors meets every order
    exactly once, even while new orders arrive.
    """
    require(actor, "view_orders")
    errors: dict[str, str] = {}
    if status and status not in STATUSES:
        errors["status"] = "order_status_invalid"
    start, end = _moment(created_from, errors, "created_from"), _moment(created_to, errors, "created_to", end=True)
    position = _cursor_position(after, errors)
    require_fields(errors)
    conditions = [Order.shop_id == actor.shop_id]
    if status:
        conditions.append(Order.status == status)
    if start:
        conditions.append(Order.created_at >= start)
    if end:
        conditions.append(Order.created_at < end)
    per_page = page_size(per_page)
    offset = page_start(page, per_page)
    found = None
    if q and q.strip():
        conditions.append(_matching(q.strip()))
        _plan_each_search(session)
        found = _few_matches(session, conditions, position, offset, per_page)
    count_at_most = MAX_COUNTED if found is None and q and q.strip() else None
    rows, total = found or _page_from_index(session, conditions, position, offset, per_page, count_at_most)
    return _summaries(session, actor.shop_id, rows), total


def next_after(items: list[dict], per_page: int = 50) -> str | None:
    """The cursor (`after`) of the page that follows these summaries from `list_orders` asked with
    `per_page`; None when they were the last page (not a full one)."""
    if not items or len(items) < page_size(per_page):
        return None
    last = items[-1]
    text = f"{last['created_at'].isoformat()}|{last['id']}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def ensure_search_indexes(engine: Engine) -> None:
    """Make the order search's trigram indexes where they are missing (PostgreSQL only): on a
    database built by `SQLModel.metadata.create_all`, as the test suite's is."""
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as connection:
        for statement in POSTGRESQL_SEARCH_OBJECTS:
            connection.exec_driver_sql(statement)


def _matching(text: str):
    """Orders whose number, e-mail, recipient or phone hold the text, in any case; a text shorter
    than MIN_FRAGMENT must start one of them."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%" if len(text) >= MIN_FRAGMENT else f"{escaped}%"
    # ILIKE on PostgreSQL (what its trigram indexes serve), lower() LIKE lower() on SQLite.
    return or_(*(getattr(Order, column).ilike(pattern, escape="\\") for column in SEARCH_COLUMNS))


def _page_from_index(
    session: Session, conditions: list, position: tuple[datetime, int] | None, offset: int, per_page: int,
    count_at_most: int | None = None,
) -> tuple[list[Order], int]:
    """The page's orders and how many match (at most `count_at_most`). Without a search PostgreSQL
    counts in the index (shop_id, [status,] created_at, id) alone, and the page is a deferred join:
    its ids are read from that index, skipping the offset there (page 1 000 skips 50 000 index
    entries, not 50 000 orders), and only then the page's own orders."""
    if count_at_most is None:
        total = session.exec(select(func.count()).select_from(Order).where(*conditions)).one()
    else:
        matches = select(Order.id).where(*conditions).limit(count_at_most).subquery("matches")
        total = session.exec(select(func.count()).select_from(matches)).one()
    newest_first = (Order.created_at.desc(), Order.id.desc())
    page_ids = select(Order.id).where(*conditions).order_by(*newest_first).limit(per_page)
    if position:
        page_ids = page_ids.where(tuple_(Order.created_at, Order.id) < position)
    else:
        page_ids = page_ids.offset(offset)
    page_ids = page_ids.subquery("page_ids")
    rows = session.exec(select(Order).join(page_ids, Order.id == page_ids.c.id).order_by(*newest_first)).all()
    return list(rows), total


def _few_matches(
    session: Session, conditions: list, position: tuple[datetime, int] | None, offset: int, per_page: int,
) -> tuple[list[Order], int] | None:
    """A search's page of orders and how many match, from one read of its matches (the trigram
    indexes are the costly part: counting and paging apart would read them twice); None when it
    matches more than FEW_MATCHES orders, which _page_from_index pages better."""
    hits = session.exec(select(Order.created_at, Order.id).where(*conditions).limit(FEW_MATCHES + 1)).all()
    if len(hits) > FEW_MATCHES:
        return None
    newest_first = sorted(((created_at, order_id) for created_at, order_id in hits), reverse=True)
    following = [hit for hit in newest_first if hit < position] if position else newest_first[offset:]
    page_ids = [order_id for _, order_id in following[:per_page]]
    by_id = {o.id: o for o in session.exec(select(Order).where(Order.id.in_(page_ids))).all()} if page_ids else {}
    return [by_id[order_id] for order_id in page_ids], len(hits)


def _cursor_position(after: str | None, errors: dict[str, str]) -> tuple[datetime, int] | None:
    """(created_at, id) of the order a cursor from `next_after` points at."""
    if not after:
        return None
    try:
        text = base64.urlsafe_b64decode(after + "=" * (-len(after) % 4)).decode()
        moment, order_id = text.split("|")
        position = datetime.fromisoformat(moment), int(order_id)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        errors["after"] = "cursor_invalid"
        return None
    if position[0].tzinfo is None:
        errors["after"] = "cursor_invalid"
        return None
    return position


def _plan_each_search(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        # psycopg prepares a statement after five runs; PostgreSQL may then plan it once for every
        # search, but the best plan depends on the words: "王小明" is found through the trigram
        # indexes, "example" (in every e-mail) by reading the shop's orders.
        session.connection().exec_driver_sql("SET LOCAL plan_cache_mode = force_custom_plan")


def _summaries(session: Session, shop_id: int, rows: list[Order]) -> list[dict]:
    counts = _item_counts(session, shop_id, [o.id for o in rows])
    return [order_summary(order, counts.get(order.id, 0)) for order in rows]


def _item_counts(session: Session, shop_id: int, order_ids: list[int]) -> dict[int, int]:
    if not order_ids:
        return {}
    rows = session.exec(
        select(OrderItem.order_id, func.sum(OrderItem.qty))
        .where(OrderItem.shop_id == shop_id, OrderItem.order_id.in_(order_ids)).group_by(OrderItem.order_id)
    ).all()
    return {order_id: int(qty) for order_id, qty in rows}


def _moment(value, errors: dict[str, str], field: str, *, end: bool = False) -> datetime | None:
    """A filter bound as an aware datetime: dates are whole China-time days, naive times are UTC."""
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            text = value.strip().replace("Z", "+00:00")
            value = date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
        except ValueError:
            errors[field] = "date_invalid"
            return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        day = value + timedelta(days=1) if end else value
        return start_of_day(day)
    errors[field] = "date_invalid"
    return None
