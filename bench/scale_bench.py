"""Every report and finance at the issue's scale (issue 21): 10 000 000 events and 1 000 000 orders in one shop on
PostgreSQL, built by the database itself (INSERT … SELECT generate_series: minutes, not hours through the ORM).

    createdb -h 127.0.0.1 -U postgres rollups_scale
    export DATABASE_URL=postgresql://postgres@127.0.0.1:5432/rollups_scale
    flock /tmp/bench.lock .venv/bin/python bench/scale_bench.py build [--events 10000000 --orders 1000000]
    flock /tmp/bench.lock .venv/bin/python bench/scale_bench.py orders     # the orders again, the events kept
    flock /tmp/bench.lock .venv/bin/python bench/scale_bench.py roll       # rollups.rebuild of the last 366 days (sketches too)
    flock /tmp/bench.lock .venv/bin/python bench/scale_bench.py measure [--rounds 10] [--only finance,hours]
    flock /tmp/bench.lock .venv/bin/python bench/scale_bench.py accuracy   # the sketches' estimates against exact counts
    flock /tmp/bench.lock .venv/bin/python bench/scale_bench.py reconcile  # one month's payments against the orders

Events come in visits (one visitor and source, 5 pages within half an hour, a pool of returning visitors); orders
are paid at random over the last year, each with one line, its payment (one in ten Alipay, the rest sandbox) and
its success notification; 80 % have a recorded visit; one in twenty is partly refunded three hours after.
`measure` times each report through the service (what the API and the console call) for the last 30 days and
the last year and prints p50 / p95 in ms with the load average before and after, and whether the answer's distinct
counts were exact or estimated from the days' sketches (REPORTS_EXACT_ROWS, analytics.sketches).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, text
from sqlmodel import SQLModel

import shopapp.models  # noqa: F401
from shopapp.db import get_engine, session_scope
from shopapp.models import Product, Shop
from shopapp.services.analytics import finance, ranges, reconciliation, reports, rollups
from shopapp.services.core import plan_limits
from shopapp.services.core.clock import shop_today
from shopapp.services.core.permissions import Actor
from shopapp.settings import get_settings

CHUNK = 1_000_000
PRODUCTS = 200
SOURCE = """CASE {s} WHEN 0 THEN 'direct' WHEN 1 THEN 'wechat' WHEN 2 THEN 'baidu.com' WHEN 3 THEN 'douyin' ELSE 'share' END"""
MEDIUM = """CASE {s} WHEN 1 THEN 'social' WHEN 3 THEN 'video' ELSE '' END"""
CAMPAIGN = """CASE {s} WHEN 1 THEN '双十二' WHEN 3 THEN '直播' ELSE '' END"""
PROVINCE = """(ARRAY['浙江省','广东省','江苏省','上海市','北京市','四川省','湖北省','山东省'])[1 + (o % 8)]"""


def build(engine, events: int, orders: int) -> None:
    SQLModel.metadata.drop_all(engine)
    SQLModel.metadata.create_all(engine)
    visitors = max(events // 24, 1)  # about four visits each over the year
    started = time.time()
    with engine.begin() as db:
        now = datetime.now(UTC)
        db.execute(insert(Shop), [{"id": 1, "slug": "bench", "name": "Bench", "created_at": now - timedelta(days=400),
                                   "updated_at": now}])
        db.execute(insert(Product), [{"id": n, "shop_id": 1, "title": f"茶 {n}", "status": "active", "options": [],
                                      "tags": [], "created_at": now, "updated_at": now} for n in range(1, PRODUCTS + 1)])
    for first in range(0, events, CHUNK):
        count = min(CHUNK, events - first) // 5
        with engine.begin() as db:
            db.execute(text(f"""
                INSERT INTO visit_event (shop_id, visitor_id, type, path, product_id, source, medium, campaign,
                                         referrer_host, share_code, at)
                SELECT 1, visitor, kind, '/s/bench',
                       CASE WHEN kind IN ('product_view', 'add_to_cart') THEN 1 + floor(random() * {PRODUCTS})::int END,
                       {SOURCE.format(s='s')}, {MEDIUM.format(s='s')}, {CAMPAIGN.format(s='s')}, '', '',
                       start + make_interval(secs => p * 300 + floor(random() * 300))
                FROM (SELECT v.*, CASE WHEN r < 0.5 THEN 'page_view' WHEN r < 0.85 THEN 'product_view'
                                          WHEN r < 0.95 THEN 'add_to_cart' ELSE 'checkout_start' END AS kind
                      FROM (SELECT v.*, p, random() AS r
                            FROM (SELECT 'v-' || lpad((1 + floor(random() * {visitors}))::int::text, 8, '0') AS visitor,
                                         floor(random() * 5)::int AS s,
                                         now() - make_interval(secs => 1800 + floor(random() * (365 * 86400 - 1800))) AS start
                                  FROM generate_series(1, {count})) v
                            CROSS JOIN generate_series(0, 4) p) v) e
            """))
        print(f"  {first + count * 5:,} events ({time.time() - started:.0f} s)", flush=True)
    build_orders(engine, orders, visitors)
    print(f"built {events:,} events and {orders:,} orders in {time.time() - started:.0f} s", flush=True)
    _vacuum(engine)


def build_orders(engine, orders: int, visitors: int) -> None:
    """The orders with their lines, visits, payments, notifications and refunds (again, when `orders` is the step:
    the events are kept)."""
    started = time.time()
    with engine.begin() as db:
        for table in ("refund", "payment_notification", "payment", "order_visit", "order_item", '"order"'):
            db.execute(text(f"DELETE FROM {table}"))
        db.execute(text(f"""
            CREATE TEMP TABLE bench_order ON COMMIT DROP AS
            SELECT o, now() - make_interval(secs => floor(random() * 365 * 86400)) AS paid,
                   1 + floor(random() * 3)::int AS qty, (ARRAY[3800, 9900, 18200])[1 + floor(random() * 3)::int] AS price,
                   (ARRAY[0, 0, 500, 1000])[1 + floor(random() * 4)::int] AS off, (ARRAY[0, 800])[1 + (o % 2)] AS ship,
                   'buyer' || (1 + floor(random() * {visitors}))::int || '@example.com' AS email
            FROM generate_series(1, {orders}) o"""))
        db.execute(text(f"""
            INSERT INTO "order" (id, shop_id, order_no, token_hash, status, financial_status, fulfillment_status, currency,
                                 email, address, recipient_name, recipient_phone, shipping_method_name, subtotal,
                                 discount_total, discounts, shipping_total, total, refunded_total, weight_grams, note,
                                 presale, paid_at, created_at, updated_at)
            SELECT o, 1, 'R' || lpad(o::text, 10, '0'), repeat('0', 64), 'paid', 'paid', 'unfulfilled', 'CNY', email,
                   json_build_object('province', {PROVINCE}), '', '', '', qty * price, off, '[]', ship,
                   qty * price - off + ship, 0, 0, '', false, paid, paid - interval '2 minutes', paid
            FROM bench_order"""))
        db.execute(text("""
            INSERT INTO order_item (order_id, shop_id, variant_id, product_id, title, option_values, qty, unit_price,
                                    total, paid, discounts, gift, weight_grams, sold_from)
            SELECT o, 1, 1, 1 + (o::bigint * 7919 % 200)::int, '茶', '[]', qty, price, qty * price, qty * price - off, '[]', false, 0, 'stock'
            FROM bench_order"""))
        db.execute(text(f"""
            INSERT INTO order_visit (order_id, shop_id, visitor_id, source, medium, campaign)
            SELECT o, 1, 'v-' || lpad((1 + o * 31 % {visitors})::text, 8, '0'),
                   {SOURCE.format(s='o % 5')}, {MEDIUM.format(s='o % 5')}, {CAMPAIGN.format(s='o % 5')}
            FROM bench_order WHERE o % 5 <> 0"""))
        db.execute(text("""
            INSERT INTO payment (id, shop_id, order_id, provider, reference, status, amount, currency, provider_reference,
                                 refunded_amount, refund_reference, created_at, updated_at)
            SELECT o, 1, o, CASE WHEN o % 10 = 0 THEN 'alipay' ELSE 'sandbox' END, 'R' || lpad(o::text, 10, '0') || '-1',
                   'succeeded', qty * price - off + ship, 'CNY', 'SBX' || o, 0, '', paid - interval '2 minutes', paid
            FROM bench_order"""))
        db.execute(text("""
            INSERT INTO payment_notification (provider, notification_id, payment_id, outcome, digest, received_at)
            SELECT CASE WHEN o % 10 = 0 THEN 'alipay' ELSE 'sandbox' END, 'n' || o, o, 'succeeded', repeat('0', 64), paid
            FROM bench_order"""))
        db.execute(text("""
            INSERT INTO refund (shop_id, order_id, payment_id, amount, reason, status, request_no, provider_reference,
                                actor, created_at)
            SELECT 1, o, o, 500, '', 'succeeded', 'R' || lpad(o::text, 10, '0') || '-1-R1', '', '', paid + interval '3 hours'
            FROM bench_order WHERE o % 20 = 0 AND paid + interval '3 hours' < now()"""))
        for table in ("order", "payment"):
            db.execute(text(f"""SELECT setval(pg_get_serial_sequence('"{table}"', 'id'), {orders})"""))
    print(f"built {orders:,} orders in {time.time() - started:.0f} s", flush=True)


def roll() -> None:
    SQLModel.metadata.create_all(get_engine())  # the rollup tables of a database built by an older checkout
    started = time.time()
    with session_scope() as session:
        rows = rollups.rebuild(session, 1, shop_today(1) - timedelta(days=366), shop_today(1))
    print(f"rolled up 366 days ({rows:,} rows) in {time.time() - started:.0f} s", flush=True)
    _vacuum(get_engine())


def measure(rounds: int, only: set[str]) -> None:
    owner = Actor(shop_id=1, role="owner", user_id=None, api_key_id=1)
    with session_scope() as session:  # a year of reports needs a plan with reports_history (the paid plan)
        if not plan_limits.has_feature(session, 1, "reports_history"):
            plan_limits.add_period(session, 1, plan_limits.trial_plan(session).id, "operator", note="bench")
    today = shop_today(1)
    cases = {"30 days": (ranges.period("30d", today=today), finance.Range(today - timedelta(days=29), today)),
             "1 year": (ranges.period(None, today - timedelta(days=364), today, today=today),
                        finance.Range(today - timedelta(days=364), today))}
    calls = {name: (lambda session, period, days, name=name: getattr(reports, name)(session, owner, period))
             for name in ("overview", "funnel", "sources", "products", "regions", "hours")}
    calls["finance"] = lambda session, period, days: finance.finance_report(session, owner, days, "day")
    calls["finance by month"] = lambda session, period, days: finance.finance_report(session, owner, days, "month")
    print(f"load before: {_load()}", flush=True)
    print(f"{'report':<28} {'p50 ms':>8} {'p95 ms' if rounds >= 10 else 'max ms':>8}  answer", flush=True)
    for label, (period, days) in cases.items():
        for name, call in calls.items():
            if only and name not in only:
                continue
            timings = []
            for _ in range(rounds):
                started = time.perf_counter()
                with session_scope() as session:
                    answer = call(session, period, days)
                timings.append((time.perf_counter() - started) * 1000)
            timings.sort()
            p95 = timings[int(len(timings) * 0.95) - 1] if len(timings) >= 10 else timings[-1]  # fewer rounds: the slowest
            kind = "approximate" if isinstance(answer, dict) and answer.get("approximate") else "exact"
            print(f"{name + ', ' + label:<28} {statistics.median(timings):>8.1f} {p95:>8.1f}  {kind}", flush=True)
    print(f"load after: {_load()}")


def accuracy() -> None:
    """Each distinct count of the reports estimated from the sketches beside the exact one (REPORTS_EXACT_ROWS set
    out of reach), for the last 30 days and the last year: the largest relative error per report."""
    owner = Actor(shop_id=1, role="owner", user_id=None, api_key_id=1)
    today = shop_today(1)
    counted = {"overview": lambda a: {"visitors": a["visitors"], "buyers": a["buyers"]},
               "funnel": lambda a: {k: v for k, v in a.items() if k != "approximate"},
               "sources": lambda a: {(r["source"], r["medium"], r["campaign"], f): r[f] for r in a["items"] for f in ("visitors", "buyers")},
               "products": lambda a: {(r["product_id"], "viewers"): r["viewers"] for r in a["items"]},
               "regions": lambda a: {(r["province"], "buyers"): r["buyers"] for r in a["items"]}}
    for label, period in (("30 days", ranges.period("30d", today=today)),
                          ("1 year", ranges.period(None, today - timedelta(days=364), today, today=today))):
        answers = {}
        for limit in ("1000000000", "50000"):
            os.environ["REPORTS_EXACT_ROWS"] = limit
            get_settings.cache_clear()
            with session_scope() as session:
                answers[limit] = {name: counted[name](getattr(reports, name)(session, owner, period)) for name in counted}
        for name in counted:
            exact, estimated = answers["1000000000"][name], answers["50000"][name]
            worst = max((abs(estimated[key] - exact[key]) / exact[key], key) for key in exact if exact[key])
            print(f"{name + ', ' + label:<22} largest error {worst[0]:.2%} ({worst[1]}: {exact[worst[1]]:,} exact)", flush=True)


def reconcile(rounds: int) -> None:
    """对账 of today alone (the live part of every range), of 30 days and of a year: days the roll-up checked are read
    from reconciliation_day, the rest (today, and every day when nothing is rolled up) compared live."""
    owner = Actor(shop_id=1, role="owner", user_id=None, api_key_id=1)
    today = shop_today(1)
    print(f"load before: {_load()}", flush=True)
    for label, days in (("today", 1), ("30 days", 30), ("1 year", 365)):
        timings, findings = [], 0
        for _ in range(rounds):
            started = time.perf_counter()
            with session_scope() as session:
                found = reconciliation.reconcile(session, owner, finance.Range(today - timedelta(days=days - 1), today))
            timings.append((time.perf_counter() - started) * 1000)
            findings = len(found["mismatches"])
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1] if len(timings) >= 10 else timings[-1]
        print(f"reconciliation, {label:<8} p50 {statistics.median(timings):.0f} ms, "
              f"{'p95' if rounds >= 10 else 'max'} {p95:.0f} ms ({findings} findings)", flush=True)
    print(f"load after: {_load()}")


def _vacuum(engine) -> None:
    started = time.time()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as db:
        db.execute(text("VACUUM ANALYZE"))
    print(f"vacuum analyze done ({time.time() - started:.0f} s)", flush=True)


def _load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("step", choices=("build", "orders", "roll", "measure", "accuracy", "reconcile"))
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--only", default="", help="comma-separated report names (overview, …, finance)")
    args = parser.parse_args()
    engine = get_engine()
    if engine.dialect.name != "postgresql":
        raise SystemExit("set DATABASE_URL to a PostgreSQL database: this bench is the issue's PostgreSQL scale")
    if args.step == "build":
        build(engine, args.events, args.orders)
    elif args.step == "orders":
        build_orders(engine, args.orders, max(args.events // 24, 1))
        _vacuum(engine)
    elif args.step == "roll":
        roll()
    elif args.step == "measure":
        measure(args.rounds, {name.strip() for name in args.only.split(",") if name.strip()})
    elif args.step == "accuracy":
        accuracy()
    else:
        reconcile(args.rounds)


if __name__ == "__main__":
    main()
