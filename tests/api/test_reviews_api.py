"""Reviews over HTTP: the shopper reviews a delivered item with a photo, the owner publishes and replies,
everyone reads the product's reviews and rating; every refusal answers 4xx and changes nothing."""

from __future__ import annotations

import io

from PIL import Image

from tests.api.conftest import signup
from tests.api.test_fulfillment_api import SF, _order, _paid, _product
from tests.shopping import ADDRESS


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), "orange").save(out, "JPEG")
    return out.getvalue()


def _delivered(client, shop: dict) -> tuple[dict, dict]:
    """A paid order of one product, shipped and signed for; returns (the checkout's answer, its line)."""
    placed = _paid(client, shop, (_product(shop), 1))
    parcel = client.post(f"/orders/{placed['order_id']}/shipments", headers=shop["headers"], json=SF).json()
    client.post(f"/shipments/{parcel['id']}/events", headers=shop["headers"], json={"status": "delivered", "description": "已签收"})
    return placed, _order(client, shop, placed["order_id"])["items"][0]


def _write(client, shop, placed, line, **body):
    return client.post(
        f"/store/{shop['shop']['slug']}/orders/{placed['order_no']}/reviews", params={"token": placed["token"]},
        json={"order_item_id": line["id"], "rating": 5, "text": "好喝", **body},
    )


def test_a_shopper_reviews_with_a_photo_and_it_shows_once_the_owner_publishes_it(client, shop):
    slug = shop["shop"]["slug"]
    placed, line = _delivered(client, shop)
    written = _write(client, shop, placed, line, rating=4, text="<script>alert(1)</script>香", anonymous=True)
    assert written.status_code == 201, written.text
    review = written.json()
    assert review["status"] == "pending"
    photos = client.post(f"/store/{slug}/orders/{placed['order_no']}/reviews/{review['id']}/photos",
                         params={"token": placed["token"]}, files=[("photos", ("cup.jpg", _photo(), "image/jpeg"))])
    assert photos.status_code == 201 and photos.json()["photos"][0]["url"].endswith(".webp")

    public = client.get(f"/store/{slug}/products/{line['product_id']}/reviews").json()
    assert public["items"] == [] and public["rating"]["count"] == 0

    inbox = client.get("/reviews", headers=shop["headers"], params={"status": "pending"}).json()
    assert inbox["total"] == 1 and inbox["items"][0]["email"] == "buyer@example.com"
    published = client.patch(f"/reviews/{review['id']}", headers=shop["headers"], json={"status": "published"})
    assert published.status_code == 200 and published.json()["status"] == "published"
    replied = client.post(f"/reviews/{review['id']}/reply", headers=shop["headers"], json={"text": "谢谢！"})
    assert replied.json()["reply"] == "谢谢！"

    public = client.get(f"/store/{slug}/products/{line['product_id']}/reviews", params={"with_photos": "true"}).json()
    assert public["rating"] == {"average": 4.0, "count": 1, "by_star": {"1": 0, "2": 0, "3": 0, "4": 1, "5": 0}}
    item = public["items"][0]
    assert item["text"] == "<script>alert(1)</script>香" and item["author_masked"] == "" and item["reply"] == "谢谢！"
    assert len(item["photos"]) == 1 and item["at"].endswith("Z")
    assert client.get(f"/store/{slug}/products/{line['product_id']}/reviews", params={"rating": "bad"}).json()["items"] == []
    card = client.get(f"/store/{slug}/products").json()["items"][0]
    assert card["rating"] == {"average": 4.0, "count": 1}


def test_refusals_answer_4xx_with_the_reason(client, shop):
    slug = shop["shop"]["slug"]
    placed, line = _delivered(client, shop)
    assert _write(client, shop, placed, line, rating=9).json()["error"]["fields"] == {"rating": "请选择 1 到 5 星"}
    assert _write(client, shop, placed, line).status_code == 201
    second = _write(client, shop, placed, line)
    assert second.status_code == 409 and second.json()["error"]["code"] == "already_reviewed"

    undelivered = _paid(client, shop, (_product(shop, sku="CUP-1", title="茶杯"), 1))
    cup_line = _order(client, shop, undelivered["order_id"])["items"][0]
    assert _write(client, shop, undelivered, cup_line).status_code == 409

    stranger = {**placed, "token": undelivered["token"]}  # another shopper's link
    assert _write(client, shop, stranger, line).status_code == 404

    review_id = client.get("/reviews", headers=shop["headers"]).json()["items"][0]["id"]
    not_image = client.post(f"/store/{slug}/orders/{placed['order_no']}/reviews/{review_id}/photos",
                            params={"token": placed["token"]}, files=[("photos", ("x.jpg", b"<html>no</html>", "image/jpeg"))])
    assert not_image.status_code == 422 and "file" in not_image.json()["error"]["fields"]

    other = signup(client, "other-shop")
    assert client.patch(f"/reviews/{review_id}", headers=other["headers"], json={"status": "hidden"}).status_code == 404
    assert client.patch(f"/reviews/{review_id}", headers=shop["headers"], json={"status": "gone"}).status_code == 422
    assert client.get("/reviews").status_code == 401


def test_the_owner_publishes_at_once_and_the_shopper_adds_a_followup(client, shop):
    slug = shop["shop"]["slug"]
    assert client.put("/reviews/rule", headers=shop["headers"], json={"moderated": False}).json() == {"moderated": False}
    placed, line = _delivered(client, shop)
    review = _write(client, shop, placed, line, rating=2, text="一般").json()
    assert review["status"] == "published"
    follow = client.post(f"/store/{slug}/orders/{placed['order_no']}/reviews/{review['id']}/followup",
                         params={"token": placed["token"]}, json={"text": "第二泡好些"})
    assert follow.status_code == 201 and follow.json()["followup"] == {"text": "第二泡好些", "status": "published"}
    listed = client.get(f"/store/{slug}/orders/{placed['order_no']}/reviews", params={"token": placed["token"]}).json()
    assert listed["items"][0]["can_review"] is False and listed["items"][0]["can_follow_up"] is False
    public = client.get(f"/store/{slug}/products/{line['product_id']}/reviews").json()
    assert public["items"][0]["followup"]["text"] == "第二泡好些" and public["rating"]["average"] == 2.0


def test_a_logged_in_shopper_reviews_without_the_link(client, shop):
    """*shopper*: the log-in (`Authorization: Bearer cs_…`) stands for the order link's token."""
    slug = shop["shop"]["slug"]
    token = client.post(f"/store/{slug}/customers", json={"email": "lin@example.com", "password": "secret-pass-1"}).json()["token"]
    cart = client.post(f"/store/{slug}/carts").json()["cart_token"]
    client.post(f"/store/{slug}/carts/{cart}/items", json={"variant_id": _product(shop), "qty": 1})
    mine = {"Authorization": f"Bearer {token}"}
    placed = client.post(f"/store/{slug}/checkout", headers=mine, json={
        "cart_token": cart, "email": "lin@example.com", "address": ADDRESS}).json()
    client.post(f"/payments/sandbox/{placed['payment']['id']}/pay", json={"outcome": "success"})
    parcel = client.post(f"/orders/{placed['order_id']}/shipments", headers=shop["headers"], json=SF).json()
    client.post(f"/shipments/{parcel['id']}/events", headers=shop["headers"], json={"status": "delivered", "description": "已签收"})
    line = _order(client, shop, placed["order_id"])["items"][0]
    written = client.post(f"/store/{slug}/orders/{placed['order_no']}/reviews", headers=mine,
                          json={"order_item_id": line["id"], "rating": 5, "text": "好"})
    assert written.status_code == 201, written.text
    someone_else = client.post(f"/store/{slug}/orders/{placed['order_no']}/reviews",
                               json={"order_item_id": line["id"], "rating": 1, "text": "差"})
    assert someone_else.status_code == 404
