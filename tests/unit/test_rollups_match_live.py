"""Rolled-up days read the same as the raw rows: finance per day and provider, and every report (the regions' buyers
and the hours included), computed live from the orders, refunds and events, then again once the days that are over
are rolled up, then after a rebuild — the same figures each time, with today always live beside them."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import update
from sqlmodel import select

from shopapp.models import AnalyticsHour, AnalyticsRegionDay, FinanceDay, Order, Payment, VisitEvent
from shopapp.services.analytics import finance, ranges, reports, rollups, sealed
from shopapp.services.checkout import pricing
from shopapp.services.core.clock import CHINA_TIME, shop_today
from tests.conftest import make_shop
from tests.shopping import order_wide_saving, paid_order, product_on_sale
from tests.unit.test_finance import _on, _refund_on

REPORTS = ("overview", "funnel", "sources", "products", "regions", "hours")


def _at(day, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=CHINA_TIME)


@pytest.fixture
def three_days_and_today(session, owner, monkeypatch):
    """Orders paid around midnight on three days that are over and today (one with a 满减, one by Alipay, a buyer
    back on another day from the same province), refunds made later than the sale, visits at several hours, and
    another shop's sale and visit that must count nowhere."""
    today = shop_today(owner.shop_id)
    days = [today - timedelta(days=n) for n in (3, 2, 1, 0)]
    tea = product_on_sale(session, owner, stock=80, price=3800)
    cup = product_on_sale(session, owner, stock=80, price=12000, sku="CUP-1", title="茶杯")
    made = []
    for day, hour, lines, email, province in (
        (days[0], 23, ((tea, 2),), "wang@example.com", "浙江省"),
        (days[1], 0, ((tea, 1), (cup, 1)), "li@example.com", "广东省"),
        (days[1], 12, ((cup, 2),), "wang@example.com", "浙江省"),
        (days[2], 23, ((tea, 3),), "zhao@example.com", ""),
        (days[3], 0, ((tea, 1),), "WANG@example.com", "浙江省"),
    ):
        if email == "li@example.com":
            monkeypatch.setattr(pricing, "DISCOUNT_STEPS", (order_wide_saving(1000),))
        order, _ = paid_order(session, owner, *lines, email=email, province=province or "江苏省")
        if not province:  # an order from before addresses had a province: counted under 未知
            session.exec(update(Order).where(Order.id == order.id).values(address={"city": "南京"}))
        monkeypatch.setattr(pricing, "DISCOUNT_STEPS", ())
        _on(session, order, _at(day, hour, 30 if hour == 23 else 5))
        made.append(order)
    session.exec(update(Payment).where(Payment.order_id == made[2].id).values(provider="alipay"))
    session.commit()
    _refund_on(session, owner, made[0], 1500, _at(days[1], 9))
    _refund_on(session, owner, made[1], 2000, _at(days[3], 0, 1))
    for n, (day, hour, kind) in enumerate([(days[0], 22, "page_view"), (days[0], 23, "product_view"),
                                           (days[1], 8, "page_view"), (days[1], 8, "add_to_cart"),
                                           (days[2], 20, "checkout_start"), (days[3], 0, "page_view")]):
        session.add(VisitEvent(shop_id=owner.shop_id, visitor_id=f"visitor-{n % 3:04d}", type=kind, at=_at(day, hour, 10),
                               product_id=None if kind in ("page_view", "checkout_start") else 1,
                               source="wechat" if n % 2 else "direct"))
    other = make_shop(session, "green-leaf")
    late, _ = paid_order(session, other, (product_on_sale(session, other, sku="GL-1"), 1), province="浙江省")
    _on(session, late, _at(days[1], 12))
    session.add(VisitEvent(shop_id=other.shop_id, visitor_id="visitor-0000", type="page_view", at=_at(days[1], 8)))
    session.commit()
    return days


def _everything(session, owner, first, last) -> dict:
    period = ranges.Period(first, last)
    figures = {name: getattr(reports, name)(session, owner, period) for name in REPORTS}
    for group in finance.GROUPS:
        figures[f"finance by {group}"] = finance.finance_report(session, owner, finance.Range(first, last), group)
    return figures


def test_rolled_up_days_give_the_same_finance_and_reports_as_the_raw_rows(session, owner, three_days_and_today):
    first, today = three_days_and_today[0], three_days_and_today[-1]
    yesterday = today - timedelta(days=1)
    asked = [(first, today), (first, yesterday)] + [(day, day) for day in three_days_and_today]
    live = {span: _everything(session, owner, *span) for span in asked}
    whole = live[(first, today)]
    assert whole["finance by day"]["totals"]["refunds"] == 3500
    assert {row["province"]: row["buyers"] for row in whole["regions"]["items"]} == {"浙江省": 1, "广东省": 1, "未知": 1}
    assert sum(row["orders"] for row in whole["hours"]["hours"]) == 5

    assert rollups.rebuild(session, owner.shop_id, first, today) > 0
    session.commit()
    assert sealed.rolled_days(session, owner.shop_id, first, today, today) == set(three_days_and_today[:3])
    assert session.exec(select(FinanceDay).where(FinanceDay.shop_id == owner.shop_id)).all()
    assert session.exec(select(AnalyticsHour).where(AnalyticsHour.shop_id == owner.shop_id)).all()
    assert session.exec(select(AnalyticsRegionDay).where(AnalyticsRegionDay.shop_id == owner.shop_id)).all()
    for span in asked:  # rolled days with today live, rolled days alone, each day alone
        assert _everything(session, owner, *span) == live[span], span


def test_rolling_up_twice_or_by_the_job_changes_nothing(session, owner, three_days_and_today):
    first, today = three_days_and_today[0], three_days_and_today[-1]
    live = _everything(session, owner, first, today)
    rollups.roll_up_recent(session, days_back=3)
    rows = len(session.exec(select(FinanceDay)).all()), len(session.exec(select(AnalyticsRegionDay)).all())
    rollups.roll_up_recent(session, days_back=3)
    assert (len(session.exec(select(FinanceDay)).all()), len(session.exec(select(AnalyticsRegionDay)).all())) == rows
    assert _everything(session, owner, first, today) == live


def test_a_rolled_up_day_is_only_this_shops(session, owner, three_days_and_today):
    rollups.rebuild(session, owner.shop_id, three_days_and_today[0], three_days_and_today[-1])
    session.commit()
    assert {row.shop_id for row in session.exec(select(FinanceDay)).all()} == {owner.shop_id}
    assert {row.shop_id for row in session.exec(select(AnalyticsRegionDay)).all()} == {owner.shop_id}
