"""Shipping: parcels never hold more than was ordered, split and merged parcels move orders on, delivery completes them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import func, select

from shopapp.models import Order, OrderEvent, OutboxEmail, Shipment, ShipmentItem, TrackingEvent, Variant
from shopapp.models.base import utcnow
from shopapp.services.catalog import products
from shopapp.services.checkout import place
from shopapp.services.core.errors import Conflict, Forbidden, Invalid, NotFound
from shopapp.services.core.permissions import Actor
from shopapp.services.orders import fulfillment, state, views
from tests.conftest import make_shop
from tests.shopping import ADDRESS, cart_with, paid_order, product_on_sale

SF = {"carrier": "SF", "tracking_no": "SF1234567890123"}


def _counts(session) -> tuple[int, int, int]:
    return tuple(session.exec(select(func.count()).select_from(t)).one() for t in (Shipment, ShipmentItem, OrderEvent))


def _lines(session, order: Order) -> list:
    return state.order_items(session, order)


def _virtual_product(session, owner) -> int:
    """An e-gift card on sale; returns its variant id."""
    card = products.create_product(session, owner, {
        "title": "电子礼品卡", "status": "active", "product_type": "virtual",
        "variants": [{"sku": "CARD", "price": 5000, "stock": 10}],
    })
    session.commit()
    return session.exec(select(Variant.id).where(Variant.product_id == card.id)).one()


def _events(session, order: Order) -> list[str]:
    return list(session.exec(select(OrderEvent.type).where(OrderEvent.order_id == order.id).order_by(OrderEvent.id)).all())


def test_a_paid_order_ships_in_two_parcels_then_is_shipped(session, owner):
    tea = product_on_sale(session, owner, sku="TEA-1")
    cups = product_on_sale(session, owner, sku="CUP-1", title="茶杯", price=1500)
    order, _ = paid_order(session, owner, (tea, 2), (cups, 1))
    tea_line, cup_line = _lines(session, order)

    first = fulfillment.ship(session, owner, order.id, [{"order_item_id": tea_line.id, "qty": 2}], **SF)
    assert order.status == "partially_shipped" and order.fulfillment_status == "partially_shipped"
    assert fulfillment.remaining_to_ship(session, order) == {tea_line.id: 0, cup_line.id: 1}

    second = fulfillment.ship(session, owner, order.id, None, "zto", "7531 2345 6789 01")
    assert order.status == "shipped" and second.carrier == "ZTO" and second.tracking_no == "75312345678901"
    shown = views.order_dict(session, order)
    assert [(s["id"], s["carrier_name"], [i["qty"] for i in s["items"]]) for s in shown["shipments"]] == [
        (first.id, "顺丰速运", [2]), (second.id, "中通快递", [1]),
    ]
    assert _events(session, order)[-2:] == ["partially_shipped", "shipped"]
    assert views.shopper_order_dict(session, order)["shipments"][1]["tracking_no"] == "75312345678901"
    mails = session.exec(select(OutboxEmail).where(OutboxEmail.to == "buyer@example.com")).all()
    shipped_mail = [m for m in mails if "已发货" in m.subject]
    assert len(shipped_mail) == 2 and "SF1234567890123" in shipped_mail[0].body and "SF Express" in shipped_mail[0].body


def test_shipping_more_than_ordered_is_refused_and_changes_nothing(session, owner):
    order, _ = paid_order(session, owner, (product_on_sale(session, owner), 2))
    line = _lines(session, order)[0]
    fulfillment.ship(session, owner, order.id, [{"order_item_id": line.id, "qty": 1}], **SF)
    before = _counts(session)
    with pytest.raises(Invalid) as refused:
        fulfillment.ship(session, owner, order.id, [{"order_item_id": line.id, "qty": 2}], "SF", "SF1234567890124")
    assert refused.value.fields == {"items.0.qty": "ship_qty_too_large"}
    with pytest.raises(Invalid) as twice:  # the same line twice in one parcel counts together
        fulfillment.ship(session, owner, order.id, [{"order_item_id": line.id, "qty": 1}] * 2, "SF", "SF1234567890124")
    assert twice.value.fields == {"items.1.qty": "ship_qty_too_large"}
    assert _counts(session) == before and order.status == "partially_shipped"


def test_an_unpaid_order_cannot_ship(session, owner):
    placed = place.place_order(
        session, owner.shop_id, cart_with(session, owner.shop_id, (product_on_sale(session, owner), 1)),
        "buyer@example.com", ADDRESS,
    )
    before = _counts(session)
    with pytest.raises(Conflict) as refused:
        fulfillment.ship(session, owner, placed["order_id"], None, **SF)
    assert refused.value.code == "order_not_shippable" and _counts(session) == before


@pytest.mark.parametrize(("carrier", "tracking_no", "fields"), [
    ("SF", "12345", {"tracking_no": "tracking_no_invalid"}),
    ("YTO", "SF1234567890123", {"tracking_no": "tracking_no_invalid"}),
    ("EMS", "EA123456789US", {"tracking_no": "tracking_no_invalid"}),
    ("DHL", "1234567890", {"carrier": "carrier_invalid"}),
    ("SF", "", {"tracking_no": "required"}),
])
def test_a_malformed_tracking_number_is_refused(session, owner, carrier, tracking_no, fields):
    order, _ = paid_order(session, owner, (product_on_sale(session, owner), 1))
    before = _counts(session)
    with pytest.raises(Invalid) as refused:
        fulfillment.ship(session, owner, order.id, None, carrier, tracking_no)
    assert refused.value.fields == fields and _counts(session) == before
    assert session.get(Order, order.id, populate_existing=True).status == "paid"


@pytest.mark.parametrize(("carrier", "tracking_no"), [
    ("SF", "SF1234567890123"), ("ZTO", "753123456789"), ("YTO", "YT1234567890123"), ("YUNDA", "4312345678901"),
    ("JD", "JDVA12345678901"), ("EMS", "EA123456789CN"), ("CHINAPOST", "9812345678901"), ("chinapost", "rr123456789cn"),
])
def test_each_carriers_own_waybill_format_is_accepted(carrier, tracking_no):
    code, number = fulfillment.checked_waybill(carrier, tracking_no)
    assert code == carrier.upper() and number == tracking_no.upper()


def test_two_orders_of_one_shopper_to_one_address_ship_in_one_parcel(session, owner):
    tea = product_on_sale(session, owner, stock=20)
    first, _ = paid_order(session, owner, (tea, 1))
    second, _ = paid_order(session, owner, (tea, 3), email="BUYER@example.com")
    parcel = fulfillment.merge_ship(session, owner, [first.id, second.id], **SF)
    shown = fulfillment.shipment_dict(session, parcel)
    assert shown["order_nos"] == sorted([first.order_no, second.order_no])
    assert sorted(i["qty"] for i in shown["items"]) == [1, 3]
    for order in (first, second):
        session.refresh(order)
        assert order.status == "shipped"
        assert [s["id"] for s in views.order_dict(session, order)["shipments"]] == [parcel.id]
        assert len(views.order_dict(session, order)["shipments"][0]["items"]) == 1  # only this order's line


def test_orders_of_other_shoppers_or_addresses_are_not_merged(session, owner):
    tea = product_on_sale(session, owner, stock=20)
    mine, _ = paid_order(session, owner, (tea, 1))
    elsewhere, _ = paid_order(session, owner, (tea, 1), line1="文三路 200 号")
    someone_else, _ = paid_order(session, owner, (tea, 1), email="other@example.com")
    before = _counts(session)
    with pytest.raises(Conflict) as address:
        fulfillment.merge_ship(session, owner, [mine.id, elsewhere.id], **SF)
    with pytest.raises(Conflict) as customer:
        fulfillment.merge_ship(session, owner, [mine.id, someone_else.id], **SF)
    with pytest.raises(Invalid):
        fulfillment.merge_ship(session, owner, [mine.id], **SF)
    assert (address.value.code, customer.value.code) == ("merge_different_addresses", "merge_different_customers")
    assert _counts(session) == before


def test_another_shops_order_or_parcel_is_not_found(session, owner):
    order, _ = paid_order(session, owner, (product_on_sale(session, owner), 1))
    parcel = fulfillment.ship(session, owner, order.id, None, **SF)
    other = make_shop(session, "green-leaf")
    with pytest.raises(NotFound):
        fulfillment.ship(session, other, order.id, None, "SF", "SF1234567890124")
    with pytest.raises(NotFound):
        fulfillment.add_tracking_event(session, other, parcel.id, "delivered", "已签收")
    with pytest.raises(NotFound):
        fulfillment.shipments_of(session, other, [parcel.id])


def test_support_staff_cannot_ship(session, owner):
    order, _ = paid_order(session, owner, (product_on_sale(session, owner), 1))
    with pytest.raises(Forbidden):
        fulfillment.ship(session, Actor(shop_id=owner.shop_id, role="support", user_id=9), order.id, None, **SF)


def test_a_manual_delivered_event_delivers_the_order_once_every_parcel_arrived(session, owner):
    tea = product_on_sale(session, owner)
    order, _ = paid_order(session, owner, (tea, 2))
    line = _lines(session, order)[0]
    first = fulfillment.ship(session, owner, order.id, [{"order_item_id": line.id, "qty": 1}], **SF)
    second = fulfillment.ship(session, owner, order.id, None, "SF", "SF1234567890124")
    fulfillment.add_tracking_event(session, owner, first.id, "in_transit", "快件已到达【杭州转运中心】", location="杭州")
    event = fulfillment.add_tracking_event(session, owner, first.id, "delivered", "已签收，本人签收")
    assert event.source == "manual" and first.status == "delivered" and first.delivered_at
    assert session.get(Order, order.id).status == "shipped"  # the second parcel is still on its way
    fulfillment.add_tracking_event(session, owner, second.id, "delivered", "已签收")
    session.refresh(order)
    assert order.status == "delivered" and order.fulfillment_status == "delivered"
    events = fulfillment.shipment_dict(session, first)["events"]
    assert [e["status"] for e in events] == ["delivered", "in_transit"]  # newest first


def test_tracking_events_are_checked(session, owner):
    order, _ = paid_order(session, owner, (product_on_sale(session, owner), 1))
    parcel = fulfillment.ship(session, owner, order.id, None, **SF)
    with pytest.raises(Invalid) as refused:
        fulfillment.add_tracking_event(
            session, owner, parcel.id, "teleported", "", (utcnow() + timedelta(days=2)).isoformat(), "x" * 101,
        )
    assert refused.value.fields == {
        "status": "tracking_status_invalid", "description": "required", "at": "date_in_future", "location": "too_long",
    }
    assert session.exec(select(func.count()).select_from(TrackingEvent)).one() == 0


def test_delivered_orders_complete_on_their_own_after_n_days(session, owner):
    tea = product_on_sale(session, owner, stock=20)
    old, _ = paid_order(session, owner, (tea, 1))
    recent, _ = paid_order(session, owner, (tea, 1))
    for order in (old, recent):
        parcel = fulfillment.ship(session, owner, order.id, None, "SF", f"SF123456789012{order.id % 10}")
        fulfillment.add_tracking_event(session, owner, parcel.id, "delivered", "已签收")
    session.exec(
        update(OrderEvent).where(OrderEvent.order_id == old.id, OrderEvent.type == "delivered")
        .values(at=utcnow() - timedelta(days=7, minutes=1))
    )
    session.commit()
    assert fulfillment.auto_complete_delivered(session, days=7) == 1
    assert session.get(Order, old.id, populate_existing=True).status == "completed"
    assert session.get(Order, recent.id, populate_existing=True).status == "delivered"
    assert fulfillment.auto_complete_delivered(session, days=7) == 0
    last = session.exec(select(OrderEvent).where(OrderEvent.order_id == old.id).order_by(OrderEvent.id.desc())).first()
    assert (last.type, last.actor, last.data["after_days"]) == ("completed", "system", 7)


def test_virtual_goods_complete_when_paid_and_are_never_shipped(session, owner):
    order, _ = paid_order(session, owner, (_virtual_product(session, owner), 1))
    assert order.status == "completed" and _events(session, order)[-2:] == ["paid", "completed"]
    with pytest.raises(Conflict):
        fulfillment.ship(session, owner, order.id, None, **SF)


def test_a_mixed_order_ships_only_its_physical_lines(session, owner):
    order, _ = paid_order(session, owner, (product_on_sale(session, owner), 1), (_virtual_product(session, owner), 1))
    assert order.status == "paid"
    parcel = fulfillment.ship(session, owner, order.id, None, **SF)
    assert order.status == "shipped" and [i["title"] for i in fulfillment.shipment_dict(session, parcel)["items"]] == ["龙井"]


def test_the_jobs_poll_tracking_every_10_minutes_and_complete_hourly():
    from shopapp.jobs import JOBS
    from shopapp.services.orders import tracking

    jobs = {job.name: job for job in JOBS}
    assert jobs["poll_tracking"].every_seconds == 600 and jobs["poll_tracking"].run is tracking.poll_open_shipments
    assert jobs["auto_complete_delivered"].every_seconds == 3600
    assert jobs["auto_complete_delivered"].run is fulfillment.auto_complete_delivered
