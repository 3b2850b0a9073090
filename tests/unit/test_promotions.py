"""The owner runs automatic promotions: what a promotion may say, when it runs, and what it does to real orders."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from shopapp.models import Order, OrderItem, Product, ProductCategory, Promotion, Variant
from shopapp.models.base import utcnow
from shopapp.services.catalog import categories
from shopapp.services.checkout import place
from shopapp.services.checkout import quote as checkout_quote
from shopapp.services.core.errors import Conflict, Forbidden, Invalid
from shopapp.services.core.permissions import Actor
from shopapp.services.customers import shoppers
from shopapp.services.marketing import promotion_report, promotions
from shopapp.services.orders import payments
from tests.conftest import make_shop
from tests.shopping import ADDRESS, cart_with, product_on_sale, stock_of


def _when(hours_from_now: float) -> str:
    return (utcnow() + timedelta(hours=hours_from_now)).isoformat()


def _create(session, owner, **fields) -> dict:
    data = {"kind": "tiered", "name": "店庆满减", "starts_at": _when(-1), "ends_at": _when(24), **fields}
    made = promotions.create_promotion(session, owner, data)
    session.commit()
    return made


def _refused(session, owner, **fields) -> dict:
    with pytest.raises(Invalid) as refused:
        _create(session, owner, **fields)
    session.rollback()
    assert session.exec(select(Promotion)).all() == []  # nothing saved
    return refused.value.fields


def test_owner_creates_a_tiered_promotion_that_runs_now(session, owner):
    made = _create(session, owner, tiers=[{"min_amount": 10000, "amount_off": 1000}, {"min_amount": 30000, "amount_off": 4000}])
    assert (made["kind"], made["status"], made["label"]) == ("tiered", "active", "满100减10")
    assert made["tiers"][1] == {"min_amount": 30000, "amount_off": 4000}
    soon = _create(session, owner, name="下周", starts_at=_when(24), ends_at=_when(48), tiers=[{"min_qty": 2, "free_shipping": True}])
    assert soon["status"] == "scheduled"
    assert [p["id"] for p in promotions.list_promotions(session, owner, status="active")] == [made["id"]]
    assert [p["id"] for p in promotions.list_promotions(session, owner, status="scheduled")] == [soon["id"]]


def test_overlapping_tiers_a_percent_over_99_and_an_end_before_the_start_are_refused(session, owner):
    overlapping = [{"min_amount": 30000, "amount_off": 4000}, {"min_amount": 30000, "amount_off": 5000}]
    assert _refused(session, owner, tiers=overlapping) == {"tiers.1.min_amount": "tiers_not_increasing"}
    falling = [{"min_amount": 30000, "amount_off": 4000}, {"min_amount": 10000, "amount_off": 1000}]
    assert _refused(session, owner, tiers=falling) == {"tiers.1.min_amount": "tiers_not_increasing"}
    assert _refused(session, owner, kind="second_half", percent_off=150) == {"percent_off": "percent_out_of_range"}
    assert _refused(session, owner, kind="limited_discount", percent_off=0) == {"percent_off": "percent_out_of_range"}
    fields = _refused(session, owner, kind="second_half", percent_off=50, starts_at=_when(5), ends_at=_when(1))
    assert fields == {"ends_at": "ends_before_start"}


def test_more_bad_promotions_are_refused_with_the_field_that_is_wrong(session, owner):
    tea = product_on_sale(session, owner, price=3800)
    assert _refused(session, owner, tiers=[{"min_amount": 100, "amount_off": 100}]) == {"tiers.0.amount_off": "amount_off_not_below_threshold"}
    assert _refused(session, owner, tiers=[{"min_amount": 100}]) == {"tiers.0.amount_off": "tier_reward_required"}
    two = [{"min_amount": 100, "amount_off": 10}, {"min_amount": 200, "amount_off": 30}]
    assert _refused(session, owner, tiers=two, repeat=True) == {"repeat": "repeat_needs_one_amount_tier"}
    assert _refused(session, owner, tiers=[{"min_amount": 100, "amount_off": 10}, {"min_qty": 3, "amount_off": 30}]) == {"tiers": "tiers_mixed_measures"}
    assert _refused(session, owner, kind="limited_discount", prices={str(tea): 3800}) == {f"prices.{tea}": "price_not_below_variant"}
    assert _refused(session, owner, kind="limited_discount") == {"percent_off": "percent_or_prices"}
    assert _refused(session, owner, kind="bundle", qty=1, price=100) == {"qty": "number_out_of_range"}
    assert _refused(session, owner, kind="lottery") == {"kind": "promotion_kind_invalid"}


def test_a_scope_must_name_the_shops_own_products(session, owner):
    other = make_shop(session, "other-shop")
    theirs = product_on_sale(session, other, sku="THEIRS")
    fields = _refused(session, owner, kind="second_half", percent_off=50, variant_ids=[theirs])
    assert fields == {"variant_ids": "variants_not_in_shop"}


def test_support_staff_cannot_create_promotions(session, owner):
    support = Actor(shop_id=owner.shop_id, role="support", user_id=owner.user_id)
    with pytest.raises(Forbidden):
        promotions.create_promotion(session, support, {"kind": "second_half"})


def test_an_ended_promotion_no_longer_prices_and_cannot_be_edited(session, owner):
    tea = product_on_sale(session, owner, price=10000)
    made = _create(session, owner, kind="limited_discount", name="限时", percent_off=20)
    token = cart_with(session, owner.shop_id, (tea, 1))
    assert checkout_quote.quote(session, owner.shop_id, token, province="浙江省")["items"][0]["unit_price"] == 8000
    ended = promotions.end_promotion(session, owner, made["id"])
    session.commit()
    assert ended["status"] == "ended" and ended["ended_at"]
    assert checkout_quote.quote(session, owner.shop_id, token, province="浙江省")["items"][0]["unit_price"] == 10000
    with pytest.raises(Conflict):
        promotions.update_promotion(session, owner, made["id"], {"percent_off": 30})


def test_owner_changes_a_running_promotion_and_bad_changes_leave_it_as_it_was(session, owner):
    made = _create(session, owner, kind="second_half", name="第二件半价", percent_off=50)
    changed = promotions.update_promotion(session, owner, made["id"], {"percent_off": 30})
    session.commit()
    assert (changed["percent_off"], changed["label"]) == (30, "第二件 7 折")
    with pytest.raises(Invalid):
        promotions.update_promotion(session, owner, made["id"], {"percent_off": 120})
    session.rollback()
    assert promotions.get_promotion(session, owner, made["id"])["percent_off"] == 30


def test_a_category_promotion_covers_the_products_of_its_subcategories(session, owner):
    tea = product_on_sale(session, owner, price=10000)
    cake = product_on_sale(session, owner, price=10000, sku="CAKE", title="月饼")
    parent = categories.create_category(session, owner, "茶叶")
    child = categories.create_category(session, owner, "绿茶", parent_id=parent.id)
    product_id = session.get(Variant, tea).product_id
    session.add(ProductCategory(product_id=product_id, category_id=child.id, shop_id=owner.shop_id))
    session.commit()
    _create(session, owner, kind="limited_discount", name="茶叶 9 折", percent_off=10, category_ids=[parent.id])
    token = cart_with(session, owner.shop_id, (tea, 1), (cake, 1))
    shown = checkout_quote.quote(session, owner.shop_id, token, province="浙江省")
    assert [i["unit_price"] for i in shown["items"]] == [9000, 10000]


def _shopper(session, shop_id: int, email: str = "amy@example.com") -> str:
    token = shoppers.register(session, shop_id, email=email, password="secret-pass").token
    session.commit()
    return token


def _buy(session, shop_id: int, customer: str | None, *lines, pay: bool = True) -> Order:
    token = cart_with(session, shop_id, *lines)
    placed = place.place_order(session, shop_id, token, "amy@example.com", dict(ADDRESS), customer_token=customer)
    if pay and placed["payment"]:
        payments.sandbox_pay(session, placed["payment"]["id"], "success")
    session.commit()
    return session.get(Order, placed["order_id"], populate_existing=True)


def test_a_per_customer_limit_counts_the_units_of_the_customers_earlier_orders(session, owner):
    """saleor#18627: a limit of 2 lasts across orders; the third unit pays the normal price on its own line."""
    tea = product_on_sale(session, owner, price=10000, stock=20)
    made = _create(session, owner, kind="limited_discount", name="限购 2 件", percent_off=20, per_customer_limit=2)
    amy = _shopper(session, owner.shop_id)
    first = _buy(session, owner.shop_id, amy, (tea, 1), pay=False)  # pending orders count too
    token = cart_with(session, owner.shop_id, (tea, 3))
    shown = checkout_quote.quote(session, owner.shop_id, token, province="浙江省", customer_token=amy)
    assert [(i["variant_id"], i["qty"], i["unit_price"], i["total"], i["paid"]) for i in shown["items"]] == [
        (tea, 1, 8000, 8000, 8000), (tea, 2, 10000, 20000, 20000),
    ]
    second = _buy(session, owner.shop_id, amy, (tea, 3))
    items = session.exec(select(OrderItem).where(OrderItem.order_id == second.id).order_by(OrderItem.id)).all()
    assert [(i.qty, i.unit_price, i.paid) for i in items] == [(1, 8000, 8000), (2, 10000, 20000)]
    assert items[0].discounts == [{"source": "limited_discount", "id": made["id"], "amount": 2000}]
    assert first.total == 8000 + 1000 and second.total == 28000  # shipping ¥10, free from ¥99
    third = _buy(session, owner.shop_id, amy, (tea, 1))
    assert third.discount_total == 0


def test_a_gift_tier_puts_the_gift_in_the_order_and_takes_its_unit_from_stock(session, owner):
    tea = product_on_sale(session, owner, price=30000)
    cup = product_on_sale(session, owner, price=2500, stock=1, sku="CUP", title="茶杯")
    _create(session, owner, tiers=[{"min_amount": 20000, "gift_variant_id": cup}])
    token = cart_with(session, owner.shop_id, (tea, 1))
    shown = checkout_quote.quote(session, owner.shop_id, token, province="浙江省")
    assert [(i["variant_id"], i["unit_price"], i["paid"], i["gift"]) for i in shown["items"]] == [(tea, 30000, 30000, False), (cup, 0, 0, True)]
    order = _buy(session, owner.shop_id, None, (tea, 1))
    items = session.exec(select(OrderItem).where(OrderItem.order_id == order.id).order_by(OrderItem.id)).all()
    assert [(i.variant_id, i.paid, i.gift) for i in items] == [(tea, 30000, False), (cup, 0, True)]
    assert stock_of(session, cup) == 0 and order.total == 30000  # shipping free from ¥99
    later = _buy(session, owner.shop_id, None, (tea, 1))  # no cup left: no gift, no error
    assert [i.gift for i in session.exec(select(OrderItem).where(OrderItem.order_id == later.id))] == [False]


def test_the_report_counts_paid_orders_units_revenue_discount_and_new_customers(session, owner):
    tea = product_on_sale(session, owner, price=10000, stock=20)
    made = _create(session, owner, tiers=[{"min_amount": 20000, "amount_off": 3000}])
    paid = _buy(session, owner.shop_id, None, (tea, 2))
    _buy(session, owner.shop_id, None, (tea, 3), pay=False)
    _buy(session, owner.shop_id, None, (tea, 1))  # below the tier: not touched
    report = promotion_report.promotion_report(session, owner, made["id"])
    assert (report["orders"], report["paid_orders"], report["units"]) == (2, 1, 2)
    assert (report["revenue"], report["discount_total"]) == (17000, 3000)
    assert (report["customers"], report["new_customers"]) == (1, 1)
    assert [row["order_no"] for row in report["order_list"]][-1] == paid.order_no


def test_one_customers_checkouts_at_once_get_a_limit_of_one_only_once(session, owner):
    """saleor#18627 under load: five checkouts of one shopper at the same moment, limit 1 per customer:
    one order has the limited price, the others are refused and keep nothing."""
    import threading

    from shopapp.db import session_scope

    tea = product_on_sale(session, owner, price=10000, stock=20)
    made = _create(session, owner, kind="limited_discount", name="限购 1 件", percent_off=50, per_customer_limit=1)
    _shopper(session, owner.shop_id)
    # Five phones, each logged in on its own (so nothing of one log-in makes them wait for each other).
    devices = [shoppers.log_in(session, owner.shop_id, email="amy@example.com", password="secret-pass").token for _ in range(5)]
    session.commit()
    carts = [(cart_with(session, owner.shop_id, (tea, 1)), device) for device in devices]
    start, outcomes = threading.Barrier(len(carts)), []

    def press_pay(cart: str, device: str) -> None:
        start.wait()
        try:
            with session_scope() as own:
                place.place_order(own, owner.shop_id, cart, "amy@example.com", dict(ADDRESS), customer_token=device)
            outcomes.append("ordered")
        except Conflict as refused:
            outcomes.append(refused.code)

    threads = [threading.Thread(target=press_pay, args=pair) for pair in carts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    session.expire_all()
    limited = [i for i in session.exec(select(OrderItem)) if any(d["source"] == "limited_discount" for d in i.discounts)]
    assert sum(i.qty for i in limited) == 1 and all(d["id"] == made["id"] for i in limited for d in i.discounts)
    assert outcomes.count("ordered") + outcomes.count("promotion_limit_reached") == 5, outcomes
    assert stock_of(session, tea) == 20 - outcomes.count("ordered")


def test_product_cards_and_pages_show_badges_and_the_guests_limited_price(session, owner):
    from shopapp.services.marketing import promotion_badges

    tea = product_on_sale(session, owner, price=10000)
    cake = product_on_sale(session, owner, price=5000, sku="CAKE", title="月饼")
    tea_product, cake_product = session.get(Variant, tea).product_id, session.get(Variant, cake).product_id
    assert promotion_badges.for_products(session, owner.shop_id, [(tea_product, 10000)]) == {}  # nothing running
    _create(session, owner, tiers=[{"min_amount": 30000, "amount_off": 4000}])
    limited = _create(session, owner, kind="limited_discount", name="龙井 8 折", percent_off=20, product_ids=[tea_product])
    _create(session, owner, kind="limited_discount", name="月饼特价", prices={str(cake): 3990})
    cards = promotion_badges.for_products(session, owner.shop_id, [(tea_product, 10000), (cake_product, 5000)])
    assert cards[tea_product].badges == ("满 300 减 40", "限时 8 折") and cards[tea_product].sale_price == 8000
    assert cards[tea_product].ends_at.isoformat(timespec="seconds") == limited["ends_at"].replace("Z", "+00:00")
    assert cards[cake_product].badges == ("满 300 减 40", "限时特价") and cards[cake_product].sale_price is None
    page, prices = promotion_badges.for_variants(session, owner.shop_id, cake_product, [(cake, 5000)])
    assert prices == {cake: 3990} and page.sale_price == 3990 and "限时特价" in page.badges


def test_the_report_takes_refunded_units_off_revenue_and_units(session, owner):
    from shopapp.services.orders import refunds

    tea = product_on_sale(session, owner, price=10000, stock=20)
    made = _create(session, owner, kind="limited_discount", name="8 折", percent_off=20)
    order = _buy(session, owner.shop_id, None, (tea, 3))  # 3 × ¥80 = ¥240
    line = session.exec(select(OrderItem).where(OrderItem.order_id == order.id)).one()
    refunds.refund(session, owner, order.id, None, "一件坏了", items=[{"order_item_id": line.id, "qty": 1}])
    session.commit()
    report = promotion_report.promotion_report(session, owner, made["id"])
    assert (report["units"], report["revenue"], report["discount_total"]) == (2, 16000, 6000)


def test_the_console_form_is_typed_in_yuan_on_the_shops_clock(session, owner):
    from shopapp.services.marketing import promotion_forms

    form = {"name": "满减", "starts_at": "2026-12-06T10:00", "ends_at": "2026-12-09T20:00", "product_ids": "3, 5",
            "tier_measure": "amount", "repeat": ""}
    rows = [{"min": "300", "reward": "amount_off", "value": "40"}, {"min": "500", "reward": "free_shipping", "value": ""}]
    data = promotion_forms.typed_promotion("tiered", form, rows, owner.shop_id)
    assert data["starts_at"] == "2026-12-06T10:00:00+08:00" and data["product_ids"] == [3, 5]
    assert data["tiers"] == [{"min_amount": 30000, "amount_off": 4000}, {"min_amount": 50000, "free_shipping": True}]
    with pytest.raises(Invalid) as refused:
        promotion_forms.typed_promotion("tiered", form, [{"min": "3x", "reward": "amount_off", "value": "40"}], owner.shop_id)
    assert refused.value.fields == {"tiers.0.min_amount": "must_be_money"}
    made = _create(session, owner, **{k: v for k, v in data.items() if k != "product_ids"})
    shown, tiers = promotion_forms.form_values(made, owner.shop_id)
    assert (shown["starts_at"], tiers) == ("2026-12-06T10:00", [{"min": "300", "reward": "amount_off", "value": "40"},
                                                               {"min": "500", "reward": "free_shipping", "value": ""}])


def test_a_gift_that_sold_out_during_checkout_leaves_the_order_without_it(session, owner, monkeypatch):
    from shopapp.services.marketing import promotion_rules

    tea = product_on_sale(session, owner, price=30000)
    cup = product_on_sale(session, owner, price=2500, stock=0, sku="CUP", title="茶杯")
    _create(session, owner, tiers=[{"min_amount": 20000, "gift_variant_id": cup}])
    cup_row = session.get(Variant, cup)
    # The offers were loaded while one cup was left; the last one went before this order took it.
    in_stock_then = {cup: (cup_row, session.get(Product, cup_row.product_id))}
    monkeypatch.setattr(promotion_rules, "_gifts_in_stock", lambda *_: in_stock_then)
    order = _buy(session, owner.shop_id, None, (tea, 1))
    items = session.exec(select(OrderItem).where(OrderItem.order_id == order.id)).all()
    assert [(i.variant_id, i.gift) for i in items] == [(tea, False)] and order.total == 30000
    assert stock_of(session, cup) == 0
