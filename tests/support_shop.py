"""Builders the customer-service tests share: paid orders, parcels with tracking, conversations."""

from __future__ import annotations

from sqlmodel import Session

from shopapp.models import Conversation, Order, Shipment
from shopapp.services.checkout import place
from shopapp.services.core.permissions import Actor
from shopapp.services.orders import fulfillment, payments
from shopapp.services.support import conversations
from tests.shopping import ADDRESS, cart_with


def paid_order(session: Session, actor: Actor, variant_id: int, email: str, qty: int = 1) -> tuple[Order, str]:
    """A committed, paid order; returns it and its order-page link token."""
    token = cart_with(session, actor.shop_id, (variant_id, qty))
    placed = place.place_order(session, actor.shop_id, token, email, ADDRESS)
    session.commit()
    payments.sandbox_pay(session, placed["payment"]["id"], "success")
    session.commit()
    order = session.get(Order, placed["order_id"])
    session.refresh(order)
    assert order.status == "paid"
    return order, placed["token"]


def shipped(
    session: Session, actor: Actor, order: Order, carrier: str, tracking_no: str,
    event: tuple[str, str, str] | None = ("in_transit", "快件已到达【杭州转运中心】", "杭州"),
) -> Shipment:
    """The whole order sent as one parcel, with one tracking event (status, description, location)."""
    shipment = fulfillment.ship(session, actor, order.id, None, carrier, tracking_no)
    if event:
        status, description, location = event
        fulfillment.add_tracking_event(session, actor, shipment.id, status, description, location=location)
    session.commit()
    return shipment


def conversation(session: Session, shop_id: int, email: str, message: str, **verification) -> tuple[Conversation, str]:
    started, token = conversations.start_conversation(session, shop_id, email, message, **verification)
    session.commit()
    return started, token
