"""Coupons under load on several backend worker processes sharing Redis, as in production: 30 shoppers
claiming the last 5 get 5, and one shopper's 10 checkouts at once use a one-use coupon once (saleor#544).

Runs when REDIS_URL is set (the second pass of .ci/run), on PostgreSQL when DATABASE_URL is set too.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
import pytest
from sqlmodel import func, select

from shopapp.db import session_scope
from shopapp.models import Coupon, CustomerCoupon, Order
from shopapp.models.base import utcnow
from shopapp.services.checkout import shipping
from shopapp.services.marketing import coupons
from shopapp.settings import get_settings
from tests.conftest import make_shop
from tests.live_backend import production_backend
from tests.shopping import ADDRESS, product_on_sale

pytestmark = [
    pytest.mark.workers,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL: several backend workers share state through Redis"),
]


@pytest.fixture(scope="module")
def backend(engine):
    with production_backend(workers=2, database_url=get_settings().database_url,
                            redis_url=os.environ["REDIS_URL"], migrate=False) as backend:
        yield backend


def _coupon(session, owner, **fields) -> int:
    now = utcnow()
    made = coupons.create_coupon(session, owner, {
        "name": "满100减20", "kind": "amount", "amount_off": 2000, "min_amount": 10000, "claimable": True,
        "starts_at": (now - timedelta(hours=1)).isoformat(), "ends_at": (now + timedelta(days=7)).isoformat(), **fields})
    session.commit()
    return made["id"]


def _register(store: str, email: str) -> dict:
    answer = httpx.post(f"{store}/customers", json={"email": email, "password": "secret-pass"}, timeout=60)
    assert answer.status_code == 201, answer.text
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def test_thirty_shoppers_claiming_five_coupons_on_several_workers_get_five(backend, session):
    owner = make_shop(session, "claim-race")
    coupon_id = _coupon(session, owner, total_quantity=5)
    store = f"{backend.url}/api/v1/store/claim-race"
    shoppers = [_register(store, f"s{n}@example.com") for n in range(30)]
    start = threading.Barrier(len(shoppers))

    def claim(headers: dict) -> tuple[int, int]:
        with httpx.Client(timeout=60) as client:
            start.wait()
            answer = client.post(f"{store}/coupons/{coupon_id}/claim", headers=headers)
            return answer.status_code, int(answer.headers["x-served-by"])

    with ThreadPoolExecutor(max_workers=len(shoppers)) as pool:
        results = list(pool.map(claim, shoppers))
    assert sorted(status for status, _ in results) == [201] * 5 + [409] * 25
    assert len({worker for _, worker in results}) >= 2
    with session_scope() as check:
        assert check.get(Coupon, coupon_id).issued == 5
        assert check.exec(select(func.count()).select_from(CustomerCoupon).where(CustomerCoupon.coupon_id == coupon_id)).one() == 5


def test_ten_checkouts_at_once_by_one_shopper_on_several_workers_use_the_coupon_once(backend, session):
    owner = make_shop(session, "coupon-race")
    tea = product_on_sale(session, owner, price=6000, stock=100)
    shipping.list_methods(session, owner)  # the shop's default method exists already, as in a shop with visitors
    coupon_id = _coupon(session, owner)
    session.commit()
    store = f"{backend.url}/api/v1/store/coupon-race"
    amy = _register(store, "amy@example.com")
    entry = httpx.post(f"{store}/coupons/{coupon_id}/claim", headers=amy, timeout=60).json()["id"]
    start = threading.Barrier(10)

    def checkout(_: int) -> tuple[int, str]:
        with httpx.Client(base_url=store, timeout=60) as client:
            cart = client.post("/carts").json()["cart_token"]
            assert client.post(f"/carts/{cart}/items", json={"variant_id": tea, "qty": 2}).status_code == 200
            start.wait()
            answer = client.post("/checkout", headers=amy, json={
                "cart_token": cart, "email": "amy@example.com", "address": ADDRESS, "customer_coupon_id": entry})
            return answer.status_code, answer.json().get("error", {}).get("code", "")

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(checkout, range(10)))
    assert [r for r in results if r[0] == 201] == [(201, "")]
    # the ones that lost: used a moment ago (a conditional update), or already used when they priced it
    assert {code for status, code in results if status != 201} <= {"coupon_already_used", "invalid_input"}
    with session_scope() as check:
        assert coupons.used_counts(check, owner.shop_id, [coupon_id]) == {coupon_id: 1}
        assert check.exec(select(func.count()).select_from(Order).where(Order.shop_id == owner.shop_id)).one() == 1
