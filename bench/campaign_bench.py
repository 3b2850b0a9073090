"""A campaign to a big segment: how long until every recipient is listed (queued), and how fast the jobs
hand them to the outbox.

    createdb -h 127.0.0.1 -U postgres shopapp_campaign_bench
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/shopapp_campaign_bench \\
        .venv/bin/python bench/campaign_bench.py [--customers 100000]

Builds a shop with N customer profiles by bulk insert (every one a buyer, 1 % unsubscribed), a saved segment
of them all, and a campaign to it; then times `campaigns.schedule` (which counts the segment), `start_due`
(which lists the recipients: the issue's "queued in under 30 s"), and a few runs of `send_due`.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="shopapp-campaign-bench-"))

from sqlalchemy import insert  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

import shopapp.models  # noqa: E402,F401
from shopapp.db import get_engine, session_scope  # noqa: E402
from shopapp.models import CustomerProfile, EmailUnsubscribe, Shop, User  # noqa: E402
from shopapp.services.core.permissions import Actor  # noqa: E402
from shopapp.services.customers import campaigns, segments  # noqa: E402

OWNER = Actor(shop_id=1, role="owner", user_id=1)
BATCH = 20_000


def build(engine, customers: int) -> None:
    SQLModel.metadata.drop_all(engine)
    SQLModel.metadata.create_all(engine)
    now = datetime.now(UTC)
    with engine.begin() as connection:
        connection.execute(insert(Shop), [{"slug": "big-shop", "name": "Big", "created_at": now, "updated_at": now}])
        connection.execute(insert(User), [{"email": "owner@example.com", "password_hash": "x", "created_at": now}])
        for start in range(1, customers + 1, BATCH):
            connection.execute(insert(CustomerProfile), [
                {"shop_id": 1, "email": f"c{n}@example.com", "name": f"顾客{n}", "orders_count": 1, "total_spent": 10_000,
                 "first_order_at": now - timedelta(days=n % 300), "last_order_at": now - timedelta(days=n % 300),
                 "created_at": now, "updated_at": now}
                for n in range(start, min(start + BATCH, customers + 1))
            ])
        connection.execute(insert(EmailUnsubscribe), [{"shop_id": 1, "email": f"c{n}@example.com", "at": now}
                                                      for n in range(1, customers + 1, 100)])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=100_000)
    args = parser.parse_args()
    engine = get_engine()
    started = time.perf_counter()
    build(engine, args.customers)
    print(f"built {args.customers} customers in {time.perf_counter() - started:.1f} s ({engine.dialect.name})")
    with session_scope() as session:
        segment = segments.create_segment(session, OWNER, name="everyone", filters={"orders_min": 1})
        made = campaigns.create_campaign(session, OWNER, {"name": "big", "subject": "hello", "segment": str(segment["id"]),
                                                          "body_html": '<p>Hi <a href="https://example.com">shop</a></p>'})
    for label, work in (
        ("schedule (counts the segment)", lambda s: campaigns.schedule(s, OWNER, made["id"])),
        ("start_due (lists every recipient)", campaigns.start_due),
    ):
        started = time.perf_counter()
        with session_scope() as session:
            work(session)
        print(f"{label}: {time.perf_counter() - started:.2f} s")
    with session_scope() as session:
        shown = campaigns.get_campaign(session, OWNER, made["id"])
    print(f"recipients {shown['recipients']}, skipped (unsubscribed) {shown['skipped']}")
    started = time.perf_counter()
    handed = 0
    for _ in range(10):
        with session_scope() as session:
            handed += campaigns.send_due(session)
    elapsed = time.perf_counter() - started
    print(f"send_due: {handed} handed to the outbox in {elapsed:.2f} s ({handed / elapsed:.0f}/s; the job's own pace "
          f"is {campaigns.SEND_PER_TICK} every 10 s)")


if __name__ == "__main__":
    main()
