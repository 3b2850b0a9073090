"""基础的财务数据: the owner's per-day and per-month figures add up to the orders and refunds, and reconciliation
finds what does not match between the orders, our payments and a provider's statement."""

from __future__ import annotations

import io
from datetime import date, datetime
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook
from sqlalchemy import update
from sqlmodel import select

from shopapp.i18n import CATALOGUES
from shopapp.models import Order, OrderItem, Payment, PaymentNotification
from shopapp.models.aftersales import Refund
from shopapp.services.analytics import finance, finance_export, reconciliation, statements
from shopapp.services.checkout import pricing
from shopapp.services.core.clock import CHINA_TIME
from shopapp.services.core.errors import Invalid
from shopapp.services.core.money import yuan_text
from shopapp.services.core.permissions import Actor
from shopapp.services.orders import refunds
from shopapp.ui.console.finance_state import ReconciliationState, _reconciled
from tests.conftest import make_shop
from tests.shopping import order_wide_saving, paid_order, product_on_sale

DAY = date(2026, 12, 5)


def _on(session, order: Order, moment: datetime) -> None:
    """The order placed and paid at `moment`, its payments and their notifications too."""
    session.exec(update(Order).where(Order.id == order.id).values(paid_at=moment, created_at=moment))
    session.exec(update(Payment).where(Payment.order_id == order.id).values(created_at=moment, updated_at=moment))
    ids = [p.id for p in session.exec(select(Payment).where(Payment.order_id == order.id)).all()]
    session.exec(update(PaymentNotification).where(PaymentNotification.payment_id.in_(ids)).values(received_at=moment))


def _refund_on(session, owner, order: Order, amount: int, moment: datetime) -> None:
    made = refunds.refund(session, owner, order.id, amount, "少发一件")
    session.exec(update(Refund).where(Refund.id == made["id"]).values(created_at=moment))


@pytest.fixture
def two_days_of_sales(session, owner, monkeypatch):
    """Three orders over two days (one with a ¥10 满减, one paid by Alipay), a partial refund, another shop's sale."""
    tea = product_on_sale(session, owner, stock=50, price=3800)
    plain, _ = paid_order(session, owner, (tea, 2))
    monkeypatch.setattr(pricing, "DISCOUNT_STEPS", (order_wide_saving(1000),))
    saved, _ = paid_order(session, owner, (tea, 3))
    monkeypatch.setattr(pricing, "DISCOUNT_STEPS", ())
    by_alipay, _ = paid_order(session, owner, (tea, 1))
    session.exec(update(Payment).where(Payment.order_id == by_alipay.id).values(provider="alipay"))
    _on(session, plain, datetime(2026, 12, 4, 23, 59, tzinfo=CHINA_TIME))
    _on(session, saved, datetime(2026, 12, 5, 0, 1, tzinfo=CHINA_TIME))
    _on(session, by_alipay, datetime(2026, 12, 5, 12, 0, tzinfo=CHINA_TIME))
    session.commit()
    _refund_on(session, owner, plain, 1500, datetime(2026, 12, 5, 9, 0, tzinfo=CHINA_TIME))
    other = make_shop(session, "green-leaf")
    paid_order(session, other, (product_on_sale(session, other, sku="GL-1"), 1))
    session.commit()
    return [session.get(Order, o.id, populate_existing=True) for o in (plain, saved, by_alipay)]


def test_the_days_add_up_to_the_orders_and_refunds(session, owner, two_days_of_sales):
    plain, saved, by_alipay = two_days_of_sales
    report = finance.finance_report(session, owner, finance.Range(date(2026, 12, 4), DAY))

    days = {row["date"]: row for row in report["days"]}
    assert days["2026-12-04"]["gmv"] == plain.total and days["2026-12-04"]["refunds"] == 0
    today = days["2026-12-05"]
    assert today["paid_orders"] == 2
    assert today["gmv"] == saved.total + by_alipay.total
    assert today["discounts"] == 1000  # the 满减, as the lines' paid say
    assert today["discounts"] == sum(
        item.total - item.paid for item in session.exec(select(OrderItem).where(OrderItem.order_id == saved.id)).all()
    )
    assert today["shipping"] == saved.shipping_total + by_alipay.shipping_total
    assert today["refunds"] == 1500  # the refund counts on the day it was made
    assert today["net_sales"] == today["gmv"] - 1500
    totals = report["totals"]
    orders = (plain, saved, by_alipay)
    assert totals["gmv"] == sum(o.total for o in orders)
    assert totals["gross_sales"] - totals["discounts"] + totals["shipping"] == totals["gmv"]
    assert totals["refunds"] == sum(o.refunded_total for o in orders) == 1500
    assert totals["net_sales"] == totals["gmv"] - totals["refunds"]
    by_provider = {row["provider"]: row for row in report["providers"]}
    assert by_provider["alipay"]["gmv"] == by_alipay.total
    assert by_provider["sandbox"]["gmv"] == plain.total + saved.total and by_provider["sandbox"]["refunds"] == 1500
    for name in finance.FIGURES:
        assert sum(row[name] for row in report["providers"]) == totals[name] == sum(row[name] for row in report["days"])


def test_by_month_the_two_days_are_one_row(session, owner, two_days_of_sales):
    report = finance.finance_report(session, owner, finance.Range(date(2026, 11, 20), DAY), group="month")
    assert [row["date"] for row in report["days"]] == ["2026-11", "2026-12"]
    assert report["days"][1]["gmv"] == report["totals"]["gmv"]


@pytest.mark.parametrize(("start", "end", "field", "code"), [
    ("2026-12-05", "2026-12-01", "to", "date_range_reversed"),
    ("2016-01-01", "2026-01-01", "to", "date_range_too_long"),
    ("yesterday", "", "from", "date_invalid"),
])
def test_a_reversed_or_ten_year_range_is_refused(start, end, field, code):
    with pytest.raises(Invalid) as refused:
        finance.date_range(start, end, today=DAY)
    assert refused.value.fields == {field: code}


def test_the_usual_periods_end_today():
    assert finance.date_range(period="7d", today=DAY) == finance.Range(date(2026, 11, 29), DAY)
    assert finance.date_range(period="month", today=DAY) == finance.Range(date(2026, 12, 1), DAY)
    assert finance.date_range(today=DAY).first == date(2026, 11, 29)


def test_the_csv_and_the_xlsx_read_back(session, owner, two_days_of_sales):
    report = finance.finance_report(session, owner, finance.Range(date(2026, 12, 4), DAY))
    text = finance_export.to_csv(report, "zh-CN").decode("utf-8")
    assert text.startswith("\ufeff日期")
    rows = [line.split(",") for line in text[1:].splitlines()]
    assert rows[2][0] == "2026-12-05" and rows[3][0] == "合计"
    assert rows[0][5] == "成交额" and rows[3][5] == yuan_text(report["totals"]["gmv"])
    book = load_workbook(io.BytesIO(finance_export.to_xlsx(report, "en")))
    sheet = book.active
    assert sheet["A1"].value == "Date" and sheet["A4"].value == "Total"
    assert round(sheet["F4"].value * 100) == report["totals"]["gmv"]


def test_a_provider_named_like_a_formula_stays_text_in_both_files():
    report = {"from": DAY, "to": DAY, "days": [], "totals": dict.fromkeys(finance.FIGURES, 0),
              "providers": [{"provider": "=HYPERLINK(\"http://x\")", **dict.fromkeys(finance.FIGURES, 0)}]}
    last = finance_export.to_csv(report, "en").decode("utf-8").splitlines()[-1]
    assert last.startswith('"\'=HYPERLINK')
    sheet = load_workbook(io.BytesIO(finance_export.to_xlsx(report, "en"))).active
    assert sheet["A3"].value.startswith("'=") and sheet["A3"].data_type == "s"


# Reconciliation --------------------------------------------------------------------------------

def test_our_records_show_a_missing_a_duplicated_and_a_different_payment(session, owner, two_days_of_sales):
    plain, saved, by_alipay = two_days_of_sales
    session.exec(update(Payment).where(Payment.order_id == plain.id).values(status="failed"))  # lost
    first = session.exec(select(Payment).where(Payment.order_id == saved.id)).one()
    session.add(Payment(shop_id=owner.shop_id, order_id=saved.id, provider="sandbox", reference=f"{saved.order_no}-2",
                        status="succeeded", amount=saved.total, created_at=first.created_at, updated_at=first.updated_at))
    session.exec(update(Payment).where(Payment.order_id == by_alipay.id).values(amount=by_alipay.total - 1))
    session.commit()

    found = reconciliation.reconcile(session, owner, finance.Range(date(2026, 12, 4), DAY))["mismatches"]
    kinds = {(m["kind"], m["order_no"]) for m in found if m["row"] == 0 and m["what"] == "payment"}
    assert ("missing_payment", plain.order_no) in kinds
    assert ("duplicate", saved.order_no) in kinds
    assert ("amount_differs", by_alipay.order_no) in kinds


def test_a_clean_shop_has_nothing_to_reconcile(session, owner, two_days_of_sales):
    answer = reconciliation.reconcile(session, owner, finance.Range(date(2026, 12, 4), DAY))
    assert answer["mismatches"] == []
    sandbox = next(p for p in answer["providers"] if p["provider"] == "sandbox")
    assert sandbox["statement"]["payments"] == 2 and sandbox["statement"]["refunds"] == 1500


def test_an_alipay_statement_with_planted_mismatches(session, owner, two_days_of_sales):
    _, _, by_alipay = two_days_of_sales
    second = paid_order(session, owner, (product_on_sale(session, owner, sku="TEA-2"), 1))[0]
    session.exec(update(Payment).where(Payment.order_id == second.id).values(provider="alipay"))
    _on(session, second, datetime(2026, 12, 5, 13, 0, tzinfo=CHINA_TIME))
    session.commit()
    ours = session.exec(select(Payment).where(Payment.order_id == by_alipay.id)).one()
    statement = "\n".join([
        "#支付宝账务明细查询",
        "#账号：[20880000000000000156]",
        "账务流水号,业务流水号,商户订单号,商品名称,发生时间,对方账号,收入金额（+元）,支出金额（-元）,账户余额（元）,交易渠道,业务类型,备注",
        f"1,2026120522001,{ours.reference}\t,龙井,2026-12-05 12:00:05,b***@x.com,{ours.amount / 100 + 1:.2f},,0,支付宝,在线支付,",
        "2,2026120522002,NOT-OURS-1,龙井,2026-12-05 12:30:00,c***@x.com,38.00,,0,支付宝,在线支付,",
        "3,2026120522002,NOT-OURS-1,服务费,2026-12-05 12:30:00,,,0.23,0,支付宝,收费,",
        f"4,2026120522003,{ours.reference},龙井,2026-12-05 12:40:00,b***@x.com,{ours.amount / 100:.2f},,0,支付宝,在线支付,",
        "#-----------------------------------------账务明细列表结束------------------------------------",
        "#导出时间：[2026年12月06日 08:00:00]",
    ]).encode("gb18030")
    lines = statements.parse_alipay_statement(statement)
    assert [line.kind for line in lines] == ["payment", "payment", "fee", "payment"]

    answer = reconciliation.reconcile(session, owner, finance.Range(DAY, DAY), lines, "alipay")
    found = {(m["kind"], m["reference"]) for m in answer["mismatches"]}
    assert ("missing_order", "NOT-OURS-1") in found  # a statement line without an order
    assert ("duplicate", ours.reference) in found  # paid twice at Alipay
    second_ref = session.exec(select(Payment.reference).where(Payment.order_id == second.id)).one()
    assert ("missing_in_statement", second_ref) in found
    alipay = next(p for p in answer["providers"] if p["provider"] == "alipay")
    assert alipay["statement"]["fees"] == 23


def test_a_statement_line_of_another_amount_is_found(session, owner, two_days_of_sales):
    _, _, by_alipay = two_days_of_sales
    ours = session.exec(select(Payment).where(Payment.order_id == by_alipay.id)).one()
    statement = (
        "商户订单号,发生时间,收入金额（+元）,支出金额（-元）,业务类型\n"
        f"{ours.reference},2026-12-05 12:00:05,{(ours.amount + 100) / 100:.2f},,在线支付\n"
    ).encode("utf-8-sig")
    answer = reconciliation.reconcile(session, owner, finance.Range(DAY, DAY), statements.parse_alipay_statement(statement), "alipay")
    assert [(m["kind"], m["ours"], m["theirs"], m["row"]) for m in answer["mismatches"]] == [
        ("amount_differs", ours.amount, ours.amount + 100, 2),
    ]


@pytest.mark.parametrize(("text", "field", "code"), [
    ("商户订单号,金额\nA-1,12.00\n", "file", "statement_columns_missing"),
    ("商户订单号,发生时间,收入金额（+元）,支出金额（-元）,业务类型\nA-1,昨天,12.00,,在线支付\n", "line.2", "statement_line_invalid"),
    ("#only comments\n", "file", "statement_empty"),
])
def test_a_file_that_is_not_a_statement_is_refused(text, field, code):
    with pytest.raises(Invalid) as refused:
        statements.parse_alipay_statement(text.encode())
    assert refused.value.fields == {field: code}


def test_the_finance_page_names_every_mismatch_and_provider_in_both_languages(session, owner, two_days_of_sales):
    """The 财务 page shows mismatches through catalogue keys (tr_of): each one it can be given exists in both."""
    plain, *_ = two_days_of_sales
    session.exec(update(Payment).where(Payment.order_id == plain.id).values(status="failed"))
    session.commit()
    answer = reconciliation.reconcile(session, owner, finance.Range(date(2026, 12, 4), DAY))
    page = SimpleNamespace()
    ReconciliationState._show_answer(page, (answer, "CNY"))
    assert page.checked == "2026-12-04 – 2026-12-05"
    assert page.mismatches[0]["kind"] == "finance.kind.missing_payment"
    assert page.mismatches[0]["provider"] == "finance.provider.none"
    keys = [f"finance.kind.{kind}" for kind in reconciliation.KINDS]
    keys += [f"finance.provider.{name}" for name in (*reconciliation.PROVIDERS, finance.NO_PAYMENT)]
    for catalogue in CATALOGUES.values():
        assert all(key in catalogue for key in keys)


def test_the_page_reconciles_in_the_background_what_the_service_answers_and_nothing_for_support(session, owner,
                                                                                                  two_days_of_sales):
    """The 财务 page compares outside its state's lock (a month of a big shop takes seconds): the same answer as
    the service, in the shop's currency; a role that may not see reports gets nothing, not an error."""
    days = finance.Range(date(2026, 12, 4), DAY)
    session.commit()  # the page's own session writes nothing, but on SQLite it waits for an open one
    shown = _reconciled(owner, days)
    assert _reconciled(Actor(shop_id=owner.shop_id, role="support", user_id=9), days) is None
    assert shown == (reconciliation.reconcile(session, owner, days), "CNY")
