"""The platform's side, the parts an operator works every day, over HTTP: a plan's storage room (uploads refused
past it with the plan that allows more, deletions give room back, usage on the subscription), reports of abuse
(anyone files one; bots and floods turned away; the operator's queue and its audited resolution), payouts
(balances due, a batch, marking it paid with the bank's reference) and every shop's invoices. Owners reach
none of the operator's paths (404)."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from sqlmodel import select

from shopapp.db import session_scope
from shopapp.models import AbuseReport, Plan, ShopStorage
from shopapp.services.catalog import storage, storage_use
from shopapp.services.platform import operators
from tests.api.conftest import signup
from tests.api.test_fulfillment_api import _paid, _product
from tests.api.test_ops_api import end_trial, operator_headers
from tests.api.test_products_api import create, png
from tests.api.test_shop_money_api import _complete

REPORT = {"reason": "counterfeit", "details": "卖的“茅台”是假的，瓶盖一拧就开", "contact": "13800000000"}


@pytest.fixture
def ops(client) -> dict:
    return operator_headers(client)


def _upload(client, shop, product_id: int, size=(600, 400)):
    return client.post(f"/products/{product_id}/images", files={"file": ("茶.png", png(size), "image/png")},
                       headers=shop["headers"])


def _stored(shop_id: int) -> int:
    with session_scope() as session:
        return storage_use.used_bytes(session, shop_id)


def test_uploads_count_against_the_plan_and_past_its_room_are_refused_naming_the_plan_that_allows_more(client, shop):
    shop_id = shop["shop"]["id"]
    product = create(client, shop)
    first = _upload(client, shop, product["id"])
    assert first.status_code == 201, first.text
    folder = first.json()["url"].split("/media/", 1)[1].rsplit("/", 1)[0]
    on_disk = sum(storage.sizes_under(folder).values())
    assert on_disk > 0 and _stored(shop_id) == on_disk  # the running total is what the files weigh

    # The trial is over: the free plan's 500 MB, and the shop has all but a few bytes of it in use.
    end_trial(shop_id)
    with session_scope() as session:
        session.exec(update(ShopStorage).where(ShopStorage.shop_id == shop_id).values(bytes=500 * storage_use.MB - 10))
    refused = _upload(client, shop, product["id"])
    assert refused.status_code == 403, refused.text
    error = refused.json()["error"]
    assert error["code"] == "plan_storage_full"
    assert "免费版" in error["message"] and "基础版" in error["message"] and "500 MB" in error["message"]
    english = client.post(
        f"/products/{product['id']}/images", files={"file": ("茶.png", png(), "image/png")},
        headers={**shop["headers"], "Accept-Language": "en"})
    assert "Free" in english.json()["error"]["message"] and "Basic" in english.json()["error"]["message"]
    assert len(client.get(f"/products/{product['id']}", headers=shop["headers"]).json()["images"]) == 1  # nothing added

    # The owner sees the usage; deleting the picture gives its room back and the upload goes through.
    usage = client.get("/subscription", headers=shop["headers"]).json()["storage"]
    assert usage["allowed_mb"] == 500 and usage["used_bytes"] == 500 * storage_use.MB - 10
    image_id = first.json()["id"]
    assert client.delete(f"/products/{product['id']}/images/{image_id}", headers=shop["headers"]).status_code == 204
    assert _stored(shop_id) == 500 * storage_use.MB - 10 - on_disk
    assert _upload(client, shop, product["id"], size=(40, 40)).status_code == 201


def test_going_down_a_plan_keeps_every_picture_and_says_what_is_over(client, shop):
    shop_id = shop["shop"]["id"]
    product = create(client, shop)
    assert _upload(client, shop, product["id"]).status_code == 201
    with session_scope() as session:
        session.exec(update(Plan).where(Plan.code == "free").values(limits={"products": 50, "staff": 2, "storage_mb": 0}))
    end_trial(shop_id)
    images = client.get(f"/products/{product['id']}", headers=shop["headers"]).json()["images"]
    assert len(images) == 1 and client.get(images[0]["url"].removeprefix("/api/v1")).status_code in (200, 404)
    assert _stored(shop_id) > 0  # counted, kept
    assert _upload(client, shop, product["id"]).json()["error"]["code"] == "plan_storage_full"


def test_anyone_reports_a_shop_and_bots_and_floods_are_turned_away(client, shop):
    slug = shop["shop"]["slug"]
    filed = client.post(f"/store/{slug}/reports", json=REPORT)
    assert filed.status_code == 201 and filed.json() == {"received": True}
    bad = client.post(f"/store/{slug}/reports", json={**REPORT, "reason": "boring", "details": " "})
    assert bad.status_code == 422
    assert bad.json()["error"]["field_codes"] == {"reason": "report_reason_invalid", "details": "required"}
    assert client.post("/store/no-such-shop/reports", json=REPORT).status_code == 404
    bot = client.post(f"/store/{slug}/reports", json={**REPORT, "website": "http://spam.example"})
    assert bot.status_code == 201  # thanked, and nothing kept
    for _ in range(4):
        assert client.post(f"/store/{slug}/reports", json=REPORT).status_code == 201
    flood = client.post(f"/store/{slug}/reports", json=REPORT)
    assert flood.status_code == 429 and flood.json()["error"]["code"] == "too_many_reports"
    with session_scope() as session:
        rows = session.exec(select(AbuseReport)).all()
    assert len(rows) == 5 and all(row.source and "." not in row.source for row in rows)  # the address is never kept


def test_the_operator_resolves_a_report_in_the_queue_and_it_is_audited(client, shop, ops):
    slug, shop_id = shop["shop"]["slug"], shop["shop"]["id"]
    client.post(f"/store/{slug}/reports", json=REPORT)
    for who in ({}, shop["headers"]):
        assert client.get("/ops/reports", headers=who).status_code == 404
    queue = client.get("/ops/reports", headers=ops).json()
    assert queue["total"] == 1 and queue["open"] == 1
    report = queue["items"][0]
    assert (report["shop_id"], report["shop_slug"], report["reason"], report["status"]) == (shop_id, slug, "counterfeit", "open")
    assert client.post(f"/ops/reports/{report['id']}/resolve", json={"note": "x"}, headers=shop["headers"]).status_code == 404
    assert client.post(f"/ops/reports/{report['id']}/resolve", json={"note": ""}, headers=ops).status_code == 422
    done = client.post(f"/ops/reports/{report['id']}/resolve", json={"note": "已核实，店铺下架假货"}, headers=ops)
    assert done.status_code == 200 and done.json()["status"] == "resolved", done.text
    again = client.post(f"/ops/reports/{report['id']}/resolve", json={"note": "再来"}, headers=ops)
    assert again.status_code == 409 and again.json()["error"]["code"] == "report_already_resolved"
    assert client.get("/ops/reports", headers=ops).json()["total"] == 0
    assert client.get("/ops/reports?status=resolved", headers=ops).json()["items"][0]["resolution"] == "已核实，店铺下架假货"
    logged = client.get("/ops/audit?action=resolve_report", headers=ops).json()["items"]
    assert [(e["shop_id"], e["reason"]) for e in logged] == [(shop_id, "已核实，店铺下架假货")]
    page = client.get(f"/ops/shops/{shop_id}", headers=ops).json()
    assert [r["reason"] for r in page["reports"]] == ["counterfeit"] and "storage" in page


def test_the_operator_pays_out_a_batch_and_marks_it_paid(client, ops):
    owner = signup(client)
    placed = _paid(client, owner, (_product(owner, price=10000), 1))
    _complete(client, owner, placed["order_id"])
    for who in ({}, owner["headers"]):
        assert client.get("/ops/payouts", headers=who).status_code == 404
        assert client.post("/ops/payouts/1/paid", json={"reference": "x"}, headers=who).status_code == 404
    page = client.get("/ops/payouts", headers=ops).json()
    balance = client.get("/payment-account", headers=owner["headers"]).json()["balance"]
    assert page["due"]["items"] == [{"shop_id": owner["shop"]["id"], "name": owner["shop"]["name"],
                                     "slug": owner["shop"]["slug"], "balance": balance}]
    assert page["due"]["total"] == balance > 0 and page["batches"]["total"] == 0

    batch = client.post("/ops/payouts", json={}, headers=ops).json()
    assert batch["status"] == "made" and batch["total"] == balance
    assert client.get("/ops/payouts", headers=ops).json()["due"]["items"] == []
    nothing = client.post("/ops/payouts", json={}, headers=ops)
    assert nothing.status_code == 409 and nothing.json()["error"]["code"] == "payout_nothing_due"

    assert client.post(f"/ops/payouts/{batch['id']}/paid", json={"reference": " "}, headers=ops).status_code == 422
    paid = client.post(f"/ops/payouts/{batch['id']}/paid", json={"reference": "ICBC-20261206-001"}, headers=ops)
    assert paid.status_code == 200, paid.text
    assert paid.json()["status"] == "paid" and paid.json()["paid_reference"] == "ICBC-20261206-001"
    assert client.post(f"/ops/payouts/{batch['id']}/paid", json={"reference": "again"}, headers=ops).status_code == 409
    ledger = client.get("/ops/payouts", headers=ops).json()["batches"]["items"]
    assert [(b["status"], [p["amount"] for p in b["payouts"]]) for b in ledger] == [("paid", [balance])]
    actions = [e["action"] for e in client.get("/ops/audit", headers=ops).json()["items"]]
    assert actions[:2] == ["payout_paid", "payout_batch"]


def test_the_operator_lists_every_invoice_searches_by_shop_and_opens_the_pdf(client, ops):
    tea, wine = signup(client, "tea-house"), signup(client, "wine-cellar")
    from shopapp.services.platform import invoices
    with session_scope() as session:
        for who in (tea, wine, tea):
            invoices.issue(session, who["shop"]["id"], "plan", [{"description": "基础版 · 月", "amount": 6800}])
    everything = client.get("/ops/invoices", headers=ops).json()
    assert everything["total"] == 3 and [i["shop_slug"] for i in everything["items"]] == ["tea-house", "wine-cellar", "tea-house"]
    found = client.get("/ops/invoices?q=WINE", headers=ops).json()
    assert found["total"] == 1 and found["items"][0]["status"] == "paid" and found["items"][0]["total"] == 6800
    by_number = client.get(f"/ops/invoices?q={everything['items'][0]['number']}", headers=ops).json()
    assert by_number["total"] == 1
    assert client.get("/ops/invoices?per_page=2&page=2", headers=ops).json()["items"][0]["shop_slug"] == "tea-house"
    pdf = client.get(everything["items"][0]["pdf_url"].removeprefix("/api/v1"), headers=ops)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    for who in ({}, tea["headers"]):
        assert client.get("/ops/invoices", headers=who).status_code == 404
        assert client.get(everything["items"][0]["pdf_url"].removeprefix("/api/v1"), headers=who).status_code == 404


def test_the_operator_console_cookie_opens_a_pdf_only_from_the_platforms_own_pages(client, ops):
    with session_scope() as session:
        token = operators.login(session, email="ops@platform.example", password="operator-pass")
    owner = signup(client)
    from shopapp.services.platform import invoices
    with session_scope() as session:
        invoice = invoices.issue(session, owner["shop"]["id"], "plan", [{"description": "专业版", "amount": 19800}])
    path = f"/ops/invoices/{invoice.id}/pdf"
    assert client.get(path, cookies={"shopapp_ops": token}).status_code == 200
    assert client.get(path, cookies={"shopapp_ops": token}, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 404
