"""砍价 rush: FRIENDS friends (each pressing twice) cut one run at once, RUNS times, on SQLite or PostgreSQL.

    .venv/bin/python bench/bargain_bench.py
    createdb -h 127.0.0.1 -U postgres shopapp_bargain_bench
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/shopapp_bargain_bench .venv/bin/python bench/bargain_bench.py

Each cut is one unit of work (bargain_runs.cut) in a thread of its own, released together by a barrier.
Prints the cuts landed per second over each rush, p50 / p95 in ms of a landed cut and of a refusal
(finished / already_helped), and checks every run ended exactly at its floor.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import threading
import time

os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="shopapp-bargain-bench-"))
os.environ.setdefault("RUN_JOBS", "false")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlmodel import SQLModel, select  # noqa: E402

import shopapp.models  # noqa: E402,F401
from shopapp.db import get_engine, session_scope  # noqa: E402
from shopapp.models import Variant  # noqa: E402
from shopapp.models.bargains import BargainRun  # noqa: E402
from shopapp.services.catalog import products  # noqa: E402
from shopapp.services.core.errors import Conflict  # noqa: E402
from shopapp.services.customers import shoppers  # noqa: E402
from shopapp.services.marketing import bargain_runs, bargains  # noqa: E402
from shopapp.services.shops import accounts  # noqa: E402

FRIENDS, HELPERS, RUNS = 20, 10, 10


def build() -> tuple[int, int, list[str], list[str]]:
    engine = get_engine()
    SQLModel.metadata.drop_all(engine)
    SQLModel.metadata.create_all(engine)
    with session_scope() as session:
        signed = accounts.signup(session, email="bench@example.com", password="secret-pass", shop_name="Bench", shop_slug="bench")
        owner = accounts.authenticate(session, signed.token)
        product = products.create_product(session, owner, {"title": "龙井", "status": "active", "variants": [
            {"sku": "T-1", "price": 3800, "stock": 1000, "weight_grams": 100}]})
        variant_id = session.exec(select(Variant.id).where(Variant.product_id == product.id)).one()
        made = bargains.create_bargain(session, owner, {"name": "砍价", "variant_id": variant_id, "floor_price": 1000,
                                                        "helpers_needed": HELPERS, "hours": 24, "quantity": 1000})
        starters = [shoppers.register(session, owner.shop_id, email=f"s{n}@example.com", password="secret-pass").token for n in range(RUNS)]
        friends = [shoppers.register(session, owner.shop_id, email=f"f{n}@example.com", password="secret-pass").token
                   for n in range(FRIENDS)]
        return owner.shop_id, made["id"], starters, friends


def rush(shop_id: int, run_id: int, friends: list[str]) -> tuple[float, list[float], list[float]]:
    presses = friends + friends
    start = threading.Barrier(len(presses) + 1)
    landed: list[float] = []
    refused: list[float] = []

    def press(token: str) -> None:
        start.wait()
        began = time.perf_counter()
        try:
            with session_scope() as session:
                bargain_runs.cut(session, shop_id, run_id, token)
            landed.append(time.perf_counter() - began)
        except Conflict:
            refused.append(time.perf_counter() - began)

    threads = [threading.Thread(target=press, args=(token,)) for token in presses]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began, landed, refused


def main() -> None:
    shop_id, bargain_id, starters, friends = build()
    walls, landed, refused = [], [], []
    for token in starters:
        with session_scope() as session:
            run_id = bargain_runs.start_run(session, shop_id, bargain_id, token)["run_id"]
        wall, won, lost = rush(shop_id, run_id, friends)
        assert len(won) == HELPERS, len(won)
        with session_scope() as session:
            assert session.get(BargainRun, run_id).price == 1000
        walls.append(wall)
        landed += won
        refused += lost
    ms = lambda values, q: statistics.quantiles(values, n=100)[q - 1] * 1000  # noqa: E731
    engine = get_engine().url.get_backend_name()
    print(f"{engine}: {RUNS} rushes of {2 * FRIENDS} presses on runs needing {HELPERS} helpers")
    print(f"  rush wall time p50 {statistics.median(walls) * 1000:.0f} ms; cuts landed {HELPERS * RUNS / sum(walls):.0f}/s")
    print(f"  landed cut p50 {ms(landed, 50):.1f} ms p95 {ms(landed, 95):.1f} ms; refusal p50 {ms(refused, 50):.1f} ms p95 {ms(refused, 95):.1f} ms")
    print("  every run ended exactly at its floor")


if __name__ == "__main__":
    main()
