"""Orders: one table of allowed transitions, an event for each, stock back when unpaid orders end."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import update
from sqlmodel import select

from shopapp.db import session_scope
from shopapp.models import Order, OrderEvent, StockMove
from shopapp.models.base import utcnow
from shopapp.services.checkout import place
from shopapp.services.core.clock import shop_time
from shopapp.services.core.errors import Conflict, Forbidden, Invalid, NotFound
from shopapp.services.core.permissions import Actor
from shopapp.services.orders import cancel, listing, state, views
from tests.conftest import make_shop
from tests.shopping import ADDRESS, cart_with, paid_order, product_on_sale, stock_of


def _order(session, actor, variant_id: int, qty: int = 1, **address_changes) -> Order:
    token = cart_with(session, actor.shop_id, (variant_id, qty))
    placed = place.place_order(session, actor.shop_id, token, "buyer@example.com", {**ADDRESS, **address_changes})
    order = session.get(Order, placed["order_id"])
    session.commit()  # leaves the session idle: on SQLite an open transaction would hold the write lock
    return order


def _events(session, order: Order) -> list[str]:
    return list(session.exec(select(OrderEvent.type).where(OrderEvent.order_id == order.id).order_by(OrderEvent.id)).all())


def test_the_happy_path_walks_the_table_and_writes_an_event_each_step(session, owner):
    order = _order(session, owner, product_on_sale(session, owner))
    for step in ("paid", "partially_shipped", "shipped", "delivered", "completed"):
        state.transition(session, order, step, owner.label)
        assert order.status == step
    assert (order.financial_status, order.fulfillment_status) == ("paid", "delivered")
    assert _events(session, order) == ["placed", "paid", "partially_shipped", "shipped", "delivered", "completed"]
    last = session.exec(select(OrderEvent).where(OrderEvent.order_id == order.id).order_by(OrderEvent.id.desc())).first()
    assert last.actor == owner.label and last.data == {"from": "delivered"} and last.at is not None


@pytest.mark.parametrize(("start", "to"), [
    ("pending_payment", "shipped"), ("pending_payment", "completed"), ("paid", "pending_payment"),
    ("paid", "cancelled"), ("shipped", "paid"), ("cancelled", "paid"), ("closed", "paid"), ("completed", "shipped"),
])
def test_illegal_transitions_are_refused_and_change_nothing(session, owner, start, to):
    order = _order(session, owner, product_on_sale(session, owner))
    session.exec(update(Order).where(Order.id == order.id).values(status=start))
    session.refresh(order)
    events = _events(session, order)
    with pytest.raises(Conflict) as refused:
        state.transition(session, order, to, owner.label)
    assert refused.value.code == "illegal_transition"
    session.refresh(order)
    assert order.status == start and _events(session, order) == events


def test_every_status_has_a_row_in_the_table():
    assert set(state.TRANSITIONS) == set(state.STATUSES) == set(state.IMPLIES)
    assert all(targets <= set(state.STATUSES) for targets in state.TRANSITIONS.values())
    assert state.TRANSITIONS["cancelled"] == state.TRANSITIONS["closed"] == frozenset()


def test_a_stale_copy_of_an_order_cannot_overwrite_a_newer_status(session, owner):
    order = _order(session, owner, product_on_sale(session, owner))
    with session_scope() as other:
        state.transition(other, other.get(Order, order.id), "paid", "payment:sandbox")
    # `order` still says pending_payment; cancelling from it must not undo the payment.
    with pytest.raises(Conflict):
        state.transition(session, order, "cancelled", owner.label)
    assert order.status == "paid"


def test_cancelling_an_unpaid_order_puts_its_stock_back(session, owner):
    tea = product_on_sale(session, owner, stock=5)
    order = _order(session, owner, tea, 3)
    assert stock_of(session, tea) == 2
    cancel.cancel_order(session, owner, order.id, "顾客电话取消")
    assert order.status == "cancelled" and order.financial_status == "voided" and order.cancelled_at
    assert stock_of(session, tea) == 5
    move = session.exec(select(StockMove).where(StockMove.variant_id == tea).order_by(StockMove.id.desc())).first()
    assert (move.delta, move.reason, move.actor) == (3, "order cancelled", f"order:{order.order_no}")
    event = session.exec(select(OrderEvent).where(OrderEvent.order_id == order.id, OrderEvent.type == "cancelled")).one()
    assert event.actor == owner.label and event.data["reason"] == "顾客电话取消"
    with pytest.raises(Conflict):
        cancel.cancel_order(session, owner, order.id, "again")
    assert stock_of(session, tea) == 5


def test_a_paid_order_is_cancelled_by_refunding_it_in_full(session, owner):
    tea = product_on_sale(session, owner, stock=5)
    order, _ = paid_order(session, owner, (tea, 1))
    assert stock_of(session, tea) == 4
    cancel.cancel_order(session, owner, order.id, "")
    assert (order.status, order.financial_status, order.refunded_total) == ("closed", "refunded", order.total)
    assert stock_of(session, tea) == 5
    with pytest.raises(Conflict) as refused:
        cancel.cancel_order(session, owner, order.id, "")
    assert refused.value.code == "illegal_transition" and stock_of(session, tea) == 5


def test_the_shopper_cancels_with_the_order_link_only(session, owner):
    tea = product_on_sale(session, owner, stock=5)
    token = cart_with(session, owner.shop_id, (tea, 2))
    placed = place.place_order(session, owner.shop_id, token, "buyer@example.com", ADDRESS)
    with pytest.raises(NotFound):
        cancel.cancel_my_order(session, owner.shop_id, placed["order_no"], "ord_wrong")
    cancel.cancel_my_order(session, owner.shop_id, placed["order_no"], placed["token"], "买错了")
    assert session.get(Order, placed["order_id"]).status == "cancelled" and stock_of(session, tea) == 5


def test_support_staff_see_orders_but_only_operations_cancel(session, owner):
    order = _order(session, owner, product_on_sale(session, owner))
    support = Actor(shop_id=owner.shop_id, role="support", user_id=999)
    assert state.get_order(session, support, order.id).id == order.id
    with pytest.raises(Forbidden):
        cancel.cancel_order(session, support, order.id, "")


def test_another_shops_order_is_not_found(session, owner):
    order = _order(session, owner, product_on_sale(session, owner))
    other = make_shop(session, "green-leaf")
    with pytest.raises(NotFound):
        state.get_order(session, other, order.id)
    with pytest.raises(NotFound):
        cancel.cancel_order(session, other, order.id, "")
    assert listing.list_orders(session, other) == ([], 0)
    assert session.get(Order, order.id).status == "pending_payment"


def test_expiry_cancels_overdue_orders_and_releases_their_stock(session, owner):
    tea = product_on_sale(session, owner, stock=10)
    overdue, fresh = _order(session, owner, tea, 2), _order(session, owner, tea, 3)
    paid = _order(session, owner, tea, 1)
    state.transition(session, paid, "paid", "payment:sandbox")
    session.exec(update(Order).where(Order.id.in_([overdue.id, paid.id])).values(expires_at=utcnow() - timedelta(seconds=1)))
    session.commit()
    assert stock_of(session, tea) == 4

    assert cancel.expire_unpaid_orders(session) == 1
    session.commit()
    assert [session.get(Order, o.id).status for o in (overdue, fresh, paid)] == ["cancelled", "pending_payment", "paid"]
    assert stock_of(session, tea) == 6
    event = session.exec(select(OrderEvent).where(OrderEvent.order_id == overdue.id, OrderEvent.type == "cancelled")).one()
    assert event.actor == "system" and event.data["reason"] == "payment_timeout"
    assert cancel.expire_unpaid_orders(session) == 0 and stock_of(session, tea) == 6


def test_several_workers_expiring_at_once_release_stock_once(session, owner):
    tea = product_on_sale(session, owner, stock=20)
    placed = [_order(session, owner, tea, 2) for _ in range(5)]
    session.exec(update(Order).values(expires_at=utcnow() - timedelta(seconds=1)))
    session.commit()
    start = threading.Barrier(4)
    counts: list[int] = []

    def worker() -> None:
        start.wait()
        with session_scope() as own:
            counts.append(cancel.expire_unpaid_orders(own))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(counts) == 5
    assert stock_of(session, tea) == 20
    releases = session.exec(select(StockMove).where(StockMove.variant_id == tea, StockMove.reason == "order cancelled")).all()
    assert len(releases) == 5
    assert set(session.exec(select(Order.status).where(Order.id.in_([o.id for o in placed]))).all()) == {"cancelled"}


def test_the_order_list_filters_searches_and_pages(session, owner):
    tea = product_on_sale(session, owner, stock=50)
    first = _order(session, owner, tea, 1, name="李四", phone="13900001111")
    second = _order(session, owner, tea, 2)
    third = _order(session, owner, tea, 3)
    state.transition(session, second, "paid", "payment:sandbox")
    session.exec(update(Order).where(Order.id == first.id).values(created_at=utcnow() - timedelta(days=3)))
    session.commit()

    items, total = listing.list_orders(session, owner)
    assert total == 3 and [i["order_no"] for i in items] == [third.order_no, second.order_no, first.order_no]
    assert items[0]["item_count"] == 3 and items[0]["total"] == 3 * 3800
    assert listing.list_orders(session, owner, status="paid")[1] == 1
    assert listing.list_orders(session, owner, q="1390000")[0][0]["order_no"] == first.order_no
    assert listing.list_orders(session, owner, q="李四")[1] == 1
    assert listing.list_orders(session, owner, q=second.order_no[-5:])[0][0]["id"] == second.id
    assert listing.list_orders(session, owner, created_to=utcnow() - timedelta(days=1))[1] == 1
    today = shop_time(utcnow()).date()
    assert listing.list_orders(session, owner, created_from=today)[1] == 2
    assert listing.list_orders(session, owner, created_from=today.isoformat(), created_to=today.isoformat())[1] == 2
    page_two, total = listing.list_orders(session, owner, page=2, per_page=2)
    assert total == 3 and [i["id"] for i in page_two] == [first.id]
    with pytest.raises(Invalid) as refused:
        listing.list_orders(session, owner, status="lost", created_from="yesterday")
    assert refused.value.fields == {"status": "order_status_invalid", "created_from": "date_invalid"}


def test_the_order_dict_has_the_api_shape(session, owner):
    order = _order(session, owner, product_on_sale(session, owner, price=3800), 2)
    shown = views.order_dict(session, order)
    for key in ("id", "order_no", "status", "financial_status", "fulfillment_status", "email", "address", "items",
                "subtotal", "discount_total", "shipping_total", "total", "refunded_total", "shipments", "events",
                "created_at"):
        assert key in shown
    assert shown["items"][0]["qty"] == 2 and shown["items"][0]["unit_price"] == 3800 and shown["items"][0]["sku"] == "TEA-1"
    assert shown["events"][0]["type"] == "placed" and shown["payments"][0]["status"] == "pending"
    assert shown["address"]["province"] == "浙江省"


def test_dates_mean_whole_days_in_china_time():
    start = listing._moment(date(2025, 11, 11), {}, "created_from")
    end = listing._moment(date(2025, 11, 11), {}, "created_to", end=True)
    assert start.isoformat() == "2025-11-11T00:00:00+08:00" and end.isoformat() == "2025-11-12T00:00:00+08:00"


def test_the_expiry_job_runs_every_15_seconds():
    from shopapp.jobs import JOBS

    job = next(j for j in JOBS if j.name == "expire_unpaid_orders")
    assert job.every_seconds == 15 and job.run is cancel.expire_unpaid_orders


def test_the_console_names_who_did_each_step_staff_by_email_and_never_another_shops_staff(session, owner):
    other = make_shop(session, "green-leaf", email="stranger@example.com")
    named = views.describe_actors(session, owner.shop_id, [
        owner.label, other.label, "shopper", "system", "payment:alipay", "carrier:SF", "api_key:999",
    ])
    assert named[owner.label] == {"kind": "staff", "name": "owner@example.com"}
    assert named[other.label] == {"kind": "staff", "name": ""}  # not this shop's: a staff member, unnamed
    assert named["shopper"]["kind"] == "shopper" and named["system"]["kind"] == "system"
    assert named["payment:alipay"] == {"kind": "payment", "name": "alipay"}
    assert named["carrier:SF"] == {"kind": "carrier", "name": "SF"}
    assert named["api_key:999"] == {"kind": "api_key", "name": ""}
