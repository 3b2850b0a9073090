"""The finance report and reconciliation over HTTP: figures that add up to the orders, files that open, a planted mismatch found."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from shopapp.db import session_scope
from shopapp.services.core.clock import shop_today
from shopapp.services.shops import staff
from shopapp.services.shops.accounts import authenticate
from tests.api.conftest import signup
from tests.api.test_fulfillment_api import _order, _paid, _product


def test_today_adds_up_to_the_orders_and_the_refund(client, shop):
    first = _paid(client, shop, (_product(shop, price=3800), 2))
    second = _paid(client, shop, (_product(shop, price=1200, sku="CUP-1"), 1))
    assert client.post(f"/orders/{first['order_id']}/refunds", headers=shop["headers"],
                       json={"amount": 500, "reason": "补偿"}).status_code == 201
    orders = [_order(client, shop, placed["order_id"]) for placed in (first, second)]
    other = signup(client, "green-leaf")
    _paid(client, other, (_product(other), 1))  # another shop's sale never shows here

    answer = client.get("/reports/finance", params={"period": "today"}, headers=shop["headers"])
    assert answer.status_code == 200, answer.text
    report = answer.json()
    today = shop_today().isoformat()
    assert [row["date"] for row in report["days"]] == [today]
    totals = report["totals"]
    assert totals["gmv"] == sum(order["total"] for order in orders)
    assert totals["shipping"] == sum(order["shipping_total"] for order in orders)
    assert totals["refunds"] == 500 and totals["net_sales"] == totals["gmv"] - 500
    assert totals["paid_orders"] == 2
    assert report["providers"] == [{"provider": "sandbox", **totals}]


def test_the_csv_and_xlsx_downloads_open(client, shop):
    _paid(client, shop, (_product(shop, price=3800), 1))
    csv = client.get("/reports/finance", params={"period": "7d", "format": "csv", "lang": "en"}, headers=shop["headers"])
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in csv.headers["content-disposition"]
    text = csv.content.decode("utf-8")
    assert text.startswith("\ufeffDate,Paid orders") and "Total,1," in text
    xlsx = client.get("/reports/finance", params={"period": "month", "group": "month", "format": "xlsx"},
                      headers=shop["headers"])
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["A1"].value == "日期" and sheet["A3"].value == "合计" and sheet["B3"].value == 1


def test_a_reversed_or_ten_year_range_is_refused_in_both_languages(client, shop):
    reversed_ = client.get("/reports/finance", params={"from": "2026-12-05", "to": "2026-12-01"}, headers=shop["headers"])
    assert reversed_.status_code == 422
    assert reversed_.json()["error"]["fields"] == {"to": "结束日期不能早于开始日期"}
    too_long = client.get("/reports/finance", params={"from": "2016-01-01", "to": "2026-01-01"},
                          headers={**shop["headers"], "Accept-Language": "en"})
    assert too_long.json()["error"]["fields"] == {"to": "A date range may be at most one year"}
    assert client.get("/reports/finance", params={"format": "pdf"}, headers=shop["headers"]).status_code == 422


def test_staff_without_reports_and_strangers_are_kept_out(client, shop):
    assert client.get("/reports/finance").status_code == 401
    with session_scope() as session:
        token = staff.invite(session, authenticate(session, shop["token"]), email="kf@example.com", role="support")
    member = client.post(f"/invites/{token}/accept", json={"password": "support-pass-1"}).json()["token"]
    for answer in (
        client.get("/reports/finance", headers={"Authorization": f"Bearer {member}"}),
        client.get("/reports/reconciliation", headers={"Authorization": f"Bearer {member}"}),
        client.post("/reports/reconciliation", content=b"x", headers={"Authorization": f"Bearer {member}"}),
    ):
        assert answer.status_code == 403


def test_the_sandbox_reconciles_and_an_uploaded_statement_shows_a_planted_mismatch(client, shop):
    placed = _paid(client, shop, (_product(shop, price=3800), 1))
    clean = client.get("/reports/reconciliation", params={"period": "today"}, headers=shop["headers"]).json()
    assert clean["mismatches"] == []
    sandbox = next(p for p in clean["providers"] if p["provider"] == "sandbox")
    assert sandbox["payments"] == sandbox["statement"]["payments"] == 1

    today = shop_today().isoformat()
    statement = (
        "#支付宝账务明细查询\n"
        "账务流水号,业务流水号,商户订单号,商品名称,发生时间,对方账号,收入金额（+元）,支出金额（-元）,账户余额（元）,交易渠道,业务类型,备注\n"
        f"1,2026001,{placed['order_no']}-9,龙井,{today} 10:00:00,b***@x.com,48.00,,48.00,支付宝,在线支付,\n"
    ).encode("gb18030")
    answer = client.post("/reports/reconciliation", headers=shop["headers"],
                         files={"file": ("账务明细.csv", statement, "text/csv")})
    assert answer.status_code == 200, answer.text
    found = answer.json()["mismatches"]
    assert [(m["kind"], m["provider"], m["reference"], m["theirs"], m["row"]) for m in found] == [
        ("missing_order", "alipay", f"{placed['order_no']}-9", 4800, 3),
    ]
    bad = client.post("/reports/reconciliation", headers=shop["headers"], content=b"a,b\n1,2\n")
    assert bad.status_code == 422 and bad.json()["error"]["field_codes"] == {"file": "statement_columns_missing"}
