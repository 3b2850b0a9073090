"""秒杀 over HTTP: the owner's sales with their rules and report, the storefront's list, and shoppers' flash
orders with the 409s (sold_out, limit_reached, not_started, ended) and nothing changed by a refusal."""

from __future__ import annotations

import threading
from datetime import timedelta

import httpx

from shopapp.db import session_scope
from shopapp.models.base import utcnow
from shopapp.services.orders import payments
from shopapp.services.shops import accounts
from tests.flash_sale_shop import shoppers_of
from tests.shopping import ADDRESS, product_on_sale


def _product(shop: dict, **kwargs) -> int:
    with session_scope() as session:
        return product_on_sale(session, accounts.authenticate(session, shop["token"]), **kwargs)


def _shoppers(shop: dict, count: int) -> list[dict]:
    with session_scope() as session:
        shop_id = accounts.authenticate(session, shop["token"]).shop_id
        return [{"Authorization": f"Bearer {t}"} for t in shoppers_of(session, shop_id, count)]


def _sale(client, shop: dict, variant_id: int, *, starts_in: float = -60, **fields) -> httpx.Response:
    now = utcnow()
    body = {"name": "整点秒杀", "variant_id": variant_id, "price": 990, "quantity": 3, "per_customer_limit": 1,
            "starts_at": (now + timedelta(seconds=starts_in)).isoformat().replace("+00:00", "Z"),
            "ends_at": (now + timedelta(hours=1)).isoformat().replace("+00:00", "Z"), **fields}
    return client.post("/flash-sales", json=body, headers=shop["headers"])


def test_an_owner_runs_a_flash_sale_shoppers_buy_and_the_report_counts_it(client, shop):
    tea = _product(shop, price=3800, stock=10)
    made = _sale(client, shop, tea)
    assert made.status_code == 201, made.text
    sale = made.json()
    assert (sale["sold"], sale["left"], sale["pay_minutes"], sale["status"]) == (0, 3, 10, "active")
    listed = client.get("/store/tea-house/flash-sales").json()["items"]
    assert [(s["id"], s["variant_id"], s["price"], s["quantity"], s["left"]) for s in listed] == [(sale["id"], tea, 990, 3, 3)]
    assert {"starts_at", "ends_at"} <= set(listed[0])
    amy, bob = _shoppers(shop, 2)
    placed = client.post(f"/store/tea-house/flash-sales/{sale['id']}/orders", json={"qty": 1, "address": ADDRESS}, headers=amy)
    assert placed.status_code == 201, placed.text
    assert placed.json()["total"] == 990 + placed.json().get("shipping_total", 0) or placed.json()["total"] >= 990
    again = client.post(f"/store/tea-house/flash-sales/{sale['id']}/orders", json={"qty": 1, "address": ADDRESS}, headers=amy)
    assert again.status_code == 409 and again.json()["error"]["code"] == "limit_reached"
    with session_scope() as session:
        payments.sandbox_pay(session, placed.json()["payment"]["id"], "success")
    report = client.get(f"/flash-sales/{sale['id']}/report", headers=shop["headers"]).json()
    assert {k: report[k] for k in ("orders", "paid_orders", "units", "revenue", "discount_total", "customers", "new_customers")} == {
        "orders": 1, "paid_orders": 1, "units": 1, "revenue": 990, "discount_total": 2810, "customers": 1, "new_customers": 1}
    assert client.get(f"/flash-sales/{sale['id']}", headers=shop["headers"]).json()["sold"] == 1
    ended = client.post(f"/flash-sales/{sale['id']}/end", headers=shop["headers"]).json()
    assert ended["status"] == "ended"
    late = client.post(f"/store/tea-house/flash-sales/{sale['id']}/orders", json={"qty": 1, "address": ADDRESS}, headers=bob)
    assert late.status_code == 409 and late.json()["error"]["code"] == "ended"
    assert client.get("/store/tea-house/flash-sales").json()["items"] == []


def test_bad_sales_are_refused_with_clear_messages_in_both_languages(client, shop):
    tea = _product(shop, price=3800)
    above = _sale(client, shop, tea, price=4000, starts_in=3600)
    assert above.status_code == 422
    assert above.json()["error"]["field_codes"]["price"] == "price_not_below_variant"
    assert above.json()["error"]["field_codes"]["ends_at"] == "ends_before_start"
    assert above.json()["error"]["fields"]["price"] == "活动价必须低于原价"
    now = utcnow()
    english = client.post("/flash-sales", headers={**shop["headers"], "Accept-Language": "en"}, json={
        "name": "x", "variant_id": 999999, "price": 100, "quantity": -1, "per_customer_limit": 1,
        "starts_at": now.isoformat(), "ends_at": (now - timedelta(hours=1)).isoformat()})
    assert english.status_code == 422
    assert english.json()["error"]["field_codes"] == {
        "variant_id": "variants_not_in_shop", "quantity": "must_not_be_negative", "ends_at": "ends_before_start"}
    assert english.json()["error"]["fields"]["ends_at"].startswith("The end")
    assert client.get("/flash-sales", headers=shop["headers"]).json()["total"] == 0
    other = httpx.post(client.base_url.join("/api/v1/auth/signup"), json={
        "email": "b@example.com", "password": "secret-pass", "shop_name": "别家", "shop_slug": "other-shop"}).json()
    theirs = _sale(client, {"headers": {"Authorization": f"Bearer {other['token']}"}}, tea)
    assert theirs.status_code == 422 and theirs.json()["error"]["field_codes"]["variant_id"] == "variants_not_in_shop"


def test_a_flash_order_before_the_start_is_not_started_and_a_guest_must_log_in(client, shop):
    tea = _product(shop, stock=10)
    sale = _sale(client, shop, tea, starts_in=600).json()
    (amy,) = _shoppers(shop, 1)
    early = client.post(f"/store/tea-house/flash-sales/{sale['id']}/orders", json={"qty": 1, "address": ADDRESS}, headers=amy)
    assert early.status_code == 409 and early.json()["error"]["code"] == "not_started"
    running = _sale(client, shop, tea).json()
    guest = client.post(f"/store/tea-house/flash-sales/{running['id']}/orders", json={"qty": 1, "address": ADDRESS})
    assert guest.status_code == 401
    bad = client.post(f"/store/tea-house/flash-sales/{running['id']}/orders", json={"qty": 1, "address": {}}, headers=amy)
    assert bad.status_code == 422
    assert client.get(f"/flash-sales/{running['id']}", headers=shop["headers"]).json()["sold"] == 0
    listed = client.get("/store/tea-house/flash-sales").json()["items"]
    assert {s["id"]: s["left"] for s in listed} == {sale["id"]: 3, running["id"]: 3}


def test_sixty_shoppers_over_http_get_exactly_the_five_units(client, shop, api_url):
    tea = _product(shop, stock=100)
    sale = _sale(client, shop, tea, quantity=5).json()
    fans = _shoppers(shop, 60)
    start = threading.Barrier(len(fans))
    codes: list[str] = []

    def rush(headers: dict) -> None:
        with httpx.Client(base_url=api_url + "/api/v1", timeout=60) as own:
            start.wait()
            answer = own.post(f"/store/tea-house/flash-sales/{sale['id']}/orders", json={"qty": 1, "address": ADDRESS}, headers=headers)
            codes.append("ordered" if answer.status_code == 201 else answer.json()["error"]["code"])

    threads = [threading.Thread(target=rush, args=(h,)) for h in fans]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert codes.count("ordered") == 5 and codes.count("sold_out") == 55
    shown = client.get(f"/flash-sales/{sale['id']}", headers=shop["headers"]).json()
    assert (shown["sold"], shown["left"]) == (5, 0)
