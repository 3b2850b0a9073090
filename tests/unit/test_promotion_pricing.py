"""Automatic promotions in the pricing pipeline (PRICING.md steps 1-3), worked example by worked example.

These price plain lines against promotions as they run (no database): what a shopper's cart costs
with a 限时折扣, a member level, 第二件, 打包一口价 and 满减 tiers, to the 分.
"""

from __future__ import annotations

from shopapp.models import Product, Variant
from shopapp.services.checkout.cart import Line
from shopapp.services.checkout.pricing import next_tier, price_cart
from shopapp.services.core.money import percent_of
from shopapp.services.marketing.offers import Offers
from shopapp.services.marketing.promotion_rules import Running, tier_label, zhe

TEA, CAKE, CUP = 1, 2, 3  # product ids


def line(variant_id: int, price: int, qty: int, product_id: int = TEA, weight: int = 0) -> Line:
    return Line(
        variant_id=variant_id, qty=qty, problem=None,
        variant=Variant(id=variant_id, shop_id=1, product_id=product_id, price=price, weight_grams=weight, stock=99),
        product=Product(id=product_id, shop_id=1, title=f"商品{product_id}", status="active"),
    )


def promo(id: int, kind: str, *, products=(), variants=(), **fields) -> Running:
    return Running(
        id=id, kind=kind, name=f"活动{id}", whole_shop=not (products or variants),
        product_ids=frozenset(products), variant_ids=frozenset(variants), **fields,
    )


def offers(*running: Running, member_percent: int = 0, customer_id: int | None = None) -> Offers:
    return Offers(shop_id=1, customer_id=customer_id, promotions=running, member_percent=member_percent)


def money(priced) -> tuple:
    return priced.subtotal, priced.discount_total, priced.total


def item_view(priced) -> list[tuple]:
    return [(i.variant_id, i.qty, i.unit_price, i.paid) for i in priced.items]


# Step 1: the unit price ------------------------------------------------------------------------

def test_a_limited_discount_takes_its_percent_off_each_unit_rounded_half_up():
    # 15 % off ¥33.33: 499.95 分 → 500 off each unit, so ¥28.33 a unit.
    priced = price_cart([line(11, 3333, 3)], offers=offers(promo(5, "limited_discount", percent_off=15)))
    assert item_view(priced) == [(11, 3, 2833, 8499)]
    assert money(priced) == (9999, 1500, 8499)
    assert [d.as_dict() for d in priced.discounts] == [{"source": "limited_discount", "id": 5, "label": "限时 8.5 折", "amount": 1500}]
    assert [d.as_dict() for d in priced.items[0].discounts] == [{"source": "limited_discount", "id": 5, "amount": 1500}]


def test_percent_rounding_is_half_up_to_the_fen():
    assert percent_of(3333, 15) == 500  # 499.95
    assert percent_of(999, 5) == 50  # 49.95
    assert percent_of(1, 50) == 1  # 0.5 → 1
    assert percent_of(1, 49) == 0  # 0.49 → 0
    assert (zhe(20), zhe(15), zhe(5), zhe(50)) == ("8", "8.5", "9.5", "5")


def test_a_limited_discount_with_a_fixed_price_covers_only_the_variants_it_prices():
    limited = promo(5, "limited_discount", prices={11: 2990})
    priced = price_cart([line(11, 3800, 2), line(12, 3800, 1)], offers=offers(limited))
    assert item_view(priced) == [(11, 2, 2990, 5980), (12, 1, 3800, 3800)]
    assert priced.discounts[0].label == "限时特价"


def test_the_shopper_gets_the_lower_of_the_limited_discount_and_their_member_level():
    limited = promo(5, "limited_discount", percent_off=10)  # ¥100 → ¥90
    as_member = price_cart([line(11, 10000, 1)], offers=offers(limited, member_percent=15))  # ¥85 is lower
    assert item_view(as_member) == [(11, 1, 8500, 8500)]
    assert as_member.discounts[0].as_dict() == {"source": "member", "id": None, "label": "会员 8.5 折", "amount": 1500}
    deeper = price_cart([line(11, 10000, 1)], offers=offers(promo(5, "limited_discount", percent_off=30), member_percent=15))
    assert item_view(deeper) == [(11, 1, 7000, 7000)] and deeper.discounts[0].source == "limited_discount"


def test_a_limited_discount_that_stacks_with_the_member_level_takes_the_member_percent_off_its_price():
    # ¥100 at 8 折 is ¥80; the member's 5 % off ¥80 is ¥4: ¥76.
    limited = promo(5, "limited_discount", percent_off=20, stacks_with_member=True)
    priced = price_cart([line(11, 10000, 2)], offers=offers(limited, member_percent=5))
    assert item_view(priced) == [(11, 2, 7600, 15200)]
    assert priced.discounts[0].label == "限时 8 折 + 会员 9.5 折"


def test_units_over_the_per_customer_limit_pay_the_normal_price_on_a_separate_line():
    # Limit 3, the customer already bought 1: 2 more at ¥80, the other 3 of the 5 at ¥100.
    limited = promo(5, "limited_discount", percent_off=20, per_customer_limit=3, used_units=1)
    priced = price_cart([line(11, 10000, 5)], offers=offers(limited, customer_id=9))
    assert item_view(priced) == [(11, 2, 8000, 16000), (11, 3, 10000, 30000)]
    assert money(priced) == (50000, 4000, 46000)


def test_a_per_customer_limit_is_shared_by_the_lines_it_covers_in_cart_order():
    limited = promo(5, "limited_discount", percent_off=50, per_customer_limit=2)
    priced = price_cart([line(11, 1000, 1), line(12, 2000, 3)], offers=offers(limited))
    assert item_view(priced) == [(11, 1, 500, 500), (12, 1, 1000, 1000), (12, 2, 2000, 4000)]


def test_a_customer_who_used_the_limit_pays_the_normal_price_once_and_for_all():
    """saleor#18627: one discount applied two or three times to one customer."""
    limited = promo(5, "limited_discount", percent_off=20, per_customer_limit=1, used_units=1)
    priced = price_cart([line(11, 10000, 2)], offers=offers(limited, customer_id=9))
    assert item_view(priced) == [(11, 2, 10000, 20000)] and priced.discounts == ()


def test_a_half_price_sale_stays_right_when_the_quantity_changes():
    """saleor#13831: a 50 % sale priced wrong after a quantity change. Each quantity is priced from scratch."""
    half = promo(5, "limited_discount", percent_off=50)
    for qty in (1, 2, 3, 7):
        priced = price_cart([line(11, 1999, qty)], offers=offers(half))
        # 50 % of 1999 is 999.5 → 1000 off; the unit costs 999, every unit alike.
        assert item_view(priced) == [(11, qty, 999, 999 * qty)]
        assert priced.discount_total == 1000 * qty


# Step 2: quantity deals ------------------------------------------------------------------------

def test_second_half_discounts_every_second_unit_from_the_dearest_per_product():
    # Two colours of one tea at ¥100 and ¥60: units 100, 100, 60 → the 2nd (¥100) at 5 折.
    second = promo(6, "second_half", percent_off=50)
    priced = price_cart([line(11, 10000, 2), line(12, 6000, 1)], offers=offers(second))
    assert priced.discounts[0].as_dict() == {"source": "second_half", "id": 6, "label": "第二件 5 折", "amount": 5000}
    assert item_view(priced) == [(11, 2, 10000, 15000), (12, 1, 6000, 6000)]


def test_second_half_is_not_over_applied_when_the_quantity_is_added_in_one_step():
    """medusa#14432: three units added at once get one discounted unit, four get two."""
    second = promo(6, "second_half", percent_off=50)
    assert price_cart([line(11, 1000, 3)], offers=offers(second)).discount_total == 500
    assert price_cart([line(11, 1000, 4)], offers=offers(second)).discount_total == 1000
    assert price_cart([line(11, 1000, 1)], offers=offers(second)).discount_total == 0


def test_second_half_pairs_units_of_the_same_product_only():
    second = promo(6, "second_half", percent_off=50)
    priced = price_cart([line(11, 1000, 1, TEA), line(21, 1000, 1, CAKE)], offers=offers(second))
    assert priced.discount_total == 0


def test_a_bundle_sells_each_complete_group_for_its_price_and_the_rest_at_their_own():
    # 3 件 ¥99 over tea and cake units 50, 40, 40 (dearest first): 130 → 99 saves 31; the cup is not covered.
    bundle = promo(7, "bundle", qty=3, price=9900, products={TEA, CAKE})
    priced = price_cart([line(11, 5000, 1), line(21, 4000, 2, CAKE), line(31, 3000, 1, CUP)], offers=offers(bundle))
    assert priced.discounts[0].as_dict() == {"source": "bundle", "id": 7, "label": "打包 3 件 ¥99", "amount": 3100}
    # 3100 over the lines it came from, ¥50 and ¥80: 1192.3 and 1907.7 → the 分 left to the larger remainder.
    assert item_view(priced) == [(11, 1, 5000, 3808), (21, 2, 4000, 6092), (31, 1, 3000, 3000)]
    assert money(priced) == (16000, 3100, 12900)


def test_a_unit_takes_at_most_one_quantity_deal_the_one_saving_most():
    # 4 teas at ¥100: 第二件 5 折 saves 2 × ¥50 = ¥100; 打包 2 件 ¥120 saves 2 × ¥80 = ¥160 and wins all four.
    second = promo(6, "second_half", percent_off=50)
    bundle = promo(7, "bundle", qty=2, price=12000)
    priced = price_cart([line(11, 10000, 4)], offers=offers(second, bundle))
    assert [(d.source, d.amount) for d in priced.discounts] == [("bundle", 16000)]
    # 5 teas: the bundle takes four, the fifth has no partner for 第二件.
    priced = price_cart([line(11, 10000, 5)], offers=offers(second, bundle))
    assert [(d.source, d.amount) for d in priced.discounts] == [("bundle", 16000)]


def test_on_a_tie_the_older_quantity_deal_wins():
    older, newer = promo(6, "second_half", percent_off=50), promo(8, "second_half", percent_off=50)
    priced = price_cart([line(11, 1000, 2)], offers=offers(newer, older))
    assert [(d.id, d.amount) for d in priced.discounts] == [(6, 500)]


def test_quantity_deals_take_step_one_prices():
    # 8 折 first (¥100 → ¥80), then 第二件 5 折 on ¥80: ¥40 off.
    priced = price_cart([line(11, 10000, 2)], offers=offers(promo(5, "limited_discount", percent_off=20), promo(6, "second_half", percent_off=50)))
    assert [(d.source, d.amount) for d in priced.discounts] == [("limited_discount", 4000), ("second_half", 4000)]
    assert priced.total == 12000


# Step 3: order-level tiers ---------------------------------------------------------------------

TIERS = ({"min_amount": 10000, "amount_off": 1000}, {"min_amount": 30000, "amount_off": 4000})


def test_the_highest_tier_reached_applies_and_is_shared_over_the_lines():
    tiered = promo(9, "tiered", tiers=TIERS)
    priced = price_cart([line(11, 20000, 1), line(21, 12000, 1, CAKE)], offers=offers(tiered))
    assert priced.discounts[0].as_dict() == {"source": "tiered", "id": 9, "label": "满300减40", "amount": 4000}
    assert item_view(priced) == [(11, 1, 20000, 17500), (21, 1, 12000, 10500)]  # 2500 and 1500
    below = price_cart([line(11, 9999, 1)], offers=offers(tiered))
    assert below.discounts == ()


def test_the_quote_says_what_is_missing_for_the_next_tier():
    tiered = promo(9, "tiered", tiers=TIERS)
    cart = offers(tiered)
    priced = price_cart([line(11, 27700, 1)], offers=cart)
    assert next_tier(priced, cart) == {"promotion_id": 9, "label": "满300减40", "missing": 2300}  # 再买 ¥23 可减 ¥40
    top = price_cart([line(11, 30000, 1)], offers=cart)
    assert next_tier(top, cart) is None


def test_every_full_amount_takes_the_amount_off_again_when_repeating():
    each = promo(9, "tiered", tiers=({"min_amount": 10000, "amount_off": 1000},), repeat=True)
    priced = price_cart([line(11, 35000, 1)], offers=offers(each))
    assert (priced.discounts[0].label, priced.discount_total) == ("每满100减10", 3000)
    assert next_tier(priced, offers(each)) == {"promotion_id": 9, "label": "每满100减10", "missing": 5000}


def test_a_percent_tier_rounds_half_up_on_the_eligible_amount():
    tiered = promo(9, "tiered", tiers=({"min_amount": 1000, "percent_off": 15},))
    priced = price_cart([line(11, 3333, 1)], offers=offers(tiered))
    assert (priced.discounts[0].label, priced.discount_total) == ("满10打8.5折", 500)


def test_a_tier_counted_in_units():
    tiered = promo(9, "tiered", tiers=({"min_qty": 3, "amount_off": 500},))
    assert price_cart([line(11, 1000, 2)], offers=offers(tiered)).discount_total == 0
    assert next_tier(price_cart([line(11, 1000, 2)], offers=offers(tiered)), offers(tiered))["missing_qty"] == 1
    assert price_cart([line(11, 1000, 3)], offers=offers(tiered)).discount_total == 500


def test_the_eligible_amount_is_the_covered_lines_after_quantity_deals():
    # Teas only: ¥100 + ¥100 at 第二件 5 折 = ¥150 → 满150减20; the cake does not count.
    tiered = promo(9, "tiered", products={TEA}, tiers=({"min_amount": 15000, "amount_off": 2000},))
    cart = offers(promo(6, "second_half", percent_off=50, products={TEA}), tiered)
    priced = price_cart([line(11, 10000, 2), line(21, 9000, 1, CAKE)], offers=cart)
    assert [(d.source, d.amount, d.lines) for d in priced.discounts] == [("second_half", 5000, (0,)), ("tiered", 2000, (0,))]
    assert item_view(priced) == [(11, 2, 10000, 13000), (21, 1, 9000, 9000)]


def test_free_shipping_tier_zeroes_shipping():
    from shopapp.models import ShippingMethod
    method = ShippingMethod(id=1, shop_id=1, name="快递", base_fee=1000, per_kg_fee=0, free_over=None, regions=[], active=True)
    tiered = promo(9, "tiered", tiers=({"min_amount": 9900, "free_shipping": True},))
    priced = price_cart([line(11, 10000, 1, weight=500)], shipping_method=method, offers=offers(tiered))
    assert (priced.shipping_total, priced.total) == (0, 10000)
    assert priced.discounts[0].as_dict() == {"source": "tiered", "id": 9, "label": "满99包邮", "amount": 0}
    below = price_cart([line(11, 5000, 1, weight=500)], shipping_method=method, offers=offers(tiered))
    assert below.shipping_total == 1000


def test_a_gift_tier_adds_the_gift_at_zero_while_it_has_stock():
    gift = line(99, 2500, 1, CUP, weight=100)
    tiered = promo(9, "tiered", tiers=({"min_amount": 20000, "gift_variant_id": 99},), gifts={99: (gift.variant, gift.product)})
    priced = price_cart([line(11, 20000, 1, weight=300)], offers=offers(tiered))
    assert [(i.variant_id, i.unit_price, i.paid, i.gift) for i in priced.items] == [(11, 20000, 20000, False), (99, 0, 0, True)]
    assert money(priced) == (20000, 0, 20000) and priced.weight_grams == 400  # the gift ships too
    assert priced.discounts[0].label == "满200送赠品"
    out_of_stock = promo(9, "tiered", tiers=({"min_amount": 20000, "gift_variant_id": 99},))  # no gift loaded: none in stock
    none = price_cart([line(11, 20000, 1)], offers=offers(out_of_stock))
    assert len(none.items) == 1 and none.discounts == ()


def test_overlapping_tiered_promotions_never_both_take_a_line_the_better_one_wins():
    # Whole shop 满200减20 against teas-only 满100减30 on a ¥200 tea and a ¥100 cake.
    shop_wide = promo(9, "tiered", tiers=({"min_amount": 20000, "amount_off": 2000},))
    teas = promo(10, "tiered", products={TEA}, tiers=({"min_amount": 10000, "amount_off": 3000},))
    priced = price_cart([line(11, 20000, 1), line(21, 10000, 1, CAKE)], offers=offers(shop_wide, teas))
    # Teas' ¥30 wins the tea; the shop-wide one is left with the ¥100 cake, below its ¥200 tier.
    assert [(d.id, d.amount, d.lines) for d in priced.discounts] == [(10, 3000, (0,))]
    # With more cake, the shop-wide tier is reached on what is left.
    priced = price_cart([line(11, 20000, 1), line(21, 10000, 2, CAKE)], offers=offers(shop_wide, teas))
    assert [(d.id, d.amount, d.lines) for d in priced.discounts] == [(10, 3000, (0,)), (9, 2000, (1,))]


def test_discounts_larger_than_the_cart_never_make_it_negative():
    """medusa#14899: two discounts larger than the cart giving a negative total."""
    cart = offers(
        promo(5, "limited_discount", percent_off=99),
        promo(7, "bundle", qty=2, price=1),
        promo(9, "tiered", tiers=({"min_amount": 1, "amount_off": 999_999},)),
    )
    priced = price_cart([line(11, 500, 2), line(21, 300, 1, CAKE)], offers=cart)
    assert priced.total >= 0 and all(i.paid >= 0 for i in priced.items)
    assert priced.total == priced.subtotal - priced.discount_total + priced.shipping_total
    assert sum(i.paid for i in priced.items) == priced.total


def test_badge_labels_are_spaced_and_quote_labels_are_not():
    assert tier_label({"min_amount": 30000, "amount_off": 4000}, spaced=True) == "满 300 减 40"
    assert tier_label({"min_amount": 30000, "amount_off": 4000}) == "满300减40"
    assert tier_label({"min_qty": 2, "percent_off": 10}) == "满2件打9折"
