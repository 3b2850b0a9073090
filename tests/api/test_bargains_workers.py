"""砍价 under load on several backend worker processes, as in production: 20 friends (each pressing twice)
cut one run at once over HTTP; exactly helpers_needed cuts land, each by a different friend, and the price
is exactly the floor. Runs when REDIS_URL is set, on PostgreSQL when DATABASE_URL is set too."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlmodel import select

from shopapp.db import session_scope
from shopapp.models.bargains import BargainCut, BargainRun
from shopapp.services.marketing import bargains
from shopapp.settings import get_settings
from tests.conftest import make_shop
from tests.live_backend import production_backend
from tests.shopping import product_on_sale

pytestmark = [
    pytest.mark.workers,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL: several backend workers share state through Redis"),
]


@pytest.fixture(scope="module")
def backend(engine):
    with production_backend(workers=2, database_url=get_settings().database_url,
                            redis_url=os.environ["REDIS_URL"], migrate=False) as backend:
        yield backend


def _register(store: str, email: str) -> dict:
    answer = httpx.post(f"{store}/customers", json={"email": email, "password": "secret-pass"}, timeout=60)
    assert answer.status_code == 201, answer.text
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def test_twenty_friends_cutting_at_once_on_several_workers_reach_the_floor_exactly(backend, session):
    owner = make_shop(session, "bargain-race")
    tea = product_on_sale(session, owner, price=3800)
    made = bargains.create_bargain(session, owner, {"name": "砍价", "variant_id": tea, "floor_price": 1000,
                                                    "helpers_needed": 10, "hours": 24, "quantity": 5})
    session.commit()
    store = f"{backend.url}/api/v1/store/bargain-race"
    starter = _register(store, "starter@example.com")
    run = httpx.post(f"{store}/bargains/{made['id']}/start", headers=starter, timeout=60).json()
    friends = [_register(store, f"f{n}@example.com") for n in range(20)]
    presses = friends + friends
    start = threading.Barrier(len(presses))

    def cut(headers: dict) -> tuple[int, str]:
        with httpx.Client(timeout=60) as client:
            start.wait()
            answer = client.post(f"{store}/bargain-runs/{run['run_id']}/cuts", headers=headers)
            return answer.status_code, answer.json().get("error", {}).get("code", "")

    with ThreadPoolExecutor(max_workers=len(presses)) as pool:
        results = list(pool.map(cut, presses))
    assert [status for status, _ in results].count(201) == 10
    assert {code for status, code in results if status != 201} <= {"finished", "already_helped"}
    with session_scope() as check:
        cuts = check.exec(select(BargainCut).where(BargainCut.run_id == run["run_id"])).all()
        assert len(cuts) == 10 and len({c.customer_id for c in cuts}) == 10 and sum(c.amount for c in cuts) == 2800
        assert check.get(BargainRun, run["run_id"]).price == 1000
