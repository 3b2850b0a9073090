"""The owner's reports over HTTP, checked against the visits and orders made in each test."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import select

from shopapp.api.tracking import flush_events
from shopapp.db import session_scope
from shopapp.models import AnalyticsDay, Order, Product, Shop, Variant, VisitEvent
from shopapp.services.analytics import event_queue, rollups, tracking
from shopapp.services.core.clock import shop_today, start_of_day
from shopapp.settings import get_settings
from tests.api.test_fulfillment_api import _product
from tests.shopping import ADDRESS

PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0"


@pytest.fixture(autouse=True)
def no_flood_memory():
    tracking.flood.reset()
    yield
    tracking.flood.reset()


def _event(client, slug: str, visitor: str, kind: str = "page_view", headers: dict | None = None, **fields):
    answer = client.post(f"/store/{slug}/events", headers={"User-Agent": PHONE, **(headers or {})},
                         content=json.dumps({"visitor_id": visitor, "type": kind, "path": f"/s/{slug}", **fields}))
    assert answer.status_code == 204 and answer.content == b""
    flush_events()  # what the flusher does every half second, at once: the test reads right after
    return answer


def _product_id(variant_id: int) -> int:
    with session_scope() as session:
        return session.exec(select(Variant.product_id).where(Variant.id == variant_id)).one()


def _buy(client, shop: dict, variant_id: int, qty: int = 1, visitor: str = "", email: str = "buyer@example.com", **address) -> dict:
    slug = shop["shop"]["slug"]
    cart = client.post(f"/store/{slug}/carts").json()["cart_token"]
    client.post(f"/store/{slug}/carts/{cart}/items", json={"variant_id": variant_id, "qty": qty})
    placed = client.post(f"/store/{slug}/checkout", json={
        "cart_token": cart, "email": email, "address": {**ADDRESS, **address}, "visitor_id": visitor,
    }).json()
    paid = client.post(f"/payments/sandbox/{placed['payment']['id']}/pay", json={"outcome": "success"})
    assert paid.json()["order_status"] == "paid", paid.text
    return placed


def _report(client, shop: dict, name: str, **query) -> dict:
    answer = client.get(f"/reports/{name}", params={"range": "today", **query}, headers=shop["headers"])
    assert answer.status_code == 200, answer.text
    return answer.json()


def _visit_and_buy(client, shop: dict) -> dict:
    """Three phones: A comes from a WeChat share, looks at the tea, adds it, checks out and pays for two;
    B comes from Baidu and only looks at the tea; C opens the home page and leaves."""
    slug = shop["shop"]["slug"]
    tea = _product(shop, price=3800)
    tea_id = _product_id(tea)
    a, b, c = "visitor-aaaa-1111", "visitor-bbbb-2222", "visitor-cccc-3333"
    _event(client, slug, a, utm_source="wechat", utm_medium="social", utm_campaign="双十二")
    _event(client, slug, a, "product_view", product_id=tea_id, utm_source="wechat", utm_medium="social", utm_campaign="双十二")
    _event(client, slug, a, "add_to_cart", product_id=tea_id, utm_source="wechat", utm_medium="social", utm_campaign="双十二")
    _event(client, slug, a, "checkout_start", utm_source="wechat", utm_medium="social", utm_campaign="双十二")
    _event(client, slug, b, "product_view", product_id=tea_id, referrer="https://www.baidu.com/s?wd=龙井")
    _event(client, slug, b, "product_view", product_id=tea_id, referrer="https://www.baidu.com/s?wd=龙井")
    _event(client, slug, c)
    placed = _buy(client, shop, tea, 2, visitor=a)
    return {"tea": tea, "tea_id": tea_id, "placed": placed, "visitors": (a, b, c)}


def test_the_funnel_counts_each_visitor_once_at_every_step(client, shop):
    _visit_and_buy(client, shop)
    assert _report(client, shop, "funnel") == {
        "visitors": 3, "product_viewers": 2, "cart_adders": 1, "checkout_starters": 1, "buyers": 1, "approximate": False,
    }


def test_the_overview_adds_up_the_visits_orders_and_refunds_with_the_previous_period_beside_it(client, shop):
    made = _visit_and_buy(client, shop)
    total = made["placed"]["total"]
    refund = client.post(f"/orders/{made['placed']['order_id']}/refunds", json={"amount": 1000, "reason": "补偿"},
                         headers=shop["headers"])
    assert refund.status_code == 201, refund.text
    overview = _report(client, shop, "overview")
    figures = {key: overview[key] for key in ("visitors", "page_views", "orders", "paid_orders", "buyers", "gmv",
                                              "refunds", "net_sales", "aov", "conversion_rate")}
    assert figures == {
        "visitors": 3, "page_views": 6, "orders": 1, "paid_orders": 1, "buyers": 1, "gmv": total, "refunds": 1000,
        "net_sales": total - 1000, "aov": total, "conversion_rate": round(1 / 3, 4),
    }
    assert overview["previous"]["visitors"] == 0 and overview["previous"]["gmv"] == 0
    assert overview["from"] == overview["to"] == shop_today().isoformat()


def test_a_wechat_visitors_order_counts_under_wechat_and_a_search_visitor_under_baidu(client, shop):
    made = _visit_and_buy(client, shop)
    rows = {(row["source"], row["medium"], row["campaign"]): row for row in _report(client, shop, "sources")["items"]}
    wechat = rows[("wechat", "social", "双十二")]
    assert (wechat["visitors"], wechat["buyers"], wechat["orders"], wechat["gmv"]) == (1, 1, 1, made["placed"]["total"])
    assert (rows[("baidu.com", "", "")]["visitors"], rows[("baidu.com", "", "")]["buyers"]) == (1, 0)
    assert rows[("direct", "", "")]["visitors"] == 1 and rows[("direct", "", "")]["gmv"] == 0


def test_products_show_views_viewers_carts_units_and_sales_and_sort_by_any_of_them(client, shop):
    made = _visit_and_buy(client, shop)
    cup = _product(shop, sku="CUP-1", title="茶杯", price=9900)
    _buy(client, shop, cup, 1, email="cup@example.com")
    items = _report(client, shop, "products")["items"]
    tea = next(item for item in items if item["product_id"] == made["tea_id"])
    with session_scope() as session:
        line_paid = 2 * 3800
        assert session.get(Product, made["tea_id"]).title == tea["title"] == "龙井"
    assert (tea["views"], tea["viewers"], tea["add_to_cart"], tea["units"], tea["gmv"], tea["orders"]) == (3, 2, 1, 2, line_paid, 1)
    assert tea["add_to_cart_rate"] == round(1 / 3, 4) and tea["conversion_rate"] == 0.5
    by_gmv = _report(client, shop, "products", sort="gmv")["items"]
    assert [item["title"] for item in by_gmv] == ["茶杯", "龙井"]
    bad = client.get("/reports/products", params={"sort": "price; drop"}, headers=shop["headers"])
    assert bad.status_code == 422 and bad.json()["error"]["field_codes"] == {"sort": "sort_unknown"}


def test_regions_count_buyers_orders_and_sales_by_the_shipping_province(client, shop):
    tea = _product(shop, price=3800, stock=20)
    one = _buy(client, shop, tea, 1, email="a@example.com")
    two = _buy(client, shop, tea, 2, email="a@example.com")
    far = _buy(client, shop, tea, 1, email="b@example.com", province="广东省", city="广州市", district="天河区")
    rows = {row["province"]: row for row in _report(client, shop, "regions")["items"]}
    assert rows["浙江省"] == {"province": "浙江省", "buyers": 1, "orders": 2, "gmv": one["total"] + two["total"]}
    assert rows["广东省"] == {"province": "广东省", "buyers": 1, "orders": 1, "gmv": far["total"]}


def test_hours_and_weekdays_place_the_visits_and_orders_on_the_shops_clock(client, shop):
    _visit_and_buy(client, shop)
    hours = _report(client, shop, "hours")
    assert len(hours["hours"]) == 24 and len(hours["weekdays"]) == 7
    assert sum(row["page_views"] for row in hours["hours"]) == 6 and sum(row["orders"] for row in hours["weekdays"]) == 1


def test_bots_prefetches_forged_shops_and_junk_are_answered_204_and_not_counted(client, shop):
    slug = shop["shop"]["slug"]
    _event(client, slug, "visitor-bot-00001", headers={"User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1)"})
    _event(client, slug, "visitor-bot-00002", headers={"User-Agent": ""})
    _event(client, slug, "visitor-pre-00003", headers={"Sec-Purpose": "prefetch;prerender"})
    _event(client, slug, "visitor-pre-00004", headers={"Purpose": "prefetch"})
    _event(client, "no-such-shop", "visitor-forged-05")
    _event(client, slug, "visitor-junk-0006", kind="delete_everything")
    _event(client, slug, "visitor-junk-0007", "product_view")  # no product
    for body in (b"", b"not json", b"[1, 2]", b"{" + b'"a": "' + b"x" * 10_000 + b'"}'):
        answer = client.post(f"/store/{slug}/events", headers={"User-Agent": PHONE}, content=body)
        assert answer.status_code == 204 and answer.content == b""
    flush_events()
    with session_scope() as session:
        assert session.exec(select(VisitEvent).where(VisitEvent.shop_id == shop["shop"]["id"])).all() == []


def test_do_not_track_counts_the_page_view_without_the_visitor(client, shop):
    slug = shop["shop"]["slug"]
    _event(client, slug, "visitor-dnt-00001", headers={"DNT": "1"})
    _event(client, slug, "visitor-gpc-00002", headers={"Sec-GPC": "1"})
    overview = _report(client, shop, "overview")
    assert (overview["page_views"], overview["visitors"]) == (2, 0)
    with session_scope() as session:
        kept = session.exec(select(VisitEvent.visitor_id).where(VisitEvent.shop_id == shop["shop"]["id"])).all()
    assert kept == ["", ""]


def test_a_flood_from_one_visitor_is_cut_off_quietly(client, shop):
    slug = shop["shop"]["slug"]
    for _ in range(tracking.FLOOD_EVENTS + 20):
        _event(client, slug, "visitor-flood-001")
    _event(client, slug, "visitor-calm-0002")
    assert _report(client, shop, "overview")["page_views"] == tracking.FLOOD_EVENTS + 1


def test_a_reversed_or_ten_year_range_is_refused_with_the_field_named(client, shop):
    for query, code in (({"from": "2026-05-02", "to": "2026-05-01"}, "range_reversed"),
                        ({"from": "2016-01-01", "to": "2026-01-01"}, "range_too_long")):
        answer = client.get("/reports/overview", params=query, headers=shop["headers"])
        assert answer.status_code == 422 and answer.json()["error"]["field_codes"] == {"to": code}
    bad = client.get("/reports/funnel", params={"from": "yesterday-ish", "to": "2026-05-01"}, headers=shop["headers"])
    assert bad.status_code == 422 and bad.json()["error"]["field_codes"] == {"from": "date_invalid"}
    assert client.get("/reports/overview", params={"range": "forever"}, headers=shop["headers"]).status_code == 422


def test_rebuilding_the_rollups_from_raw_events_and_orders_gives_the_same_reports(client, shop):
    """Yesterday's visits and order, read live, then from the rolled-up day, then after a rebuild: the same."""
    made = _visit_and_buy(client, shop)
    shop_id = shop["shop"]["id"]
    with session_scope() as session:  # move everything to yesterday, where the rollup applies
        for event in session.exec(select(VisitEvent).where(VisitEvent.shop_id == shop_id)).all():
            event.at -= timedelta(days=1)
        order = session.get(Order, made["placed"]["order_id"])
        order.paid_at, order.created_at = order.paid_at - timedelta(days=1), order.created_at - timedelta(days=1)
    yesterday = (shop_today() - timedelta(days=1)).isoformat()
    names = ("overview", "funnel", "sources", "products", "regions")
    live = {name: _report(client, shop, name, range="yesterday") for name in names}
    assert live["funnel"]["visitors"] == 3 and live["overview"]["gmv"] == made["placed"]["total"]
    with session_scope() as session:
        assert rollups.roll_up_recent(session) > 0
        assert session.exec(select(AnalyticsDay).where(AnalyticsDay.shop_id == shop_id,
                                                       AnalyticsDay.day == shop_today() - timedelta(days=1))).all()
    rolled = {name: _report(client, shop, name, range="yesterday") for name in names}
    assert rolled == live
    with session_scope() as session:
        assert rollups.rebuild(session, shop_id, shop_today() - timedelta(days=40), shop_today()) > 0
    assert {name: _report(client, shop, name, range="yesterday") for name in names} == live
    custom = {"from": yesterday, "to": shop_today().isoformat()}  # a rolled-up day and today live, together
    assert _report(client, shop, "overview", **custom)["gmv"] == made["placed"]["total"]


def test_a_range_past_the_exact_limit_is_estimated_from_the_days_sketches_and_says_so(client, shop, monkeypatch):
    """REPORTS_EXACT_ROWS lowered to 0: yesterday's rolled-up visits and order are merged from their sketches, today's
    visitors fed in (A again counts once, D is new); the answers say approximate, and sketches of a handful of
    visitors hold them exactly, so the figures are the exact ones."""
    made = _visit_and_buy(client, shop)
    slug, shop_id = shop["shop"]["slug"], shop["shop"]["id"]
    with session_scope() as session:
        for event in session.exec(select(VisitEvent).where(VisitEvent.shop_id == shop_id)).all():
            event.at -= timedelta(days=1)
        order = session.get(Order, made["placed"]["order_id"])
        order.paid_at, order.created_at = order.paid_at - timedelta(days=1), order.created_at - timedelta(days=1)
    with session_scope() as session:
        rollups.roll_up_day(session, shop_id, shop_today() - timedelta(days=1))
    _event(client, slug, made["visitors"][0])
    _event(client, slug, "visitor-dddd-4444", utm_source="wechat", utm_medium="social", utm_campaign="双十二")
    names = ("overview", "funnel", "sources", "products", "regions")
    exact = {name: _report(client, shop, name, range="7d") for name in names}
    monkeypatch.setenv("REPORTS_EXACT_ROWS", "0")
    get_settings.cache_clear()
    try:
        estimated = {name: _report(client, shop, name, range="7d") for name in names}
    finally:
        monkeypatch.delenv("REPORTS_EXACT_ROWS")
        get_settings.cache_clear()
    assert [exact[name]["approximate"] for name in names] == [False] * 5
    assert [estimated[name]["approximate"] for name in names] == [True] * 5
    assert exact["funnel"] == {"visitors": 4, "product_viewers": 2, "cart_adders": 1, "checkout_starters": 1, "buyers": 1,
                               "approximate": False}
    for name in names:  # the overview's previous week has no sketched day: counted exactly in both
        assert {**estimated[name], "approximate": False} == exact[name]
    wechat = next(row for row in estimated["sources"]["items"] if row["source"] == "wechat")
    assert (wechat["visitors"], wechat["buyers"]) == (2, 1)


def test_a_visit_at_half_past_ten_china_time_counts_in_the_ten_oclock_hour_of_its_weekday(client, shop):
    yesterday = shop_today() - timedelta(days=1)
    with session_scope() as session:
        session.add(VisitEvent(shop_id=shop["shop"]["id"], visitor_id="visitor-early-001", type="page_view",
                               at=start_of_day(yesterday) + timedelta(hours=10, minutes=30)))
    hours = _report(client, shop, "hours", range="yesterday")
    assert [row["hour"] for row in hours["hours"] if row["page_views"]] == [10]
    assert [row["weekday"] for row in hours["weekdays"] if row["page_views"]] == [yesterday.isoweekday()]


def test_a_beacon_may_carry_a_few_pages_events_and_a_crowd_of_them_is_one_insert(client, shop):
    slug = shop["shop"]["slug"]
    tea_id = _product_id(_product(shop, price=3800))
    events = [{"visitor_id": "visitor-batch-001", "type": "page_view", "path": f"/s/{slug}", "utm_source": "douyin"},
              {"visitor_id": "visitor-batch-001", "type": "product_view", "path": f"/s/{slug}/p/{tea_id}", "product_id": tea_id},
              {"visitor_id": "visitor-batch-001", "type": "nonsense"}]
    answer = client.post(f"/store/{slug}/events", headers={"User-Agent": PHONE}, content=json.dumps({"events": events}))
    assert answer.status_code == 204
    too_many = {"events": [events[0]] * (tracking.MAX_BATCH + 1)}
    client.post(f"/store/{slug}/events", headers={"User-Agent": PHONE}, content=json.dumps(too_many))
    flush_events()
    overview = _report(client, shop, "overview")
    assert (overview["visitors"], overview["page_views"]) == (1, 2)
    assert _report(client, shop, "funnel")["product_viewers"] == 1


def test_an_order_placed_the_instant_after_its_landing_page_still_gets_the_landing_source(client, shop):
    slug = shop["shop"]["slug"]
    tea = _product(shop, price=3800)
    client.post(f"/store/{slug}/events", headers={"User-Agent": PHONE}, content=json.dumps(
        {"visitor_id": "visitor-quick-001", "type": "page_view", "path": f"/s/{slug}", "utm_source": "xiaohongshu"}))
    _buy(client, shop, tea, visitor="visitor-quick-001")
    flush_events()
    sources = {row["source"]: row for row in _report(client, shop, "sources")["items"]}
    assert sources["xiaohongshu"]["buyers"] == 1


def test_attribution_reads_an_event_still_waiting_in_the_queue(session):
    event_queue.queue.put([{"shop_id": 7, "visitor_id": "visitor-wait-0001", "source": "weibo", "medium": "social", "campaign": ""}])
    assert tracking.source_of(session, 7, "visitor-wait-0001") == ("weibo", "social", "")
    assert tracking.source_of(session, 8, "visitor-wait-0001") == ("direct", "", "")
    event_queue.queue.clear()


def test_events_wait_in_the_queue_while_the_database_is_away():
    class Away:
        def execute(self, *_args):
            raise ConnectionError("database is away")

    event_queue.queue.put([{"shop_id": 1}])
    with pytest.raises(ConnectionError):
        event_queue.queue.flush(Away())
    assert event_queue.queue.waiting() == 1
    event_queue.queue.clear()


def test_the_rollup_job_catches_up_older_days_never_sealed_and_they_read_the_same(client, shop):
    """A shop upgraded (or a job stopped) for weeks: the job seals those days too, a month of them per run."""
    _visit_and_buy(client, shop)
    shop_id = shop["shop"]["id"]
    day = shop_today() - timedelta(days=10)
    with session_scope() as session:
        for event in session.exec(select(VisitEvent).where(VisitEvent.shop_id == shop_id)).all():
            event.at -= timedelta(days=10)
        shop_row = session.get(Shop, shop_id)
        shop_row.created_at -= timedelta(days=30)
    asked = {"from": day.isoformat(), "to": day.isoformat()}
    live = _report(client, shop, "funnel", **asked), _report(client, shop, "sources", **asked)
    assert live[0]["visitors"] == 3
    with session_scope() as session:
        rollups.roll_up_recent(session)
        assert session.exec(select(AnalyticsDay).where(AnalyticsDay.shop_id == shop_id, AnalyticsDay.day == day)).all()
    assert (_report(client, shop, "funnel", **asked), _report(client, shop, "sources", **asked)) == live


def test_an_order_keeps_its_campaign_when_a_direct_event_comes_after_it(client, shop):
    """Last non-direct touch: the server's own add-to-cart (source unknown to it) or a late beacon never makes a
    WeChat visit direct."""
    shop_id = shop["shop"]["id"]
    with session_scope() as session:
        landing = VisitEvent(shop_id=shop_id, visitor_id="visitor-touch-001", type="page_view", source="wechat", medium="social")
        session.add(landing)
        session.add(VisitEvent(shop_id=shop_id, visitor_id="visitor-touch-001", type="add_to_cart", source="direct",
                               at=landing.at + timedelta(seconds=5)))
        session.flush()
        assert tracking.source_of(session, shop_id, "visitor-touch-001") == ("wechat", "social", "")
        assert tracking.source_of(session, shop_id, "visitor-nobody-01") == ("direct", "", "")
