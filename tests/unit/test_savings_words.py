"""How the cart, checkout and order pages put the pipeline's savings into words: one row per saving, a
line's list amount, saving and paid, the next tier's nudge, the coupon picker and the points box."""

from __future__ import annotations

from shopapp.i18n import CATALOGUES
from shopapp.ui.components.savings import line_money, next_tier_text, saving_rows
from shopapp.ui.console.orders.refund_form import refund_lines
from shopapp.ui.store.checkout_savings import NO_COUPON, chosen_key, coupon_rows, points_view

ZH, EN = CATALOGUES["zh-CN"], CATALOGUES["en"]


def test_each_saving_is_a_row_with_its_label_or_what_its_source_is_called():
    discounts = [
        {"source": "limited_discount", "id": 1, "label": "限时 8 折", "amount": 760},
        {"source": "tiered", "id": 2, "label": "满300减40", "amount": 4000},
        {"source": "coupon", "id": 3, "label": "", "amount": 1000},
        {"source": "points", "id": None, "label": "", "amount": 250},
        {"source": "tiered", "id": 4, "label": "", "amount": 0},  # a 满包邮 tier: free shipping, nothing off the goods
    ]
    assert saving_rows(discounts, "CNY", ZH) == [
        {"label": "限时 8 折", "amount": "-¥7.60"}, {"label": "满300减40", "amount": "-¥40"},
        {"label": "优惠券", "amount": "-¥10"}, {"label": "积分抵现", "amount": "-¥2.50"}, {"label": "满减", "amount": "包邮"},
    ]
    assert saving_rows(discounts[2:4], "CNY", EN) == [{"label": "Coupon", "amount": "-¥10"}, {"label": "Points", "amount": "-¥2.50"}]
    assert saving_rows([], "CNY", ZH) == []


def test_a_line_shows_its_list_amount_its_saving_and_what_it_pays():
    item = {"unit_price": 3800, "qty": 2, "paid": 6741, "discounts": [{"source": "tiered", "id": 7, "amount": 859}]}
    assert line_money(item, "CNY") == {"unit_price": "¥38", "list_total": "¥76", "saving": "-¥8.59", "paid": "¥67.41"}
    plain = {"unit_price": 1250, "qty": 1, "paid": 1250, "discounts": []}
    assert line_money(plain, "CNY")["saving"] == "" and line_money(plain, "CNY")["paid"] == "¥12.50"


def test_the_next_tier_says_how_much_more_to_buy():
    quote = {"next_tier": {"label": "减 ¥40", "missing": 2300}}
    assert next_tier_text(quote, "CNY", ZH) == "再买 ¥23 可减 ¥40"
    assert next_tier_text(quote, "CNY", EN) == "Add ¥23 more: 减 ¥40"
    assert next_tier_text({}, "CNY", ZH) == "" and next_tier_text({"next_tier": None}, "CNY", ZH) == ""


def test_the_coupon_picker_lists_what_each_saves_or_why_it_cannot_be_used():
    coupons = [
        {"id": 1, "customer_coupon_id": 11, "name": "满100减10", "saving": 1000, "usable": True},
        {"id": 2, "customer_coupon_id": 12, "name": "满500减80", "saving": 0, "usable": False, "reason": "coupon_code_invalid"},
        {"id": 3, "name": "新人券", "saving": 500, "usable": True},  # not in the wallet: typed as a code, not picked
    ]
    rows = coupon_rows(coupons, "CNY", ZH)
    assert rows[0] == {"key": "11", "name": "满100减10", "note": "可省 ¥10", "usable": "yes"}
    assert rows[1]["usable"] == "" and rows[1]["note"] == ZH["field.coupon_code_invalid"]
    assert rows[2]["usable"] == ""
    assert chosen_key(11) == "11" and chosen_key({"customer_coupon_id": 12}) == "12" and chosen_key(None) == ""
    assert NO_COUPON == "0"


def test_the_points_box_shows_the_balance_and_the_most_this_order_takes_and_hides_without_points():
    shown = points_view({"balance": 1200, "max_usable": 800, "used": 0}, ZH)
    assert shown == {"balance": "1200", "max_usable": "800", "used": "0", "hint": "可用 1200 积分，本单最多可用 800"}
    assert points_view(None, ZH) == {} and points_view({}, EN) == {}


def test_the_refund_form_reads_the_units_typed_per_line():
    assert refund_lines({"5": "1", "6": "", "7": "0"}) == [{"order_item_id": 5, "qty": 1}]
    assert refund_lines({"5": "两"}) is None and refund_lines({"5": "-1"}) is None
    assert refund_lines({}) == []
