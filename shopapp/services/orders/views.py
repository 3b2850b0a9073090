"""What an order looks like to the shop's staff and to its shopper."""

from __future__ import annotations

from sqlmodel import Session, select

from shopapp.models import ApiKey, Order, OrderEvent, OrderItem, Payment, StaffMember, User
from shopapp.services.orders import fulfillment
from shopapp.services.orders.state import STATUSES, order_items


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
             "created_at": p.created_at, "test": p.provider == "sandbox",
             "collection": p.collection}  # platform: the platform collected (担保交易); shop: the shop's own Alipay
            for p in payments
        ],
        "shipments": _shipments(session, order),
        "events": [{"type": e.type, "at": e.at, "actor": e.actor, "data": e.data} for e in events],
    }


def describe_actors(session: Session, shop_id: int, actors: list[str]) -> dict[str, dict]:
    """Who each recorded actor ("user:3", "api_key:2", "shopper", "system", "payment:alipay", "carrier:SF") is,
    as {kind, name}: a staff member by e-mail, a key by its name, a provider or carrier by its code; the doors
    put the kind into words. Only this shop's staff and keys are named (a stranger's id stays unnamed)."""
    user_ids = {int(a.split(":", 1)[1]) for a in actors if a.startswith("user:") and a.split(":", 1)[1].isdigit()}
    key_ids = {int(a.split(":", 1)[1]) for a in actors if a.startswith("api_key:") and a.split(":", 1)[1].isdigit()}
    emails = dict(session.exec(
        select(User.id, User.email).join(StaffMember, StaffMember.user_id == User.id)
        .where(StaffMember.shop_id == shop_id, User.id.in_(user_ids))
    ).all()) if user_ids else {}
    keys = dict(session.exec(
        select(ApiKey.id, ApiKey.name).where(ApiKey.shop_id == shop_id, ApiKey.id.in_(key_ids))
    ).all()) if key_ids else {}
    described = {}
    for actor in actors:
        kind, _, ident = actor.partition(":")
        if kind == "user":
            # Someone who has since left the shop is still "a staff member", without the address.
            name = emails.get(int(ident)) if ident.isdigit() else None
            described[actor] = {"kind": "staff", "name": name or ""}
        elif kind == "api_key":
            described[actor] = {"kind": "api_key", "name": keys.get(int(ident), "") if ident.isdigit() else ""}
        elif kind in ("payment", "carrier"):
            described[actor] = {"kind": kind, "name": ident}
        elif kind in ("shopper", "system"):
            described[actor] = {"kind": kind, "name": ""}
        else:
            described[actor] = {"kind": "other", "name": actor}
    return described


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
        # Paid (or to be paid) on the built-in test gateway: no money moved, and the page says so.
        "test_payment": session.exec(
            select(Payment.id).where(Payment.order_id == order.id, Payment.provider == "sandbox")
        ).first() is not None,
    }


def item_dict(item: OrderItem) -> dict:
    return {
        "id": item.id, "variant_id": item.variant_id, "product_id": item.product_id, "title": item.title,
        "sku": item.sku, "option_values": item.option_values, "qty": item.qty, "unit_price": item.unit_price,
        "total": item.total, "paid": item.paid, "gift": item.gift, "discounts": item.discounts, "presale_ships_at": item.presale_ships_at,
        "sold_from": item.sold_from,
    }


# Helpers ---------------------------------------------------------------------------------------

_SHOPPER_EVENTS = frozenset({
    "placed", "paid", "cancelled", "payment_failed", "payment_refunded", "shipment_added", "refunded",
    "aftersales_requested", "aftersales_approved", "aftersales_refused", "aftersales_return_shipped",
    "aftersales_received", *STATUSES,
})


def _shipments(session: Session, order: Order) -> list[dict]:
    return fulfillment.order_shipments(session, order)


def _order_fields(order: Order) -> dict:
    return {
        "order_no": order.order_no, "status": order.status, "financial_status": order.financial_status,
        "fulfillment_status": order.fulfillment_status, "email": order.email, "address": order.address,
        "currency": order.currency, "shipping_method": order.shipping_method_name,
        "subtotal": order.subtotal, "discounts": order.discounts, "discount_total": order.discount_total,
        "shipping_total": order.shipping_total,
        "total": order.total, "refunded_total": order.refunded_total, "presale": order.presale,
        "ships_at": order.ships_at, "expires_at": order.expires_at if order.status == "pending_payment" else None,
        "paid_at": order.paid_at, "cancelled_at": order.cancelled_at, "created_at": order.created_at,
    }
