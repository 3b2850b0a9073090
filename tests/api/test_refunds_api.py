"""Refunds and after-sales over HTTP: never more than was paid, once per Idempotency-Key, the shopper's requests by link."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor

import httpx
from PIL import Image

from shopapp.db import session_scope
from tests.api.conftest import signup
from tests.api.test_fulfillment_api import SF, _order, _paid, _product
from tests.shopping import stock_of


def _refund(client, shop: dict, order_id: int, key: str | None = None, **body):
    headers = {**shop["headers"], **({"Idempotency-Key": key} if key else {})}
    return client.post(f"/orders/{order_id}/refunds", json=body, headers=headers)


def _stock(variant_id: int) -> int:
    with session_scope() as session:
        return stock_of(session, variant_id)


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), "brown").save(out, "JPEG")
    return out.getvalue()


def test_a_refund_above_what_is_left_answers_422(client, shop):
    placed = _paid(client, shop, (_product(shop), 1))
    assert _refund(client, shop, placed["order_id"], amount=1000, reason="运费").status_code == 201
    too_much = _refund(client, shop, placed["order_id"], amount=placed["total"] - 999)
    assert too_much.status_code == 422 and too_much.json()["error"]["field_codes"] == {"amount": "refund_too_large"}
    order = _order(client, shop, placed["order_id"])
    assert (order["refunded_total"], order["financial_status"]) == (1000, "partially_refunded")


def test_a_refund_of_items_without_an_amount_gives_back_what_they_were_paid(client, shop):
    placed = _paid(client, shop, (_product(shop, price=3800), 3))
    line = _order(client, shop, placed["order_id"])["items"][0]
    assert line["paid"] == 11400
    first = _refund(client, shop, placed["order_id"], items=[{"order_item_id": line["id"], "qty": 1}], reason="缺货")
    assert first.status_code == 201 and first.json()["amount"] == 3800
    rest = _refund(client, shop, placed["order_id"], items=[{"order_item_id": line["id"], "qty": 2}], reason="退货")
    assert rest.status_code == 201 and rest.json()["amount"] == 7600
    assert _order(client, shop, placed["order_id"])["refunded_total"] == 11400


def test_the_same_idempotency_key_answers_the_first_refund_and_refunds_once(client, shop):
    placed = _paid(client, shop, (_product(shop), 1))
    first = _refund(client, shop, placed["order_id"], key="r-1", amount=500, reason="补偿")
    again = _refund(client, shop, placed["order_id"], key="r-1", amount=500, reason="补偿")
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert client.get(f"/orders/{placed['order_id']}/refunds", headers=shop["headers"]).json()["total"] == 1
    assert _order(client, shop, placed["order_id"])["refunded_total"] == 500


def test_refunds_racing_over_http_never_exceed_what_was_paid(client, shop, api_url):
    placed = _paid(client, shop, (_product(shop, price=3800), 2))  # 8600

    def refund(n: int) -> int:
        with httpx.Client(base_url=api_url + "/api/v1", timeout=60) as own:
            return _refund(own, shop, placed["order_id"], key=f"race-{n}", amount=3000).status_code

    with ThreadPoolExecutor(max_workers=4) as pool:
        codes = sorted(pool.map(refund, range(4)))
    assert codes == [201, 201, 422, 422]
    assert _order(client, shop, placed["order_id"])["refunded_total"] == 6000


def test_a_full_refund_closes_the_order_and_cancel_refunds_a_paid_one(client, shop):
    tea = _product(shop, stock=5)
    refunded = _paid(client, shop, (tea, 1))
    _refund(client, shop, refunded["order_id"], amount=refunded["total"], items=[
        {"order_item_id": _order(client, shop, refunded["order_id"])["items"][0]["id"], "qty": 1, "restock": True},
    ])
    assert _order(client, shop, refunded["order_id"])["status"] == "closed"
    cancelled = _paid(client, shop, (tea, 2))
    answer = client.post(f"/orders/{cancelled['order_id']}/cancel", json={"reason": "顾客取消"}, headers=shop["headers"])
    assert answer.status_code == 200 and answer.json()["status"] == "closed"
    assert answer.json()["refunded_total"] == cancelled["total"]
    assert _stock(tea) == 5


def test_another_shops_order_cannot_be_refunded(client, shop):
    placed = _paid(client, shop, (_product(shop), 1))
    other = signup(client, "green-leaf")
    assert _refund(client, other, placed["order_id"], amount=100).status_code == 404
    assert _order(client, shop, placed["order_id"])["refunded_total"] == 0


def test_a_shopper_returns_goods_and_is_refunded_on_receipt(client, shop):
    slug = shop["shop"]["slug"]
    tea = _product(shop, stock=5)
    placed = _paid(client, shop, (tea, 2))
    client.post(f"/orders/{placed['order_id']}/shipments", headers=shop["headers"], json=SF)
    url = f"/store/{slug}/orders/{placed['order_no']}/aftersales"
    asked = client.post(url, params={"token": placed["token"]}, data={"kind": "return_and_refund", "reason": "包装破损"},
                        files=[("photos", ("a.jpg", _jpeg(), "image/jpeg")), ("photos", ("b.jpg", _jpeg(), "image/jpeg"))])
    assert asked.status_code == 201, asked.text
    request = asked.json()
    assert request["status"] == "requested" and len(request["photos"]) == 2 and request["photos"][0]["url"].endswith(".webp")

    waiting = client.get("/aftersales", params={"status": "requested"}, headers=shop["headers"]).json()
    assert waiting["total"] == 1 and waiting["items"][0]["order_no"] == placed["order_no"]
    line = _order(client, shop, placed["order_id"])["items"][0]
    approved = client.post(f"/aftersales/{request['id']}/approve", headers=shop["headers"], json={
        "amount": 3800, "items": [{"order_item_id": line["id"], "qty": 1, "restock": True}], "message": "请寄回店铺",
    })
    assert approved.status_code == 200 and approved.json()["status"] == "awaiting_return"
    sent = client.post(f"{url}/{request['id']}/return", params={"token": placed["token"]},
                       json={"carrier": "ZTO", "tracking_no": "753123456789"})
    assert sent.status_code == 200 and sent.json()["status"] == "returning"
    done = client.post(f"/aftersales/{request['id']}/received", headers=shop["headers"])
    assert done.status_code == 200 and done.json()["status"] == "refunded" and done.json()["refund_id"]

    mine = client.get(url, params={"token": placed["token"]}).json()["items"]
    assert [r["status"] for r in mine] == ["refunded"]
    order = _order(client, shop, placed["order_id"])
    assert order["refunded_total"] == 3800
    assert [e["type"] for e in order["events"]][-5:] == [
        "aftersales_requested", "aftersales_approved", "aftersales_return_shipped", "aftersales_received", "refunded",
    ]
    assert _stock(tea) == 4


def test_an_aftersales_request_with_a_wrong_token_answers_404(client, shop):
    slug = shop["shop"]["slug"]
    placed = _paid(client, shop, (_product(shop), 1))
    url = f"/store/{slug}/orders/{placed['order_no']}/aftersales"
    wrong = client.post(url, params={"token": "ord_someone_else"}, data={"kind": "refund_only", "reason": "退款"})
    assert wrong.status_code == 404
    assert client.get(url, params={"token": "ord_someone_else"}).status_code == 404
    assert client.get("/aftersales", headers=shop["headers"]).json()["total"] == 0


def test_the_shop_refuses_with_a_message_the_shopper_reads(client, shop):
    slug = shop["shop"]["slug"]
    placed = _paid(client, shop, (_product(shop), 1))
    url = f"/store/{slug}/orders/{placed['order_no']}/aftersales"
    bad = client.post(url, params={"token": placed["token"]}, data={"kind": "swap", "reason": ""})
    assert bad.status_code == 422
    assert bad.json()["error"]["field_codes"] == {"kind": "aftersales_kind_invalid", "reason": "required"}
    request = client.post(url, params={"token": placed["token"]}, data={"kind": "refund_only", "reason": "不想要了"}).json()
    refused = client.post(f"/aftersales/{request['id']}/refuse", headers=shop["headers"], json={"message": "已发货，请收货后申请退货"})
    assert refused.status_code == 200
    assert client.get(url, params={"token": placed["token"]}).json()["items"][0]["message"] == "已发货，请收货后申请退货"
    again = client.post(f"/aftersales/{request['id']}/approve", headers=shop["headers"], json={})
    assert again.status_code == 409
    other = signup(client, "green-leaf")
    assert client.post(f"/aftersales/{request['id']}/refuse", headers=other["headers"], json={"message": "x"}).status_code == 404
