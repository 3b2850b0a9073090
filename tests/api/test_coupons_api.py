"""Coupons over HTTP: the owner makes coupons and codes and issues them, shoppers claim them into their
wallet, the quote picks the best, the checkout uses it, and the report counts the paid orders."""

from __future__ import annotations

import threading
from datetime import timedelta

import httpx

from shopapp.db import session_scope
from shopapp.models.base import utcnow
from shopapp.services.orders import payments
from shopapp.services.shops import accounts
from tests.api.conftest import signup
from tests.shopping import ADDRESS, product_on_sale


def _product(shop: dict, **kwargs) -> int:
    with session_scope() as session:
        return product_on_sale(session, accounts.authenticate(session, shop["token"]), **kwargs)


def _cart(client, slug: str, *lines: tuple[int, int]) -> str:
    token = client.post(f"/store/{slug}/carts").json()["cart_token"]
    for variant_id, qty in lines:
        assert client.post(f"/store/{slug}/carts/{token}/items", json={"variant_id": variant_id, "qty": qty}).status_code == 200
    return token


def _shopper(client, slug: str, email: str = "amy@example.com") -> dict:
    answer = client.post(f"/store/{slug}/customers", json={"email": email, "password": "secret-pass"})
    assert answer.status_code == 201, answer.text
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def _coupon(client, shop: dict, **fields) -> dict:
    now = utcnow()
    body = {"name": "满100减20", "kind": "amount", "amount_off": 2000, "min_amount": 10000, "claimable": True,
            "starts_at": (now - timedelta(hours=1)).isoformat(), "ends_at": (now + timedelta(days=7)).isoformat(), **fields}
    answer = client.post("/coupons", json=body, headers=shop["headers"])
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_an_owner_makes_a_coupon_a_shopper_claims_it_and_the_checkout_uses_it(client, shop):
    tea = _product(shop, price=6000)
    coupon = _coupon(client, shop)
    assert (coupon["status"], coupon["issued"], coupon["used"], coupon["description"]) == ("active", 0, 0, "满¥100减¥20")
    listed = client.get("/store/tea-house/coupons").json()["items"]
    assert [item["id"] for item in listed] == [coupon["id"]]
    amy = _shopper(client, "tea-house")
    claimed = client.post(f"/store/tea-house/coupons/{coupon['id']}/claim", headers=amy)
    assert claimed.status_code == 201 and claimed.json()["coupon_id"] == coupon["id"]
    again = client.post(f"/store/tea-house/coupons/{coupon['id']}/claim", headers=amy)
    assert again.status_code == 409 and again.json()["error"]["code"] == "coupon_limit_reached"

    token = _cart(client, "tea-house", (tea, 2))
    quote = client.get(f"/store/tea-house/carts/{token}/quote", params={"province": "浙江省"}, headers=amy).json()
    assert quote["chosen_coupon"]["id"] == coupon["id"] and quote["discount_total"] == 2000
    assert quote["coupons"][0]["saving"] == 2000 and quote["discounts"][0]["source"] == "coupon"
    placed = client.post("/store/tea-house/checkout", headers=amy, json={
        "email": "amy@example.com", "address": ADDRESS, "cart_token": token, "customer_coupon_id": claimed.json()["id"],
    })
    assert placed.status_code == 201, placed.text
    assert placed.json()["total"] == 12000 - 2000  # ¥100 after the coupon: shipping is free over ¥99
    wallet = client.get("/store/tea-house/customers/me/coupons", headers=amy).json()["items"]
    assert [(item["coupon_id"], item["status"]) for item in wallet] == [(coupon["id"], "used")]
    with session_scope() as session:
        payments.sandbox_pay(session, placed.json()["payment"]["id"], "success")
    report = client.get(f"/coupons/{coupon['id']}/report", headers=shop["headers"]).json()
    assert {k: report[k] for k in ("orders", "paid_orders", "units", "revenue", "discount_total", "customers", "new_customers")} == {
        "orders": 1, "paid_orders": 1, "units": 2, "revenue": 10000, "discount_total": 2000, "customers": 1, "new_customers": 1}
    assert [o["order_no"] for o in report["order_list"]] == [placed.json()["order_no"]]
    assert client.get(f"/coupons/{coupon['id']}", headers=shop["headers"]).json()["used"] == 1


def test_thirty_shoppers_claiming_over_http_get_exactly_the_five_coupons_there_are(client, shop, api_url):
    coupon = _coupon(client, shop, total_quantity=5)
    shoppers = [_shopper(client, "tea-house", f"s{n}@example.com") for n in range(30)]
    start = threading.Barrier(len(shoppers))
    codes: list[int] = []

    def claim(headers: dict) -> None:
        with httpx.Client(base_url=api_url + "/api/v1", timeout=60) as own:
            start.wait()
            codes.append(own.post(f"/store/tea-house/coupons/{coupon['id']}/claim", headers=headers).status_code)

    threads = [threading.Thread(target=claim, args=(h,)) for h in shoppers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [201] * 5 + [409] * 25
    assert client.get(f"/coupons/{coupon['id']}", headers=shop["headers"]).json()["issued"] == 5
    assert client.get("/store/tea-house/coupons").json()["items"] == []  # all given out: not offered any more


def test_codes_and_issuing_with_the_reasons_for_those_skipped(client, shop):
    coupon = _coupon(client, shop, claimable=False)
    codes = client.post(f"/coupons/{coupon['id']}/codes", json={"count": 25}, headers=shop["headers"])
    assert codes.status_code == 201 and len(set(codes.json()["codes"])) == 25
    too_many = client.post(f"/coupons/{coupon['id']}/codes", json={"count": 10_001}, headers=shop["headers"])
    assert too_many.status_code == 422 and too_many.json()["error"]["field_codes"] == {"count": "number_too_large"}
    _shopper(client, "tea-house", "amy@example.com")
    issued = client.post(f"/coupons/{coupon['id']}/issue", json={"emails": ["amy@example.com", "zoe@example.com"]}, headers=shop["headers"])
    assert issued.json() == {"issued": 1, "skipped": [{"who": "zoe@example.com", "reason": "not_a_customer"}]}
    ended = client.post(f"/coupons/{coupon['id']}/end", headers=shop["headers"]).json()
    assert ended["status"] == "ended"
    assert [c["id"] for c in client.get("/coupons", params={"status": "ended"}, headers=shop["headers"]).json()["items"]] == [coupon["id"]]


def test_bad_coupons_and_bad_codes_are_refused_in_both_languages(client, shop):
    tea = _product(shop, price=3800)
    bad = client.post("/coupons", json={"name": "坏券", "kind": "percent", "percent_off": 150, "valid_days": 7}, headers=shop["headers"])
    assert bad.status_code == 422 and bad.json()["error"]["field_codes"] == {"percent_off": "number_too_large"}
    other = signup(client, "other-shop")
    _coupon(client, other, code="THEIRS")
    _coupon(client, shop, code="MINE20")
    amy = _shopper(client, "tea-house")
    token = _cart(client, "tea-house", (tea, 1))
    theirs = client.get(f"/store/tea-house/carts/{token}/quote", params={"coupon_code": "theirs"}, headers=amy)
    assert theirs.status_code == 422 and theirs.json()["error"]["field_codes"] == {"coupon_code": "coupon_not_found"}
    assert theirs.json()["error"]["fields"]["coupon_code"] == "没有这张优惠券，请检查券码"
    english = client.get(f"/store/tea-house/carts/{token}/quote", params={"coupon_code": "theirs", "lang": "en"}, headers=amy)
    assert english.json()["error"]["fields"]["coupon_code"] == "No such coupon; please check the code"
    short = client.get(f"/store/tea-house/carts/{token}/quote", params={"coupon_code": " mine 20 "}, headers=amy).json()
    assert short["coupon_problem"] == {"field": "coupon_code", "reason": "coupon_threshold_not_reached", "missing": 6200}
    refused = client.post("/store/tea-house/checkout", headers=amy, json={
        "email": "amy@example.com", "address": ADDRESS, "cart_token": token, "coupon_code": "mine20"})
    assert refused.status_code == 422 and refused.json()["error"]["message"] == "还差 ¥62 才能使用这张优惠券"
    assert client.get(f"/store/tea-house/carts/{token}").status_code == 200  # nothing changed: the cart is still there
    anonymous = client.post("/store/tea-house/coupons/1/claim")
    assert anonymous.status_code == 401
