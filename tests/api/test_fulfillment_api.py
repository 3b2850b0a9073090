"""Shipping over HTTP: split and merged parcels, labels as PDF, tracking events, and the shopper following them."""

from __future__ import annotations

import io

from pypdf import PdfReader

from shopapp.db import session_scope
from shopapp.services.shops import accounts
from tests.api.conftest import signup
from tests.shopping import ADDRESS, product_on_sale

SF = {"carrier": "SF", "tracking_no": "SF1234567890123"}


def _product(shop: dict, **kwargs) -> int:
    with session_scope() as session:
        return product_on_sale(session, accounts.authenticate(session, shop["token"]), **kwargs)


def _paid(client, shop: dict, *lines: tuple[int, int], email: str = "buyer@example.com", **address) -> dict:
    """A paid order over HTTP: cart, checkout, sandbox payment; returns the checkout's answer."""
    slug = shop["shop"]["slug"]
    cart = client.post(f"/store/{slug}/carts").json()["cart_token"]
    for variant_id, qty in lines:
        client.post(f"/store/{slug}/carts/{cart}/items", json={"variant_id": variant_id, "qty": qty})
    placed = client.post(f"/store/{slug}/checkout", json={
        "cart_token": cart, "email": email, "address": {**ADDRESS, **address},
    }).json()
    paid = client.post(f"/payments/sandbox/{placed['payment']['id']}/pay", json={"outcome": "success"})
    assert paid.json()["order_status"] == "paid", paid.text
    return placed


def _order(client, shop: dict, order_id: int) -> dict:
    return client.get(f"/orders/{order_id}", headers=shop["headers"]).json()


def test_an_order_ships_in_two_parcels_and_the_shopper_follows_them(client, shop):
    placed = _paid(client, shop, (_product(shop, sku="TEA-1"), 2), (_product(shop, sku="CUP-1", title="茶杯"), 1))
    tea_line, cup_line = _order(client, shop, placed["order_id"])["items"]
    first = client.post(f"/orders/{placed['order_id']}/shipments", headers=shop["headers"], json={
        "items": [{"order_item_id": tea_line["id"], "qty": 2}], **SF,
    })
    assert first.status_code == 201, first.text
    parcel = first.json()
    assert (parcel["carrier"], parcel["tracking_no"], parcel["status"]) == ("SF", "SF1234567890123", "shipped")
    assert parcel["items"][0]["qty"] == 2 and parcel["events"] == []
    assert _order(client, shop, placed["order_id"])["status"] == "partially_shipped"

    second = client.post(f"/orders/{placed['order_id']}/shipments", headers=shop["headers"],
                         json={"carrier": "YTO", "tracking_no": "YT1234567890123"})
    assert second.status_code == 201 and second.json()["items"][0]["order_item_id"] == cup_line["id"]
    event = client.post(f"/shipments/{parcel['id']}/events", headers=shop["headers"], json={
        "status": "in_transit", "description": "快件已到达【杭州转运中心】", "location": "杭州", "at": "2025-11-12T03:00:00Z",
    })
    assert event.status_code == 201 and event.json()["at"] == "2025-11-12T03:00:00Z"

    order = _order(client, shop, placed["order_id"])
    assert order["status"] == "shipped" and [s["carrier_name"] for s in order["shipments"]] == ["顺丰速运", "圆通速递"]
    page = client.get(f"/store/{shop['shop']['slug']}/orders/{placed['order_no']}", params={"token": placed["token"]}).json()
    assert page["shipments"][0]["events"][0]["description"] == "快件已到达【杭州转运中心】"
    assert [step["type"] for step in page["timeline"]][-2:] == ["partially_shipped", "shipped"]

    for parcel_id in (parcel["id"], second.json()["id"]):
        client.post(f"/shipments/{parcel_id}/events", headers=shop["headers"], json={"status": "delivered", "description": "已签收"})
    assert _order(client, shop, placed["order_id"])["status"] == "delivered"


def test_bad_shipments_answer_4xx_and_change_nothing(client, shop):
    placed = _paid(client, shop, (_product(shop), 1))
    line = _order(client, shop, placed["order_id"])["items"][0]
    too_many = client.post(f"/orders/{placed['order_id']}/shipments", headers=shop["headers"],
                           json={"items": [{"order_item_id": line["id"], "qty": 2}], **SF})
    assert too_many.status_code == 422 and too_many.json()["error"]["field_codes"] == {"items.0.qty": "ship_qty_too_large"}
    malformed = client.post(f"/orders/{placed['order_id']}/shipments", headers=shop["headers"],
                            json={"carrier": "SF", "tracking_no": "SF12"})
    assert malformed.status_code == 422
    assert malformed.json()["error"]["field_codes"] == {"tracking_no": "tracking_no_invalid"}
    assert malformed.json()["error"]["fields"]["tracking_no"] == "快递单号格式不对，请核对快递公司和单号"
    slug = shop["shop"]["slug"]
    cart = client.post(f"/store/{slug}/carts").json()["cart_token"]
    client.post(f"/store/{slug}/carts/{cart}/items", json={"variant_id": _product(shop, sku="CUP"), "qty": 1})
    unpaid = client.post(f"/store/{slug}/checkout", json={"cart_token": cart, "email": "a@example.com", "address": ADDRESS}).json()
    refused = client.post(f"/orders/{unpaid['order_id']}/shipments", headers=shop["headers"], json=SF)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "order_not_shippable"
    order = _order(client, shop, placed["order_id"])
    assert order["status"] == "paid" and order["shipments"] == []


def test_two_orders_merge_into_one_parcel_with_one_label(client, shop):
    tea = _product(shop, stock=20)
    first, second = _paid(client, shop, (tea, 1)), _paid(client, shop, (tea, 2))
    merged = client.post("/shipments/merge", headers=shop["headers"], json={
        "order_ids": [first["order_id"], second["order_id"]], "carrier": "JD", "tracking_no": "JDVA12345678901",
    })
    assert merged.status_code == 201, merged.text
    assert merged.json()["order_nos"] == sorted([first["order_no"], second["order_no"]])
    for placed in (first, second):
        assert _order(client, shop, placed["order_id"])["status"] == "shipped"
    label = client.get(f"/shipments/{merged.json()['id']}/label.pdf", headers=shop["headers"])
    assert label.status_code == 422 and label.json()["error"]["field_codes"] == {"sender_address": "required"}
    _set_sender_address(client, shop)
    label = client.get(f"/shipments/{merged.json()['id']}/label.pdf", headers=shop["headers"])
    assert label.status_code == 200 and label.headers["content-type"] == "application/pdf"
    text = PdfReader(io.BytesIO(label.content)).pages[0].extract_text()
    assert "京东快递" in text and "JDVA12345678901" in text and first["order_no"] in text and second["order_no"] in text
    assert "浙江省杭州市西湖区龙井路 1 号" in text


def _set_sender_address(client, shop: dict) -> None:
    sender = {"name": "茶舍仓库", "phone": "0571-88886666", "province": "浙江省", "city": "杭州市", "district": "西湖区",
              "line1": "龙井路 1 号", "postcode": "310013"}
    answer = client.patch("/shop", headers=shop["headers"], json={"sender_address": sender})
    assert answer.status_code == 200 and answer.json()["sender_address"]["line1"] == "龙井路 1 号"


def test_labels_print_in_batches_and_only_for_the_shops_own_parcels(client, shop):
    tea = _product(shop, stock=20)
    _set_sender_address(client, shop)
    ids = []
    for n, name in enumerate(("李四", "王五", "赵六")):
        placed = _paid(client, shop, (tea, 1), name=name)
        ids.append(client.post(f"/orders/{placed['order_id']}/shipments", headers=shop["headers"],
                               json={"carrier": "SF", "tracking_no": f"SF123456789012{n}"}).json()["id"])
    batch = client.get("/shipments/labels.pdf", params={"ids": ",".join(map(str, ids))}, headers=shop["headers"])
    pages = PdfReader(io.BytesIO(batch.content)).pages
    assert batch.status_code == 200 and len(pages) == 3 and "赵六" in pages[2].extract_text()
    other = signup(client, "green-leaf")
    assert client.get(f"/shipments/{ids[0]}/label.pdf", headers=other["headers"]).status_code == 404
    assert client.get("/shipments/labels.pdf", params={"ids": f"{ids[0]}"}, headers=other["headers"]).status_code == 404
    assert client.get("/shipments/labels.pdf", params={"ids": "1,x"}, headers=shop["headers"]).status_code == 422
    assert client.post(f"/shipments/{ids[0]}/events", headers=other["headers"],
                       json={"status": "delivered", "description": "已签收"}).status_code == 404


def test_the_carriers_are_listed(client, shop):
    carriers = client.get("/carriers").json()["items"]
    assert [c["code"] for c in carriers] == ["SF", "ZTO", "YTO", "YUNDA", "JD", "EMS", "CHINAPOST"]
