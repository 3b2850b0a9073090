"""The money path over HTTP: cart, checkout, pay, notifications, the shopper's order page, the console's orders."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import update
from sqlmodel import func, select

from shopapp.db import session_scope
from shopapp.models import Order, OrderEvent, PaymentNotification
from shopapp.models.base import utcnow
from shopapp.services.orders import cancel, payments
from shopapp.services.payments.alipay import yuan
from shopapp.services.shops import accounts
from tests.alipay_fake import FakeAlipay
from tests.api.conftest import signup
from tests.shopping import ADDRESS, product_on_sale, stock_of

CHECKOUT = {"email": "buyer@example.com", "address": ADDRESS}


def _product(shop: dict, **kwargs) -> int:
    """A product on sale in the signed-up shop (products are made through the service)."""
    with session_scope() as session:
        return product_on_sale(session, accounts.authenticate(session, shop["token"]), **kwargs)


def _stock(variant_id: int) -> int:
    with session_scope() as session:
        return stock_of(session, variant_id)


def _cart(client, slug: str, *lines: tuple[int, int]) -> str:
    token = client.post(f"/store/{slug}/carts").json()["cart_token"]
    for variant_id, qty in lines:
        answer = client.post(f"/store/{slug}/carts/{token}/items", json={"variant_id": variant_id, "qty": qty})
        assert answer.status_code == 200, answer.text
    return token


def _checkout(client, slug: str, token: str, **body) -> httpx.Response:
    headers = {"Idempotency-Key": body.pop("key")} if "key" in body else {}
    return client.post(f"/store/{slug}/checkout", json={**CHECKOUT, "cart_token": token, **body}, headers=headers)


def checkouts_at_once_over_http(api_url: str, slug: str, tokens: list[str]) -> list[tuple[int, str]]:
    """Every cart checked out at the same moment, each on its own connection: (status, error code) per cart."""
    start = threading.Barrier(len(tokens))

    def press_pay(token: str) -> tuple[int, str]:
        with httpx.Client(base_url=api_url + "/api/v1", timeout=60) as own:
            start.wait()
            answer = _checkout(own, slug, token)
            return answer.status_code, answer.json().get("error", {}).get("code", "")

    with ThreadPoolExecutor(max_workers=len(tokens)) as pool:
        return list(pool.map(press_pay, tokens))


def _counts() -> tuple[int, int, int]:
    with session_scope() as session:
        return tuple(session.exec(select(func.count()).select_from(table)).one() for table in (Order, OrderEvent, PaymentNotification))


def test_the_quote_and_the_order_say_what_each_item_pays(client, shop):
    tea = _product(shop, stock=10, price=3800)
    cake = _product(shop, stock=10, price=1250, sku="CAKE-1", title="月饼")
    slug = shop["shop"]["slug"]
    token = _cart(client, slug, (tea, 2), (cake, 1))
    quote = client.get(f"/store/{slug}/carts/{token}/quote", params={"province": "浙江省"}).json()
    priced = lambda item: (item["variant_id"], item["qty"], item["unit_price"], item["paid"], item["discounts"])  # noqa: E731
    assert [priced(i) for i in quote["items"]] == [(tea, 2, 3800, 7600, []), (cake, 1, 1250, 1250, [])]
    assert all(i["gift"] is False for i in quote["items"])
    assert (quote["subtotal"], quote["discounts"], quote["discount_total"], quote["shipping_total"], quote["total"]) == (
        8850, [], 0, 1000, 9850)

    placed = _checkout(client, slug, token).json()
    page = client.get(f"/store/{slug}/orders/{placed['order_no']}", params={"token": placed["token"]}).json()
    order = client.get(f"/orders/{placed['order_id']}", headers=shop["headers"]).json()
    for shown in (page, order):
        assert [priced(i) for i in shown["items"]] == [priced(i) for i in quote["items"]]
        assert (shown["discounts"], shown["discount_total"], shown["total"]) == ([], 0, quote["total"])


def test_a_shopper_buys_pays_and_the_owner_sees_the_paid_order(client, shop):
    tea = _product(shop, stock=10, price=3800)
    slug = shop["shop"]["slug"]
    token = client.post(f"/store/{slug}/carts").json()["cart_token"]
    # A price sent by the client is ignored: the catalogue's price counts.
    cart = client.post(f"/store/{slug}/carts/{token}/items", json={"variant_id": tea, "qty": 2, "price": 1, "unit_price": 1})
    assert cart.status_code == 200 and cart.json()["subtotal"] == 7600
    assert client.get(f"/store/{slug}/carts/{token}").json()["items"][0]["unit_price"] == 3800
    quote = client.get(f"/store/{slug}/carts/{token}/quote", params={"province": "浙江省"}).json()
    assert (quote["shipping_total"], quote["total"]) == (1000, 8600)
    methods = client.get(f"/store/{slug}/shipping-methods", params={"cart_token": token}).json()
    assert methods["items"][0]["name"] == "快递" and methods["items"][0]["fee"] == 1000

    placed = _checkout(client, slug, token, total=1, subtotal=1, key="journey-1")
    assert placed.status_code == 201, placed.text
    body = placed.json()
    assert body["total"] == 8600 and body["payment"]["provider"] == "sandbox" and body["token"]
    assert _stock(tea) == 8

    page = client.get(f"/store/{slug}/orders/{body['order_no']}", params={"token": body["token"]}).json()
    assert page["status"] == "pending_payment" and page["pay_url"] and page["items"][0]["qty"] == 2
    pay_page = client.get(body["payment"]["pay_url"].split("/api/v1", 1)[1])  # PUBLIC_URL is not this test server
    assert pay_page.status_code == 200 and "¥86" in pay_page.text

    paid = client.post(f"/payments/sandbox/{body['payment']['id']}/pay", json={"outcome": "success"})
    assert paid.status_code == 200 and paid.json()["status"] == "succeeded"
    page = client.get(f"/store/{slug}/orders/{body['order_no']}", params={"token": body["token"]}).json()
    assert page["status"] == "paid" and page["pay_url"] is None
    assert [step["type"] for step in page["timeline"]] == ["placed", "paid"]

    listed = client.get("/orders", params={"status": "paid"}, headers=shop["headers"]).json()
    assert listed["total"] == 1 and listed["items"][0]["order_no"] == body["order_no"]
    order = client.get(f"/orders/{body['order_id']}", headers=shop["headers"]).json()
    assert order["financial_status"] == "paid" and [e["type"] for e in order["events"]] == ["placed", "paid"]
    assert order["items"][0]["unit_price"] == 3800 and order["total"] == 8600


def test_the_sandbox_pay_page_form_sends_the_shopper_back_to_the_shop(client, shop):
    slug = shop["shop"]["slug"]
    body = _checkout(client, slug, _cart(client, slug, (_product(shop), 1))).json()
    back = dict(httpx.URL(body["payment"]["pay_url"]).params)["return_url"]
    assert f"/s/{slug}/orders/{body['order_no']}?token=" in back
    pay = f"/payments/sandbox/{body['payment']['id']}/pay"
    # Anywhere but the shop itself is not a place the pay page sends people.
    elsewhere = client.post(pay, data={"outcome": "fail", "return_url": "https://evil.example/"})
    assert elsewhere.status_code == 200 and elsewhere.json()["status"] == "failed"
    answer = client.post(pay, data={"outcome": "success", "return_url": back})
    assert answer.status_code == 303 and answer.headers["location"] == back


def test_a_failed_payment_leaves_the_order_unpaid(client, shop):
    slug = shop["shop"]["slug"]
    body = _checkout(client, slug, _cart(client, slug, (_product(shop), 1))).json()
    answer = client.post(f"/payments/sandbox/{body['payment']['id']}/pay", json={"outcome": "fail"})
    assert answer.status_code == 200 and answer.json()["status"] == "failed"
    page = client.get(f"/store/{slug}/orders/{body['order_no']}", params={"token": body["token"]}).json()
    assert page["status"] == "pending_payment" and page["pay_url"]


def test_a_forged_notification_answers_400_and_changes_nothing(client, shop):
    slug = shop["shop"]["slug"]
    body = _checkout(client, slug, _cart(client, slug, (_product(shop), 1))).json()
    with session_scope() as session:
        genuine = payments.provider("sandbox").notification(payments.payment_by_public_id(session, body["payment"]["id"]), "succeeded")
    before = _counts()
    for forged in ({**genuine, "sign": "f" * 64}, {**genuine, "amount": "1"}):
        answer = client.post("/payments/sandbox/notify", json=forged)
        assert answer.status_code == 400 and answer.json()["error"]["code"] == "signature_invalid"
    assert client.post("/payments/sandbox/notify", content=b"{not json", headers={"content-type": "application/json"}).status_code == 400
    assert _counts() == before
    page = client.get(f"/store/{slug}/orders/{body['order_no']}", params={"token": body["token"]}).json()
    assert page["status"] == "pending_payment"


def test_a_replayed_notification_answers_200_and_acts_once(client, shop):
    slug = shop["shop"]["slug"]
    body = _checkout(client, slug, _cart(client, slug, (_product(shop), 1))).json()
    with session_scope() as session:
        notice = payments.provider("sandbox").notification(payments.payment_by_public_id(session, body["payment"]["id"]), "succeeded")
    first = client.post("/payments/sandbox/notify", json=notice)
    after_first = _counts()
    again = client.post("/payments/sandbox/notify", json=notice)
    assert (first.status_code, again.status_code) == (200, 200)
    assert (first.json()["repeat"], again.json()["repeat"]) == (False, True)
    assert _counts() == after_first


@pytest.fixture
def alipay(monkeypatch):
    fake = FakeAlipay().start()
    monkeypatch.setattr(payments, "get_settings", fake.settings)
    yield fake
    fake.stop()


def test_alipay_notifications_are_form_posts_answered_with_plain_success(client, shop, alipay):
    slug = shop["shop"]["slug"]
    body = _checkout(client, slug, _cart(client, slug, (_product(shop), 1))).json()
    assert body["payment"]["provider"] == "alipay" and body["payment"]["pay_url"].startswith(alipay.gateway)
    with session_scope() as session:
        reference = payments.payment_by_public_id(session, body["payment"]["id"]).reference
    before = _counts()
    impostor = FakeAlipay().notification(reference, yuan(body["total"]))
    forged = client.post("/payments/alipay/notify", data=impostor)
    assert forged.status_code == 400 and _counts() == before

    genuine = alipay.notification(reference, yuan(body["total"]))
    answer = client.post("/payments/alipay/notify", data=genuine)
    assert answer.status_code == 200 and answer.text == "success"
    repeat = client.post("/payments/alipay/notify", data=genuine)
    assert repeat.status_code == 200 and repeat.text == "success"
    page = client.get(f"/store/{slug}/orders/{body['order_no']}", params={"token": body["token"]}).json()
    assert page["status"] == "paid"


def test_money_for_a_cancelled_order_is_refunded_and_the_order_stays_cancelled(client, shop):
    tea = _product(shop, stock=5)
    slug = shop["shop"]["slug"]
    body = _checkout(client, slug, _cart(client, slug, (tea, 2))).json()
    cancelled = client.post(f"/orders/{body['order_id']}/cancel", json={"reason": "缺货"}, headers=shop["headers"])
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert _stock(tea) == 5
    paid = client.post(f"/payments/sandbox/{body['payment']['id']}/pay", json={"outcome": "success"})
    assert paid.status_code == 200 and paid.json() == {"status": "refunded", "order_no": body["order_no"], "order_status": "cancelled"}
    order = client.get(f"/orders/{body['order_id']}", headers=shop["headers"]).json()
    assert order["status"] == "cancelled" and order["financial_status"] == "refunded"
    assert order["refunded_total"] == body["total"] and order["events"][-1]["type"] == "payment_refunded"
    assert _stock(tea) == 5


def test_illegal_transitions_answer_409(client, shop):
    slug = shop["shop"]["slug"]
    body = _checkout(client, slug, _cart(client, slug, (_product(shop), 1))).json()
    client.post(f"/payments/sandbox/{body['payment']['id']}/pay", json={"outcome": "success"})
    shipped = client.post(f"/orders/{body['order_id']}/shipments", json={"carrier": "SF", "tracking_no": "SF1234567890123"},
                          headers=shop["headers"])
    assert shipped.status_code == 201, shipped.text
    answer = client.post(f"/orders/{body['order_id']}/cancel", json={}, headers=shop["headers"])  # shipped: refund instead
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "illegal_transition"
    again = client.post(f"/payments/sandbox/{body['payment']['id']}/pay", json={"outcome": "success"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "payment_already_completed"


def test_the_shopper_cancels_from_the_order_page(client, shop):
    tea = _product(shop, stock=5)
    slug = shop["shop"]["slug"]
    body = _checkout(client, slug, _cart(client, slug, (tea, 2))).json()
    wrong = client.post(f"/store/{slug}/orders/{body['order_no']}/cancel", params={"token": "ord_guess"})
    assert wrong.status_code == 404 and _stock(tea) == 3
    page = client.post(f"/store/{slug}/orders/{body['order_no']}/cancel", params={"token": body["token"]}, json={"reason": "买错了"})
    assert page.status_code == 200 and page.json()["status"] == "cancelled" and _stock(tea) == 5


def test_bad_requests_answer_4xx_and_change_nothing(client, shop):
    slug = shop["shop"]["slug"]
    tea = _product(shop, stock=5)
    empty = _product(shop, stock=0, sku="EMPTY-1")
    other = signup(client, "green-leaf")
    theirs = _product(other, sku="GL-1")
    token = _cart(client, slug, (tea, 1))
    cases = [
        ({"variant_id": tea, "qty": 0}, 422, {"qty": "qty_out_of_range"}),
        ({"variant_id": tea, "qty": -3}, 422, {"qty": "qty_out_of_range"}),
        ({"variant_id": tea, "qty": 1.5}, 422, {"qty": "must_be_whole_number"}),
        ({"variant_id": theirs, "qty": 1}, 422, {"variant_id": "variant_not_found"}),
        ({"variant_id": empty, "qty": 1}, 409, {}),
        ({"variant_id": tea, "qty": 9}, 409, {}),
    ]
    for request, status, fields in cases:
        answer = client.post(f"/store/{slug}/carts/{token}/items", json=request)
        assert answer.status_code == status, (request, answer.text)
        assert answer.json()["error"]["field_codes"] == fields
    assert client.post(f"/store/{slug}/carts/{token}/items", json={"variant_id": empty, "qty": 1}).json()["error"]["code"] == "sold_out"
    too_many = client.post(f"/store/{slug}/carts/{token}/items", json={"variant_id": tea, "qty": 9}).json()["error"]
    assert too_many["code"] == "only_n_left" and "5" in too_many["message"]
    assert client.patch(f"/store/{slug}/carts/{token}/items/{tea}", json={"qty": 0}).status_code == 422
    assert client.get(f"/store/{slug}/carts/{token}").json()["items"][0]["qty"] == 1

    no_phone = {**ADDRESS}
    del no_phone["phone"]
    answer = _checkout(client, slug, token, address=no_phone)
    assert answer.status_code == 422 and answer.json()["error"]["field_codes"] == {"address.phone": "required"}
    answer = _checkout(client, slug, token, address={**ADDRESS, "postcode": "1234"}, email="")
    assert answer.json()["error"]["field_codes"] == {"email": "required", "address.postcode": "postcode_invalid"}
    assert _checkout(client, "green-leaf", token).status_code == 404  # another shop's storefront
    assert client.get(f"/store/{slug}/carts/{token}").json()["items"][0]["qty"] == 1
    assert _stock(tea) == 5 and _counts()[0] == 0


def test_the_shoppers_order_page_needs_its_token(client, shop):
    slug = shop["shop"]["slug"]
    body = _checkout(client, slug, _cart(client, slug, (_product(shop), 1))).json()
    for params in ({"token": "ord_wrong"}, {}):
        answer = client.get(f"/store/{slug}/orders/{body['order_no']}", params=params)
        assert answer.status_code == 404
    signup(client, "green-leaf")
    assert client.get(f"/store/green-leaf/orders/{body['order_no']}", params={"token": body["token"]}).status_code == 404


def test_the_same_idempotency_key_returns_the_first_order(client, shop):
    tea = _product(shop, stock=10)
    slug = shop["shop"]["slug"]
    token = _cart(client, slug, (tea, 2))
    first = _checkout(client, slug, token, key="abc-123")
    again = _checkout(client, slug, token, key="abc-123")
    assert first.status_code == again.status_code == 201 and again.json() == first.json()
    assert _stock(tea) == 8 and _counts()[0] == 1
    other = _checkout(client, slug, token, key="abc-123", note="another request")
    assert other.status_code == 409 and other.json()["error"]["code"] == "idempotency_key_reused"


def test_expiry_cancels_unpaid_orders_and_puts_stock_back(client, shop):
    tea = _product(shop, stock=5)
    slug = shop["shop"]["slug"]
    body = _checkout(client, slug, _cart(client, slug, (tea, 3))).json()
    assert _stock(tea) == 2
    with session_scope() as session:
        session.exec(update(Order).where(Order.id == body["order_id"]).values(expires_at=utcnow() - timedelta(seconds=1)))
    with session_scope() as session:
        assert cancel.expire_unpaid_orders(session) == 1
    assert _stock(tea) == 5
    page = client.get(f"/store/{slug}/orders/{body['order_no']}", params={"token": body["token"]}).json()
    assert page["status"] == "cancelled" and page["pay_url"] is None


def test_concurrent_checkouts_over_http_never_oversell(client, shop, api_url):
    tea = _product(shop, stock=5)
    slug = shop["shop"]["slug"]
    # A new shop's first checkouts create its default shipping method under a lock on the shop
    # row, which would queue these checkouts one behind another and hide a race in the stock.
    assert client.get(f"/store/{slug}/shipping-methods").status_code == 200
    tokens = [_cart(client, slug, (tea, 1)) for _ in range(12)]
    results = checkouts_at_once_over_http(api_url, slug, tokens)
    assert sorted(results).count((201, "")) == 5
    assert results.count((409, "sold_out")) == 7
    assert _stock(tea) == 0 and _counts()[0] == 5


def test_the_owner_manages_shipping_methods(client, shop):
    slug = shop["shop"]["slug"]
    assert [m["name"] for m in client.get("/shipping-methods", headers=shop["headers"]).json()["items"]] == ["快递"]
    created = client.post("/shipping-methods", json={
        "name": "顺丰", "base_fee": 1800, "per_kg_fee": 600, "free_over": None, "regions": ["上海", "江苏省"],
    }, headers=shop["headers"])
    assert created.status_code == 201 and created.json()["regions"] == ["上海市", "江苏省"]
    method_id = created.json()["id"]
    listed = client.get("/shipping-methods", headers=shop["headers"]).json()
    assert [m["name"] for m in listed["items"]] == ["快递", "顺丰"]
    bad = client.post("/shipping-methods", json={"name": "", "base_fee": -1, "regions": ["火星"]}, headers=shop["headers"])
    assert bad.status_code == 422 and bad.json()["error"]["field_codes"] == {
        "name": "required", "base_fee": "must_not_be_negative", "regions": "province_invalid",
    }
    store = client.get(f"/store/{slug}/shipping-methods", params={"province": "浙江省"}).json()
    assert [m["name"] for m in store["items"]] == ["快递"]
    assert [m["name"] for m in client.get(f"/store/{slug}/shipping-methods", params={"province": "上海"}).json()["items"]] == ["快递", "顺丰"]
    off = client.patch(f"/shipping-methods/{method_id}", json={"active": False}, headers=shop["headers"])
    assert off.status_code == 200 and off.json()["active"] is False
    assert [m["name"] for m in client.get(f"/store/{slug}/shipping-methods").json()["items"]] == ["快递"]
    other = signup(client, "green-leaf")
    assert client.patch(f"/shipping-methods/{method_id}", json={"active": True}, headers=other["headers"]).status_code == 404


def test_another_shops_orders_answer_404(client, shop):
    slug = shop["shop"]["slug"]
    body = _checkout(client, slug, _cart(client, slug, (_product(shop), 1))).json()
    other = signup(client, "green-leaf")
    assert client.get(f"/orders/{body['order_id']}", headers=other["headers"]).status_code == 404
    assert client.post(f"/orders/{body['order_id']}/cancel", json={}, headers=other["headers"]).status_code == 404
    assert client.get("/orders", headers=other["headers"]).json() == {"items": [], "total": 0}
    assert client.get("/orders", headers=shop["headers"]).json()["total"] == 1
    assert client.get("/orders").status_code == 401


def test_the_sandbox_pay_page_looks_like_the_shop_and_leads_back_to_it(client, shop):
    slug = shop["shop"]["slug"]
    body = _checkout(client, slug, _cart(client, slug, (_product(shop), 1))).json()
    pay_url = httpx.URL(body["payment"]["pay_url"])  # on the public address; this server listens elsewhere
    page = client.get(f"/payments/sandbox/{body['payment']['id']}/pay", params=dict(pay_url.params))
    assert page.status_code == 200 and "<style>" in page.text and 'name="viewport"' in page.text
    assert f'href="/s/{slug}"' in page.text and shop["shop"]["name"] in page.text  # the shop, by name, one tap away
    back = dict(pay_url.params)["return_url"]
    assert f'href="{back.replace("&", "&amp;")}"' in page.text  # and the order, without paying
    # Somewhere else is never offered as the way back.
    elsewhere = client.get(f"/payments/sandbox/{body['payment']['id']}/pay", params={"return_url": "https://evil.example/"})
    assert "evil.example" not in elsewhere.text
