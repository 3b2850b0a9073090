"""Points (积分) and member levels, with worked examples: a shopper earns on what lines were paid, frozen
until the order completes; spends at checkout within the shop's cap; gets points back when an unpaid
order is cancelled or expires; a refund takes back (and gives back) in proportion."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlmodel import select

from shopapp.db import session_scope
from shopapp.models import Order, PointsAccount, PointsMove
from shopapp.models.base import utcnow
from shopapp.services.checkout import place, quote, redeem
from shopapp.services.core.errors import Conflict, Invalid
from shopapp.services.core.money import percent_of
from shopapp.services.customers import shoppers
from shopapp.services.marketing import levels, points, rewards
from shopapp.services.marketing.offers import Choices
from shopapp.services.marketing.points import PointsOffer
from shopapp.services.marketing.savings import Basket
from shopapp.services.orders import cancel, payments, refunds, state
from tests.shopping import ADDRESS, cart_with, product_on_sale

LOYALTY = {"points_per_yuan": 1, "points_per_yuan_off": 100, "max_points_percent": 50, "levels": []}


def _shopper(session, owner, email="mei@example.com") -> tuple[int, str]:
    logged_in = shoppers.register(session, owner.shop_id, email=email, password="secret-pass")
    session.commit()
    return logged_in.customer["id"], logged_in.token


def _loyalty(session, owner, **changes) -> None:
    levels.save_loyalty(session, owner, {**LOYALTY, **changes})
    session.commit()


def _give(session, owner, customer_id: int, amount: int) -> None:
    points.adjust(session, owner, customer_id, amount, "开业礼")
    session.commit()


def _checkout(session, owner, token: str, *lines, spend: int = 0, pay: bool = True) -> Order:
    cart = cart_with(session, owner.shop_id, *lines)
    placed = place.place_order(
        session, owner.shop_id, cart, "mei@example.com", dict(ADDRESS), customer_token=token, choices=Choices(points=spend),
    )
    if pay and placed["payment"]:
        payments.sandbox_pay(session, placed["payment"]["id"], "success")
    session.commit()
    return session.get(Order, placed["order_id"], populate_existing=True)


def _kinds(session, customer_id: int) -> list[tuple[str, int, int]]:
    moves = session.exec(select(PointsMove).where(PointsMove.customer_id == customer_id).order_by(PointsMove.id)).all()
    return [(move.kind, move.delta, move.frozen_delta) for move in moves]


# Step 5 worked examples (pure) -----------------------------------------------------------------

def _basket(*amounts: int) -> Basket:
    return Basket(lines=[None] * len(amounts), amounts=amounts, exclusive=(False,) * len(amounts))


def test_points_pay_at_most_the_shops_share_of_the_merchandise_in_whole_fen():
    offer = PointsOffer(balance=20_000, wanted=10_000, per_yuan_off=100, max_percent=50)
    [saving] = points.step(_basket(10_000, 3_333), offer)
    assert (saving.source, saving.amount, saving.lines) == ("points", 6_666, (0, 1))  # 50 % of 13 333 rounded down
    assert points.points_for(saving.amount, 100) == 6_666
    # 15 % of ¥33.33 is 499.95 分: points never pay more, so 499.
    assert points.cap(3_333, 15) == 499


def test_only_the_points_actually_needed_are_taken():
    # 3 points per ¥1: 10 points are worth 333.33 分 → 333 分 off, which needs ceil(9.99) = 10 points.
    assert points.value_of(10, 3) == 333
    assert points.points_for(333, 3) == 10
    # 1000 points per ¥1: 15 points are worth 1.5 分 → 1 分 off, for which 10 points are enough.
    [saving] = points.step(_basket(5_000), PointsOffer(balance=15, wanted=15, per_yuan_off=1000, max_percent=100))
    assert saving.amount == 1 and points.points_for(saving.amount, 1000) == 10
    # Fewer points than 1 分 is worth: nothing comes off, nothing is taken.
    assert points.step(_basket(5_000), PointsOffer(balance=5, wanted=5, per_yuan_off=1000, max_percent=100)) == []


def test_the_quote_says_how_many_points_could_be_used():
    offer = PointsOffer(balance=3_000, wanted=0, per_yuan_off=100, max_percent=30)
    assert points.quote_part(offer, 5_000, 0) == {"balance": 3_000, "max_usable": 1_500, "used": 0, "value": 0}
    assert points.quote_part(offer, 50_000, 0)["max_usable"] == 3_000  # the balance is the limit
    assert points.quote_part(None, 5_000, 0)["balance"] == 0


# Earning ---------------------------------------------------------------------------------------

def test_points_are_earned_frozen_on_what_was_paid_and_become_available_when_the_order_completes(session, owner):
    _loyalty(session, owner, points_per_yuan=3)
    tea = product_on_sale(session, owner, price=3_899)
    customer_id, token = _shopper(session, owner)
    order = _checkout(session, owner, token, (tea, 1))

    # 3 points per ¥1 of ¥38.99 paid merchandise (shipping earns nothing) = 116.97 → 116, rounded down.
    mine = points.account_dict(session, owner.shop_id, customer_id)
    assert (mine["available"], mine["frozen"], mine["lifetime_spent"]) == (0, 116, 3_899)

    state.transition(session, order, "completed", "system")
    session.commit()
    mine = points.account_dict(session, owner.shop_id, customer_id)
    assert (mine["available"], mine["frozen"]) == (116, 0)
    assert _kinds(session, customer_id) == [("earned_frozen", 0, 116), ("released", 116, -116)]


def test_a_guest_or_a_shop_without_points_earns_nothing(session, owner):
    tea = product_on_sale(session, owner)
    customer_id, token = _shopper(session, owner)
    _checkout(session, owner, token, (tea, 1))  # the shop has not switched points on
    assert points.balances(session, owner.shop_id, customer_id) == {"available": 0, "frozen": 0}
    assert session.exec(select(PointsMove)).all() == []


# Member levels ---------------------------------------------------------------------------------

def test_a_percent_off_rounds_the_fen_taken_off_half_up():
    assert percent_of(3_333, 15) == 500  # 499.95 分
    assert percent_of(10, 15) == 2  # 1.5 分: the price is 8, not 9 (rounding the price instead would say 9)
    assert percent_of(10, 14) == 1  # 1.4 分


def test_a_member_level_takes_its_percent_off_the_unit_price_rounded_half_up(session, owner):
    _loyalty(session, owner, levels=[
        {"name": "银卡", "min_spent": 0, "discount_percent": 15},
        {"name": "金卡", "min_spent": 100_000, "discount_percent": 20},
    ])
    tea = product_on_sale(session, owner, price=3_333, stock=50)
    customer_id, token = _shopper(session, owner)
    cart = cart_with(session, owner.shop_id, (tea, 2))

    quoted = quote.quote(session, owner.shop_id, cart, customer_token=token)
    # 15 % of ¥33.33 = 499.95 分 → 500 分 off each unit: ¥28.33.
    assert quoted["items"][0]["unit_price"] == 2_833
    assert quoted["discounts"] == [{"source": "member", "id": quoted["discounts"][0]["id"], "label": "银卡", "amount": 1_000}]
    assert quote.quote(session, owner.shop_id, cart)["discounts"] == []  # a guest pays the list price


def test_the_level_follows_lifetime_spend_net_of_refunds(session, owner):
    _loyalty(session, owner, levels=[{"name": "金卡", "min_spent": 10_000, "discount_percent": 10}])
    tea = product_on_sale(session, owner, price=5_000, stock=50)
    customer_id, token = _shopper(session, owner)
    order = _checkout(session, owner, token, (tea, 2))
    assert points.account_dict(session, owner.shop_id, customer_id)["level"]["name"] == "金卡"

    item = state.order_items(session, order)[0]
    refunds.refund(session, owner, order.id, None, "退一件", [{"order_item_id": item.id, "qty": 1}])
    session.commit()
    mine = points.account_dict(session, owner.shop_id, customer_id)
    assert (mine["lifetime_spent"], mine["level"], mine["next_level"]["name"]) == (5_000, None, "金卡")


# Spending --------------------------------------------------------------------------------------

def test_points_spent_at_checkout_come_off_the_total_and_the_balance(session, owner):
    _loyalty(session, owner)
    tea = product_on_sale(session, owner, price=10_000)
    customer_id, token = _shopper(session, owner)
    _give(session, owner, customer_id, 8_000)

    order = _checkout(session, owner, token, (tea, 1), spend=8_000, pay=False)
    # 8 000 points are ¥80, but points pay at most 50 % of ¥100: ¥50 off with 5 000 points.
    points_saving = [d for d in order.discounts if d["source"] == "points"]
    assert points_saving == [{"source": "points", "id": None, "label": "积分抵扣", "amount": 5_000}]
    assert points.balances(session, owner.shop_id, customer_id) == {"available": 3_000, "frozen": 0}
    assert state.order_items(session, order)[0].paid == 5_000


def test_points_come_back_when_an_unpaid_order_is_cancelled_or_expires(session, owner):
    _loyalty(session, owner)
    tea = product_on_sale(session, owner, price=10_000)
    customer_id, token = _shopper(session, owner)
    _give(session, owner, customer_id, 3_000)

    cancelled = _checkout(session, owner, token, (tea, 1), spend=1_000, pay=False)
    cancel.cancel_my_order(session, owner.shop_id, cancelled.order_no, token)
    session.commit()
    assert points.balances(session, owner.shop_id, customer_id)["available"] == 3_000

    expired = _checkout(session, owner, token, (tea, 1), spend=2_000, pay=False)
    assert points.balances(session, owner.shop_id, customer_id)["available"] == 1_000
    expired.expires_at = utcnow() - timedelta(minutes=1)
    session.add(expired)
    session.commit()
    assert cancel.expire_unpaid_orders(session) == 1
    session.commit()
    assert points.balances(session, owner.shop_id, customer_id)["available"] == 3_000
    assert [kind for kind, *_ in _kinds(session, customer_id)] == ["adjusted", "spent", "returned", "spent", "returned"]


def test_a_partial_refund_takes_back_earned_points_and_gives_back_spent_ones_in_proportion(session, owner):
    _loyalty(session, owner)
    tea = product_on_sale(session, owner, price=5_000, stock=10)
    customer_id, token = _shopper(session, owner)
    _give(session, owner, customer_id, 1_000)
    order = _checkout(session, owner, token, (tea, 2), spend=1_000)
    # ¥100 of tea, ¥10 paid with 1 000 points: ¥90 paid merchandise earns 90 points, frozen.
    assert points.balances(session, owner.shop_id, customer_id) == {"available": 0, "frozen": 90}

    item = state.order_items(session, order)[0]
    refunds.refund(session, owner, order.id, None, "退一件", [{"order_item_id": item.id, "qty": 1}])
    session.commit()
    # One unit of two: ¥45 back, so the order keeps half: 45 of the 90 earned, 500 of the 1 000 spent.
    assert points.balances(session, owner.shop_id, customer_id) == {"available": 500, "frozen": 45}
    assert _kinds(session, customer_id)[-2:] == [("refund_taken", 0, -45), ("returned", 500, 0)]

    refunds.refund(session, owner, order.id, None, "退另一件", [{"order_item_id": item.id, "qty": 1}])
    session.commit()
    # Everything back: nothing earned is kept, every spent point is back.
    assert points.balances(session, owner.shop_id, customer_id) == {"available": 1_000, "frozen": 0}
    assert points.account_dict(session, owner.shop_id, customer_id)["lifetime_spent"] == 0


def test_a_refund_after_completion_takes_back_only_what_is_left_never_below_zero(session, owner):
    _loyalty(session, owner, points_per_yuan=10)
    tea = product_on_sale(session, owner, price=10_000)
    customer_id, token = _shopper(session, owner)
    order = _checkout(session, owner, token, (tea, 1))
    state.transition(session, order, "completed", "system")
    session.commit()
    assert points.balances(session, owner.shop_id, customer_id)["available"] == 1_000
    points.adjust(session, owner, customer_id, -900, "兑换礼品")
    session.commit()

    refunds.refund(session, owner, order.id, None, "全额退款", [{"order_item_id": state.order_items(session, order)[0].id, "qty": 1}])
    session.commit()
    assert points.balances(session, owner.shop_id, customer_id) == {"available": 0, "frozen": 0}
    taken = session.exec(select(PointsMove).where(PointsMove.kind == "refund_taken")).one()
    assert (taken.delta, taken.reason) == (-100, f"{order.order_no} (short 900)")


# Bad input -------------------------------------------------------------------------------------

def test_more_points_than_the_balance_or_points_without_logging_in_are_refused(session, owner):
    _loyalty(session, owner)
    tea = product_on_sale(session, owner)
    customer_id, token = _shopper(session, owner)
    _give(session, owner, customer_id, 100)
    cart = cart_with(session, owner.shop_id, (tea, 1))

    with pytest.raises(Invalid) as refused:
        quote.quote(session, owner.shop_id, cart, customer_token=token, choices=Choices(points=101))
    assert refused.value.fields == {"points": "points_more_than_balance"}
    with pytest.raises(Invalid) as refused:
        place.place_order(session, owner.shop_id, cart, "x@example.com", dict(ADDRESS), choices=Choices(points=10))
    assert refused.value.fields == {"points": "points_need_log_in"}
    session.rollback()
    assert session.exec(select(Order)).all() == []


def test_an_adjustment_never_takes_a_balance_below_zero_and_needs_a_reason(session, owner):
    customer_id, _ = _shopper(session, owner)
    _give(session, owner, customer_id, 50)
    with pytest.raises(Invalid) as refused:
        points.adjust(session, owner, customer_id, -51, "扣分")
    assert refused.value.fields == {"delta": "points_below_zero"}
    with pytest.raises(Invalid) as refused:
        points.adjust(session, owner, customer_id, 0, "")
    assert refused.value.fields == {"delta": "must_not_be_zero", "reason": "required"}
    assert points.balances(session, owner.shop_id, customer_id) == {"available": 50, "frozen": 0}


def test_loyalty_settings_refuse_a_percent_over_100_and_a_zero_rate(session, owner):
    with pytest.raises(Invalid) as refused:
        levels.save_loyalty(session, owner, {
            **LOYALTY, "max_points_percent": 101, "points_per_yuan_off": 0,
            "levels": [{"name": "金卡", "min_spent": 0, "discount_percent": 120}, {"name": "金卡", "min_spent": 0}],
        })
    assert refused.value.fields == {
        "max_points_percent": "percent_over_100", "points_per_yuan_off": "must_be_positive",
        "levels.0.discount_percent": "percent_over_100", "levels.1.name": "duplicate", "levels.1.min_spent": "duplicate",
    }
    assert levels.settings_of(session, owner.shop_id) is None


# Concurrency -----------------------------------------------------------------------------------

def test_ten_checkouts_at_once_never_spend_a_balance_below_zero(session, owner):
    """One shopper with 1 000 points presses pay on 10 carts at once, each spending 300: three orders."""
    _loyalty(session, owner, max_points_percent=100)
    tea = product_on_sale(session, owner, price=10_000, stock=20)
    customer_id, token = _shopper(session, owner)
    _give(session, owner, customer_id, 1_000)
    carts = [cart_with(session, owner.shop_id, (tea, 1)) for _ in range(10)]
    start = threading.Barrier(len(carts))
    outcomes: list[str] = []

    def press_pay(cart: str) -> None:
        start.wait()
        try:
            with session_scope() as own:
                place.place_order(own, owner.shop_id, cart, "mei@example.com", dict(ADDRESS), customer_token=token,
                                  choices=Choices(points=300))
            outcomes.append("ordered")
        except (Conflict, Invalid) as refused:
            outcomes.append(refused.code)

    threads = [threading.Thread(target=press_pay, args=(cart,)) for cart in carts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count("ordered") == 3
    assert points.balances(session, owner.shop_id, customer_id) == {"available": 100, "frozen": 0}
    spent = session.exec(select(PointsMove).where(PointsMove.kind == "spent")).all()
    assert sorted(move.delta for move in spent) == [-300, -300, -300]
    assert len(session.exec(select(Order)).all()) == 3


def test_the_last_rewards_redeemed_by_many_shoppers_at_once_go_to_as_many_as_there_are(session, owner):
    """Five shoppers redeem a reward with 2 left at the same moment: two ¥0 orders, three refused, their points kept."""
    _loyalty(session, owner)
    cup = product_on_sale(session, owner, price=6_800, stock=10, sku="CUP-1")
    reward = rewards.create_reward(session, owner, {"kind": "product", "variant_id": cup, "points": 400, "stock": 2})
    session.commit()
    tokens = []
    for n in range(5):
        customer_id, token = _shopper(session, owner, f"fan{n}@example.com")
        _give(session, owner, customer_id, 1_000)
        tokens.append(token)
    start = threading.Barrier(len(tokens))
    outcomes: list[str] = []

    def redeem_one(token: str) -> None:
        start.wait()
        try:
            with session_scope() as own:
                redeem.redeem(own, owner.shop_id, reward["id"], token, dict(ADDRESS))
            outcomes.append("redeemed")
        except Conflict as refused:
            outcomes.append(refused.code)

    threads = [threading.Thread(target=redeem_one, args=(token,)) for token in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["redeemed", "redeemed", "reward_sold_out", "reward_sold_out", "reward_sold_out"]
    orders = session.exec(select(Order)).all()
    assert [(order.total, order.status) for order in orders] == [(0, "paid"), (0, "paid")]
    left = sorted(session.exec(select(PointsAccount.available)).all())
    assert left == [600, 600, 1_000, 1_000, 1_000]
