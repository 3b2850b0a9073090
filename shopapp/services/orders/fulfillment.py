"""Shipping paid orders: carriers, parcels (split and merged), tracking events, delivery and completion."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from shopapp.models import Order, OrderEvent, OrderItem, Product, Shipment, ShipmentItem, TrackingEvent
from shopapp.models.aftersales import RefundItem
from shopapp.models.base import utcnow
from shopapp.services.core.errors import Conflict, Invalid, NotFound, require_fields
from shopapp.services.core.outbox import queue_bilingual
from shopapp.services.core.permissions import Actor, require, shop_row
from shopapp.services.core.validation import checked_text
from shopapp.services.marketing import group_buys
from shopapp.services.orders import state
from shopapp.services.shops import shops
from shopapp.settings import get_settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Carrier:
    code: str
    name: str  # as Chinese shoppers know it
    name_en: str
    tracking_no: re.Pattern  # what its waybill numbers look like
    aggregator_code: str  # its code at 快递100-style tracking aggregators


# Waybill number formats as the carriers print them; a typo caught here is a parcel the shopper can follow.
CARRIERS: dict[str, Carrier] = {c.code: c for c in (
    Carrier("SF", "顺丰速运", "SF Express", re.compile(r"SF\d{13}|\d{12}"), "shunfeng"),
    Carrier("ZTO", "中通快递", "ZTO Express", re.compile(r"\d{12}|\d{14}"), "zhongtong"),
    Carrier("YTO", "圆通速递", "YTO Express", re.compile(r"YT\d{13}"), "yuantong"),
    Carrier("YUNDA", "韵达快递", "Yunda Express", re.compile(r"\d{13}|\d{15}"), "yunda"),
    Carrier("JD", "京东快递", "JD Logistics", re.compile(r"JD[A-Z]{0,2}\d{11,13}"), "jd"),
    Carrier("EMS", "EMS", "EMS", re.compile(r"[A-Z]{2}\d{9}CN|\d{13}"), "ems"),
    Carrier("CHINAPOST", "中国邮政", "China Post", re.compile(r"[A-Z]{2}\d{9}CN|\d{13}"), "youzhengguonei"),
)}
# A parcel's and a tracking event's status, in the words of the aggregator's `state` (see tracking.py).
SHIPMENT_STATUSES = (
    "shipped", "picked_up", "in_transit", "out_for_delivery", "problem", "delivered", "refused", "returned",
)
SHIPPABLE_ORDER_STATUSES = ("paid", "partially_shipped")
MAX_DESCRIPTION = 500
MAX_LOCATION = 100


def carriers() -> list[dict]:
    return [{"code": c.code, "name": c.name, "name_en": c.name_en} for c in CARRIERS.values()]


def ship(
    session: Session, actor: Actor, order_id: int, items: list[dict] | None, carrier: str, tracking_no: str,
) -> Shipment:
    """One parcel of a paid order: `items` [{order_item_id, qty}], or None for everything not shipped yet.

    Never more of a line than was ordered minus what is shipped (or refunded unshipped). The order
    moves to partially_shipped, or to shipped once nothing is left; the shopper gets an e-mail.
    """
    require(actor, "manage_orders")
    carrier, tracking_no = checked_waybill(carrier, tracking_no)
    order = _locked_orders(session, actor.shop_id, [order_id])[0]
    _check_shippable(session, order)
    remaining = remaining_to_ship(session, order)
    lines = _lines_to_ship(items, remaining)
    shipment = _new_shipment(session, order, carrier, tracking_no)
    _add_lines(session, shipment, order, lines)
    _after_shipping(session, order, shipment, actor.label)
    return shipment


def merge_ship(session: Session, actor: Actor, order_ids: list[int], carrier: str, tracking_no: str) -> Shipment:
    """One parcel for several paid orders of one shopper (same e-mail) to one address (合并发货)."""
    require(actor, "manage_orders")
    carrier, tracking_no = checked_waybill(carrier, tracking_no)
    ids = order_ids if isinstance(order_ids, list) else []
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in ids) or len(set(ids)) < 2:
        raise Invalid(fields={"order_ids": "merge_needs_two_orders"})
    merged = _locked_orders(session, actor.shop_id, sorted(set(ids)))
    for order in merged:
        _check_shippable(session, order)
    if len({order.email.lower() for order in merged}) > 1:
        raise Conflict("merge_different_customers")
    if len({_address_key(order.address) for order in merged}) > 1:
        raise Conflict("merge_different_addresses")
    lines = {order.id: _lines_to_ship(None, remaining_to_ship(session, order)) for order in merged}
    shipment = _new_shipment(session, merged[0], carrier, tracking_no)
    for order in merged:
        _add_lines(session, shipment, order, lines[order.id])
    for order in merged:
        _after_shipping(session, order, shipment, actor.label)
    return shipment


def add_tracking_event(
    session: Session, actor: Actor, shipment_id: int, status: str, description: str,
    at: datetime | str | None = None, location: str = "",
) -> TrackingEvent:
    """A tracking line typed in by the shop (a carrier without an API, a call to the courier).

    "delivered" marks the parcel delivered, and each order in it once all its parcels are.
    """
    require(actor, "manage_orders")
    shipment = get_shipment(session, actor, shipment_id)
    errors: dict[str, str] = {}
    if status not in SHIPMENT_STATUSES:
        errors["status"] = "tracking_status_invalid"
    description = checked_text(description, errors, "description", limit=MAX_DESCRIPTION, required=True)
    location = checked_text(location, errors, "location", limit=MAX_LOCATION)
    moment = _moment(at, errors)
    require_fields(errors)
    event = TrackingEvent(
        shipment_id=shipment.id, shop_id=shipment.shop_id, status=status, description=description,
        location=location, at=moment, source="manual",
    )
    session.add(event)
    session.flush()
    record_tracking(session, shipment, [event], actor.label)
    return event


def record_tracking(session: Session, shipment: Shipment, events: list[TrackingEvent], actor_label: str) -> None:
    """Bring the parcel's status up to its newest event; a delivery reaches the orders in it."""
    newest = session.exec(
        select(TrackingEvent).where(TrackingEvent.shipment_id == shipment.id)
        .order_by(TrackingEvent.at.desc(), TrackingEvent.id.desc())
    ).first()
    delivered = next((e for e in events if e.status == "delivered"), None)
    if shipment.status == "delivered":
        return  # a parcel signed for stays delivered, whatever a late scan says
    if delivered is not None:
        shipment.status, shipment.delivered_at = "delivered", delivered.at
    elif newest is not None:
        shipment.status = newest.status
    session.add(shipment)
    session.flush()
    if delivered is not None:
        _deliver_orders(session, shipment, actor_label)


def auto_complete_delivered(session: Session, days: int | None = None, limit: int = 500) -> int:
    """The job: orders delivered AUTO_COMPLETE_DAYS ago complete on their own (自动确认收货)."""
    days = days or get_settings().auto_complete_days
    delivered_at = (
        select(func.max(OrderEvent.at))
        .where(OrderEvent.order_id == Order.id, OrderEvent.type == "delivered").scalar_subquery()
    )
    due = session.exec(
        select(Order).where(Order.status == "delivered", delivered_at <= utcnow() - timedelta(days=days))
        .order_by(Order.id).limit(limit)
    ).all()
    completed = 0
    for order in due:
        try:
            with session.begin_nested():
                state.transition(session, order, "completed", "system", {"automatic": True, "after_days": days})
            completed += 1
        except Conflict:
            continue  # refunded or completed a moment ago
    return completed


def complete_if_virtual(session: Session, order: Order, actor_label: str) -> bool:
    """A paid order of virtual goods only has nothing to ship: it completes at once."""
    items = state.order_items(session, order)
    if order.status != "paid" or not items or _physical_item_ids(session, order.shop_id, items):
        return False
    state.transition(session, order, "completed", actor_label, {"virtual": True})
    return True


def get_shipment(session: Session, actor: Actor, shipment_id: int) -> Shipment:
    require(actor, "view_orders")
    return shop_row(session, Shipment, actor.shop_id, shipment_id)


def shipments_of(session: Session, actor: Actor, shipment_ids: list[int]) -> list[Shipment]:
    """Several of the shop's parcels in the order asked for; any that is not the shop's is NotFound."""
    require(actor, "view_orders")
    found = {s.id: s for s in session.exec(
        select(Shipment).where(Shipment.shop_id == actor.shop_id, Shipment.id.in_(shipment_ids))
    ).all()}
    if any(shipment_id not in found for shipment_id in shipment_ids):
        raise NotFound()
    return [found[shipment_id] for shipment_id in shipment_ids]


def shipment_dict(session: Session, shipment: Shipment, *, order_id: int | None = None) -> dict:
    """A parcel as the API shows it; `order_id` keeps only that order's lines (a merged parcel holds several)."""
    carrier = CARRIERS.get(shipment.carrier)
    rows = session.exec(
        select(ShipmentItem, OrderItem.title, OrderItem.sku, Order.order_no)
        .join(OrderItem, OrderItem.id == ShipmentItem.order_item_id).join(Order, Order.id == ShipmentItem.order_id)
        .where(ShipmentItem.shipment_id == shipment.id).order_by(ShipmentItem.id)
    ).all()
    events = session.exec(
        select(TrackingEvent).where(TrackingEvent.shipment_id == shipment.id)
        .order_by(TrackingEvent.at.desc(), TrackingEvent.id.desc())
    ).all()
    return {
        "id": shipment.id, "carrier": shipment.carrier, "carrier_name": carrier.name if carrier else shipment.carrier,
        "tracking_no": shipment.tracking_no, "status": shipment.status,
        "order_nos": sorted({order_no for _, _, _, order_no in rows}),
        "items": [
            {"order_id": line.order_id, "order_no": order_no, "order_item_id": line.order_item_id, "title": title,
             "sku": sku, "qty": line.qty}
            for line, title, sku, order_no in rows if order_id is None or line.order_id == order_id
        ],
        "events": [event_dict(event) for event in events],
        "shipped_at": shipment.shipped_at, "delivered_at": shipment.delivered_at,
    }


def order_shipments(session: Session, order: Order) -> list[dict]:
    """The parcels holding lines of this order, first shipped first."""
    ids = session.exec(
        select(ShipmentItem.shipment_id).where(ShipmentItem.order_id == order.id).distinct()
    ).all()
    found = session.exec(select(Shipment).where(Shipment.id.in_(ids)).order_by(Shipment.id)).all() if ids else []
    return [shipment_dict(session, shipment, order_id=order.id) for shipment in found]


def event_dict(event: TrackingEvent) -> dict:
    return {
        "id": event.id, "status": event.status, "description": event.description, "location": event.location,
        "at": event.at, "source": event.source,
    }


def remaining_to_ship(session: Session, order: Order) -> dict[int, int]:
    """Units of each physical line still to ship: ordered, minus shipped, minus refunded before shipping."""
    items = state.order_items(session, order)
    physical = _physical_item_ids(session, order.shop_id, items)
    shipped = _sums(session, ShipmentItem.order_item_id, ShipmentItem.qty, ShipmentItem.order_id == order.id)
    cancelled = _sums(session, RefundItem.order_item_id, RefundItem.unshipped_qty, RefundItem.order_id == order.id)
    return {
        item.id: max(0, item.qty - shipped.get(item.id, 0) - cancelled.get(item.id, 0))
        for item in items if item.id in physical
    }


def settle_after_refund(session: Session, order: Order, actor_label: str) -> None:
    """A refund that cancelled an order's last unshipped units leaves it fully shipped."""
    if order.status == "partially_shipped" and not any(remaining_to_ship(session, order).values()):
        state.transition(session, order, "shipped", actor_label, {"reason": "rest_refunded"})


def checked_waybill(carrier, tracking_no) -> tuple[str, str]:
    """The carrier's code and the waybill number, tidied (spaces out, capitals); Invalid when they do not fit."""
    errors: dict[str, str] = {}
    code = carrier.strip().upper() if isinstance(carrier, str) else ""
    number = re.sub(r"[\s-]", "", tracking_no).upper() if isinstance(tracking_no, str) else ""
    if code not in CARRIERS:
        errors["carrier"] = "carrier_invalid"
    if not number:
        errors["tracking_no"] = "required"
    elif code in CARRIERS and not CARRIERS[code].tracking_no.fullmatch(number):
        errors["tracking_no"] = "tracking_no_invalid"
    require_fields(errors)
    return code, number


# Helpers ---------------------------------------------------------------------------------------

def _locked_orders(session: Session, shop_id: int, order_ids: list[int]) -> list[Order]:
    """The orders, row-locked in id order so two parcels for one order never both take its last unit."""
    found = {o.id: o for o in session.exec(
        select(Order).where(Order.shop_id == shop_id, Order.id.in_(order_ids))
        .order_by(Order.id).with_for_update().execution_options(populate_existing=True)
    ).all()}
    if any(order_id not in found for order_id in order_ids):
        raise NotFound()
    return [found[order_id] for order_id in order_ids]


def _check_shippable(session: Session, order: Order) -> None:
    if order.status not in SHIPPABLE_ORDER_STATUSES:
        raise Conflict("order_not_shippable", order_no=order.order_no)
    group_buys.require_shippable(session, order)  # a group's orders wait until it has formed


def _lines_to_ship(items, remaining: dict[int, int]) -> dict[int, int]:
    """order_item_id -> units for this parcel, checked against what is left; None takes all that is left."""
    if items is None:
        lines = {item_id: left for item_id, left in remaining.items() if left > 0}
        if not lines:
            raise Conflict("nothing_to_ship")
        return lines
    if not isinstance(items, list) or not items:
        raise Invalid(fields={"items": "required"})
    errors: dict[str, str] = {}
    lines: dict[int, int] = {}
    for n, line in enumerate(items):
        line = line if isinstance(line, dict) else {}
        item_id, qty = line.get("order_item_id"), line.get("qty")
        if not isinstance(item_id, int) or item_id not in remaining:
            errors[f"items.{n}.order_item_id"] = "order_item_invalid"
        elif not isinstance(qty, int) or isinstance(qty, bool) or qty < 1:
            errors[f"items.{n}.qty"] = "must_be_positive"
        elif lines.get(item_id, 0) + qty > remaining[item_id]:
            errors[f"items.{n}.qty"] = "ship_qty_too_large"
        else:
            lines[item_id] = lines.get(item_id, 0) + qty
    require_fields(errors)
    return lines


def _new_shipment(session: Session, order: Order, carrier: str, tracking_no: str) -> Shipment:
    shipment = Shipment(shop_id=order.shop_id, carrier=carrier, tracking_no=tracking_no, address=dict(order.address))
    session.add(shipment)
    session.flush()
    return shipment


def _add_lines(session: Session, shipment: Shipment, order: Order, lines: dict[int, int]) -> None:
    session.add_all(
        ShipmentItem(shipment_id=shipment.id, shop_id=order.shop_id, order_id=order.id, order_item_id=item_id, qty=qty)
        for item_id, qty in sorted(lines.items())
    )
    session.flush()


def _after_shipping(session: Session, order: Order, shipment: Shipment, actor_label: str) -> None:
    """The order's new status (and its event), and the shopper's e-mail with the waybill number."""
    data = {"shipment_id": shipment.id, "carrier": shipment.carrier, "tracking_no": shipment.tracking_no}
    to = "partially_shipped" if any(remaining_to_ship(session, order).values()) else "shipped"
    if to != order.status:
        state.transition(session, order, to, actor_label, data)
    else:
        state.record_event(session, order, "shipment_added", actor_label, data)
    carrier = CARRIERS[shipment.carrier]
    queue_bilingual(
        session, order.shop_id, order.email, "email.order_shipped",
        shop=shops.get_shop(session, order.shop_id).name, order_no=order.order_no, carrier=carrier.name,
        carrier_en=carrier.name_en, tracking_no=shipment.tracking_no,
    )


def _deliver_orders(session: Session, shipment: Shipment, actor_label: str) -> None:
    order_ids = session.exec(
        select(ShipmentItem.order_id).where(ShipmentItem.shipment_id == shipment.id).distinct()
    ).all()
    for order in session.exec(select(Order).where(Order.id.in_(order_ids)).order_by(Order.id)).all():
        if order.status != "shipped":
            continue  # still has lines to ship, or ended (refunded) meanwhile
        open_parcels = session.exec(
            select(func.count(func.distinct(Shipment.id))).select_from(Shipment)
            .join(ShipmentItem, ShipmentItem.shipment_id == Shipment.id)
            .where(ShipmentItem.order_id == order.id, Shipment.status != "delivered")
        ).one()
        if not open_parcels:
            state.transition(session, order, "delivered", actor_label, {"shipment_id": shipment.id})
            _invite_review(session, order)


def _invite_review(session: Session, order: Order) -> None:
    """Delivered: ask the shopper to review what they received (评价), from the order page."""
    shop = shops.get_shop(session, order.shop_id)
    link = f"{get_settings().public_url}/s/{shop.slug}/orders/{order.order_no}"
    queue_bilingual(session, order.shop_id, order.email, "email.review_invite", shop=shop.name, order_no=order.order_no, link=link)


def _physical_item_ids(session: Session, shop_id: int, items: list[OrderItem]) -> set[int]:
    """Lines that need a parcel: all but virtual goods (a deleted product is taken as physical)."""
    virtual = set(session.exec(
        select(Product.id).where(
            Product.shop_id == shop_id, Product.id.in_(sorted({i.product_id for i in items})), Product.product_type == "virtual",
        )
    ).all()) if items else set()
    return {item.id for item in items if item.product_id not in virtual}


def _sums(session: Session, key, value, condition) -> dict[int, int]:
    return {k: int(v) for k, v in session.exec(select(key, func.sum(value)).where(condition).group_by(key)).all()}


def _address_key(address: dict) -> tuple:
    return tuple(str(address.get(field, "")).strip() for field in (
        "name", "phone", "province", "city", "district", "line1", "postcode",
    ))


def _moment(value, errors: dict[str, str]) -> datetime:
    """When a tracking event happened: now if not said; naive times are UTC; never in the future."""
    if value in (None, ""):
        return utcnow()
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            errors["at"] = "date_invalid"
            return utcnow()
    if not isinstance(value, datetime):
        errors["at"] = "date_invalid"
        return utcnow()
    value = value if value.tzinfo else value.replace(tzinfo=UTC)
    if value > utcnow() + timedelta(hours=1):
        errors["at"] = "date_in_future"
    return value
