"""A paid activity order refunded in full: its goods go back to the variant's stock (orders/refunds, through the
inventory), its unit stays sold in the activity (as Youzan's 秒杀: a refund neither reopens a sold-out sale
nor lets a shopper buy past the limit), a bargain's run shows it was refunded and is never bought again at
its price, and a group member's place comes free while the group forms (a formed group stays formed)."""

from __future__ import annotations

import pytest

from shopapp.db import session_scope
from shopapp.models import Order
from shopapp.models.bargains import Bargain
from shopapp.services.checkout import bargain_orders, group_orders
from shopapp.services.core.errors import Conflict
from shopapp.services.marketing import bargain_runs, flash_sales
from shopapp.services.orders import payments, refunds
from tests.flash_sale_shop import sale_on, shoppers_of
from tests.shopping import ADDRESS, product_on_sale, stock_of
from tests.unit import test_bargains as bargain_shop
from tests.unit import test_group_buys as group_shop
from tests.unit.test_flash_sales import _buy, _sold_and_left


def _refund_in_full(session, owner, order_id: int) -> Order:
    order = session.get(Order, order_id, populate_existing=True)
    refunds.cancel_paid_order(session, owner, order, "不要了")
    session.commit()
    return session.get(Order, order_id, populate_existing=True)


def test_a_refunded_flash_unit_goes_back_to_stock_but_not_to_the_sale_nor_round_the_limit(session, owner):
    tea = product_on_sale(session, owner, stock=10)
    sale = sale_on(session, owner, tea, quantity=1, limit=1)
    amy, bob = shoppers_of(session, owner.shop_id, 2)
    session.close()  # the rush's services open their own transactions, as the storefront's do
    placed = _buy(sale["id"], amy)
    with session_scope() as pay:
        payments.sandbox_pay(pay, placed["payment"]["id"], "success")
    with session_scope() as check:
        assert stock_of(check, tea) == 9

    with session_scope() as console:
        assert _refund_in_full(console, owner, placed["order_id"]).status == "closed"

    with session_scope() as check:
        assert stock_of(check, tea) == 10  # the goods are the shop's again, on sale at the usual price
    assert _sold_and_left(sale["id"]) == (1, 0)  # the sale's one unit was sold: it does not reopen
    for shopper, told in ((bob, "sold_out"), (amy, "sold_out")):
        with pytest.raises(Conflict) as refused:
            _buy(sale["id"], shopper)
        assert refused.value.code == told
    with session_scope() as check:
        report = flash_sales.flash_sale_report(check, owner, sale["id"])
    assert (report["paid_orders"], report["units"], report["revenue"]) == (0, 0, 0)  # net of the refund


def test_a_refunded_bargain_unit_goes_back_to_stock_and_its_run_shows_refunded_and_stays_spent(session, owner):
    tea = product_on_sale(session, owner, price=3800, stock=10)
    bargain = bargain_shop._bargain(session, owner, tea, helpers_needed=1, quantity=2)
    starter = bargain_shop._shopper(session, owner, "mei@example.com")
    run = bargain_runs.start_run(session, owner.shop_id, bargain["id"], starter)
    session.commit()
    bargain_shop._cut_all(session, owner, run["run_id"], 1)
    placed = bargain_orders.checkout(session, owner.shop_id, run["run_id"], starter, dict(ADDRESS))
    payments.sandbox_pay(session, placed["payment"]["id"], "success")
    session.commit()
    assert stock_of(session, tea) == 9

    _refund_in_full(session, owner, placed["order_id"])

    assert stock_of(session, tea) == 10
    assert session.get(Bargain, bargain["id"], populate_existing=True).sold == 1
    assert bargain_runs.run_view(session, owner.shop_id, run["run_id"], starter)["status"] == "refunded"
    with pytest.raises(Conflict) as spent:  # the refunded run is never bought again at its price
        bargain_orders.checkout(session, owner.shop_id, run["run_id"], starter, dict(ADDRESS))
    assert spent.value.code == "already_ordered"
    session.rollback()
    fresh = bargain_runs.start_run(session, owner.shop_id, bargain["id"], starter)  # a new run, from the full price
    session.commit()
    assert (fresh["run_id"] != run["run_id"], fresh["price"]) == (True, 3800)


def test_a_refunded_member_of_a_forming_group_frees_the_place_and_the_stock(session, owner):
    made, variant_id = group_shop._setup(session, owner, group_size=3)
    lin, wang, zhou = (group_shop._shopper(session, owner.shop_id, f"{n}@example.com") for n in ("lin", "wang", "zhou"))
    opened = group_orders.open_group(session, owner.shop_id, made["id"], lin, group_shop._body(variant_id))
    session.commit()
    group_shop._paid(session, opened)
    joined = group_orders.join_group(session, owner.shop_id, opened["group_id"], wang, group_shop._body(variant_id))
    session.commit()
    second = group_shop._paid(session, joined)
    assert stock_of(session, variant_id) == 8

    _refund_in_full(session, owner, second.id)

    assert stock_of(session, variant_id) == 9
    group = group_shop._group(session, opened["group_id"])
    assert (group.status, group.taken, group.paid_members) == ("forming", 1, 1)
    third = group_orders.join_group(session, owner.shop_id, opened["group_id"], zhou, group_shop._body(variant_id))
    session.commit()
    assert third["group_id"] == opened["group_id"]  # the place Wang left is Zhou's
