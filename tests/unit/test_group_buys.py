"""拼团 group buys in the services: the group price is exclusive in the pricing pipeline (PRICING.md step 1),
a join holds its place until its order is paid or expires, a group forms only when every place is paid, its
orders ship only then, a failed group refunds every paid member once, and a formed group stays closed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from shopapp.demo import group_buy as demo_group_buy
from shopapp.models import Order, Product, Variant
from shopapp.models.base import clock_at, utcnow
from shopapp.models.group_buys import GroupBuyGroup
from shopapp.services.checkout import group_orders
from shopapp.services.checkout.cart import Line
from shopapp.services.checkout.pricing import price_cart
from shopapp.services.core.errors import Conflict, Invalid
from shopapp.services.customers import shoppers
from shopapp.services.marketing import group_buys
from shopapp.services.marketing.offers import Offers
from shopapp.services.marketing.promotion_rules import Running
from shopapp.services.marketing.savings import UnitPrice
from shopapp.services.orders import cancel, fulfillment, payments, refunds
from shopapp.services.shops import accounts
from tests.shopping import ADDRESS, product_on_sale


def _line(variant_id: int, price: int, qty: int) -> Line:
    return Line(variant_id=variant_id, qty=qty, problem=None,
                variant=Variant(id=variant_id, shop_id=1, product_id=1, price=price, weight_grams=0, stock=9),
                product=Product(id=1, shop_id=1, title="龙井", status="active"))


def test_a_group_price_is_exclusive_and_takes_nothing_from_the_other_steps():
    limited = Running(id=5, kind="limited_discount", name="限时", whole_shop=True, product_ids=frozenset(), variant_ids=frozenset(), percent_off=50)
    offers = Offers(shop_id=1, promotions=(limited,), member_percent=10,
                    extra={"exclusive_prices": {11: UnitPrice(3000, "group_buy", 7, "拼团价", exclusive=True)}})
    priced = price_cart([_line(11, 5000, 2), _line(12, 1000, 1)], offers=offers)
    group_line, plain_line = priced.items
    assert (group_line.unit_price, group_line.paid) == (3000, 6000)  # no half price, no member discount on top
    assert plain_line.unit_price == 500  # the other line still has its limited discount
    assert [d.as_dict() for d in priced.discounts][0] == {"source": "group_buy", "id": 7, "label": "拼团价", "amount": 4000}


def _setup(session: Session, owner, **overrides) -> tuple[dict, int]:
    variant_id = product_on_sale(session, owner, price=5000, stock=10)
    product_id = session.get(Variant, variant_id).product_id
    now = utcnow()
    made = group_buys.create_group_buy(session, owner, {
        "name": "两人团", "product_id": product_id, "prices": {str(variant_id): 3000}, "group_size": 2, "hours_to_form": 24,
        "starts_at": (now - timedelta(minutes=1)).isoformat(), "ends_at": (now + timedelta(days=3)).isoformat(), **overrides,
    })
    session.commit()
    return made, variant_id


def _shopper(session: Session, shop_id: int, email: str) -> str:
    token = shoppers.register(session, shop_id, email=email, password="secret-pass-1", name=email[:3]).token
    session.commit()
    return token


def _body(variant_id: int) -> dict:
    return {"variant_id": variant_id, "qty": 1, "address": dict(ADDRESS)}


def _paid(session: Session, placed: dict) -> Order:
    payments.sandbox_pay(session, placed["payment"]["id"], "success")
    session.commit()
    return session.get(Order, placed["order_id"], populate_existing=True)


def _group(session: Session, group_id: int) -> GroupBuyGroup:
    return session.get(GroupBuyGroup, group_id, populate_existing=True)


def test_an_activity_priced_above_the_normal_price_or_ending_before_it_starts_is_refused(session, owner):
    variant_id = product_on_sale(session, owner, price=5000)
    product_id = session.get(Variant, variant_id).product_id
    now = utcnow()
    with pytest.raises(Invalid) as refused:
        group_buys.create_group_buy(session, owner, {
            "name": "贵", "product_id": product_id, "prices": {str(variant_id): 5000}, "group_size": 51, "hours_to_form": 0,
            "starts_at": now.isoformat(), "ends_at": (now - timedelta(hours=1)).isoformat(), "fill_with_virtual": "yes",
        })
    assert refused.value.fields == {
        f"prices.{variant_id}": "group_price_not_below_price", "group_size": "number_out_of_range",
        "hours_to_form": "number_out_of_range", "ends_at": "ends_before_start", "fill_with_virtual": "must_be_true_or_false",
    }
    assert group_buys.list_group_buys(session, owner) == []


def test_a_join_holds_its_place_until_its_order_expires_then_the_place_is_free(session, owner):
    made, variant_id = _setup(session, owner)
    lin, wang = _shopper(session, owner.shop_id, "lin@example.com"), _shopper(session, owner.shop_id, "wang@example.com")
    opened = group_orders.open_group(session, owner.shop_id, made["id"], lin, _body(variant_id))
    session.commit()
    group = _group(session, opened["group_id"])
    assert (group.status, group.taken, group.paid_members) == ("forming", 1, 0)
    # The opener never pays: the order expires, the place is free, and with nobody left the group is over.
    with clock_at(utcnow() + timedelta(hours=2)):
        assert cancel.expire_unpaid_orders(session) == 1
    session.commit()
    group = _group(session, opened["group_id"])
    assert (group.status, group.taken) == ("failed", 0)
    with pytest.raises(Conflict) as closed:
        group_orders.join_group(session, owner.shop_id, opened["group_id"], wang, _body(variant_id))
    assert closed.value.code == "group_closed"


def test_a_group_ships_only_once_formed_and_stays_closed_after_a_refund(session, owner):
    made, variant_id = _setup(session, owner)
    lin, wang, zhou = (_shopper(session, owner.shop_id, f"{n}@example.com") for n in ("lin", "wang", "zhou"))
    opened = group_orders.open_group(session, owner.shop_id, made["id"], lin, _body(variant_id))
    session.commit()
    first = _paid(session, opened)
    with pytest.raises(Conflict) as waiting:
        fulfillment.ship(session, owner, first.id, None, "SF", "SF1234567890123")
    assert waiting.value.code == "group_not_formed"
    session.rollback()
    joined = group_orders.join_group(session, owner.shop_id, opened["group_id"], wang, _body(variant_id))
    session.commit()
    second = _paid(session, joined)
    assert _group(session, opened["group_id"]).status == "formed"
    fulfillment.ship(session, owner, first.id, None, "SF", "SF1234567890123")
    refunds.cancel_paid_order(session, owner, second, "不要了")
    session.commit()
    group = _group(session, opened["group_id"])
    assert (group.status, group_buys.joinable(group)) == ("formed", False)
    with pytest.raises(Conflict) as closed:
        group_orders.join_group(session, owner.shop_id, opened["group_id"], zhou, _body(variant_id))
    assert closed.value.code == "group_closed"


def test_a_failed_group_refunds_each_paid_member_once_even_a_payment_that_lands_after_the_failure(session, owner):
    made, variant_id = _setup(session, owner, group_size=3, hours_to_form=1)
    lin, wang = _shopper(session, owner.shop_id, "lin@example.com"), _shopper(session, owner.shop_id, "wang@example.com")
    opened = group_orders.open_group(session, owner.shop_id, made["id"], lin, _body(variant_id))
    session.commit()
    _paid(session, opened)
    joined = group_orders.join_group(session, owner.shop_id, opened["group_id"], wang, _body(variant_id))
    session.commit()
    with clock_at(utcnow() + timedelta(minutes=61)):
        assert group_orders.close_due_groups(session) == 1
    session.commit()
    assert _group(session, opened["group_id"]).status == "failed"
    # Wang's unpaid order was cancelled with the group; Lin's paid one refunded in full.
    assert session.get(Order, joined["order_id"], populate_existing=True).status == "cancelled"
    refunded = session.get(Order, opened["order_id"], populate_existing=True)
    assert (refunded.status, refunded.refunded_total) == ("closed", refunded.total)
    assert group_orders.refund_failed_members(session) == 0
    assert session.exec(select(Variant.stock).where(Variant.id == variant_id)).one() == 10


def test_the_demo_shop_seeds_one_live_group_buy_with_a_group_waiting_for_its_second_member(session, owner):
    variant_id = product_on_sale(session, owner, price=12800, title=demo_group_buy.TEA)
    token = accounts.login(session, email="owner@example.com", password="secret-pass").token
    session.commit()
    activity_id = demo_group_buy.seed_group_buy(token, owner.shop_id)
    offer = group_buys.storefront_offer(session, owner.shop_id, session.get(Variant, variant_id).product_id)
    assert offer["id"] == activity_id and offer["prices"] == {str(variant_id): 10200}
    assert [(g["missing"], g["opener_masked"]) for g in offer["groups"]] == [(1, "林**")]

