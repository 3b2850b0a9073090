"""Automatic promotions over HTTP: the owner creates one, the shopper's quote and order carry it,
the report counts it, and ending it now takes it off every cart priced afterwards."""

from __future__ import annotations

from datetime import timedelta

from shopapp.models.base import utcnow
from tests.api.test_checkout_api import _cart, _checkout, _product


def _times(start_hours: float = -1, end_hours: float = 24) -> dict:
    now = utcnow()
    return {"starts_at": (now + timedelta(hours=start_hours)).isoformat(), "ends_at": (now + timedelta(hours=end_hours)).isoformat()}


def test_a_promotion_from_creation_to_the_order_its_report_and_its_end(client, shop):
    slug, owner = shop["shop"]["slug"], shop["headers"]
    tea = _product(shop, price=16000, stock=20)
    made = client.post("/promotions", headers=owner, json={
        "kind": "tiered", "name": "满300减40", **_times(),
        "tiers": [{"min_amount": 10000, "amount_off": 1000}, {"min_amount": 30000, "amount_off": 4000}],
    })
    assert made.status_code == 201, made.text
    promo = made.json()
    assert (promo["status"], promo["label"]) == ("active", "满100减10")
    assert client.get(f"/promotions/{promo['id']}", headers=owner).json()["tiers"] == promo["tiers"]
    assert [p["id"] for p in client.get("/promotions", params={"status": "active"}, headers=owner).json()["items"]] == [promo["id"]]

    token = _cart(client, slug, (tea, 1))
    quote = client.get(f"/store/{slug}/carts/{token}/quote", params={"province": "浙江省"}).json()
    assert quote["discounts"] == [{"source": "tiered", "id": promo["id"], "label": "满100减10", "amount": 1000}]
    assert quote["next_tier"] == {"promotion_id": promo["id"], "label": "满300减40", "missing": 14000}
    client.post(f"/store/{slug}/carts/{token}/items", json={"variant_id": tea, "qty": 1})
    quote = client.get(f"/store/{slug}/carts/{token}/quote", params={"province": "浙江省"}).json()
    assert (quote["subtotal"], quote["discount_total"], quote["total"], quote["next_tier"]) == (32000, 4000, 28000, None)
    assert quote["items"][0]["paid"] == 28000

    placed = _checkout(client, slug, token, discount_total=99999, discounts=[])  # a client-sent discount is ignored
    assert placed.status_code == 201, placed.text
    body = placed.json()
    assert body["total"] == 28000
    order = client.get(f"/orders/{body['order_id']}", headers=owner).json()
    assert order["discounts"] == quote["discounts"] and order["items"][0]["paid"] == 28000
    assert client.post(f"/payments/sandbox/{body['payment']['id']}/pay", json={"outcome": "success"}).status_code == 200

    report = client.get(f"/promotions/{promo['id']}/report", headers=owner).json()
    assert {k: report[k] for k in ("orders", "paid_orders", "units", "revenue", "discount_total", "customers", "new_customers")} == {
        "orders": 1, "paid_orders": 1, "units": 2, "revenue": 28000, "discount_total": 4000, "customers": 1, "new_customers": 1,
    }
    assert [row["order_no"] for row in report["order_list"]] == [body["order_no"]]

    ended = client.post(f"/promotions/{promo['id']}/end", headers=owner)
    assert ended.status_code == 200 and ended.json()["status"] == "ended"
    token = _cart(client, slug, (tea, 2))
    quote = client.get(f"/store/{slug}/carts/{token}/quote", params={"province": "浙江省"}).json()
    assert (quote["discounts"], quote["total"]) == ([], 32000)
    assert client.patch(f"/promotions/{promo['id']}", headers=owner, json={"name": "再来"}).status_code == 409


def test_bad_promotions_are_refused_in_both_languages_and_nothing_is_saved(client, shop):
    owner = shop["headers"]
    overlapping = client.post("/promotions", headers=owner, json={
        "kind": "tiered", "name": "重叠", **_times(),
        "tiers": [{"min_amount": 30000, "amount_off": 4000}, {"min_amount": 20000, "amount_off": 5000}],
    })
    assert overlapping.status_code == 422
    assert overlapping.json()["error"]["field_codes"] == {"tiers.1.min_amount": "tiers_not_increasing"}
    over_100 = client.post("/promotions", headers={**owner, "Accept-Language": "en"}, json={
        "kind": "limited_discount", "name": "x", "percent_off": 120, **_times(),
    })
    assert over_100.status_code == 422
    assert over_100.json()["error"]["fields"]["percent_off"] == "Percent must be between 1 and 99"
    backwards = client.post("/promotions", headers={**owner, "Accept-Language": "zh-CN"}, json={
        "kind": "second_half", "name": "x", "percent_off": 50, **_times(5, 1),
    })
    assert backwards.json()["error"]["fields"]["ends_at"] == "结束时间必须晚于开始时间"
    assert client.get("/promotions", headers=owner).json()["total"] == 0
    assert client.post("/promotions", json={"kind": "tiered"}).status_code == 401
    assert client.get("/promotions/999", headers=owner).status_code == 404
