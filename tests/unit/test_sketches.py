"""Distinct counts of a big range from the days' sketches (issue 21 at scale): a busy week of a few thousand visitors
and buyers rolled up, then each report counted exactly (small ranges, the default) and estimated (the limit lowered)
— the estimates within the sketches' error of the exact figures, marked approximate, the same after a rebuild."""

from __future__ import annotations

import random
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import delete, update
from sqlmodel import select

from shopapp.i18n import CATALOGUES
from shopapp.models import AnalyticsSketchDay, Order, OrderVisit, Shop, VisitEvent
from shopapp.models.base import utcnow
from shopapp.services.analytics import ranges, reports, rollups, sketches
from shopapp.services.core.clock import shop_today, start_of_day
from shopapp.settings import get_settings
from shopapp.ui.console.reports.state import ReportsState

DAYS = 8
VISITORS = 3000
BUYERS = 900
SOURCES = (("wechat", "social", "双十二"), ("baidu.com", "", ""), ("direct", "", ""))
PROVINCES = ("浙江省", "广东省", "江苏省", "上海市")
TOLERANCE = 0.05  # three standard errors of lg_k 12 (1.6 %): an estimate outside is a bug, not bad luck
REPORTS = ("overview", "funnel", "sources", "products", "regions")


@pytest.fixture
def estimating(monkeypatch):
    """Reports estimate every range with a sketched day in it (REPORTS_EXACT_ROWS=0)."""
    monkeypatch.setenv("REPORTS_EXACT_ROWS", "0")
    get_settings.cache_clear()
    yield
    monkeypatch.delenv("REPORTS_EXACT_ROWS")
    get_settings.cache_clear()


@pytest.fixture
def busy_week(session, owner) -> dict:
    """3 000 visitors over the 8 days before today, each on one to three of them, from one of three sources;
    every other one views one of five products, every fifth adds to the cart, every tenth starts the checkout;
    1 500 paid orders by 900 buyers in four provinces, most with a visit; 300 visitors today, 100 of them new.
    Returns the exact sets each count should find."""
    rng, shop_id = random.Random(21), owner.shop_id
    today = shop_today(shop_id)
    truth: dict[str, set] = {name: set() for name in ("visitors", "product_view", "add_to_cart", "checkout_start", "buyers",
                                                        "paid_visitors", "viewers_1", "wechat", "浙江省")}
    for n in range(VISITORS + 100):
        visitor, source = f"v-{n:05d}", SOURCES[n % 3]
        days = [0] if n >= VISITORS else rng.sample(range(1, DAYS + 1), rng.choice((1, 2, 3))) + ([0] if n % 10 == 0 else [])
        steps = ["page_view"] + (["product_view"] if n % 2 else []) + (["add_to_cart"] if n % 5 == 0 else []) + (
            ["checkout_start"] if n % 10 == 0 else [])
        for back in days:
            at = start_of_day(today - timedelta(days=back), shop_id) + timedelta(minutes=rng.randrange(1, 600))
            for kind in steps:
                session.add(VisitEvent(shop_id=shop_id, visitor_id=visitor, type=kind, at=at, source=source[0],
                                       medium=source[1], campaign=source[2],
                                       product_id=1 + n % 5 if kind in ("product_view", "add_to_cart") else None))
        truth["visitors"].add(visitor)
        for kind in steps[1:]:
            truth[kind].add(visitor)
        if "product_view" in steps and n % 5 == 0:
            truth["viewers_1"].add(visitor)
        if source[0] == "wechat":
            truth["wechat"].add(visitor)
    for m in range(1500):
        buyer, back = m % BUYERS, 1 + m % DAYS
        paid = start_of_day(today - timedelta(days=back), shop_id) + timedelta(minutes=rng.randrange(1, 1400))
        order = Order(shop_id=shop_id, order_no=f"B{m:06d}", token_hash="0" * 64, status="paid", financial_status="paid",
                      email=f"Buyer{buyer}@example.com", address={"province": PROVINCES[buyer % 4]}, subtotal=3800,
                      total=3800, paid_at=paid, created_at=paid)
        session.add(order)
        session.flush()
        truth["buyers"].add(f"buyer{buyer}@example.com")
        if buyer % 4 == 0:
            truth["浙江省"].add(buyer)
        if m % 5:
            visitor = f"v-{m * 7 % VISITORS:05d}"
            session.add(OrderVisit(order_id=order.id, shop_id=shop_id, visitor_id=visitor, source="wechat"))
            truth["paid_visitors"].add(visitor)
    session.commit()
    rollups.rebuild(session, shop_id, today - timedelta(days=DAYS), today)
    session.commit()
    return {"today": today, "period": ranges.Period(today - timedelta(days=DAYS), today), "truth": truth}


def _near(estimate: int, exact: int) -> bool:
    return abs(estimate - exact) <= TOLERANCE * exact


def _all(session, owner, period) -> dict:
    return {name: getattr(reports, name)(session, owner, period) for name in REPORTS}


def test_the_days_sketches_merge_into_the_distinct_counts_of_the_range_within_their_error(session, owner, busy_week):
    week, truth = busy_week["period"], busy_week["truth"]
    estimated = sketches.estimate(session, owner.shop_id, week.first, week.last, busy_week["today"],
                                  sketches.EVENT_KINDS + sketches.ORDER_KINDS)
    for (kind, dim), name in ((("visitors", ""), "visitors"), (("product_view", ""), "product_view"),
                              (("add_to_cart", ""), "add_to_cart"), (("checkout_start", ""), "checkout_start"),
                              (("buyers", ""), "buyers"), (("paid_visitors", ""), "paid_visitors"),
                              (("product_viewers", "1"), "viewers_1"), (("region_buyers", "浙江省"), "浙江省"),
                              (("source_visitors", sketches.source_dim(*SOURCES[0])), "wechat")):
        assert _near(estimated[(kind, dim)], len(truth[name])), (kind, dim, estimated[(kind, dim)], len(truth[name]))
    # Each sketch keeps its day's exact count: what the reports add up to choose exact or estimated.
    yesterday = busy_week["today"] - timedelta(days=1)
    row = session.exec(select(AnalyticsSketchDay).where(AnalyticsSketchDay.day == yesterday,
                                                        AnalyticsSketchDay.kind == "visitors")).one()
    visitors = session.exec(select(VisitEvent.visitor_id).where(
        VisitEvent.at >= start_of_day(yesterday, owner.shop_id), VisitEvent.at < start_of_day(busy_week["today"], owner.shop_id)
    ).distinct()).all()
    assert row.count == len(visitors)


def test_small_ranges_are_counted_exactly(session, owner, busy_week):
    answers = _all(session, owner, busy_week["period"])
    assert not any(answer["approximate"] for answer in answers.values())
    assert answers["overview"]["visitors"] == len(busy_week["truth"]["visitors"])
    assert answers["funnel"]["buyers"] == len(busy_week["truth"]["paid_visitors"])
    assert answers["overview"]["buyers"] == len(busy_week["truth"]["buyers"])


def test_a_range_above_the_limit_is_estimated_and_says_so(session, owner, busy_week, request):
    exact = _all(session, owner, busy_week["period"])
    request.getfixturevalue("estimating")
    estimated = _all(session, owner, busy_week["period"])
    assert all(answer["approximate"] for answer in estimated.values())
    for figure in ("visitors", "buyers"):
        assert _near(estimated["overview"][figure], exact["overview"][figure])
    for figure in ("page_views", "orders", "paid_orders", "gmv", "refunds"):  # additive: exact always
        assert estimated["overview"][figure] == exact["overview"][figure]
    for step in ("visitors", "product_viewers", "cart_adders", "checkout_starters", "buyers"):
        assert _near(estimated["funnel"][step], exact["funnel"][step]), step
    steps = [estimated["funnel"][step] for step in ("visitors", "product_viewers", "cart_adders", "checkout_starters")]
    assert steps == sorted(steps, reverse=True)
    for name, key, counts, sums in (
        ("sources", lambda row: (row["source"], row["medium"], row["campaign"]), ("visitors", "buyers"), ("orders", "gmv")),
        ("products", lambda row: row["product_id"], ("viewers",), ("views", "units", "gmv")),
        ("regions", lambda row: row["province"], ("buyers",), ("orders", "gmv")),
    ):
        exact_rows = {key(row): row for row in exact[name]["items"]}
        assert set(exact_rows) == {key(row) for row in estimated[name]["items"]}
        for row in estimated[name]["items"]:
            assert all(_near(row[figure], exact_rows[key(row)][figure]) for figure in counts), (name, row)
            assert all(row[figure] == exact_rows[key(row)][figure] for figure in sums), (name, row)


def test_a_rebuild_gives_the_same_estimates(session, owner, busy_week, estimating):
    before = _all(session, owner, busy_week["period"])
    rollups.rebuild(session, owner.shop_id, busy_week["period"].first, busy_week["today"])
    session.commit()
    assert _all(session, owner, busy_week["period"]) == before


def test_the_job_seals_again_a_day_rolled_up_before_the_sketches(session, owner, busy_week):
    old = busy_week["today"] - timedelta(days=3)
    session.exec(update(Shop).where(Shop.id == owner.shop_id).values(created_at=utcnow() - timedelta(days=30)))
    session.exec(delete(AnalyticsSketchDay).where(AnalyticsSketchDay.day == old))
    session.commit()
    assert old not in sketches.sketched_days(session, owner.shop_id, old, old, busy_week["today"])
    rollups.roll_up_recent(session)
    assert old in sketches.sketched_days(session, owner.shop_id, old, old, busy_week["today"])


def test_the_console_marks_estimated_figures_with_yue_and_explains_them(session, owner, busy_week, estimating):
    """The reports page puts 约 before each estimated count and says why once; amounts and orders stay bare."""
    answers = {name: getattr(reports, name)(session, owner, busy_week["period"]) for name in REPORTS}
    answers["hours"] = reports.hours(session, owner, busy_week["period"])
    page = SimpleNamespace(_text=lambda key: CATALOGUES["zh-CN"][key])
    ReportsState._show(page, answers, lambda amount: f"¥{amount / 100:.2f}")
    cards = {card["key"]: card["value"] for card in page.cards}
    assert page.approximate is True
    assert cards["reports.figure.visitors"].startswith("约 ") and cards["reports.figure.buyers"].startswith("约 ")
    assert cards["reports.figure.gmv"].startswith("¥") and not cards["reports.figure.paid_orders"].startswith("约")
    assert all(step["count"].startswith("约 ") for step in page.funnel_steps)
    assert all(row["viewers"].startswith("约 ") for row in page.products)
    for catalogue in CATALOGUES.values():
        assert catalogue["sketches.note"] and catalogue["sketches.about"]


@pytest.mark.parametrize("first, last, today, whole", [
    (date(2026, 1, 15), date(2026, 4, 10), date(2026, 6, 1), [date(2026, 2, 1), date(2026, 3, 1)]),
    (date(2026, 2, 1), date(2026, 2, 28), date(2026, 6, 1), [date(2026, 2, 1)]),
    (date(2026, 2, 1), date(2026, 2, 27), date(2026, 6, 1), []),
    # The month still running is whole up to yesterday: its month row holds only the days before today.
    (date(2026, 5, 1), date(2026, 6, 5), date(2026, 6, 6), [date(2026, 5, 1), date(2026, 6, 1)]),
    (date(2026, 6, 2), date(2026, 6, 5), date(2026, 6, 6), []),
])
def test_a_range_reads_the_month_rows_of_the_months_it_holds_whole(first, last, today, whole):
    assert sketches._whole_months(first, min(last, today - timedelta(days=1)), today) == whole
