"""Orders after checkout: the state machine, cancelling and expiring unpaid orders, and the console's order list."""

from __future__ import annotations

import hmac
import logging
import secrets
from datetime import UTC, date, datetime, time, timedelta, timezone

from sqlalchemy import func, or_, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, select

from shopapp.models import Order, OrderEvent, OrderItem, Payment
from shopapp.models.base import utcnow
from shopapp.services import inventory
from shopapp.services.errors import Conflict, Invalid, NotFound, require_fields
from shopapp.services.validation import checked_text
from shopapp.services.permissions import Actor, require
from shopapp.services.tokens import token_hash

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
        from shopapp.services import refunds  # refunds builds on this module

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
    order = session.get(Order, order_id)
    if order is None or order.shop_id != actor.shop_id:
        raise NotFound()
    return order


def shopper_order(session: Session, shop_id: int, order_no: str, token: str) -> Order:
    """The order behind a shopper's link; a wrong token is told apart from nothing (404)."""
    order = session.exec(
        select(Order).where(Order.order_no == (order_no or "").upper(), Order.shop_id == shop_id)
    ).first()
    if order is None or not hmac.compare_digest(order.token_hash, token_hash(token or "")):
        raise NotFound("order_not_found")
    return order


def list_orders(
    session: Session, actor: Actor, *, status: str | None = None, q: str | None = None,
    created_from: date | datetime | None = None, created_to: date | datetime | None = None,
    page: int = 1, per_page: int = 50,
) -> tuple[list[dict], int]:
    """One page of order summaries, newest first, and how many match in all.

    `q` finds an order number, e-mail, recipient or phone; a date in the date filters
    means that whole day in China time (`created_to` includes its day).
    """
    require(actor, "view_orders")
    errors: dict[str, str] = {}
    if status and status not in STATUSES:
        errors["status"] = "order_status_invalid"
    start, end = _moment(created_from, errors, "created_from"), _moment(created_to, errors, "created_to", end=True)
    require_fields(errors)
    conditions = [Order.shop_id == actor.shop_id]
    if status:
        conditions.append(Order.status == status)
    if start:
        conditions.append(Order.created_at >= start)
    if end:
        conditions.append(Order.created_at < end)
    if q and q.strip():
        text = q.strip()
        conditions.append(or_(
            Order.order_no.icontains(text, autoescape=True),
            Order.email.icontains(text, autoescape=True),
            Order.recipient_name.icontains(text, autoescape=True),
            Order.recipient_phone.contains(text, autoescape=True),
        ))
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    page = max(1, page)
    total = session.exec(select(func.count()).select_from(Order).where(*conditions)).one()
    rows = session.exec(
        select(Order).where(*conditions).order_by(Order.created_at.desc(), Order.id.desc())
        .offset((page - 1) * per_page).limit(per_page)
    ).all()
    counts = _item_counts(session, actor.shop_id, [o.id for o in rows])
    return [order_summary(order, counts.get(order.id, 0)) for order in rows], total


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
    kept = inventory.put_back_for_order(
        session, f"order:{order.order_no}", order.shop_id,
        [(item.variant_id, item.product_id, item.qty, item.sold_from) for item in items], "order cancelled",
    )
    # The product was deleted since, or its pre-sale ended: nothing to put back.
    for variant_id, qty in kept:
        record_event(session, order, "stock_not_released", "system", {"variant_id": variant_id, "qty": qty})


def _shipments(session: Session, order: Order) -> list[dict]:
    from shopapp.services import fulfillment  # fulfillment builds on this module

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
