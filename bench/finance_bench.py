"""The 财务 report and reconciliation on one big shop: ORDERS paid over a year (each with its payment
and its success notification), one in twenty partly refunded.

    .venv/bin/python bench/finance_bench.py [ORDERS]            # SQLite in a temporary DATA_DIR
    createdb -h 127.0.0.1 -U postgres finance_bench
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/finance_bench .venv/bin/python bench/finance_bench.py 1000000
    (add --reuse to measure again without rebuilding)

Builds the rows with bulk inserts (checkout is benched elsewhere), then times finance_report for the
last 30 days and the last year (by day and by month) and reconcile for 30 days; prints p50 / p95 in ms.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta

os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="shopapp-finance-bench-"))

from sqlalchemy import insert, text  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

import shopapp.models  # noqa: E402,F401
from shopapp.db import get_engine, session_scope  # noqa: E402
from shopapp.models import Order, Payment, PaymentNotification, Shop  # noqa: E402
from shopapp.models.aftersales import Refund  # noqa: E402
from shopapp.services.analytics import finance, reconciliation  # noqa: E402
from shopapp.services.core.clock import shop_today  # noqa: E402
from shopapp.services.core.permissions import Actor  # noqa: E402

ROUNDS = int(os.environ.get("ROUNDS", "10"))
BATCH = 10_000


def build(engine, orders: int) -> None:
    SQLModel.metadata.drop_all(engine)
    SQLModel.metadata.create_all(engine)
    now = datetime.now(UTC)
    with engine.begin() as connection:
        connection.execute(insert(Shop), [{"id": 1, "slug": "big", "name": "Big", "created_at": now, "updated_at": now}])
    rng = random.Random(7)
    started = time.time()
    for first in range(1, orders + 1, BATCH):
        rows, pays, notes, refunds = [], [], [], []
        for n in range(first, min(first + BATCH, orders + 1)):
            paid = now - timedelta(minutes=rng.randint(0, 60 * 24 * 365))
            discount = rng.choice((0, 0, 500, 1000))
            rows.append({
                "id": n, "shop_id": 1, "order_no": f"F{n:09d}", "token_hash": "0" * 64, "status": "paid",
                "financial_status": "paid", "email": "b@example.com", "address": {}, "subtotal": 9900,
                "discount_total": discount, "shipping_total": 800, "total": 9900 - discount + 800,
                "created_at": paid - timedelta(minutes=2), "updated_at": paid, "paid_at": paid,
            })
            pays.append({"id": n, "shop_id": 1, "order_id": n, "provider": "sandbox", "reference": f"F{n:09d}-1",
                         "status": "succeeded", "amount": 9900 - discount + 800, "provider_reference": f"SBXF{n:09d}-1",
                         "created_at": paid - timedelta(minutes=2), "updated_at": paid})
            notes.append({"provider": "sandbox", "notification_id": f"n{n}", "payment_id": n, "outcome": "succeeded",
                          "digest": "0" * 64, "received_at": paid})
            if n % 20 == 0:
                refunds.append({"shop_id": 1, "order_id": n, "payment_id": n, "amount": 500, "request_no": f"F{n:09d}-1-R1",
                                "created_at": paid + timedelta(hours=3)})
        with engine.begin() as connection:
            for table, batch in ((Order, rows), (Payment, pays), (PaymentNotification, notes), (Refund, refunds)):
                if batch:
                    connection.execute(insert(table), batch)
        print(f"  {min(first + BATCH - 1, orders):,} orders ({time.time() - started:.0f} s)", flush=True)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))


def timed(label: str, call) -> None:
    took = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        call()
        took.append((time.perf_counter() - started) * 1000)
    took.sort()
    print(f"{label:<40} p50 {statistics.median(took):7.1f} ms   p95 {took[int(len(took) * 0.95) - 1]:7.1f} ms")


def main() -> None:
    numbers = [arg for arg in sys.argv[1:] if arg.isdigit()]
    orders = int(numbers[0]) if numbers else 100_000
    engine = get_engine()
    if "--reuse" not in sys.argv:  # --reuse: measure again on the rows an earlier run built
        print(f"{engine.dialect.name}: building {orders:,} orders")
        build(engine, orders)
    owner = Actor(user_id=None, shop_id=1, role="owner")
    today = shop_today()
    month, year = finance.Range(today - timedelta(days=29), today), finance.Range(today - timedelta(days=365), today)

    def report(days, group="day"):
        with session_scope() as session:
            finance.finance_report(session, owner, days, group)

    def reconcile(days):
        with session_scope() as session:
            reconciliation.reconcile(session, owner, days)

    timed("finance 30 days by day", lambda: report(month))
    timed("finance 1 year by day", lambda: report(year))
    timed("finance 1 year by month", lambda: report(year, "month"))
    timed("reconciliation 30 days (with sandbox)", lambda: reconcile(month))


if __name__ == "__main__":
    main()
