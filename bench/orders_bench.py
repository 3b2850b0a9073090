"""The console order list on a big platform: 1 000 000 orders across 1 000 shops, 100 000 of them in one.

    createdb -h 127.0.0.1 -U postgres shopapp_orders_bench
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/shopapp_orders_bench .venv/bin/python bench/orders_bench.py
    (add --reuse to measure again without rebuilding)

Builds the rows with bulk inserts (not through checkout: that is benched elsewhere), makes the
order search's trigram indexes and vacuums (as autovacuum does a minute after such inserts), then
times `orders.list_orders` for the pages, cursors and filters the console and API offer; prints
p50 / p95 in ms.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta

os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="shopapp-orders-bench-"))

from sqlalchemy import insert, text  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

import shopapp.models  # noqa: E402,F401
from shopapp.db import get_engine, session_scope  # noqa: E402
from shopapp.models import Order, Shop  # noqa: E402
from shopapp.services.core.permissions import Actor  # noqa: E402
from shopapp.services.orders import listing  # noqa: E402

BIG_SHOP_ORDERS = 100_000
OTHER_SHOPS = 999
ORDERS_PER_OTHER = 900
STATUSES = ("paid", "shipped", "completed", "pending_payment", "cancelled", "delivered")
ROUNDS = 30


def build(engine) -> None:
    SQLModel.metadata.drop_all(engine)
    SQLModel.metadata.create_all(engine)
    now = datetime.now(UTC)
    with engine.begin() as connection:
        connection.execute(insert(Shop), [{"slug": f"shop-{n}", "name": f"Shop {n}", "created_at": now, "updated_at": now}
                                          for n in range(1, OTHER_SHOPS + 2)])
    rng = random.Random(7)
    started = time.time()
    batch, made = [], 0
    plan = [(1, BIG_SHOP_ORDERS)] + [(shop, ORDERS_PER_OTHER) for shop in range(2, OTHER_SHOPS + 2)]
    for shop_id, count in plan:
        for n in range(count):
            created = now - timedelta(minutes=rng.randint(0, 60 * 24 * 365))
            status = rng.choice(STATUSES)
            batch.append({
                "shop_id": shop_id, "order_no": f"B{shop_id:04d}{n:07d}", "token_hash": "0" * 64, "status": status,
                "financial_status": "paid" if status not in ("pending_payment", "cancelled") else "pending",
                "fulfillment_status": "unfulfilled", "currency": "CNY", "email": f"buyer{rng.randint(1, 50000)}@example.com",
                "address": {"name": "张三", "phone": "13800138000"}, "recipient_name": f"顾客{rng.randint(1, 50000)}",
                "recipient_phone": f"138{rng.randint(10000000, 99999999)}", "shipping_method_name": "快递", "subtotal": 9900,
                "discount_total": 0, "shipping_total": 0, "total": 9900, "refunded_total": 0, "weight_grams": 300, "note": "",
                "presale": False, "created_at": created, "updated_at": created,
            })
            if len(batch) == 20_000:
                made += _flush(engine, batch)
                print(f"  {made:,} orders ({time.time() - started:.0f} s)", flush=True)
    made += _flush(engine, batch)
    print(f"built {made:,} orders in {time.time() - started:.0f} s")
    started = time.time()
    listing.ensure_search_indexes(engine)
    print(f"made the search indexes in {time.time() - started:.0f} s")
    _vacuum(engine)


def _vacuum(engine) -> None:
    # Sets the visibility map, which lets counts and pages be read from the index alone; autovacuum
    # does the same on its own within a minute of inserts like these.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))


def _flush(engine, batch: list[dict]) -> int:
    with engine.begin() as connection:
        connection.execute(insert(Order), batch)
    count = len(batch)
    batch.clear()
    return count


def measure() -> None:
    owner = Actor(shop_id=1, role="owner", user_id=None, api_key_id=1)
    cases = {
        "first page": {},
        "page 100": {"page": 100},
        "page 1 000 (deep)": {"page": 1000},
        "page 1 000 by cursor": {"after": _cursor(owner, page=1000)},
        "status paid": {"status": "paid"},
        "status paid, page 50": {"status": "paid", "page": 50},
        "last 7 days": {"created_from": (datetime.now(UTC) - timedelta(days=7)).date()},
        "search order no": {"q": "B00010012345"},
        "search phone": {"q": "13812345"},
        "search phone, last 4": {"q": "5678"},
        "search e-mail": {"q": "buyer12345"},
        "search recipient": {"q": "顾客12345"},
        "search 2 chars (prefix)": {"q": "张三"},
        "search matching all": {"q": "example"},
        "small shop, first page": {"shop": 500},
    }
    print(f"{'case':<26} {'p50 ms':>8} {'p95 ms':>8}")
    for name, filters in cases.items():
        filters = dict(filters)
        actor = Actor(shop_id=filters.pop("shop"), role="owner", api_key_id=1) if "shop" in filters else owner
        timings = []
        for _ in range(ROUNDS):
            started = time.perf_counter()
            with session_scope() as session:
                listing.list_orders(session, actor, per_page=50, **filters)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        print(f"{name:<26} {statistics.median(timings):>8.1f} {timings[int(len(timings) * 0.95) - 1]:>8.1f}")


def _cursor(actor: Actor, page: int) -> str:
    """The `after` cursor that leads to `page` (of 50), as a client walking the pages holds it."""
    with session_scope() as session:
        before, _ = listing.list_orders(session, actor, page=page - 1, per_page=50)
    return listing.next_after(before, 50)


if __name__ == "__main__":
    engine = get_engine()
    if "--reuse" in sys.argv:
        print("reusing the orders already in the database")
        listing.ensure_search_indexes(engine)
    else:
        build(engine)
    measure()
