"""Payments: notifications verified before anything changes, acted on once, unwanted money sent back."""

from __future__ import annotations

import threading
from datetime import timedelta
from urllib.parse import parse_qsl, urlparse

import pytest
from sqlalchemy import update
from sqlmodel import func, select

from shopapp.db import session_scope
from shopapp.models import Order, OrderEvent, OutboxEmail, Payment, PaymentNotification
from shopapp.models.base import utcnow
from shopapp.services.checkout import place
from shopapp.services.core.errors import Conflict, Invalid, NotFound
from shopapp.services.core.money import format_money
from shopapp.services.orders import cancel, payments
from shopapp.services.payments.alipay import fen, load_private_key, yuan
from shopapp.services.payments.base import ProviderUnavailable, SignatureInvalid, sign_content
from tests.alipay_fake import FakeAlipay, rsa2, rsa2_verifies
from tests.shopping import ADDRESS, cart_with, product_on_sale, stock_of


def _placed(
    session, owner, *, stock: int = 10, qty: int = 1, provider: str | None = None, sku: str = "TEA-1",
) -> tuple[Order, Payment, int]:
    tea = product_on_sale(session, owner, stock=stock, price=3800, sku=sku)
    token = cart_with(session, owner.shop_id, (tea, qty))
    placed = place.place_order(session, owner.shop_id, token, "buyer@example.com", ADDRESS, provider=provider)
    order = session.get(Order, placed["order_id"])
    payment = session.exec(select(Payment).where(Payment.order_id == order.id)).one()
    session.commit()
    return order, payment, tea


def _snapshot(session, order: Order) -> tuple:
    """Everything a notification could change, read fresh from the database."""
    order = session.exec(select(Order).where(Order.id == order.id).execution_options(populate_existing=True)).one()
    payment_rows = session.exec(select(Payment.status, Payment.refunded_amount).where(Payment.order_id == order.id)).all()
    event_count = session.exec(select(func.count()).select_from(OrderEvent).where(OrderEvent.order_id == order.id)).one()
    notices = session.exec(select(func.count()).select_from(PaymentNotification)).one()
    return order.status, order.financial_status, order.refunded_total, tuple(payment_rows), event_count, notices


def _sandbox_notice(payment: Payment, outcome: str = "succeeded") -> dict:
    return payments.provider("sandbox").notification(payment, outcome)


# The sandbox ------------------------------------------------------------------------------------

def test_a_successful_payment_marks_the_order_paid(session, owner):
    order, payment, tea = _placed(session, owner)
    answer = payments.sandbox_pay(session, payments.public_id(payment), "success")
    assert answer == {"status": "succeeded", "order_no": order.order_no, "order_status": "paid"}
    session.refresh(order)
    assert order.status == "paid" and order.financial_status == "paid" and order.paid_at
    assert session.get(Payment, payment.id).provider_reference == f"SBX{payment.reference}"
    event = session.exec(select(OrderEvent).where(OrderEvent.order_id == order.id, OrderEvent.type == "paid")).one()
    assert event.actor == "payment:sandbox" and event.data["amount"] == order.total
    assert stock_of(session, tea) == 9


def _mail_to_shopper(session) -> list[str]:
    return list(session.exec(select(OutboxEmail.subject).where(OutboxEmail.to == "buyer@example.com").order_by(OutboxEmail.id)).all())


def test_the_shopper_is_emailed_when_the_payment_is_received(session, owner):
    order, payment, _ = _placed(session, owner)
    payments.sandbox_pay(session, payments.public_id(payment), "fail")
    assert len(_mail_to_shopper(session)) == 1  # "order placed" only: nothing came in
    payments.sandbox_pay(session, payments.public_id(payment), "success")
    subjects = _mail_to_shopper(session)
    assert len(subjects) == 2 and "已付款" in subjects[-1] and "payment received" in subjects[-1]
    body = session.exec(select(OutboxEmail.body).where(OutboxEmail.subject == subjects[-1])).one()
    assert order.order_no in body and format_money(order.total) in body
    # A repeated notification sends nothing again; money that goes straight back is no receipt.
    payments.handle_notification(session, "sandbox", _sandbox_notice(payment))
    second, _ = payments.create_payment(session, order, provider_name="sandbox", subject="x", return_url="")
    payments.sandbox_pay(session, payments.public_id(second), "success")
    assert len(_mail_to_shopper(session)) == 2


def test_a_failed_payment_leaves_the_order_waiting_and_can_be_retried(session, owner):
    order, payment, _ = _placed(session, owner)
    assert payments.sandbox_pay(session, payments.public_id(payment), "fail")["status"] == "failed"
    session.refresh(order)
    assert order.status == "pending_payment" and order.financial_status == "pending"
    assert "payment_failed" in session.exec(select(OrderEvent.type).where(OrderEvent.order_id == order.id)).all()
    assert payments.sandbox_pay(session, payments.public_id(payment), "success")["order_status"] == "paid"
    with pytest.raises(Conflict) as refused:
        payments.sandbox_pay(session, payments.public_id(payment), "success")
    assert refused.value.code == "payment_already_completed"


def test_the_sandbox_only_takes_success_or_fail(session, owner):
    _, payment, _ = _placed(session, owner)
    with pytest.raises(Invalid):
        payments.sandbox_pay(session, payments.public_id(payment), "maybe")
    with pytest.raises(NotFound):
        payments.sandbox_pay(session, "999999", "success")
    with pytest.raises(NotFound):  # its sequence number alone, or with a guessed capability, pays nothing
        payments.sandbox_pay(session, str(payment.id), "success")
    with pytest.raises(NotFound):
        payments.sandbox_pay(session, f"pay_{payment.id}_" + "A" * 32, "success")


def test_a_forged_sandbox_notification_changes_nothing(session, owner):
    order, payment, _ = _placed(session, owner)
    before = _snapshot(session, order)
    genuine = _sandbox_notice(payment)
    forgeries = [
        {**genuine, "sign": "0" * 64},
        {**genuine, "amount": "1"},  # a field changed after signing
        {k: v for k, v in genuine.items() if k != "sign"},
        {**genuine, "sign": payments.provider("sandbox")._signature(genuine).upper()},
    ]
    for forged in forgeries:
        with pytest.raises(SignatureInvalid):
            payments.handle_notification(session, "sandbox", forged)
    assert _snapshot(session, order) == before


def test_a_repeated_notification_changes_nothing_the_second_time(session, owner):
    order, payment, _ = _placed(session, owner)
    notice = _sandbox_notice(payment)
    first = payments.handle_notification(session, "sandbox", notice)
    after_first = _snapshot(session, order)
    again = payments.handle_notification(session, "sandbox", notice)
    assert (first.repeat, again.repeat) == (False, True) and again.status == "succeeded"
    assert _snapshot(session, order) == after_first


def test_a_second_success_for_the_same_payment_is_ignored(session, owner):
    """Alipay sends TRADE_SUCCESS and later TRADE_FINISHED: two notifications, one payment."""
    order, payment, _ = _placed(session, owner)
    payments.handle_notification(session, "sandbox", _sandbox_notice(payment))
    after_first = _snapshot(session, order)
    payments.handle_notification(session, "sandbox", _sandbox_notice(payment))
    status, financial, refunded, rows, events, notices = _snapshot(session, order)
    assert (status, financial, refunded, rows, events) == after_first[:5] and notices == after_first[5] + 1


def test_an_amount_that_differs_from_the_payment_is_refused(session, owner):
    order, payment, _ = _placed(session, owner)
    before = _snapshot(session, order)
    cheaper = Payment(reference=payment.reference, amount=1, currency="CNY", provider="sandbox", shop_id=0, order_id=0)
    with pytest.raises(Conflict) as refused:
        payments.handle_notification(session, "sandbox", _sandbox_notice(cheaper))
    assert refused.value.code == "payment_amount_mismatch"
    assert _snapshot(session, order) == before


def test_money_for_a_cancelled_order_goes_straight_back(session, owner):
    order, payment, tea = _placed(session, owner, stock=5, qty=2)
    cancel.cancel_order(session, owner, order.id, "")
    assert stock_of(session, tea) == 5
    answer = payments.sandbox_pay(session, payments.public_id(payment), "success")
    assert answer["status"] == "refunded" and answer["order_status"] == "cancelled"
    session.refresh(order)
    assert order.status == "cancelled" and order.financial_status == "refunded" and order.refunded_total == order.total
    refunded = session.get(Payment, payment.id)
    assert refunded.refunded_amount == order.total and refunded.refund_reference
    event = session.exec(select(OrderEvent).where(OrderEvent.order_id == order.id, OrderEvent.type == "payment_refunded")).one()
    assert event.data["reason"] == "order_cancelled" and event.data["automatic"] is True
    assert stock_of(session, tea) == 5  # the order was not revived, its stock stays on sale


def test_money_for_an_order_already_paid_goes_back(session, owner):
    order, payment, _ = _placed(session, owner)
    payments.sandbox_pay(session, payments.public_id(payment), "success")
    second, _ = payments.create_payment(session, order, provider_name="sandbox", subject="x", return_url="")
    assert payments.sandbox_pay(session, payments.public_id(second), "success")["status"] == "refunded"
    session.refresh(order)
    assert order.status == "paid" and order.financial_status == "paid" and order.refunded_total == order.total


def test_the_same_notification_delivered_at_once_is_acted_on_once(session, owner):
    order, payment, _ = _placed(session, owner)
    notice = _sandbox_notice(payment)
    start = threading.Barrier(4)
    results = []

    def deliver() -> None:
        start.wait()
        with session_scope() as own:
            results.append(payments.handle_notification(own, "sandbox", notice).repeat)

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, True, True, True]
    assert session.exec(select(func.count()).select_from(OrderEvent).where(OrderEvent.type == "paid")).one() == 1


def test_a_payment_racing_the_expiry_job_never_pays_a_released_order(session, owner):
    """Whichever wins, the outcome is consistent: paid with stock kept, or cancelled, released and refunded."""
    for attempt in range(3):
        order, payment, tea = _placed(session, owner, stock=3, qty=1, sku=f"RACE-{attempt}")
        session.exec(update(Order).where(Order.id == order.id).values(expires_at=utcnow() - timedelta(seconds=1)))
        session.commit()
        start = threading.Barrier(2)

        def expire(start: threading.Barrier = start) -> None:
            start.wait()
            with session_scope() as own:
                cancel.expire_unpaid_orders(own)

        def pay(start: threading.Barrier = start, payment_id: str = payments.public_id(payment)) -> None:
            start.wait()
            with session_scope() as own:
                payments.sandbox_pay(own, payment_id, "success")

        threads = [threading.Thread(target=expire), threading.Thread(target=pay)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        status, financial, refunded, rows, _, _ = _snapshot(session, order)
        if status == "paid":
            assert stock_of(session, tea) == 2 and rows == (("succeeded", 0),) and refunded == 0
        else:
            assert status == "cancelled" and financial == "refunded" and stock_of(session, tea) == 3
            assert rows == (("refunded", order.total),) and refunded == order.total


def test_notifications_for_unknown_providers_or_payments_are_refused(session, owner):
    with pytest.raises(NotFound):
        payments.handle_notification(session, "paypal", {})
    ghost = Payment(reference="NOPE-1", amount=100, currency="CNY", provider="sandbox", shop_id=0, order_id=0)
    with pytest.raises(NotFound):
        payments.handle_notification(session, "sandbox", _sandbox_notice(ghost))
    with pytest.raises(NotFound):
        payments.provider("alipay")  # not set up here


# Alipay -------------------------------------------------------------------------------------------

@pytest.fixture
def alipay(monkeypatch):
    fake = FakeAlipay().start()
    monkeypatch.setattr(payments, "get_settings", fake.settings)
    yield fake
    fake.stop()


def test_rsa2_signs_sorted_parameters_without_empty_values():
    assert sign_content({"b": "2", "a": "1", "sign": "x", "c": "", "d": None}) == "a=1&b=2"
    assert sign_content({"b": "2", "sign_type": "RSA2", "sign": "x"}, leave_out=("sign", "sign_type")) == "b=2"
    assert (yuan(1234), yuan(5), yuan(100000)) == ("12.34", "0.05", "1000.00")
    assert (fen("12.34"), fen("0.05"), fen("1000")) == (1234, 5, 100000)
    with pytest.raises(ValueError):
        fen("1.234")


def test_without_a_real_gateway_the_sandbox_takes_payments():
    assert payments.available_providers("CNY") == payments.available_providers("USD") == ["sandbox"]


def test_once_alipay_is_set_up_nobody_can_pay_with_the_sandbox(session, owner, alipay):
    assert payments.available_providers("CNY") == ["alipay"] and payments.available_providers("USD") == []
    with pytest.raises(NotFound):
        payments.provider("sandbox")
    order, payment, tea = _placed(session, owner)
    assert payment.provider == "alipay"
    token = cart_with(session, owner.shop_id, (tea, 1))
    with pytest.raises(Invalid) as refused:
        place.place_order(session, owner.shop_id, token, "buyer@example.com", ADDRESS, provider="sandbox")
    assert refused.value.fields == {"provider": "payment_provider_invalid"}
    with pytest.raises(NotFound):
        payments.sandbox_pay(session, payments.public_id(payment), "success")


def test_the_pay_url_is_a_signed_alipay_wap_pay_request(session, owner, alipay):
    order, payment, _ = _placed(session, owner, provider="alipay")
    url = payments.provider("alipay").create_payment(payment, order, subject="茶舍 订单", return_url="https://shop.example/back")
    assert url.startswith(alipay.gateway + "?")
    params = dict(parse_qsl(urlparse(url).query))
    assert params["method"] == "alipay.trade.wap.pay" and params["app_id"] == "2021000000000001"
    assert params["sign_type"] == "RSA2" and params["charset"] == "utf-8" and params["version"] == "1.0"
    assert params["notify_url"].endswith("/api/v1/payments/alipay/notify")
    assert rsa2_verifies(alipay.merchant_key, sign_content(params), params["sign"])
    biz = __import__("json").loads(params["biz_content"])
    assert biz["out_trade_no"] == payment.reference and biz["total_amount"] == yuan(order.total)
    assert biz["product_code"] == "QUICK_WAP_WAY" and biz["time_expire"]
    desktop = payments.provider("alipay").create_payment(payment, order, subject="x", return_url="", mobile=False)
    params = dict(parse_qsl(urlparse(desktop).query))
    assert params["method"] == "alipay.trade.page.pay" and '"FAST_INSTANT_TRADE_PAY"' in params["biz_content"]


def test_a_genuine_alipay_notification_pays_the_order_and_is_answered_success(session, owner, alipay):
    order, payment, _ = _placed(session, owner, provider="alipay")
    handled = payments.handle_notification(session, "alipay", alipay.notification(payment.reference, yuan(order.total)))
    assert handled.acknowledgement == "success" and handled.status == "succeeded"
    session.refresh(order)
    assert order.status == "paid"
    assert session.get(Payment, payment.id).provider_reference.startswith("2025111122001")


def test_a_forged_alipay_notification_changes_nothing(session, owner, alipay):
    order, payment, _ = _placed(session, owner, provider="alipay")
    before = _snapshot(session, order)
    genuine = alipay.notification(payment.reference, yuan(order.total))
    impostor = FakeAlipay()  # the right format, signed with someone else's key
    forged_by_key = impostor.notification(payment.reference, yuan(order.total))
    forgeries = [
        forged_by_key,
        {**genuine, "total_amount": "0.01"},
        {**genuine, "trade_status": "TRADE_SUCCESS", "out_trade_no": "OTHER-1"},
        {**genuine, "sign": "not base64!"},
        {k: v for k, v in genuine.items() if k != "sign"},
    ]
    for forged in forgeries:
        with pytest.raises(SignatureInvalid):
            payments.handle_notification(session, "alipay", forged)
    # Genuinely signed, but for another merchant's app.
    other_app = {k: v for k, v in genuine.items() if k not in ("sign", "sign_type")} | {"app_id": "2021999999999999"}
    other_app["sign"] = rsa2(alipay.alipay_key, sign_content(other_app))
    with pytest.raises(SignatureInvalid):
        payments.handle_notification(session, "alipay", other_app)
    assert _snapshot(session, order) == before


def test_sign_type_is_not_part_of_what_alipay_signs(session, owner, alipay):
    order, payment, _ = _placed(session, owner, provider="alipay")
    notice = alipay.notification(payment.reference, yuan(order.total))
    notice["sign_type"] = "RSA"  # not covered by the signature: changing it changes nothing
    assert payments.handle_notification(session, "alipay", notice).status == "succeeded"


def test_alipay_money_for_a_cancelled_order_is_refunded_through_alipay(session, owner, alipay):
    order, payment, _ = _placed(session, owner, provider="alipay")
    cancel.cancel_order(session, owner, order.id, "")
    handled = payments.handle_notification(session, "alipay", alipay.notification(payment.reference, yuan(order.total)))
    assert handled.status == "refunded"
    assert alipay.calls == [{
        "method": "alipay.trade.refund", "out_trade_no": payment.reference, "refund_amount": yuan(order.total),
        "refund_reason": "订单已取消，自动退款", "out_request_no": f"{payment.reference}-R",
    }]
    session.refresh(order)
    assert order.status == "cancelled" and order.refunded_total == order.total


def test_when_alipay_refuses_the_refund_the_notification_is_not_taken(session, owner, alipay):
    """Nothing is recorded, so Alipay's next delivery tries again."""
    order, payment, _ = _placed(session, owner, provider="alipay")
    cancel.cancel_order(session, owner, order.id, "")
    session.commit()
    alipay.refuse = True
    with pytest.raises(ProviderUnavailable):
        with session_scope() as own:
            payments.handle_notification(own, "alipay", alipay.notification(payment.reference, yuan(order.total), notify_id="n-1"))
    assert session.exec(select(PaymentNotification)).all() == []
    assert session.exec(select(Payment.status).where(Payment.id == payment.id)).one() == "pending"
    session.commit()
    alipay.refuse = False
    with session_scope() as own:
        assert payments.handle_notification(own, "alipay", alipay.notification(payment.reference, yuan(order.total), notify_id="n-1")).status == "refunded"


def test_alipay_query_reads_a_signed_answer(session, owner, alipay):
    _, payment, _ = _placed(session, owner, provider="alipay")
    assert payments.provider("alipay").query(payment) == "succeeded"
    assert alipay.calls[-1] == {"method": "alipay.trade.query", "out_trade_no": payment.reference}


def test_keys_are_read_as_pem_or_as_alipays_bare_base64(alipay):
    from tests.alipay_fake import private_pem

    pem = private_pem(alipay.merchant_key)
    bare = "".join(line for line in pem.splitlines() if not line.startswith("-----"))
    assert load_private_key(bare).private_numbers() == alipay.merchant_key.private_numbers()
    assert load_private_key(pem.replace("\n", "\\n")).private_numbers() == alipay.merchant_key.private_numbers()
    with pytest.raises(ValueError):
        load_private_key("not a key")
