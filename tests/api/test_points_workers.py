"""Points never go below zero with several backend worker processes, as in production.

One shopper presses pay on 10 carts at once, each spending 300 of their 1 000 points, over real
HTTP to the production backend (WORKERS=2, Redis). Runs when REDIS_URL is set (the second
pass of .ci/run, on PostgreSQL when DATABASE_URL is set); find it with `pytest -m workers`.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlmodel import select

from shopapp.db import session_scope
from shopapp.models import PointsMove
from shopapp.services.checkout import shipping
from shopapp.services.customers import shoppers
from shopapp.services.marketing import levels, points
from shopapp.settings import get_settings
from tests.conftest import make_shop
from tests.live_backend import production_backend
from tests.shopping import ADDRESS, product_on_sale

pytestmark = [
    pytest.mark.workers,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL: several backend workers share state through Redis"),
]

CARTS = 10


def test_one_shoppers_checkouts_on_several_workers_never_spend_points_below_zero(engine, session):
    owner = make_shop(session, "points-race")
    levels.save_loyalty(session, owner, {"points_per_yuan": 1, "points_per_yuan_off": 100, "max_points_percent": 100})
    tea = product_on_sale(session, owner, price=10_000, stock=50)
    shipping.list_methods(session, owner)  # the shop's default method exists, as in any shop with visitors
    mei = shoppers.register(session, owner.shop_id, email="mei@example.com", password="secret-pass")
    points.adjust(session, owner, mei.customer["id"], 1_000, "开业礼")
    session.commit()

    with production_backend(workers=2, database_url=get_settings().database_url,
                            redis_url=os.environ["REDIS_URL"], migrate=False) as backend:
        store = f"{backend.url}/api/v1/store/points-race"
        headers = {"Authorization": f"Bearer {mei.token}"}
        start = threading.Barrier(CARTS)

        def press_pay(_: int) -> int:
            with httpx.Client(base_url=store, timeout=60, headers=headers) as client:
                cart = client.post("/carts").json()["cart_token"]
                client.post(f"/carts/{cart}/items", json={"variant_id": tea, "qty": 1})
                start.wait()
                return client.post("/checkout", json={
                    "cart_token": cart, "email": "mei@example.com", "address": ADDRESS, "points": 300,
                }).status_code

        with ThreadPoolExecutor(max_workers=CARTS) as pool:
            codes = sorted(pool.map(press_pay, range(CARTS)))

    assert codes.count(201) == 3, codes
    with session_scope() as check:
        assert points.balances(check, owner.shop_id, mei.customer["id"]) == {"available": 100, "frozen": 0}
        spent = check.exec(select(PointsMove.delta).where(PointsMove.kind == "spent")).all()
    assert sorted(spent) == [-300, -300, -300]
