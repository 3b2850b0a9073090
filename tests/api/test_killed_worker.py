"""A backend worker killed in the middle of a rush of checkouts: the platform answers again on its
own, and no order is left half-done.

Starts the real production server (`python -m shopapp.server --backend-only`, the Granian server
`make run` starts) on the suite's database, lets shoppers check out one unit each in a loop, and
SIGKILLs the worker that has just answered one of them, as the kernel's out-of-memory killer would.
Granian's supervisor starts a new worker in its place. With REDIS_URL set (the workers pass of
.ci/run, on SQLite and on PostgreSQL) two workers share the port and the other one goes on
serving; without it (plain `make test`) the only worker dies, every checkout in flight with it,
and new connections are refused until its successor listens (about a second).
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import httpx
import pytest
from sqlmodel import select

from shopapp.db import session_scope
from shopapp.models import Order, OrderItem, StockMove
from shopapp.services.checkout import shipping
from shopapp.settings import get_settings
from tests.conftest import make_shop
from tests.live_backend import production_backend
from tests.shopping import ADDRESS, product_on_sale, stock_of

pytestmark = pytest.mark.workers

WORKERS = 2 if os.environ.get("REDIS_URL") else 1
SHOPPERS = 8
STOCK = 10_000  # never the limit: every refusal here would be the kill's doing
ORDERS_BEFORE_KILL = 15
ORDERS_AFTER_RECOVERY = 15
RECOVERY_SECONDS = 30  # "within seconds", with room for a 2-core machine busy with other tests


@dataclass
class Rush:
    """What the shoppers saw: the orders answered 201, by whom, and how many checkouts failed."""
    placed: list[tuple[int, str, int]] = field(default_factory=list)  # (order id, order no, worker pid)
    failures: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)

    def count(self) -> int:
        with self.lock:
            return len(self.placed)


@pytest.fixture(scope="module")
def backend(engine):
    redis_url = os.environ.get("REDIS_URL")
    # The schema is the suite's (create_all), so the server must not run the migrations over it.
    with production_backend(workers=WORKERS, database_url=get_settings().database_url,
                            redis_url=redis_url, migrate=False) as backend:
        yield backend


def test_a_worker_killed_during_a_rush_of_checkouts_is_replaced_and_leaves_no_order_half_done(backend, session):
    owner = make_shop(session, "killed-worker")
    tea = product_on_sale(session, owner, stock=STOCK)
    shipping.list_methods(session, owner)  # the shop's default shipping method exists, as in any shop with visitors
    session.commit()
    store = f"{backend.url}/api/v1/store/killed-worker"
    rush = Rush()
    workers = backend.wait_for_workers(WORKERS)

    with ThreadPoolExecutor(max_workers=SHOPPERS) as pool:
        shoppers = [pool.submit(_keep_checking_out, store, tea, rush, number) for number in range(SHOPPERS)]
        _wait_until(lambda: rush.count() >= ORDERS_BEFORE_KILL, rush, "orders before the kill")
        with rush.lock:
            victim = rush.placed[-1][2]  # a worker busy with checkouts this very moment
            placed_before_kill = len(rush.placed)
        assert victim in workers
        os.kill(victim, signal.SIGKILL)
        _wait_until(lambda: _answers(backend.url), rush, "the platform answering again", seconds=RECOVERY_SECONDS)
        replaced = backend.wait_for_workers(WORKERS, gone=victim, seconds=RECOVERY_SECONDS)
        _wait_until(lambda: rush.count() >= placed_before_kill + ORDERS_AFTER_RECOVERY, rush, "orders after the kill")
        rush.stop.set()
        for shopper in shoppers:
            shopper.result()

    assert victim not in replaced and len(replaced - workers) == 1, (workers, replaced, backend.log)
    answered_after = {worker for _, _, worker in rush.placed[placed_before_kill + SHOPPERS:]}
    assert victim not in answered_after and answered_after <= replaced
    _assert_nothing_half_done(owner.shop_id, tea, rush)


def _keep_checking_out(store: str, variant_id: int, rush: Rush, number: int) -> None:
    """One shopper: cart, one unit, check out; again and again until told to stop."""
    with httpx.Client(base_url=store, timeout=60) as client:
        round_ = 0
        while not rush.stop.is_set():
            round_ += 1
            try:
                cart = client.post("/carts")
                if cart.status_code not in (200, 201):
                    rush.failures[f"cart {cart.status_code}"] += 1
                    continue
                token = cart.json()["cart_token"]
                added = client.post(f"/carts/{token}/items", json={"variant_id": variant_id, "qty": 1})
                if added.status_code != 200:
                    rush.failures[f"add {added.status_code}"] += 1
                    continue
                answer = client.post("/checkout", json={
                    "cart_token": token, "email": f"buyer{number}-{round_}@example.com", "address": ADDRESS})
            except httpx.TransportError as lost:  # the worker died with the connection open
                rush.failures[type(lost).__name__] += 1
                continue
            if answer.status_code == 201:
                with rush.lock:
                    rush.placed.append((answer.json()["order_id"], answer.json()["order_no"],
                                        int(answer.headers["x-served-by"])))
            else:
                rush.failures[f"checkout {answer.status_code}"] += 1


def _assert_nothing_half_done(shop_id: int, variant_id: int, rush: Rush) -> None:
    with session_scope() as check:
        orders = {o.order_no: o.id for o in check.exec(select(Order).where(Order.shop_id == shop_id))}
        units = {no: qty for no, qty in check.exec(
            select(Order.order_no, OrderItem.qty).join(OrderItem, OrderItem.order_id == Order.id)
            .where(Order.shop_id == shop_id))}
        moves = check.exec(select(StockMove).where(StockMove.shop_id == shop_id, StockMove.variant_id == variant_id)
                           .order_by(StockMove.id)).all()
        stock = stock_of(check, variant_id)
    taken = {move.actor.removeprefix("order:"): -move.delta for move in moves if move.actor.startswith("order:")}
    # Every order that answered 201 is there with its stock taken...
    assert {no for _, no, _ in rush.placed} <= set(orders)
    assert {no: orders[no] for _, no, _ in rush.placed} == {no: order_id for order_id, no, _ in rush.placed}
    # ...and every order there (some may have been committed by the dying worker without an answer)
    # has its unit taken, and no unit was taken for an order that is not there.
    assert units == {no: 1 for no in orders}
    assert taken == units, f"orders without their stock, or stock taken for no order; failures {rush.failures}"
    assert stock == STOCK - len(orders)
    # The ledger, oldest first: every move starts where the one before ended.
    assert all(move.before == previous.after for previous, move in zip(moves, moves[1:]))


def _answers(url: str) -> bool:
    try:
        return httpx.get(url + "/api/v1/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _wait_until(condition, rush: Rush, what: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            rush.stop.set()
            raise AssertionError(f"no {what} within {seconds} s; failures so far {rush.failures}")
        time.sleep(0.05)
