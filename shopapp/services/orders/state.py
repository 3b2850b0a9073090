"""Orders after checkout: the state machine, cancelling and expiring unpaid orders, and the console's order list."""

from __future__ import annotations

import base64
import binascii
import hmac
import logging
import secrets
from datetime import UTC, date, datetime, time, timedelta, timezone

from sqlalchemy import func, or_, tuple_, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, select

from shopapp.models import Order, OrderEvent, OrderItem, Payment
from shopapp.models.base import utcnow
from shopapp.services.customers import shoppers
from shopapp.services.inventory import ledger
from shopapp.services.core.errors import Conflict, DomainError, Invalid, NotFound, require_fields
from shopapp.services.core.validation import checked_text
from shopapp.services.core.permissions import Actor, require, shop_row
from shopapp.services.core.tokens import token_hash

log = logging.getLogger(__name__)

STATUSES = (
    "pending_payment", "paid", "partially_shipped", "shipped", "delivered", "completed", "cancelled", "closed",
)
# The whole policy in one table: which status may follow which. "cancelled" ends an order
# that was never paid; "closed" ends a paid one whose money went back in full (refunds).
TRANSITIONS: dict[str, frozenset[str]] = {
    "pending_payment": frozenset({"paid", "cancelled"}),
    "paid": frozenset({"partially_shipped", "shipped", "completed", "closed"}),  # completed: virtual goods only
    "partially_shipped": frozenset({"shipped", "closed"}),
    "shipped": frozenset({"delivered", "completed", "closed"}),
    "delivered": frozenset({"completed", "closed"}),
    "completed": frozenset({"closed"}),
    "cancelled": frozenset(),
    "closed": frozenset(),
}
# What entering a status says about the money and the parcels (None keeps the current value),
# so financial_status and fulfillment_status can never disagree with status.
IMPLIES: dict[str, tuple[str | None, str | None]] = {
    "pending_payment": ("pending", "unfulfilled"),
    "paid": ("paid", "unfulfilled"),
    "partially_shipped": (None, "partially_shipped"),
    "shipped": (None, "shipped"),
    "delivered": (None, "delivered"),
    "completed": (None, None),
    "cancelled": ("voided", None),
    "closed": ("refunded", None),
}
FINANCIAL_STATUSES = ("pending", "paid", "voided", "partially_refunded", "refunded")
FULFILLMENT_STATUSES = ("unfulfilled", "partially_shipped", "shipped", "delivered")
# Order numbers, dates and date filters follow the shops' own clock (China has no daylight saving).
CHINA_TIME = timezone(timedelta(hours=8))
MAX_PER_PAGE = 250
MAX_REASON = 200
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
# Letters and digits nobody misreads on a phone call (no 0/O, 1/I).
_ORDER_NO_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def transition(session: Session, order: Order, to: str, actor: str, data: dict | None = None) -> Order:
    """Move the order to `to` if TRANSITIONS allows it, and write the event (who, when, why).

    The change is a compare-and-set on the status the order had when read, so when two
    workers race (a payment arriving as the order expires) exactly one of them wins;
    the loser gets Conflict("illegal_transition") and the order as it now is.
    """
    if to not in TRANSITIONS.get(order.status, frozenset()):
        raise Conflict("illegal_transition")
    now = utcnow()
    financial, fulfillment = IMPLIES[to]
    values: dict = {"status": to, "updated_at": now}
    if financial:
        values["financial_status"] = financial
    if fulfillment:
        values["fulfillment_status"] = fulfillment
    if to == "paid":
        values["paid_at"] = now
    if to == "cancelled":
        values["cancelled_at"] = now
    before = order.status
    changed = session.exec(
        update(Order).where(Order.id == order.id, Order.status == before).values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not changed:
        session.refresh(order)
        raise Conflict("illegal_transition")
    for name, value in values.items():
        set_committed_value(order, name, value)
    record_event(session, order, to, actor, {"from": before, **(data or {})})
    return order


def record_event(session: Session, order: Order, type_: str, actor: str, data: dict | None = None) -> OrderEvent:
    event = OrderEvent(order_id=order.id, shop_id=order.shop_id, type=type_, actor=actor[:100], data=data or {})
    session.add(event)
    return event


def add_note(session: Session, actor: Actor, order_id: int, text: str) -> OrderEvent:
    """An internal note on the order's timeline: staff see it, the shopper never does."""
    errors: dict[str, str] = {}
    text = checked_text(text, errors, "text", limit=1000, required=True)
    require_fields(errors)
    return record_event(session, get_order(session, actor, order_id), "note", actor.label, {"text": text})


def cancel_order(session: Session, actor: Actor, order_id: int, reason: str = "") -> Order:
    """Staff cancel an order not shipped yet; its stock goes back on sale. A paid one is refunded in full (closed)."""
    require(actor, "manage_orders")
    order = get_order(session, actor, order_id)
    if order.status != "pending_payment":
        from shopapp.services.orders import refunds  # refunds builds on this module

        return refunds.cancel_paid_order(session, actor, order, reason)
    return _cancel(session, order, actor.label, reason)


def cancel_my_order(session: Session, shop_id: int, order_no: str, token: str, reason: str = "") -> Order:
    """The shopper cancels their own unpaid order from its page."""
    return _cancel(session, shopper_order(session, shop_id, order_no, token), "shopper", reason)


def expire_unpaid_orders(session: Session, limit: int = 200) -> int:
    """The job: cancel orders whose payment did not arrive in time and release their stock.

    Safe with several workers: each cancellation is the status compare-and-set in
    `transition`, so only one worker (or the payment that just arrived) can win an order.
    """
    due = session.exec(
        select(Order).where(Order.status == "pending_payment", Order.expires_at <= utcnow())
        .order_by(Order.expires_at, Order.id).limit(limit)
    ).all()
    expired = 0
    for order in due:
        try:
            with session.begin_nested():
                _cancel(session, order, "system", "payment_timeout")
            expired += 1
        except Conflict:
            continue  # paid or cancelled a moment ago by someone else
        except Exception:  # noqa: BLE001 - one broken order must not stop the others from expiring
            log.exception("could not expire order %s", order.order_no)
    return expired


def get_order(session: Session, actor: Actor, order_id: int) -> Order:
    require(actor, "view_orders")
    return shop_row(session, Order, actor.shop_id, order_id)


def shopper_order(session: Session, shop_id: int, order_no: str, token: str) -> Order:
    """The order behind a shopper's link, or one in the account of the logged-in shopper whose
    token this is; a wrong token is not told apart from nothing (404)."""
    order = session.exec(
        select(Order).where(Order.order_no == (order_no or "").upper(), Order.shop_id == shop_id)
    ).first()
    if order is None:
        raise NotFound("order_not_found")
    if shoppers.is_customer_token(token):
        if not _in_account(session, order, token):
            raise NotFound("order_not_found")
    elif not hmac.compare_digest(order.token_hash, token_hash(token or "")):
        raise NotFound("order_not_found")
    return order


def customer_orders(session: Session, shop_id: int, customer_token: str, *, page: int = 1, per_page: int = 20) -> tuple[list[dict], int]:
    """The logged-in shopper's order history, newest first."""
    customer = shoppers.customer_for_token(session, shop_id, customer_token)
    conditions = [Order.shop_id == shop_id, Order.customer_id == customer.id]
    per_page = _page_size(per_page)
    rows, total = _page_from_index(session, conditions, None, (max(1, page) - 1) * per_page, per_page)
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
    per_page = _page_size(per_page)
    offset = (max(1, page) - 1) * per_page
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
    if not items or len(items) < _page_size(per_page):
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


def order_summary(order: Order, item_count: int) -> dict:
    """A row of the console's order list."""
    return {
        "id": order.id, "order_no": order.order_no, "status": order.status,
        "financial_status": order.financial_status, "fulfillment_status": order.fulfillment_status,
        "email": order.email, "recipient_name": order.recipient_name, "total": order.total,
        "currency": order.currency, "item_count": item_count, "presale": order.presale,
        "created_at": order.created_at,
    }


def order_dict(session: Session, order: Order) -> dict:
    """The order as API.md shows it to the shop's staff."""
    events = session.exec(
        select(OrderEvent).where(OrderEvent.order_id == order.id).order_by(OrderEvent.id)
    ).all()
    payments = session.exec(select(Payment).where(Payment.order_id == order.id).order_by(Payment.id)).all()
    return {
        **_order_fields(order),
        "id": order.id,
        "items": [item_dict(item) for item in order_items(session, order)],
        "note": order.note,
        "payments": [
            {"id": p.id, "provider": p.provider, "status": p.status, "amount": p.amount,
             "refunded_amount": p.refunded_amount, "provider_reference": p.provider_reference,
             "created_at": p.created_at}
            for p in payments
        ],
        "shipments": _shipments(session, order),
        "events": [{"type": e.type, "at": e.at, "actor": e.actor, "data": e.data} for e in events],
    }


def shopper_order_dict(session: Session, order: Order) -> dict:
    """The order as its shopper sees it: no staff names, no internal notes."""
    events = session.exec(
        select(OrderEvent.type, OrderEvent.at).where(OrderEvent.order_id == order.id).order_by(OrderEvent.id)
    ).all()
    return {
        **_order_fields(order),
        "items": [item_dict(item) for item in order_items(session, order)],
        "note": order.note,
        "shipments": _shipments(session, order),
        "timeline": [{"type": type_, "at": at} for type_, at in events if type_ in _SHOPPER_EVENTS],
    }


def order_items(session: Session, order: Order) -> list[OrderItem]:
    return list(session.exec(select(OrderItem).where(OrderItem.order_id == order.id).order_by(OrderItem.id)).all())


def item_dict(item: OrderItem) -> dict:
    return {
        "id": item.id, "variant_id": item.variant_id, "product_id": item.product_id, "title": item.title,
        "sku": item.sku, "option_values": item.option_values, "qty": item.qty, "unit_price": item.unit_price,
        "total": item.total, "presale_ships_at": item.presale_ships_at, "sold_from": item.sold_from,
    }


def new_order_no(session: Session) -> str:
    """Date plus 8 random characters (40 bits): readable on the phone, never guessable from another."""
    while True:
        order_no = utcnow().astimezone(CHINA_TIME).strftime("%y%m%d") + "".join(
            secrets.choice(_ORDER_NO_ALPHABET) for _ in range(8)
        )
        if session.exec(select(Order.id).where(Order.order_no == order_no)).first() is None:
            return order_no


# Helpers ---------------------------------------------------------------------------------------

_SHOPPER_EVENTS = frozenset({
    "placed", "paid", "cancelled", "payment_failed", "payment_refunded", "shipment_added", "refunded",
    "aftersales_requested", "aftersales_approved", "aftersales_refused", "aftersales_return_shipped",
    "aftersales_received", *STATUSES,
})


def _in_account(session: Session, order: Order, customer_token: str) -> bool:
    try:
        return order.customer_id == shoppers.customer_for_token(session, order.shop_id, customer_token).id
    except DomainError:
        return False


def _cancel(session: Session, order: Order, actor_label: str, reason: str) -> Order:
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        raise Invalid(fields={"reason": "too_long"})
    transition(session, order, "cancelled", actor_label, {"reason": reason} if reason else {})
    _release_stock(session, order)
    return order


def _release_stock(session: Session, order: Order) -> None:
    """Every unit goes back where it came from: stock, or the pre-sale quota it took a place in."""
    items = order_items(session, order)
    kept = ledger.put_back_for_order(
        session, f"order:{order.order_no}", order.shop_id,
        [(item.variant_id, item.product_id, item.qty, item.sold_from) for item in items], "order cancelled",
    )
    # The product was deleted since, or its pre-sale ended: nothing to put back.
    for variant_id, qty in kept:
        record_event(session, order, "stock_not_released", "system", {"variant_id": variant_id, "qty": qty})


def _shipments(session: Session, order: Order) -> list[dict]:
    from shopapp.services.orders import fulfillment  # fulfillment builds on this module

    return fulfillment.order_shipments(session, order)


def _order_fields(order: Order) -> dict:
    return {
        "order_no": order.order_no, "status": order.status, "financial_status": order.financial_status,
        "fulfillment_status": order.fulfillment_status, "email": order.email, "address": order.address,
        "currency": order.currency, "shipping_method": order.shipping_method_name,
        "subtotal": order.subtotal, "discount_total": order.discount_total, "shipping_total": order.shipping_total,
        "total": order.total, "refunded_total": order.refunded_total, "presale": order.presale,
        "ships_at": order.ships_at, "expires_at": order.expires_at if order.status == "pending_payment" else None,
        "paid_at": order.paid_at, "cancelled_at": order.cancelled_at, "created_at": order.created_at,
    }


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


def _page_size(per_page: int) -> int:
    return max(1, min(per_page, MAX_PER_PAGE))


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
        return datetime.combine(day, time(), tzinfo=CHINA_TIME)
    errors[field] = "date_invalid"
    return None
