"""No oversell with several backend worker processes sharing Redis, as in production.

Starts the real production backend (`python -m shopapp.server --backend-only`, WORKERS=2)
on the suite's database (SQLite file, or PostgreSQL when DATABASE_URL is set) and races
shoppers for the last units of one SKU over real HTTP. Needs Redis: runs when REDIS_URL is
set (the second pass of .ci/run), skipped otherwise. Find it with `pytest -m workers`.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlmodel import func, select

from shopapp.db import session_scope
from shopapp.models import Order, OrderItem, StockMove
from shopapp.services.checkout import shipping
from shopapp.settings import get_settings
from tests.conftest import make_shop
from tests.live_backend import production_backend
from tests.shopping import ADDRESS, product_on_sale, stock_of

pytestmark = [
    pytest.mark.workers,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL: several backend workers share state through Redis"),
]

WORKERS = 2
UNITS = 5
SHOPPERS = 40


@pytest.fixture(scope="module")
def backend(engine):
    # The schema is the suite's (create_all), so the backend must not run the migrations over it.
    with production_backend(workers=WORKERS, database_url=get_settings().database_url,
                            redis_url=os.environ["REDIS_URL"], migrate=False) as backend:
        yield backend


def test_the_backend_runs_several_worker_processes(backend):
    workers = backend.worker_pids()
    assert len(workers) == WORKERS, f"worker processes {workers}\n{backend.log}"
    answered_by = set()
    with ThreadPoolExecutor(max_workers=20) as pool:
        for _ in range(10):  # each round opens 20 new connections at once; a few rounds are plenty
            answered_by |= set(pool.map(lambda _: _served_by(httpx.get(backend.url + "/api/v1/health")), range(20)))
            if len(answered_by) == WORKERS:
                break
    assert answered_by == workers, f"health answered by {answered_by}, workers are {workers}"


def test_shoppers_racing_for_the_last_units_on_several_workers_never_oversell(backend, session):
    owner = make_shop(session, "last-units")
    tea = product_on_sale(session, owner, stock=UNITS)
    # A shop gets its default shipping method on its first checkout, under a lock on the shop
    # row; racing a brand-new shop would queue the checkouts one behind another and hide any
    # race in the stock. So the shop has its method already, as any shop with visitors has.
    shipping.list_methods(session, owner)
    session.commit()
    store = f"{backend.url}/api/v1/store/last-units"
    start = threading.Barrier(SHOPPERS)

    def shopper(number: int) -> tuple[int, str, str, int]:
        # Half ask in English: the sold-out message comes in the shopper's language.
        lang = "en" if number % 2 else "zh-CN"
        with httpx.Client(base_url=store, timeout=60, headers={"Accept-Language": lang}) as client:
            cart = client.post("/carts").json()["cart_token"]
            added = client.post(f"/carts/{cart}/items", json={"variant_id": tea, "qty": 1})
            assert added.status_code == 200, added.text
            start.wait()  # everyone presses "pay" at the same moment
            answer = client.post("/checkout", json={"cart_token": cart, "email": f"buyer{number}@example.com", "address": ADDRESS})
        error = answer.json().get("error", {})
        return answer.status_code, error.get("code", ""), error.get("message", ""), _served_by(answer)

    with ThreadPoolExecutor(max_workers=SHOPPERS) as pool:
        results = list(pool.map(shopper, range(SHOPPERS)))

    statuses = sorted((status, code) for status, code, _, _ in results)
    assert statuses.count((201, "")) == UNITS
    assert statuses.count((409, "sold_out")) == SHOPPERS - UNITS, statuses
    assert {message for status, _, message, _ in results if status == 409} == {"已售罄", "Sold out"}
    # Honest proof that more than one process took the checkouts.
    checkout_workers = {worker for *_, worker in results}
    assert len(checkout_workers) >= 2 and checkout_workers <= backend.worker_pids(), checkout_workers

    with session_scope() as check:
        assert stock_of(check, tea) == 0
        assert check.exec(select(func.count()).select_from(Order).where(Order.shop_id == owner.shop_id)).one() == UNITS
        assert check.exec(select(func.sum(OrderItem.qty)).where(OrderItem.variant_id == tea)).one() == UNITS
        # The ledger, oldest first: every move starts where the last ended and none goes below zero.
        moves = check.exec(select(StockMove).where(StockMove.variant_id == tea).order_by(StockMove.id)).all()
    assert [m.after for m in moves] == list(range(UNITS, -1, -1))
    assert all(m.before == previous.after for previous, m in zip(moves, moves[1:]))


def _served_by(answer: httpx.Response) -> int:
    return int(answer.headers["x-served-by"])
