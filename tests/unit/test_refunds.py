"""Refunds: through the provider, never more than was paid (even racing), once per Idempotency-Key, stock back."""

from __future__ import annotations

import threading

import pytest
from sqlmodel import func, select

from shopapp.db import session_scope
from shopapp.models import Order, OrderEvent, OutboxEmail, Payment, StockMove
from shopapp.models.aftersales import Refund
from shopapp.services.checkout import place, pricing
from shopapp.services.core.errors import Conflict, Forbidden, Invalid, NotFound
from shopapp.services.core.permissions import Actor
from shopapp.services.orders import cancel, fulfillment, refunds, state
from tests.conftest import make_shop
from tests.shopping import ADDRESS, cart_with, order_wide_saving, paid_order, product_on_sale, stock_of

SF = {"carrier": "SF", "tracking_no": "SF1234567890123"}


def _fresh(session, order: Order) -> Order:
    return session.get(Order, order.id, populate_existing=True)


def _refund_count(session) -> int:
    return session.exec(select(func.count()).select_from(Refund)).one()


def test_a_partial_refund_goes_through_the_provider_and_the_order_stays_open(session, owner):
    order, _ = paid_order(session, owner, (product_on_sale(session, owner, price=3800), 2))  # 7600 + 1000 shipping
    answer = refunds.refund(session, owner, order.id, 1000, "运费退回")
    order = _fresh(session, order)
    assert answer["amount"] == 1000 and answer["provider_reference"].startswith("SBXR")
    assert (order.status, order.financial_status, order.refunded_total) == ("paid", "partially_refunded", 1000)
    payment = session.exec(select(Payment).where(Payment.order_id == order.id)).one()
    assert (payment.status, payment.refunded_amount) == ("succeeded", 1000)
    event = session.exec(select(OrderEvent).where(OrderEvent.order_id == order.id, OrderEvent.type == "refunded")).one()
    assert event.data == {"refund_id": answer["id"], "amount": 1000, "reason": "运费退回"} and event.actor == owner.label
    mail = session.exec(select(OutboxEmail).where(OutboxEmail.subject.contains("已退款"))).one()
    assert "¥10" in mail.subject and "refunded" in mail.body


def test_refunding_everything_closes_the_order(session, owner):
    order, _ = paid_order(session, owner, (product_on_sale(session, owner), 1))
    refunds.refund(session, owner, order.id, 1000, "")
    refunds.refund(session, owner, order.id, order.total - 1000, "")
    order = _fresh(session, order)
    assert (order.status, order.financial_status, order.refunded_total) == ("closed", "refunded", order.total)
    assert session.exec(select(Payment.status).where(Payment.order_id == order.id)).one() == "refunded"
    # Each refund has its own number at the provider, so the provider refunds both.
    assert [r.request_no[-3:] for r in session.exec(select(Refund).order_by(Refund.id)).all()] == ["-R1", "-R2"]


def test_a_refund_above_what_is_left_is_refused_and_changes_nothing(session, owner):
    order, _ = paid_order(session, owner, (product_on_sale(session, owner), 1))
    refunds.refund(session, owner, order.id, 2000, "")
    with pytest.raises(Invalid) as refused:
        refunds.refund(session, owner, order.id, order.total - 2000 + 1, "")
    assert refused.value.fields == {"amount": "refund_too_large"}
    order = _fresh(session, order)
    assert order.refunded_total == 2000 and _refund_count(session) == 1


@pytest.mark.parametrize(("amount", "reason", "fields"), [
    (0, "", {"amount": "must_be_positive"}), ("10", "", {"amount": "must_be_whole_number"}),
    (100, "x" * 201, {"reason": "too_long"}),
])
def test_bad_refund_requests_name_the_field(session, owner, amount, reason, fields):
    order, _ = paid_order(session, owner, (product_on_sale(session, owner), 1))
    with pytest.raises(Invalid) as refused:
        refunds.refund(session, owner, order.id, amount, reason)
    assert refused.value.fields == fields and _refund_count(session) == 0


def test_a_returned_item_is_refunded_and_put_back_on_sale(session, owner):
    tea = product_on_sale(session, owner, stock=5, price=3800)
    order, _ = paid_order(session, owner, (tea, 2))
    fulfillment.ship(session, owner, order.id, None, **SF)
    assert stock_of(session, tea) == 3
    line = state.order_items(session, order)[0]
    refunds.refund(session, owner, order.id, 3800, "退货", [{"order_item_id": line.id, "qty": 1, "restock": True}])
    assert stock_of(session, tea) == 4
    move = session.exec(select(StockMove).order_by(StockMove.id.desc())).first()
    assert (move.delta, move.reason) == (1, f"refund {order.order_no}")
    with pytest.raises(Invalid) as refused:  # one unit bought was already refunded: only one is left
        refunds.refund(session, owner, order.id, 100, "", [{"order_item_id": line.id, "qty": 2}])
    assert refused.value.fields == {"items.0.qty": "refund_qty_too_large"}
    refunds.refund(session, owner, order.id, 100, "", [{"order_item_id": line.id, "qty": 1, "restock": False}])
    assert stock_of(session, tea) == 4


def test_a_line_refunded_one_unit_then_the_last_two_gives_back_exactly_what_it_was_paid(session, owner, monkeypatch):
    monkeypatch.setattr(pricing, "DISCOUNT_STEPS", (order_wide_saving(1000),))  # a 满减 of ¥10
    tea = product_on_sale(session, owner, stock=5, price=3800)
    order, _ = paid_order(session, owner, (tea, 3))  # 11400 - 1000, free shipping over 99
    line = state.order_items(session, order)[0]
    assert (line.unit_price, line.total, line.paid, order.total) == (3800, 11400, 10400, 10400)
    one = [{"order_item_id": line.id, "qty": 1}]
    assert refunds.paid_for_units(session, order, one) == 3466  # floor(10400 × 1 / 3)
    first = refunds.refund(session, owner, order.id, None, "缺货", one)
    assert first["amount"] == 3466 and stock_of(session, tea) == 3
    last_two = [{"order_item_id": line.id, "qty": 2}]
    assert refunds.paid_for_units(session, order, last_two) == 6934  # what is left, not 2 × 3466
    rest = refunds.refund(session, owner, order.id, None, "退货", last_two)
    assert first["amount"] + rest["amount"] == line.paid
    order = _fresh(session, order)
    assert (order.status, order.financial_status, order.refunded_total) == ("closed", "refunded", 10400)


def test_a_refund_needs_an_amount_or_the_lines_it_gives_back(session, owner):
    order, _ = paid_order(session, owner, (product_on_sale(session, owner), 1))
    with pytest.raises(Invalid) as refused:
        refunds.refund(session, owner, order.id, None, "")
    assert refused.value.fields == {"amount": "must_be_whole_number"} and _refund_count(session) == 0


def test_refunding_units_not_shipped_yet_means_they_never_ship(session, owner):
    tea = product_on_sale(session, owner, stock=5)
    order, _ = paid_order(session, owner, (tea, 2))
    line = state.order_items(session, order)[0]
    fulfillment.ship(session, owner, order.id, [{"order_item_id": line.id, "qty": 1}], **SF)
    refunds.refund(session, owner, order.id, 3800, "缺货", [{"order_item_id": line.id, "qty": 1}])
    order = _fresh(session, order)
    assert order.status == "shipped" and fulfillment.remaining_to_ship(session, order) == {line.id: 0}


def test_the_same_idempotency_key_answers_the_first_refund_and_refunds_once(session, owner):
    order, _ = paid_order(session, owner, (product_on_sale(session, owner), 1))
    first = refunds.refund(session, owner, order.id, 500, "补偿", idempotency_key="refund-1")
    session.commit()
    again = refunds.refund(session, owner, order.id, 500, "补偿", idempotency_key="refund-1")
    assert again == first and _refund_count(session) == 1 and _fresh(session, order).refunded_total == 500
    with pytest.raises(Conflict) as reused:
        refunds.refund(session, owner, order.id, 600, "补偿", idempotency_key="refund-1")
    assert reused.value.code == "idempotency_key_reused"


def test_two_refunds_racing_never_exceed_what_was_paid(session, owner):
    order, _ = paid_order(session, owner, (product_on_sale(session, owner, price=3800), 2))  # 8600 paid
    start = threading.Barrier(4)
    outcomes = []

    def refund_3000() -> None:
        start.wait()
        try:
            with session_scope() as own:
                refunds.refund(own, owner, order.id, 3000, "并发退款")
            outcomes.append("refunded")
        except Invalid as refused:
            outcomes.append(refused.fields["amount"])

    threads = [threading.Thread(target=refund_3000) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refund_too_large", "refund_too_large", "refunded", "refunded"]
    order = _fresh(session, order)
    assert order.refunded_total == 6000 and session.exec(select(func.sum(Refund.amount))).one() == 6000
    assert session.exec(select(Payment.refunded_amount).where(Payment.order_id == order.id)).one() == 6000


def test_unpaid_or_cancelled_orders_are_not_refunded(session, owner):
    placed = place.place_order(
        session, owner.shop_id, cart_with(session, owner.shop_id, (product_on_sale(session, owner), 1)),
        "buyer@example.com", ADDRESS,
    )
    with pytest.raises(Conflict) as refused:
        refunds.refund(session, owner, placed["order_id"], 100, "")
    assert refused.value.code == "order_not_refundable"


def test_another_shops_order_is_not_found_and_support_cannot_refund(session, owner):
    order, _ = paid_order(session, owner, (product_on_sale(session, owner), 1))
    with pytest.raises(NotFound):
        refunds.refund(session, make_shop(session, "green-leaf"), order.id, 100, "")
    with pytest.raises(Forbidden):
        refunds.refund(session, Actor(shop_id=owner.shop_id, role="support", user_id=9), order.id, 100, "")
    assert _refund_count(session) == 0


def test_cancelling_a_paid_order_refunds_it_in_full_and_puts_its_stock_back(session, owner):
    tea = product_on_sale(session, owner, stock=5)
    order, _ = paid_order(session, owner, (tea, 2))
    assert stock_of(session, tea) == 3
    cancel.cancel_order(session, owner, order.id, "顾客不要了")
    order = _fresh(session, order)
    assert (order.status, order.financial_status, order.refunded_total) == ("closed", "refunded", order.total)
    assert stock_of(session, tea) == 5


def test_a_shipped_order_is_not_cancelled_but_refunded(session, owner):
    order, _ = paid_order(session, owner, (product_on_sale(session, owner), 1))
    fulfillment.ship(session, owner, order.id, None, **SF)
    with pytest.raises(Conflict) as refused:
        cancel.cancel_order(session, owner, order.id, "")
    assert refused.value.code == "illegal_transition" and _fresh(session, order).status == "shipped"
