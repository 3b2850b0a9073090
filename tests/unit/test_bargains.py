"""砍价 bargains: the owner's rules, the cut drawing (every run reaches its floor exactly), friends' cuts
(once each, never the starter, 20 at once never below the floor), the starter's order at the run's price
through the pricing pipeline as an exclusive activity, the activity's units, and the run's hours."""

from __future__ import annotations

import random
import threading
from datetime import timedelta

import pytest
from sqlmodel import select

from shopapp.db import session_scope
from shopapp.models import Order, OrderItem
from shopapp.models.bargains import Bargain, BargainCut, BargainRun
from shopapp.models.base import clock_at, utcnow
from shopapp.services.checkout import bargain_orders
from shopapp.services.core.errors import Conflict, Forbidden, Invalid
from shopapp.services.customers import shoppers
from shopapp.services.marketing import bargain_runs, bargains
from shopapp.services.orders import cancel, payments
from tests.shopping import ADDRESS, product_on_sale


def _shopper(session, owner, email: str) -> str:
    token = shoppers.register(session, owner.shop_id, email=email, password="secret-pass").token
    session.commit()
    return token


def _bargain(session, owner, variant_id: int, **fields) -> dict:
    made = bargains.create_bargain(session, owner, {
        "name": "砍到 ¥10", "variant_id": variant_id, "floor_price": 1000, "helpers_needed": 3, "hours": 24,
        "quantity": 5, **fields,
    })
    session.commit()
    return made


def _cut_all(session, owner, run_id: int, count: int, prefix: str = "friend") -> list[dict]:
    cuts = []
    for n in range(count):
        friend = _shopper(session, owner, f"{prefix}{n}@example.com")
        cuts.append(bargain_runs.cut(session, owner.shop_id, run_id, friend))
        session.commit()
    return cuts


# Drawing ---------------------------------------------------------------------------------------------

def test_many_random_runs_reach_the_floor_exactly_after_the_last_helper_every_cut_positive():
    rng = random.Random(18)
    for _ in range(5_000):
        helpers = rng.randint(1, 30)
        remaining = rng.randint(helpers, 50_000)
        cuts = []
        for done in range(helpers):
            cut = bargain_runs.draw_cut(remaining - sum(cuts), helpers - done, rng)
            assert 1 <= cut <= remaining - sum(cuts) - (helpers - done - 1)
            cuts.append(cut)
        assert sum(cuts) == remaining and len(cuts) == helpers


def test_the_least_a_run_can_be_cut_is_one_fen_per_helper():
    assert [bargain_runs.draw_cut(3 - n, 3 - n) for n in range(3)] == [1, 1, 1]


# The owner's rules -----------------------------------------------------------------------------------

def test_bad_bargains_are_refused_with_each_field_and_nothing_is_saved(session, owner):
    tea = product_on_sale(session, owner, price=3800)
    cases = [
        ({"floor_price": 3800}, "floor_price", "floor_not_below_price"),
        ({"floor_price": 5000}, "floor_price", "floor_not_below_price"),
        ({"helpers_needed": 0}, "helpers_needed", "helpers_out_of_range"),
        ({"floor_price": 3790, "helpers_needed": 11}, "helpers_needed", "helpers_more_than_cents"),
        ({"hours": 0}, "hours", "hours_out_of_range"),
        ({"quantity": 0}, "quantity", "number_out_of_range"),
        ({"variant_id": 999_999}, "variant_id", "variants_not_in_shop"),
        ({"name": ""}, "name", "required"),
        ({"starts_at": "2030-01-02T00:00:00Z", "ends_at": "2030-01-01T00:00:00Z"}, "ends_at", "ends_before_start"),
    ]
    for change, field, code in cases:
        with pytest.raises(Invalid) as refused:
            bargains.create_bargain(session, owner, {
                "name": "x", "variant_id": tea, "floor_price": 1000, "helpers_needed": 3, "hours": 24, "quantity": 5, **change,
            })
        assert refused.value.fields.get(field) == code, (change, refused.value.fields)
    session.rollback()
    assert session.exec(select(Bargain)).all() == []


# Runs and cuts --------------------------------------------------------------------------------------

def test_three_friends_take_a_run_to_the_floor_and_the_starter_buys_it_there(session, owner):
    tea = product_on_sale(session, owner, price=3800, stock=10)
    bargain = _bargain(session, owner, tea)
    starter = _shopper(session, owner, "mei@example.com")
    run = bargain_runs.start_run(session, owner.shop_id, bargain["id"], starter)
    session.commit()
    assert (run["price"], run["floor_price"], run["share_path"]) == (3800, 1000, f"/s/tea-house/bargain-runs/{run['run_id']}")

    with pytest.raises(Conflict) as own:
        bargain_runs.cut(session, owner.shop_id, run["run_id"], starter)
    assert own.value.code == "own_bargain"
    with pytest.raises(Conflict) as early:
        bargain_orders.checkout(session, owner.shop_id, run["run_id"], starter, dict(ADDRESS))
    assert early.value.code == "not_at_floor"
    session.rollback()

    cuts = _cut_all(session, owner, run["run_id"], 3)
    assert all(c["cut"] > 0 for c in cuts) and sum(c["cut"] for c in cuts) == 2800 and cuts[-1]["price"] == 1000
    late = _shopper(session, owner, "late@example.com")
    with pytest.raises(Conflict) as done:
        bargain_runs.cut(session, owner.shop_id, run["run_id"], late)
    assert done.value.code == "finished"
    view = bargain_runs.run_view(session, owner.shop_id, run["run_id"], starter)
    assert (view["status"], view["price"], view["mine"], len(view["cuts"])) == ("finished", 1000, True, 3)
    assert view["cuts"][0]["name_masked"].startswith("f")

    placed = bargain_orders.checkout(session, owner.shop_id, run["run_id"], starter, dict(ADDRESS))
    session.commit()
    order = session.get(Order, placed["order_id"])
    (item,) = session.exec(select(OrderItem).where(OrderItem.order_id == order.id)).all()
    assert (item.unit_price, item.paid) == (1000, 1000)
    assert order.discounts == [{"source": "bargain", "id": bargain["id"], "label": "砍价", "amount": 2800}]
    assert order.total == 1000 + order.shipping_total
    assert bargains.get_bargain(session, owner, bargain["id"])["sold"] == 1
    with pytest.raises(Conflict) as again:
        bargain_orders.checkout(session, owner.shop_id, run["run_id"], starter, dict(ADDRESS))
    assert again.value.code == "already_ordered"


def test_a_friend_helps_once_and_only_the_starter_buys(session, owner):
    tea = product_on_sale(session, owner, price=3800)
    bargain = _bargain(session, owner, tea, helpers_needed=5)
    starter = _shopper(session, owner, "mei@example.com")
    run = bargain_runs.start_run(session, owner.shop_id, bargain["id"], starter)
    friend = _shopper(session, owner, "lan@example.com")
    bargain_runs.cut(session, owner.shop_id, run["run_id"], friend)
    session.commit()
    with pytest.raises(Conflict) as twice:
        bargain_runs.cut(session, owner.shop_id, run["run_id"], friend)
    assert twice.value.code == "already_helped"
    with pytest.raises(Forbidden):
        bargain_orders.checkout(session, owner.shop_id, run["run_id"], friend, dict(ADDRESS))
    session.rollback()
    assert len(session.exec(select(BargainCut)).all()) == 1


def test_before_the_floor_the_starter_buys_at_the_price_now_only_when_the_owner_allows_it(session, owner):
    tea = product_on_sale(session, owner, price=3800)
    bargain = _bargain(session, owner, tea, helpers_needed=4, buy_before_floor=True)
    starter = _shopper(session, owner, "mei@example.com")
    run = bargain_runs.start_run(session, owner.shop_id, bargain["id"], starter)
    (one,) = _cut_all(session, owner, run["run_id"], 1)
    placed = bargain_orders.checkout(session, owner.shop_id, run["run_id"], starter, dict(ADDRESS))
    session.commit()
    item = session.exec(select(OrderItem).where(OrderItem.order_id == placed["order_id"])).one()
    assert item.unit_price == one["price"] == 3800 - one["cut"]


def test_a_run_expires_after_its_hours(session, owner):
    tea = product_on_sale(session, owner, price=3800)
    bargain = _bargain(session, owner, tea, hours=2)
    starter = _shopper(session, owner, "mei@example.com")
    run = bargain_runs.start_run(session, owner.shop_id, bargain["id"], starter)
    friend = _shopper(session, owner, "lan@example.com")
    session.commit()
    with clock_at(utcnow() + timedelta(hours=2, seconds=1)):
        with pytest.raises(Conflict) as late:
            bargain_runs.cut(session, owner.shop_id, run["run_id"], friend)
        assert late.value.code == "expired"
        assert bargain_runs.run_view(session, owner.shop_id, run["run_id"])["status"] == "expired"
        with pytest.raises(Conflict) as too_late:
            bargain_orders.checkout(session, owner.shop_id, run["run_id"], starter, dict(ADDRESS))
        assert too_late.value.code == "expired"


def test_the_activitys_quantity_holds_and_a_cancelled_order_gives_its_unit_back(session, owner):
    tea = product_on_sale(session, owner, price=3800, stock=10)
    bargain = _bargain(session, owner, tea, quantity=1, helpers_needed=1)
    runs = []
    for name in ("mei", "lan"):
        token = _shopper(session, owner, f"{name}@example.com")
        run = bargain_runs.start_run(session, owner.shop_id, bargain["id"], token)
        session.commit()
        _cut_all(session, owner, run["run_id"], 1, prefix=f"{name}-friend")
        runs.append((run["run_id"], token))
    placed = bargain_orders.checkout(session, owner.shop_id, runs[0][0], runs[0][1], dict(ADDRESS))
    session.commit()
    with pytest.raises(Conflict) as gone:
        bargain_orders.checkout(session, owner.shop_id, runs[1][0], runs[1][1], dict(ADDRESS))
    assert gone.value.code == "sold_out"
    session.rollback()

    cancel.cancel_my_order(session, owner.shop_id, placed["order_no"], placed["token"], "")
    session.commit()
    assert session.get(Bargain, bargain["id"], populate_existing=True).sold == 0
    assert session.get(BargainRun, runs[0][0], populate_existing=True).order_id is None
    again = bargain_orders.checkout(session, owner.shop_id, runs[1][0], runs[1][1], dict(ADDRESS))
    payments.sandbox_pay(session, again["payment"]["id"], "success")
    session.commit()
    report = bargains.bargain_report(session, owner, bargain["id"])
    assert (report["paid_orders"], report["units"], report["revenue"], report["discount_total"]) == (1, 1, 1000, 2800)
    assert (report["runs_started"], report["runs_finished"]) == (2, 2)


def test_ending_the_activity_stops_new_runs_and_expires_open_ones(session, owner):
    tea = product_on_sale(session, owner, price=3800)
    bargain = _bargain(session, owner, tea)
    starter = _shopper(session, owner, "mei@example.com")
    run = bargain_runs.start_run(session, owner.shop_id, bargain["id"], starter)
    bargains.end_bargain(session, owner, bargain["id"])
    session.commit()
    other = _shopper(session, owner, "lan@example.com")
    with pytest.raises(Conflict) as ended:
        bargain_runs.start_run(session, owner.shop_id, bargain["id"], other)
    assert ended.value.code == "bargain_ended"
    with pytest.raises(Conflict) as expired:
        bargain_runs.cut(session, owner.shop_id, run["run_id"], other)
    assert expired.value.code == "expired"


# Concurrency ----------------------------------------------------------------------------------------

def test_twenty_friends_cutting_at_once_never_go_below_the_floor_and_each_cuts_once(session, owner):
    """20 friends (and each of them twice) press 帮砍一刀 at the same moment on a run needing 10 helpers:
    10 cuts, by 10 different friends, the price exactly the floor; the rest are told it is finished."""
    tea = product_on_sale(session, owner, price=3800)
    bargain = _bargain(session, owner, tea, helpers_needed=10)
    starter = _shopper(session, owner, "mei@example.com")
    run = bargain_runs.start_run(session, owner.shop_id, bargain["id"], starter)
    session.commit()
    friends = [_shopper(session, owner, f"f{n}@example.com") for n in range(20)]
    presses = friends + friends
    start = threading.Barrier(len(presses))
    outcomes: list[str] = []

    def press(token: str) -> None:
        start.wait()
        try:
            with session_scope() as own:
                bargain_runs.cut(own, owner.shop_id, run["run_id"], token)
            outcomes.append("cut")
        except Conflict as refused:
            outcomes.append(refused.code)

    threads = [threading.Thread(target=press, args=(token,)) for token in presses]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count("cut") == 10
    assert set(outcomes) <= {"cut", "finished", "already_helped"}
    cuts = session.exec(select(BargainCut).where(BargainCut.run_id == run["run_id"])).all()
    assert len(cuts) == 10 and len({c.customer_id for c in cuts}) == 10
    assert all(c.amount > 0 for c in cuts) and sum(c.amount for c in cuts) == 2800
    row = session.get(BargainRun, run["run_id"], populate_existing=True)
    assert (row.price, row.cuts_count) == (1000, 10)


def test_the_consoles_form_types_the_floor_in_yuan_and_names_a_bad_one(session, owner):
    from shopapp.services.marketing import bargain_forms

    tea = product_on_sale(session, owner, price=3800)
    assert [v["id"] for v in bargain_forms.variant_choices(session, owner)] == [str(tea)]
    with pytest.raises(Invalid) as refused:
        bargain_forms.create_from_form(session, owner, {"name": "x", "variant_id": str(tea), "floor_price": "abc",
                                                        "helpers_needed": "3", "hours": "24", "quantity": "5"})
    assert "floor_price" in refused.value.fields
    made = bargain_forms.create_from_form(session, owner, {"name": "砍到 9.9", "variant_id": str(tea), "floor_price": "9.9",
                                                           "helpers_needed": "3", "hours": "24", "quantity": "5",
                                                           "buy_before_floor": "on"})
    assert (made["floor_price"], made["buy_before_floor"], made["status"]) == (990, True, "active")


def test_the_marketing_centres_numbers_add_up_every_bargain(session, owner):
    from shopapp.services.marketing import activity_numbers

    tea = product_on_sale(session, owner, price=3800, stock=10)
    first = _bargain(session, owner, tea, helpers_needed=1)
    second = _bargain(session, owner, tea, helpers_needed=2)
    bargains.end_bargain(session, owner, second["id"])
    starter = _shopper(session, owner, "mei@example.com")
    run = bargain_runs.start_run(session, owner.shop_id, first["id"], starter)
    session.commit()
    _cut_all(session, owner, run["run_id"], 1)
    placed = bargain_orders.checkout(session, owner.shop_id, run["run_id"], starter, dict(ADDRESS))
    payments.sandbox_pay(session, placed["payment"]["id"], "success")
    session.commit()
    (row,) = activity_numbers.overview(session, owner)
    assert (row["kind"], row["running"], row["paid_orders"], row["units"], row["revenue"], row["discount_total"]) == (
        "bargains", 1, 1, 1, 1000, 2800)
    assert (row["runs_started"], row["runs_finished"]) == (1, 1)
