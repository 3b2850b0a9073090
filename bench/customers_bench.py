"""The customer list, search, segments and RFM groups of one shop with many customers and orders (PostgreSQL).

    createdb -h 127.0.0.1 -U postgres shopapp_customers_bench
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/shopapp_customers_bench \\
        .venv/bin/python bench/customers_bench.py [--customers 1000000] [--orders 1000000] [--reuse]

Builds the rows with bulk inserts: the customer profiles with their figures as the upkeep
(services/customers/profiles.py) would have left them, and the orders they placed (so a search by
order number and the upkeep's own query have a full order table to work on); 10 % of the customers
carry the tag VIP. Then vacuums (as autovacuum does after such inserts) and times what the console
and the API do; prints p50 / p95 in ms.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta

os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="shopapp-customers-bench-"))

from sqlalchemy import insert, text  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

import shopapp.models  # noqa: E402,F401
from shopapp.db import get_engine, session_scope  # noqa: E402
from shopapp.models import CustomerProfile, CustomerTag, Order, Shop  # noqa: E402
from shopapp.services.core.permissions import Actor  # noqa: E402
from shopapp.services.customers import directory, profiles, rfm, segments  # noqa: E402
from shopapp.services.orders import listing  # noqa: E402

PROVINCES = ("浙江省", "广东省", "江苏省", "上海市", "北京市", "四川省", "福建省", "山东省", "湖北省", "河南省")
ROUNDS = 30
BATCH = 20_000
OWNER = Actor(shop_id=1, role="owner", user_id=1)


def build(engine, customers: int, orders: int) -> None:
    SQLModel.metadata.drop_all(engine)
    SQLModel.metadata.create_all(engine)
    listing.ensure_search_indexes(engine)
    directory.ensure_postgresql_indexes(engine)
    now = datetime.now(UTC)
    with engine.begin() as connection:
        connection.execute(insert(Shop), [{"slug": "big-shop", "name": "Big", "created_at": now, "updated_at": now}])
    rng = random.Random(20)
    started = time.time()
    rows, tags = [], []
    for n in range(1, customers + 1):
        bought = rng.random() < 0.9  # one in ten only registered
        count = min(1 + int(rng.expovariate(0.6)), 40) if bought else 0
        last = now - timedelta(days=rng.randint(0, 720)) if bought else None
        phone = f"13{rng.randint(100000000, 999999999)}"
        rows.append({
            "shop_id": 1, "email": f"c{n}@example.com", "name": f"顾客{n}", "phone": phone, "phone_last4": phone[-4:],
            "region": rng.choice(PROVINCES), "orders_count": count, "total_spent": count * rng.randint(2000, 60000),
            "first_order_at": last - timedelta(days=rng.randint(0, 365)) if last else None, "last_order_at": last,
            "note": "", "created_at": now, "updated_at": now,
        })
        if n % 10 == 0:
            tags.append({"shop_id": 1, "profile_id": n, "tag": "VIP"})
        if len(rows) == BATCH:
            _flush(engine, CustomerProfile, rows)
    _flush(engine, CustomerProfile, rows)
    _flush(engine, CustomerTag, tags)
    print(f"built {customers:,} customers in {time.time() - started:.0f} s", flush=True)
    started = time.time()
    batch = []
    for n in range(1, orders + 1):
        created = now - timedelta(minutes=rng.randint(0, 60 * 24 * 720))
        batch.append({
            "shop_id": 1, "order_no": f"C{n:09d}", "token_hash": "0" * 64, "status": "completed", "financial_status": "paid",
            "fulfillment_status": "fulfilled", "currency": "CNY", "email": f"c{rng.randint(1, customers)}@example.com",
            "address": {"province": "浙江省"}, "recipient_name": "顾客", "recipient_phone": "13800138000",
            "shipping_method_name": "快递", "subtotal": 9900, "discount_total": 0, "shipping_total": 0, "total": 9900,
            "refunded_total": 0, "weight_grams": 300, "note": "", "presale": False, "paid_at": created,
            "created_at": created, "updated_at": created,
        })
        if len(batch) == BATCH:
            _flush(engine, Order, batch)
            if n % 200_000 == 0:
                print(f"  {n:,} orders ({time.time() - started:.0f} s)", flush=True)
    _flush(engine, Order, batch)
    print(f"built {orders:,} orders in {time.time() - started:.0f} s", flush=True)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))


def _flush(engine, model, rows: list) -> None:
    if rows:
        with engine.begin() as connection:
            connection.execute(insert(model), rows)
        rows.clear()


def timed(label: str, work, rounds: int = ROUNDS) -> None:
    took = []
    for _ in range(rounds):
        with session_scope() as session:
            started = time.perf_counter()
            answer = work(session)
            took.append((time.perf_counter() - started) * 1000)
    took.sort()
    p95 = took[min(len(took) - 1, int(len(took) * 0.95))]
    print(f"| {label} | {statistics.median(took):.1f} | {p95:.1f} | {answer} |", flush=True)


def listed(filters: dict | None = None, **options):
    def work(session):
        items, total = directory.list_customers(session, OWNER, filters or {}, **options)
        return f"{len(items)} of {total:,}"
    return work


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    engine = get_engine()
    if engine.dialect.name != "postgresql":
        sys.exit("set DATABASE_URL to a PostgreSQL database made for this bench")
    if not args.reuse:
        build(engine, args.customers, args.orders)
    else:  # the rows kept, the indexes of this checkout added where missing
        for table in (Order.__table__, CustomerProfile.__table__):
            for index in table.indexes:
                index.create(engine, checkfirst=True)
        directory.ensure_postgresql_indexes(engine)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    rng = random.Random(3)
    print("| what | p50 ms | p95 ms | answer (rows shown of total, counted up to 10 000) |\n|---|---|---|---|")
    timed("list, first page (last order first)", listed())
    timed("list, page 100 by spend", listed(sort="spent", page=100))
    timed("search: last 4 digits of a phone", lambda s: listed({"q": f"{rng.randint(0, 9999):04d}"})(s))
    with session_scope() as session:
        phone = session.exec(text("SELECT phone FROM customer_profile WHERE id = 4242")).one()[0]
        order_no = session.exec(text('SELECT order_no FROM "order" WHERE id = 4242')).one()[0]
    timed("search: a whole phone", listed({"q": phone}))
    timed("search: an e-mail's start", lambda s: listed({"q": f"c{rng.randint(1, 99999)}@"})(s))
    timed("search: an order number", listed({"q": order_no}))
    timed("filter: spent ≥ ¥2000, ≥ 3 orders, 浙江省", listed({"spent_min": 200_000, "orders_min": 3, "region": "浙江省"}))
    timed("filter: tag VIP, bought in the last 90 days", listed({"tag": "VIP", "last_order_from": (datetime.now(UTC) - timedelta(days=90)).date().isoformat()}))
    timed("segment: 重要价值 (RFM), first page", listed({"rfm": "important_value"}))
    timed("RFM: every group's count and spend", lambda s: sum(g["count"] for k, g in rfm.group_figures(s, 1).items() if k in rfm.EIGHT), rounds=3)
    timed("segment e-mails: every address of 一般发展", lambda s: len(segments.segment_emails(s, OWNER, "general_develop")), rounds=3)
    timed("upkeep: one customer refreshed from the orders", lambda s: profiles.refresh(s, 1, f"c{rng.randint(1, args.customers)}@example.com").orders_count)


if __name__ == "__main__":
    main()
