"""Each shop's money over HTTP: commission at the plan's rate accrued per paid order and reversed with
refunds; the platform's collection settling to the shop's balance at completion and paid out in batches by
an operator; a shop's own Alipay app (keys checked with a test call, stored encrypted, never shown) taking
its orders' payments straight."""

from __future__ import annotations

import pytest
from sqlmodel import select

from shopapp.db import session_scope
from shopapp.models import BalanceEntry, Order, Payment, Payout, ShopPaymentAccount
from shopapp.services.orders import state
from shopapp.services.platform import operators
from shopapp.services.settlement import ledger
from shopapp.settings import get_settings
from tests.alipay_fake import APP_ID, FakeAlipay, new_key, private_pem, public_pem
from tests.api.conftest import signup
from tests.api.test_fulfillment_api import SF, _paid, _product

PRO_BP = 60  # the trial's plan, 专业版: 0.6 %


def _money(client, shop) -> dict:
    answer = client.get("/payment-account", headers=shop["headers"])
    assert answer.status_code == 200, answer.text
    return answer.json()


def _commission(order_id: int) -> int:
    with session_scope() as session:
        return ledger.order_commission(session, order_id)


def _complete(client, shop, order_id: int) -> None:
    items = client.get(f"/orders/{order_id}", headers=shop["headers"]).json()["items"]
    shipped = client.post(f"/orders/{order_id}/shipments", headers=shop["headers"], json={
        "items": [{"order_item_id": i["id"], "qty": i["qty"]} for i in items], **SF})
    assert shipped.status_code == 201, shipped.text
    with session_scope() as session:
        state.transition(session, session.get(Order, order_id), "completed", "test")


def _operator_token() -> str:
    with session_scope() as session:
        operators.create_operator(session, email="ops@platform.example", password="operator-pass")
        return operators.login(session, email="ops@platform.example", password="operator-pass")


@pytest.fixture
def owner(client):
    return signup(client)


def test_commission_accrues_on_paid_orders_and_is_reversed_with_refunds(client, owner):
    placed = _paid(client, owner, (_product(owner, price=3800), 3))
    total = placed["total"]
    assert _commission(placed["order_id"]) == round(total * PRO_BP / 10000)
    refund = client.post(f"/orders/{placed['order_id']}/refunds", json={"amount": total // 2, "reason": "部分退款"},
                         headers=owner["headers"])
    assert refund.status_code == 201, refund.text
    assert _commission(placed["order_id"]) == round(total * PRO_BP / 10000) - round((total // 2) * PRO_BP / 10000)
    rest = client.post(f"/orders/{placed['order_id']}/refunds", json={"amount": total - total // 2, "reason": "全部退款"},
                       headers=owner["headers"])
    assert rest.status_code == 201, rest.text
    assert _commission(placed["order_id"]) == 0  # refunded in full: no commission on it at all
    assert _money(client, owner)["commission_total"] == 0


def test_the_platform_collects_and_settles_to_the_balance_at_completion_then_pays_out(client, owner):
    assert _money(client, owner)["mode"] == "platform"
    placed = _paid(client, owner, (_product(owner, price=10000), 1))
    total, commission = placed["total"], round(placed["total"] * PRO_BP / 10000)
    assert _money(client, owner)["balance"] == 0  # paid, not completed: nothing settled yet
    _complete(client, owner, placed["order_id"])
    assert _money(client, owner)["balance"] == total - commission
    refund = client.post(f"/orders/{placed['order_id']}/refunds", json={"amount": 1000, "reason": "补偿"},
                         headers=owner["headers"])
    assert refund.status_code == 201, refund.text
    after_refund = total - commission - (1000 - round(1000 * PRO_BP / 10000))
    assert _money(client, owner)["balance"] == after_refund
    # An owner never reaches the operator's payouts; an operator pays the balance out, recorded in the ledger.
    assert client.post("/ops/payouts", json={}, headers=owner["headers"]).status_code == 404
    token = _operator_token()
    batch = client.post("/ops/payouts", json={}, headers={"Authorization": f"Bearer {token}"})
    assert batch.status_code == 201, batch.text
    assert batch.json()["total"] == after_refund and batch.json()["shops"] == 1
    assert _money(client, owner)["balance"] == 0
    with session_scope() as session:
        assert [p.amount for p in session.exec(select(Payout)).all()] == [after_refund]
        kinds = [e.kind for e in session.exec(select(BalanceEntry).order_by(BalanceEntry.id)).all()]
    assert kinds == ["order_completed", "refund", "payout"]
    again = client.post("/ops/payouts", json={}, headers={"Authorization": f"Bearer {token}"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "payout_nothing_due"  # nothing is paid twice


@pytest.fixture
def fake_alipay(monkeypatch):
    fake = FakeAlipay().start()
    monkeypatch.setenv("ALIPAY_GATEWAY", fake.gateway)
    get_settings.cache_clear()
    yield fake
    fake.stop()
    monkeypatch.undo()
    get_settings.cache_clear()


def _connect(client, shop, fake, **override):
    body = {"mode": "own_alipay", "app_id": APP_ID, "private_key": private_pem(fake.merchant_key),
            "alipay_public_key": public_pem(fake.alipay_key), **override}
    return client.put("/payment-account", json=body, headers=shop["headers"])


def test_wrong_alipay_keys_are_refused_and_nothing_changes(client, owner, fake_alipay):
    wrong = _connect(client, owner, fake_alipay, private_key=private_pem(new_key()))
    assert wrong.status_code == 422 and wrong.json()["error"]["code"] == "alipay_keys_refused"
    not_a_key = _connect(client, owner, fake_alipay, alipay_public_key="hello")
    assert not_a_key.status_code == 422
    assert _money(client, owner)["mode"] == "platform"


def test_a_shop_with_its_own_alipay_is_paid_straight(client, owner, fake_alipay):
    connected = _connect(client, owner, fake_alipay)
    assert connected.status_code == 200, connected.text
    view = _money(client, owner)
    assert view["mode"] == "own_alipay" and view["alipay_app_id"] == APP_ID
    assert "private_key" not in str(view) and "BEGIN" not in str(view)
    with session_scope() as session:
        stored = session.exec(select(ShopPaymentAccount)).one().alipay_keys_encrypted
    assert stored and "PRIVATE KEY" not in stored and private_pem(fake_alipay.merchant_key)[40:80] not in stored

    slug = owner["shop"]["slug"]
    variant = _product(owner, price=5000)
    cart = client.post(f"/store/{slug}/carts").json()["cart_token"]
    client.post(f"/store/{slug}/carts/{cart}/items", json={"variant_id": variant, "qty": 1})
    from tests.shopping import ADDRESS
    placed = client.post(f"/store/{slug}/checkout", json={"cart_token": cart, "email": "b@example.com", "address": ADDRESS}).json()
    assert placed["payment"]["pay_url"].startswith(fake_alipay.gateway)
    with session_scope() as session:
        payment = session.exec(select(Payment).where(Payment.order_id == placed["order_id"])).one()
        assert (payment.provider, payment.collection) == ("alipay", "shop")
        reference = payment.reference
    total = placed["total"]
    notice = fake_alipay.notification(reference, f"{total // 100}.{total % 100:02d}")
    answer = client.post("/payments/alipay/notify", data=notice)
    assert answer.status_code == 200 and answer.text == "success"
    assert client.get(f"/orders/{placed['order_id']}", headers=owner["headers"]).json()["status"] == "paid"
    assert _commission(placed["order_id"]) == round(total * PRO_BP / 10000)  # commission is the platform's still
    _complete(client, owner, placed["order_id"])
    assert _money(client, owner)["balance"] == 0  # the money is already the shop's: nothing to settle
    # A refund goes back through the shop's own app.
    refund = client.post(f"/orders/{placed['order_id']}/refunds", json={"amount": 1000, "reason": "补偿"}, headers=owner["headers"])
    assert refund.status_code == 201, refund.text
    assert any(call["method"] == "alipay.trade.refund" for call in fake_alipay.calls)
    back = client.put("/payment-account", json={"mode": "platform"}, headers=owner["headers"])
    assert back.status_code == 200 and back.json()["mode"] == "platform"
