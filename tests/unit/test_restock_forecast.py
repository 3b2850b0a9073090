"""Restock forecasts (issue 22): expected sales per SKU from its paid orders (weekday pattern, promotions,
exponential smoothing), days of cover, and the 建议补货 list most urgent first."""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta

import pytest

from shopapp.models import Promotion
from shopapp.models.base import clock_at
from shopapp.services.core.clock import shop_today, shop_zone
from shopapp.services.core.errors import Forbidden, Invalid
from shopapp.services.core.permissions import Actor
from shopapp.services.insights import forecast, restock
from tests.conftest import make_shop
from tests.shopping import paid_order, product_on_sale

MONDAY = date(2026, 11, 2)


def _weeks(n: int) -> list[date]:
    return forecast.days_between(MONDAY, MONDAY + timedelta(days=7 * n - 1))


def test_weekends_that_sell_double_are_forecast_double():
    days = _weeks(8)
    units = [2.0 if d.weekday() >= 5 else 1.0 for d in days]
    pattern = forecast.shop_pattern({1: units, 2: units, 3: units, 4: units, 5: units, 6: units, 7: units, 8: units}, days, {})
    ahead = forecast.days_between(days[-1] + timedelta(days=1), days[-1] + timedelta(days=7))
    expected = forecast.expected(units, days, ahead, pattern)
    assert math.isclose(sum(expected), sum(units[-7:]), rel_tol=0.01)  # a week like the weeks before
    saturday = next(i for i, d in enumerate(ahead) if d.weekday() == 5)
    assert math.isclose(expected[saturday], 2 * expected[0], rel_tol=0.01)


def test_a_past_promotion_does_not_inflate_the_forecast_and_a_coming_one_lifts_it():
    days = _weeks(4)
    promoted = set(days[7:14])
    units = [3.0 if d in promoted else 1.0 for d in days]
    pattern = forecast.shop_pattern({1: units, 2: units}, days, {1: promoted, 2: promoted})
    assert pattern.lift > 2  # measured from this history (shrunk towards the default): promoted days sold triple
    ahead = forecast.days_between(days[-1] + timedelta(days=1), days[-1] + timedelta(days=7))
    plain = forecast.expected(units, days, ahead, pattern, promoted)
    assert all(math.isclose(u, 1.0, rel_tol=0.05) for u in plain)
    lifted = forecast.expected(units, days, ahead, pattern, promoted, {ahead[0]})
    assert lifted[0] > 2 * lifted[1]


def test_smoothing_follows_a_shop_that_sells_more_each_week():
    days = _weeks(8)
    units = [1.0 + i // 7 for i in range(len(days))]  # one more unit a day each week
    pattern = forecast.ShopPattern([1.0] * 7, 1.3)
    level = forecast.smoothed_level(units, days, pattern)
    assert level > sum(units) / len(units)  # nearer the recent weeks than the average


def _sell(session, owner, variant_id: int, per_day: int, days: int, every: int = 1):
    today = shop_today(owner.shop_id)
    for back in range(days, 0, -every):
        at = datetime.combine(today - timedelta(days=back), time(12), shop_zone())
        with clock_at(at):
            paid_order(session, owner, (variant_id, per_day))


@pytest.fixture
def shop(session, owner):
    fast = product_on_sale(session, owner, stock=62, sku="FAST", title="明前龙井")
    gone = product_on_sale(session, owner, stock=28, sku="GONE", title="碧螺春")
    slow = product_on_sale(session, owner, stock=30, sku="SLOW", title="紫砂壶")
    product_on_sale(session, owner, stock=10, sku="IDLE", title="茶盘")
    _sell(session, owner, fast, 2, 28)
    _sell(session, owner, gone, 1, 28)
    _sell(session, owner, slow, 1, 28, every=7)
    return {"fast": fast, "gone": gone, "slow": slow}


def test_the_restock_list_puts_the_sold_out_first_then_the_urgent_and_says_how_many_to_order(session, owner, shop):
    answer = restock.suggestions(session, owner)
    rows = answer["items"]
    assert [r["sku"] for r in rows] == ["GONE", "FAST"]
    gone, fast = rows
    assert gone["urgency"] == "out" and gone["available"] == 0 and gone["days_of_cover"] == 0
    assert fast["urgency"] == "urgent" and fast["available"] == 6
    assert 12 <= fast["expected_7"] <= 16 and 50 <= fast["expected_30"] <= 70
    assert 2 <= fast["days_of_cover"] <= 4
    assert fast["suggested_qty"] == math.ceil(fast["daily"] * (restock.LEAD_DAYS + restock.TARGET_DAYS)) - 6 or \
        abs(fast["suggested_qty"] - (fast["daily"] * 37 - 6)) <= 1
    everything = restock.suggestions(session, owner, all_skus=True)["items"]
    assert [r["sku"] for r in everything][-2:] == ["SLOW", "IDLE"]  # enough stock: listed last, nothing to order
    assert everything[-1]["days_of_cover"] is None and everything[-1]["suggested_qty"] == 0


def test_a_scheduled_promotion_raises_the_forecast_of_what_it_covers(session, owner, shop):
    before = {r["sku"]: r for r in restock.suggestions(session, owner, all_skus=True)["items"]}
    today = shop_today(owner.shop_id)
    session.add(Promotion(shop_id=owner.shop_id, kind="limited_discount", name="双十二", percent_off=20,
                          starts_at=datetime.combine(today + timedelta(days=1), time(), shop_zone()),
                          ends_at=datetime.combine(today + timedelta(days=4), time(), shop_zone())))
    session.commit()
    after = {r["sku"]: r for r in restock.suggestions(session, owner, all_skus=True)["items"]}
    assert after["FAST"]["expected_7"] > before["FAST"]["expected_7"]


def test_restock_suggestions_are_the_shops_own_and_for_catalogue_managers(session, owner, shop):
    other = make_shop(session, "other-shop")
    assert restock.suggestions(session, other)["items"] == []
    with pytest.raises(Forbidden):
        restock.suggestions(session, Actor(shop_id=owner.shop_id, role="support", user_id=owner.user_id))
    with pytest.raises(Invalid):
        restock.suggestions(session, owner, page=0)
