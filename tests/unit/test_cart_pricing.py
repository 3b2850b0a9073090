"""The pricing pipeline (PRICING.md): one function prices the quote and the order alike; savings are
shared over the lines in whole 分, and refunds give back what a line was paid."""

from __future__ import annotations

import pytest

from shopapp.models import Order
from shopapp.services.catalog import products
from shopapp.services.catalog import views as catalog_views
from shopapp.services.checkout import cart, place, shipping
from shopapp.services.checkout import pricing as cart_pricing
from shopapp.services.checkout import quote as checkout_quote
from shopapp.services.core.money import allocate, refund_for_units
from shopapp.services.orders import views
from tests.shopping import ADDRESS, cart_with, order_wide_saving, product_on_sale


def _lines(session, shop_id: int, token: str) -> list[cart.Line]:
    return cart.cart_lines(session, cart.load_cart(session, shop_id, token))


def _place(session, shop_id: int, token: str) -> Order:
    placed = place.place_order(session, shop_id, token, "buyer@example.com", dict(ADDRESS))
    return session.get(Order, placed["order_id"])


def _gift_card(session, owner, price: int = 10000) -> int:
    card = products.create_product(session, owner, {"title": "礼品卡", "status": "active", "product_type": "virtual",
                                                   "variants": [{"sku": "CARD", "price": price, "stock": 50}]})
    return catalog_views.product_dict(session, card, with_cost=True)["variants"][0]["id"]


def test_a_saving_is_shared_by_line_amount_and_the_leftover_fen_go_to_the_largest_remainders():
    assert allocate(1000, [3000, 2000, 1000]) == [500, 333, 167]  # 333.33 and 166.67: the 1 分 left goes to .67
    assert allocate(100, [1000, 1000, 1000]) == [34, 33, 33]  # equal remainders: the earlier line first
    assert allocate(1, [500, 500]) == [1, 0]
    assert allocate(0, [1200, 0]) == [0, 0] and allocate(0, []) == []
    assert allocate(999, [0, 1, 0]) == [0, 999, 0]
    for amount in (1, 7, 99, 1000, 12345):
        for weights in ([1, 1, 1], [3800, 1250, 1], [9999, 2, 3, 5], [10, 0, 10]):
            shares = allocate(amount, weights)
            assert sum(shares) == amount and all(share >= 0 for share in shares)
    with pytest.raises(ValueError):
        allocate(5, [0, 0])
    with pytest.raises(ValueError):
        allocate(-1, [100])


def test_refunding_some_units_then_the_last_ones_gives_back_exactly_what_the_line_paid():
    first = refund_for_units(1000, 3, 1)
    assert first == 333  # floor(1000 × 1 / 3)
    assert refund_for_units(1000, 3, 2, [1]) == 667 and first + 667 == 1000
    # One unit at a time: floor each time, the last unit takes what is left.
    assert [refund_for_units(200, 3, 1), refund_for_units(200, 3, 1, [1]), refund_for_units(200, 3, 1, [1, 1])] == [66, 66, 68]
    assert refund_for_units(6741, 2, 2) == 6741  # the whole line: its paid
    for bad in ((1000, 3, 0, ()), (1000, 3, 3, [1]), (1000, 3, 1, [0])):
        with pytest.raises(ValueError):
            refund_for_units(*bad)


def test_without_discounts_each_line_pays_its_catalogue_price_plus_shipping(session, owner):
    tea = product_on_sale(session, owner, price=3800)
    cake = product_on_sale(session, owner, price=1250, sku="CAKE-1", title="月饼")
    token = cart_with(session, owner.shop_id, (tea, 2), (cake, 1))
    method = shipping.method_for_checkout(session, owner.shop_id, None, "浙江省", {})
    priced = cart_pricing.price_cart(_lines(session, owner.shop_id, token), shipping_method=method)
    assert (priced.subtotal, priced.discount_total, priced.shipping_total, priced.total) == (8850, 0, 1000, 9850)
    assert priced.discounts == () and priced.weight_grams == 750
    assert [(i.unit_price, i.total, i.paid, i.discounts) for i in priced.items] == [(3800, 7600, 7600, ()), (1250, 1250, 1250, ())]
    assert priced.as_dict() == {"subtotal": 8850, "discounts": [], "discount_total": 0, "shipping_total": 1000, "total": 9850}


def test_a_cart_of_virtual_goods_pays_no_shipping_even_with_a_method(session, owner):
    token = cart_with(session, owner.shop_id, (_gift_card(session, owner), 1))
    method = shipping.method_for_checkout(session, owner.shop_id, None, "浙江省", {})
    priced = cart_pricing.price_cart(_lines(session, owner.shop_id, token), shipping_method=method)
    assert (priced.shipping_total, priced.total, priced.weight_grams) == (0, 10000, 0)


def test_the_quote_and_the_order_placed_from_the_same_cart_carry_the_same_numbers(session, owner):
    tea = product_on_sale(session, owner, price=3800)
    cake = product_on_sale(session, owner, price=1250, sku="CAKE-1", title="月饼")
    token = cart_with(session, owner.shop_id, (tea, 2), (cake, 1))
    quote = checkout_quote.quote(session, owner.shop_id, token, province="浙江省")
    order = views.shopper_order_dict(session, _place(session, owner.shop_id, token))
    for key in ("subtotal", "discounts", "discount_total", "shipping_total", "total"):
        assert quote[key] == order[key], key
    pricing = lambda item: (item["variant_id"], item["qty"], item["unit_price"], item["paid"], item["discounts"])  # noqa: E731
    assert [pricing(i) for i in quote["items"]] == [pricing(i) for i in order["items"]]
    assert [i["paid"] for i in order["items"]] == [7600, 1250] and order["total"] == 9850


def test_a_saving_plugged_into_the_pipeline_reaches_the_quote_and_the_order_alike(session, owner, monkeypatch):
    """What the marketing centre will do: a step's saving is shared over the lines, in the quote and the order."""
    monkeypatch.setattr(cart_pricing, "DISCOUNT_STEPS", (order_wide_saving(1000),))
    tea = product_on_sale(session, owner, price=3800)
    cake = product_on_sale(session, owner, price=1250, sku="CAKE-1", title="月饼")
    token = cart_with(session, owner.shop_id, (tea, 2), (cake, 1))
    quote = checkout_quote.quote(session, owner.shop_id, token, province="浙江省")
    saving = {"source": "tiered", "id": 7, "label": "满减", "amount": 1000}
    assert (quote["subtotal"], quote["discounts"], quote["discount_total"], quote["total"]) == (8850, [saving], 1000, 8850)
    # 1000 over 7600 and 1250: 858.76 and 141.24, the 分 left to the larger remainder.
    assert [(i["paid"], i["discounts"]) for i in quote["items"]] == [
        (6741, [{"source": "tiered", "id": 7, "amount": 859}]), (1109, [{"source": "tiered", "id": 7, "amount": 141}]),
    ]
    order = _place(session, owner.shop_id, token)
    shown = views.shopper_order_dict(session, order)
    assert (order.subtotal, order.discount_total, order.shipping_total, order.total) == (8850, 1000, 1000, 8850)
    assert shown["discounts"] == [saving]
    assert [(i["unit_price"], i["total"], i["paid"], i["discounts"]) for i in shown["items"]] == [
        (3800, 7600, 6741, quote["items"][0]["discounts"]), (1250, 1250, 1109, quote["items"][1]["discounts"]),
    ]
    assert sum(i["paid"] for i in shown["items"]) + order.shipping_total == order.total


def test_a_saving_never_takes_more_than_the_lines_it_came_from(session, owner, monkeypatch):
    monkeypatch.setattr(cart_pricing, "DISCOUNT_STEPS", (order_wide_saving(999_999, source="coupon"),))
    tea = product_on_sale(session, owner, price=3800)
    token = cart_with(session, owner.shop_id, (tea, 1))
    method = shipping.method_for_checkout(session, owner.shop_id, None, "浙江省", {})
    priced = cart_pricing.price_cart(_lines(session, owner.shop_id, token), shipping_method=method)
    assert (priced.discount_total, priced.items[0].paid, priced.shipping_total, priced.total) == (3800, 0, 1000, 1000)


def test_a_saving_from_an_unknown_source_is_refused(session, owner, monkeypatch):
    monkeypatch.setattr(cart_pricing, "DISCOUNT_STEPS", (order_wide_saving(100, source="lucky_draw"),))
    token = cart_with(session, owner.shop_id, (product_on_sale(session, owner), 1))
    with pytest.raises(ValueError):
        cart_pricing.price_cart(_lines(session, owner.shop_id, token))
