"""The reports on a big shop (issue 21): every report for 30 days and for a year, and the events endpoint.

    # reports (SQLite by default, in a temporary DATA_DIR; or DATABASE_URL=postgresql://...)
    .venv/bin/python bench/reports_bench.py --events 1000000 --orders 100000
    .venv/bin/python bench/reports_bench.py --reuse            # measure again without rebuilding
    DATA_DIR=/tmp/x .venv/bin/python bench/reports_bench.py --build-only                            # build, no timing
    DATA_DIR=/tmp/x flock /tmp/bench.lock .venv/bin/python bench/reports_bench.py --reuse          # time it alone

    # the events endpoint: serve the API with 2 workers, then fire beacons at it
    DATA_DIR=/tmp/analytics-data .venv/bin/python -m shopapp migrate && DATA_DIR=/tmp/analytics-data .venv/bin/python -m shopapp seed-demo
    DATA_DIR=/tmp/analytics-data .venv/bin/uvicorn shopapp.api:create_api --factory --workers 2 --port 8700 --log-level warning &
    .venv/bin/python bench/reports_bench.py --endpoint http://127.0.0.1:8700 --beacons 20000 [--per-beacon 5]

Builds one shop's rows with bulk inserts (events in visits of a few pages each over the last 365 days, paid orders with one line each and a
visit source for most), rolls up every day that is over (analytics.rollups.rebuild, as the job keeps them),
then times each report through the service (what the API and the console call); prints p50 / p95 in ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta

os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="shopapp-reports-bench-"))

from sqlalchemy import insert, text  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

import shopapp.models  # noqa: E402,F401
from shopapp.db import get_engine, session_scope  # noqa: E402
from shopapp.models import Order, OrderItem, OrderVisit, Product, Shop, VisitEvent  # noqa: E402
from shopapp.services.analytics import ranges, reports, rollups  # noqa: E402
from shopapp.services.analytics.tracking import FLOOD_EVENTS  # noqa: E402
from shopapp.services.core import plan_limits  # noqa: E402
from shopapp.services.core.clock import shop_today  # noqa: E402
from shopapp.services.core.permissions import Actor  # noqa: E402

PRODUCTS = 200
SOURCES = (("direct", "", ""), ("wechat", "social", "双十二"), ("baidu.com", "", ""), ("douyin", "video", "直播"), ("share", "", ""))
PROVINCES = ("浙江省", "广东省", "江苏省", "上海市", "北京市", "四川省", "湖北省", "山东省")
ROUNDS = 10
BATCH = 20_000


def build(engine, events: int, orders: int) -> None:
    SQLModel.metadata.drop_all(engine)
    SQLModel.metadata.create_all(engine)
    now = datetime.now(UTC)
    with engine.begin() as connection:
        connection.execute(insert(Shop), [{"id": 1, "slug": "bench", "name": "Bench", "created_at": now, "updated_at": now}])
        connection.execute(insert(Product), [{"id": n, "shop_id": 1, "title": f"茶 {n}", "status": "active", "options": [], "tags": [], "created_at": now,
                                              "updated_at": now} for n in range(1, PRODUCTS + 1)])
    rng = random.Random(21)
    started = time.time()
    visitors = max(events // 24, 1)  # a pool of returning visitors: about four visits each over the year
    batch, n = [], 0
    while n < events:
        # A visit: one visitor from one source, a few pages within half an hour (a shop's events come in visits).
        visitor, source = f"v-{rng.randint(1, visitors):08d}", SOURCES[rng.randint(0, len(SOURCES) - 1)]
        start = now - timedelta(seconds=rng.randint(1800, 365 * 86400))
        for _ in range(min(1 + int(rng.expovariate(1 / 5)), 30, events - n)):
            product = rng.randint(1, PRODUCTS)
            kind = rng.choices(("page_view", "product_view", "add_to_cart", "checkout_start"), (50, 35, 10, 5))[0]
            batch.append({"shop_id": 1, "visitor_id": visitor, "type": kind, "path": "/s/bench",
                          "product_id": product if kind in ("product_view", "add_to_cart") else None, "source": source[0],
                          "medium": source[1], "campaign": source[2], "referrer_host": "", "share_code": "",
                          "at": start + timedelta(seconds=rng.randint(0, 1800))})
            n += 1
            if len(batch) == BATCH:
                _flush(engine, VisitEvent, batch)
                if n % 200_000 == 0:
                    print(f"  {n:,} events ({time.time() - started:.0f} s)", flush=True)
    _flush(engine, VisitEvent, batch)
    orders_rows, items, visits = [], [], []
    for n in range(1, orders + 1):
        paid = now - timedelta(seconds=rng.randint(0, 365 * 86400))
        qty, price = rng.randint(1, 3), rng.choice((3800, 9900, 18200))
        orders_rows.append({"id": n, "shop_id": 1, "order_no": f"R{n:010d}", "token_hash": "0" * 64, "status": "paid",
                            "financial_status": "paid", "fulfillment_status": "unfulfilled", "currency": "CNY",
                            "email": f"buyer{rng.randint(1, visitors)}@example.com", "address": {"province": rng.choice(PROVINCES)},
                            "subtotal": qty * price, "discount_total": 0, "discounts": [], "shipping_total": 0, "total": qty * price,
                            "refunded_total": 0, "weight_grams": 0, "note": "", "presale": False, "paid_at": paid,
                            "created_at": paid - timedelta(minutes=2), "updated_at": paid})
        items.append({"order_id": n, "shop_id": 1, "variant_id": 1, "product_id": rng.randint(1, PRODUCTS), "title": "茶",
                      "option_values": [], "qty": qty, "unit_price": price, "total": qty * price, "paid": qty * price,
                      "discounts": [], "gift": False, "weight_grams": 0, "sold_from": "stock"})
        if rng.random() < 0.8:
            source = SOURCES[rng.randint(0, len(SOURCES) - 1)]
            visits.append({"order_id": n, "shop_id": 1, "visitor_id": f"v-{rng.randint(1, visitors):08d}", "source": source[0],
                           "medium": source[1], "campaign": source[2]})
        if len(orders_rows) == BATCH:
            _flush(engine, Order, orders_rows), _flush(engine, OrderItem, items), _flush(engine, OrderVisit, visits)
    _flush(engine, Order, orders_rows), _flush(engine, OrderItem, items), _flush(engine, OrderVisit, visits)
    print(f"built {events:,} events and {orders:,} orders in {time.time() - started:.0f} s", flush=True)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    started = time.time()
    with session_scope() as session:
        days = rollups.rebuild(session, 1, shop_today() - timedelta(days=366), shop_today())
    print(f"rolled up 366 days ({days:,} rows) in {time.time() - started:.0f} s", flush=True)


def _flush(engine, table, batch: list[dict]) -> None:
    if batch:
        with engine.begin() as connection:
            connection.execute(insert(table), batch)
        batch.clear()


def measure(year: bool = True) -> None:
    owner = Actor(shop_id=1, role="owner", user_id=None, api_key_id=1)
    with session_scope() as session:  # a year of reports needs a plan with reports_history (the paid plan)
        if not plan_limits.has_feature(session, 1, "reports_history"):
            plan_limits.add_period(session, 1, plan_limits.trial_plan(session).id, "operator", note="bench")
    today = shop_today()
    cases = {"30 days": ranges.period("30d", today=today),
             "1 year": ranges.period(None, today - timedelta(days=364), today, today=today)}
    if not year:
        cases.pop("1 year")
    print(f"load before: {_load()}", flush=True)
    print(f"{'report':<22} {'p50 ms':>8} {'p95 ms':>8}  answer")
    for label, period in cases.items():
        for name in ("overview", "funnel", "sources", "products", "regions", "hours"):
            timings = []
            for _ in range(ROUNDS):
                started = time.perf_counter()
                with session_scope() as session:
                    answer = getattr(reports, name)(session, owner, period)
                timings.append((time.perf_counter() - started) * 1000)
            timings.sort()
            kind = "approximate" if answer.get("approximate") else "exact"  # distinct counts from the sketches, or not
            print(f"{name + ', ' + label:<22} {statistics.median(timings):>8.1f} {timings[int(len(timings) * 0.95) - 1]:>8.1f}  {kind}",
                  flush=True)
    print(f"load after: {_load()}")


def _load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def fire(base: str, slug: str, beacons: int, threads: int = 16, per_beacon: int = 1) -> None:
    """POST `beacons` beacons of `per_beacon` events each from `threads` senders, each with its own visitors (no
    flood limit hit); the storefront's tracker sends the pages of two seconds together, up to 20."""
    import httpx

    agent = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"
    each = beacons // threads
    # a new visitor before one would pass the flood limit, so every event sent is an event written
    per_visitor = max(per_beacon, FLOOD_EVENTS - FLOOD_EVENTS % per_beacon)
    run = int(time.time())  # another run's visitors are other visitors

    def send(worker: int) -> None:
        with httpx.Client(base_url=base, headers={"User-Agent": agent, "Content-Type": "text/plain"}) as client:
            for n in range(each):
                event = {"visitor_id": f"bench-{run}-{worker:04d}-{n * per_beacon // per_visitor:06d}", "type": "page_view", "path": f"/s/{slug}",
                         "utm_source": "wechat"}
                body = json.dumps({"events": [event] * per_beacon} if per_beacon > 1 else event)
                assert client.post(f"/api/v1/store/{slug}/events", content=body).status_code == 204

    senders = [threading.Thread(target=send, args=(n,)) for n in range(threads)]
    started = time.perf_counter()
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join()
    spent = time.perf_counter() - started
    events = each * threads * per_beacon
    print(f"{events:,} events in {each * threads:,} beacons in {spent:.1f} s: {events / spent:,.0f} events/s, "
          f"{each * threads / spent:,.0f} beacons/s ({threads} senders, {per_beacon} per beacon)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--build-only", action="store_true", help="build and roll up, time nothing (then --reuse under flock)")
    parser.add_argument("--month-only", action="store_true", help="skip the one-year ranges (slow at scale)")
    parser.add_argument("--endpoint", help="fire beacons at this running server instead")
    parser.add_argument("--beacons", type=int, default=20_000)
    parser.add_argument("--per-beacon", type=int, default=1, help="events in one beacon (the tracker sends up to 20)")
    parser.add_argument("--slug", default="demo-tea", help="a shop of the served database (seed-demo makes demo-tea)")
    args = parser.parse_args()
    if args.endpoint:
        fire(args.endpoint, args.slug, args.beacons, per_beacon=args.per_beacon)
    else:
        if not args.reuse:
            build(get_engine(), args.events, args.orders)
        if not args.build_only:
            measure(year=not args.month_only)
