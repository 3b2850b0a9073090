"""积分商城 coupon rewards: a shopper's points buy one of the shop's coupons into their wallet. The reward's
stock, the coupon's own total_quantity and per-customer limit, and the points are taken together or not at all."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlmodel import select

from shopapp.db import session_scope
from shopapp.models import Order, PointsAccount, PointsMove
from shopapp.models.base import utcnow
from shopapp.models.coupons import Coupon, CustomerCoupon
from shopapp.services.checkout import redeem
from shopapp.services.core.errors import Conflict, Invalid
from shopapp.services.marketing import coupons, rewards
from tests.unit.test_points import _give, _loyalty, _shopper


def _coupon(session, owner, **fields) -> dict:
    now = utcnow()
    made = coupons.create_coupon(session, owner, {
        "name": "兑换券", "kind": "amount", "amount_off": 1000, "min_amount": 5000,
        "starts_at": (now - timedelta(hours=1)).isoformat(), "ends_at": (now + timedelta(days=30)).isoformat(), **fields,
    })
    session.commit()
    return made


def _reward(session, owner, coupon_id: int, *, points: int = 300, stock: int = 10) -> dict:
    made = rewards.create_reward(session, owner, {"kind": "coupon", "coupon_id": coupon_id, "points": points, "stock": stock})
    session.commit()
    return made


def _wallet(session, customer_id: int) -> list[CustomerCoupon]:
    return list(session.exec(select(CustomerCoupon).where(CustomerCoupon.customer_id == customer_id)).all())


def test_points_buy_a_coupon_into_the_wallet_without_an_order(session, owner):
    _loyalty(session, owner)
    coupon = _coupon(session, owner)
    reward = _reward(session, owner, coupon["id"])
    assert (reward["kind"], reward["coupon_id"], reward["title"]) == ("coupon", coupon["id"], "兑换券")
    customer_id, token = _shopper(session, owner)
    _give(session, owner, customer_id, 1_000)

    got = redeem.redeem(session, owner.shop_id, reward["id"], token)
    session.commit()

    (entry,) = _wallet(session, customer_id)
    assert (got["customer_coupon_id"], got["points"], entry.source, entry.status) == (entry.id, 300, "points", "unused")
    assert session.exec(select(PointsAccount.available)).one() == 700
    move = session.exec(select(PointsMove).where(PointsMove.kind == "redeemed")).one()
    assert (move.delta, move.reason, move.order_id) == (-300, "兑换券", None)
    assert session.exec(select(Order)).all() == []
    assert coupons.wallet(session, owner.shop_id, token)["items"][0]["status"] == "unused"


def test_a_refused_coupon_keeps_the_points_and_the_rewards_stock(session, owner):
    """The coupon's per-customer limit (1) is reached by the second redemption: nothing of it is kept."""
    _loyalty(session, owner)
    coupon = _coupon(session, owner)
    reward = _reward(session, owner, coupon["id"], stock=5)
    customer_id, token = _shopper(session, owner)
    _give(session, owner, customer_id, 1_000)
    redeem.redeem(session, owner.shop_id, reward["id"], token)
    session.commit()

    with pytest.raises(Conflict) as refused:
        redeem.redeem(session, owner.shop_id, reward["id"], token)
    session.commit()
    assert refused.value.code == "coupon_limit_reached"
    session.expire_all()  # this session's own reward row was read inside the savepoint rolled back
    assert session.exec(select(PointsAccount.available)).one() == 700
    assert rewards.list_rewards(session, owner)[0]["stock"] == 4
    assert session.get(Coupon, coupon["id"], populate_existing=True).issued == 1


def test_not_enough_points_keeps_the_coupon_and_the_stock(session, owner):
    _loyalty(session, owner)
    coupon = _coupon(session, owner, total_quantity=3)
    reward = _reward(session, owner, coupon["id"], points=300, stock=5)
    customer_id, token = _shopper(session, owner)
    _give(session, owner, customer_id, 299)

    with pytest.raises(Conflict) as refused:
        redeem.redeem(session, owner.shop_id, reward["id"], token)
    session.commit()
    assert refused.value.code == "points_not_enough"
    session.expire_all()
    assert _wallet(session, customer_id) == []
    assert session.get(Coupon, coupon["id"], populate_existing=True).issued == 0
    assert rewards.list_rewards(session, owner)[0]["stock"] == 5


def test_a_reward_sells_only_a_coupon_of_the_shop_that_has_not_ended(session, owner):
    _loyalty(session, owner)
    ended = _coupon(session, owner)
    coupons.end_coupon(session, owner, ended["id"])
    session.commit()
    for coupon_id in (ended["id"], 999_999, "1", None):
        with pytest.raises(Invalid) as refused:
            rewards.create_reward(session, owner, {"kind": "coupon", "coupon_id": coupon_id, "points": 100, "stock": 1})
        assert refused.value.fields == {"coupon_id": "coupon_not_found"}
    session.rollback()
    assert rewards.list_rewards(session, owner) == []


def test_many_shoppers_redeeming_at_once_get_no_more_than_the_coupons_total_quantity(session, owner):
    """Six shoppers at once, a reward with stock 10 but a coupon of which only 2 remain: two coupons, four
    refused with their points kept and the reward's stock given back."""
    _loyalty(session, owner)
    coupon = _coupon(session, owner, total_quantity=2)
    reward = _reward(session, owner, coupon["id"], points=200, stock=10)
    tokens = []
    for n in range(6):
        customer_id, token = _shopper(session, owner, f"fan{n}@example.com")
        _give(session, owner, customer_id, 500)
        tokens.append(token)
    start = threading.Barrier(len(tokens))
    outcomes: list[str] = []

    def redeem_one(token: str) -> None:
        start.wait()
        try:
            with session_scope() as own:
                redeem.redeem(own, owner.shop_id, reward["id"], token)
            outcomes.append("redeemed")
        except Conflict as refused:
            outcomes.append(refused.code)

    threads = [threading.Thread(target=redeem_one, args=(token,)) for token in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["coupon_sold_out"] * 4 + ["redeemed"] * 2
    session.expire_all()
    assert sorted(session.exec(select(PointsAccount.available)).all()) == [300, 300, 500, 500, 500, 500]
    assert len(session.exec(select(CustomerCoupon)).all()) == 2
    assert rewards.list_rewards(session, owner)[0]["stock"] == 8
