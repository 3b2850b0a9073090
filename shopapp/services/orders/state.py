"""The order state machine, the bottom of the orders package: statuses, allowed transitions, events, finding an order."""

from __future__ import annotations

import hmac
import logging
import secrets

from sqlalchemy import bindparam, insert, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, select

from shopapp.models import Order, OrderEvent, OrderItem
from shopapp.models.base import utcnow
from shopapp.services.core.clock import shop_time
from shopapp.services.core.errors import Conflict, DomainError, NotFound, require_fields
from shopapp.services.core.permissions import Actor, require, shop_row
from shopapp.services.core.tokens import token_hash
from shopapp.services.core.validation import checked_text
from shopapp.services.customers import profiles, shoppers
from shopapp.services.marketing import lifecycle

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
MAX_REASON = 200
# Letters and digits nobody misreads on a phone call (no 0/O, 1/I).
_ORDER_NO_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
# Every checkout's statements, built once as Core statements on the tables: built on each call through the ORM they
# cost the checkout 2-3 times their round trip in CPU (SQLAlchemy's expressions, cache key, ORM execution path).
_INSERT_EVENT = insert(OrderEvent.__table__)
_ORDER_NO_TAKEN = select(Order.__table__.c.id).where(Order.__table__.c.order_no == bindparam("order_no"))


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
    lifecycle.order_moved(session, order, before, to)  # points and coupons follow the order
    profiles.order_changed(session, order, to)  # the customer list's figures follow it too
    return order


def record_event(session: Session, order: Order, type_: str, actor: str, data: dict | None = None) -> OrderEvent:
    event = OrderEvent(order_id=order.id, shop_id=order.shop_id, type=type_, actor=actor[:100], data=data or {})
    session.add(event)
    return event


def record_event_at_once(session: Session, order: Order, type_: str, actor: str, data: dict | None = None) -> None:
    """record_event written at once by a Core INSERT, without an object for the session's unit of work to
    flush: the checkout's hot path (every order's "placed"), whose caller needs no event back."""
    session.execute(_INSERT_EVENT, {
        "order_id": order.id, "shop_id": order.shop_id, "type": type_, "actor": actor[:100], "data": data or {},
    })


def add_note(session: Session, actor: Actor, order_id: int, text: str) -> OrderEvent:
    """An internal note on the order's timeline: staff see it, the shopper never does."""
    errors: dict[str, str] = {}
    text = checked_text(text, errors, "text", limit=1000, required=True)
    require_fields(errors)
    return record_event(session, get_order(session, actor, order_id), "note", actor.label, {"text": text})


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


def order_items(session: Session, order: Order) -> list[OrderItem]:
    return list(session.exec(select(OrderItem).where(OrderItem.order_id == order.id).order_by(OrderItem.id)).all())


def new_order_no(session: Session) -> str:
    """Date plus 8 random characters (40 bits): readable on the phone, never guessable from another."""
    while True:
        order_no = shop_time(utcnow()).strftime("%y%m%d") + "".join(
            secrets.choice(_ORDER_NO_ALPHABET) for _ in range(8)
        )
        if session.execute(_ORDER_NO_TAKEN, {"order_no": order_no}).first() is None:
            return order_no


def _in_account(session: Session, order: Order, customer_token: str) -> bool:
    try:
        return order.customer_id == shoppers.customer_for_token(session, order.shop_id, customer_token).id
    except DomainError:
        return False
