"""What the platform's side costs every request: the suspension check in front of every storefront page and
store API call (api/suspended_shops.py), the plan lookup before a product is made, and the operator's shop list.

    .venv/bin/python bench/platform_bench.py                      # a temporary SQLite file
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/shopapp_bench .venv/bin/python bench/platform_bench.py

Builds (bulk inserts) 10 000 shops, each on a trial period, 1 000 of them suspended and later restored and 100
suspended now, then times each call in its own session as a request would, printing p50 / p95 in milliseconds.
The database given by DATABASE_URL is emptied first: give it a database of its own.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="shopapp-bench-"))
os.environ.setdefault("LOG_LEVEL", "WARNING")

from sqlalchemy import insert  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

import shopapp.models  # noqa: E402,F401 - registers every table
from shopapp.db import get_engine, session_scope  # noqa: E402
from shopapp.models import Shop, ShopPlan, ShopSuspension  # noqa: E402
from shopapp.services.core import plan_limits, shop_status  # noqa: E402
from shopapp.services.platform import shop_directory  # noqa: E402

SHOPS = 10_000
RUNS = 300


def build() -> None:
    engine = get_engine()
    SQLModel.metadata.drop_all(engine)
    SQLModel.metadata.create_all(engine)
    now = datetime.now(UTC)
    with session_scope() as session:
        trial = plan_limits.trial_plan(session).id
        session.exec(insert(Shop), params=[{"slug": f"shop-{n}", "name": f"店 {n}", "created_at": now, "updated_at": now,
                                            "sender_address": {}} for n in range(SHOPS)])
        session.exec(insert(ShopPlan), params=[{"shop_id": n + 1, "plan_id": trial, "kind": "trial", "starts_at": now,
                                                "ends_at": now + timedelta(days=14), "note": "", "created_at": now}
                                               for n in range(SHOPS)])
        session.exec(insert(ShopSuspension), params=[
            {"shop_id": n + 1, "reason": "x", "suspended_at": now, "restored_at": now if n >= 100 else None,
             "restore_reason": ""} for n in range(0, SHOPS, 10)
        ] + [{"shop_id": n + 1, "reason": "y", "suspended_at": now, "restored_at": None, "restore_reason": ""}
             for n in range(1, 1001, 10)])


def timed(label: str, call) -> None:
    spent = []
    for run in range(RUNS):
        started = time.perf_counter()
        with session_scope() as session:
            call(session, run)
        spent.append((time.perf_counter() - started) * 1000)
    spent.sort()
    print(f"{label:<46} p50 {statistics.median(spent):6.2f} ms   p95 {spent[int(len(spent) * 0.95)]:6.2f} ms")


def main() -> None:
    build()
    print(f"{get_engine().dialect.name}, {SHOPS} shops, {RUNS} calls each")
    timed("storefront suspension check (by slug)", lambda s, n: shop_status.slug_suspended(s, f"shop-{n * 31 % SHOPS}"))
    timed("a shop's plan now (before a product is made)", lambda s, n: plan_limits.current_plan(s, n * 31 % SHOPS + 1))
    timed("operator's shop list, 20 a page", lambda s, n: shop_directory.list_shops(s, page=n % 50 + 1, per_page=20))
    timed("operator's shop list, searched", lambda s, n: shop_directory.list_shops(s, q=f"shop-{n}", per_page=20))


if __name__ == "__main__":
    main()
