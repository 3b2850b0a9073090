"""Every reader of an amount reads the pricing pipeline's result (PRICING.md): the cart page, the order
pages, the export, the sales figures, the e-mails and the support AI show what each line was `paid`
after its savings and each saving line by line, never list prices alone.

A 满减 of ¥10 over the whole cart (tests/shopping.order_wide_saving) stands in for the marketing
centre's steps: ¥76 of tea and ¥12.50 of mooncake pay ¥67.41 and ¥11.09.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from sqlalchemy import update
from sqlmodel import select

from shopapp.models import Order, OutboxEmail, Variant
from shopapp.services.analytics import sales
from shopapp.services.checkout import place
from shopapp.services.checkout import pricing as cart_pricing
from shopapp.services.checkout import quote as checkout_quote
from shopapp.services.core.clock import CHINA_TIME, shop_today
from shopapp.services.core.errors import Invalid
from shopapp.services.marketing import offers
from shopapp.services.orders import export, payments, refunds, state, views
from shopapp.services.support import conversations
from shopapp.services.support.ai import openai_engine
from tests.shopping import ADDRESS, cart_with, order_wide_saving, product_on_sale

SAVING = {"source": "tiered", "id": 7, "label": "满减", "amount": 1000}


@pytest.fixture
def saving(monkeypatch):
    monkeypatch.setattr(cart_pricing, "DISCOUNT_STEPS", (order_wide_saving(1000),))


def _cart(session, owner) -> str:
    tea = product_on_sale(session, owner, price=3800)
    cake = product_on_sale(session, owner, price=1250, sku="CAKE-1", title="月饼")
    return cart_with(session, owner.shop_id, (tea, 2), (cake, 1))


def _paid_order(session, owner, email: str = "buyer@example.com") -> tuple[Order, str]:
    placed = place.place_order(session, owner.shop_id, _cart(session, owner), email, dict(ADDRESS))
    payments.sandbox_pay(session, placed["payment"]["id"], "success")
    session.commit()
    return session.get(Order, placed["order_id"], populate_existing=True), placed["token"]


def test_the_cart_page_shows_the_savings_and_paid_the_checkout_will_charge(session, owner, saving):
    token = _cart(session, owner)
    shown = checkout_quote.cart_view(session, owner.shop_id, token)
    quote = checkout_quote.quote(session, owner.shop_id, token, province="浙江省")
    assert (shown["subtotal"], shown["discounts"], shown["discount_total"]) == (8850, [SAVING], 1000)
    assert (shown["shipping_total"], shown["total"]) == (0, 7850)  # the goods after their saving; shipping at checkout
    assert [(i["unit_price"], i["paid"]) for i in shown["items"]] == [(3800, 6741), (1250, 1109)]
    assert [i["discounts"] for i in shown["items"]] == [i["discounts"] for i in quote["items"]]
    assert quote["total"] == shown["total"] + quote["shipping_total"]


def test_the_cart_page_of_a_cart_with_a_problem_line_counts_only_what_can_be_bought(session, owner, saving):
    tea = product_on_sale(session, owner, price=3800, stock=1)
    cake = product_on_sale(session, owner, price=1250, sku="CAKE-1", title="月饼")
    token = cart_with(session, owner.shop_id, (tea, 1), (cake, 1))
    session.exec(update(Variant).where(Variant.id == tea).values(stock=0))
    session.commit()
    shown = checkout_quote.cart_view(session, owner.shop_id, token)
    assert [(i["problem"], i["paid"]) for i in shown["items"]] == [("sold_out", 0), (None, 250)]
    assert (shown["subtotal"], shown["total"], shown["can_checkout"]) == (1250, 250, False)


def test_the_order_pages_show_each_lines_unit_price_savings_and_paid(session, owner, saving):
    order, token = _paid_order(session, owner)
    for shown in (place.order_page(session, owner.shop_id, order.order_no, token), views.order_dict(session, order)):
        assert (shown["subtotal"], shown["discounts"], shown["discount_total"], shown["total"]) == (8850, [SAVING], 1000, 8850)
        assert [(i["unit_price"], i["total"], i["paid"]) for i in shown["items"]] == [(3800, 7600, 6741), (1250, 1250, 1109)]
        assert [i["discounts"] for i in shown["items"]] == [
            [{"source": "tiered", "id": 7, "amount": 859}], [{"source": "tiered", "id": 7, "amount": 141}],
        ]


def test_the_export_gives_each_lines_saving_and_paid_and_the_orders_savings(session, owner, saving):
    order, _ = _paid_order(session, owner)
    rows = list(csv.DictReader(io.StringIO(export.export_orders(session, owner).lstrip("\ufeff"))))
    assert [(r["unit_price"], r["line_total"], r["line_discount"], r["line_paid"]) for r in rows] == [
        ("38", "76", "8.59", "67.41"), ("12.50", "12.50", "1.41", "11.09"),
    ]
    assert {(r["subtotal"], r["discount"], r["discount_detail"], r["shipping"], r["total"]) for r in rows} == {
        ("88.50", "10", "满减 -10", "10", "88.50"),
    }
    assert sum(int(float(r["line_paid"]) * 100 + 0.5) for r in rows) + order.shipping_total == order.total


def test_the_sales_figures_count_what_orders_paid_after_savings_net_of_refunds(session, owner, saving):
    order, _ = _paid_order(session, owner)
    moment = datetime(2025, 11, 11, 10, 0, tzinfo=CHINA_TIME)
    session.exec(update(Order).where(Order.id == order.id).values(paid_at=moment, created_at=moment))
    tea_line = state.order_items(session, order)[0]
    refunds.refund(session, owner, order.id, None, "缺货", [{"order_item_id": tea_line.id, "qty": 1}])  # floor(6741 / 2)
    session.commit()
    today = sales.dashboard(session, owner, shop_today())["today"]
    assert today["refunds"] == 3370
    day = sales.dashboard(session, owner, date(2025, 11, 11))["today"]
    assert (day["gmv"], day["paid_orders"]) == (8850, 1)  # ¥76 + ¥12.50 − ¥10 + ¥10 shipping, not the list ¥98.50


def test_the_confirmation_e_mail_lists_each_saving_and_the_total_to_pay(session, owner, saving):
    _paid_order(session, owner)
    mail = session.exec(select(OutboxEmail).where(OutboxEmail.subject.contains("已提交"))).one()
    assert "商品合计：¥88.50\n满减 -¥10\n运费：¥10\n应付：¥88.50" in mail.body
    assert "Items: ¥88.50\n满减 -¥10\nShipping: ¥10\nTo pay: ¥88.50" in mail.body


def test_the_refund_e_mail_gives_back_what_the_units_were_paid(session, owner, saving):
    order, _ = _paid_order(session, owner)
    cake_line = state.order_items(session, order)[1]
    refunds.refund(session, owner, order.id, None, "破损", [{"order_item_id": cake_line.id, "qty": 1}])
    session.commit()
    mail = session.exec(select(OutboxEmail).where(OutboxEmail.subject.contains("已退款"))).one()
    assert "¥11.09" in mail.subject and "¥12.50" not in mail.body


def test_the_support_ai_quotes_the_amounts_the_shopper_paid(session, owner, saving):
    order, token = _paid_order(session, owner, "li@example.com")
    started, _ = conversations.start_conversation(session, owner.shop_id, "li@example.com", "我付了多少钱?",
                                                  order_no=order.order_no, order_token=token)
    session.commit()
    facts = conversations.customer_orders(session, started)[0]
    assert [i["paid"] for i in facts["items"]] == [6741, 1109] and "total" not in facts["items"][0]
    assert (facts["discounts"], facts["discount_total"], facts["total"]) == ([{"label": "满减", "amount": 1000}], 1000, 8850)
    told = openai_engine._order_fact(facts, "zh-CN")
    assert [i["paid"] for i in told["items"]] == ["¥67.41", "¥11.09"]
    assert told["savings"] == [{"label": "满减", "amount": "¥10"}] and told["total"] == "¥88.50"


# The checkout page's choices --------------------------------------------------------------------

def test_a_code_of_the_wrong_shape_is_refused_and_the_cart_is_priced_without_it(session, owner, saving):
    token = _cart(session, owner)
    quote, refused = checkout_quote.quote_with_choices(
        session, owner.shop_id, token, {"coupon_code": "X" * 41, "points": "lots"}, province="浙江省",
    )
    assert refused == {"coupon_code": "coupon_code_invalid", "points": "must_be_whole_number"}
    assert (quote["discount_total"], quote["total"]) == (1000, 8850)


def test_good_choices_are_quoted_as_typed_and_nothing_is_refused(session, owner, saving):
    token = _cart(session, owner)
    quote, refused = checkout_quote.quote_with_choices(
        session, owner.shop_id, token, {"coupon_code": " spring 10 ", "customer_coupon_id": None, "points": "0"}, province="浙江省",
    )
    assert refused == {} and quote["total"] == 8850


def test_a_problem_that_is_not_a_choice_is_still_raised(session, owner):
    token = _cart(session, owner)
    with pytest.raises(Invalid) as refused:
        checkout_quote.quote_with_choices(session, owner.shop_id, token, {"coupon_code": "X" * 41}, shipping_method_id=999_999)
    assert refused.value.fields == {"shipping_method_id": "shipping_method_not_found"}


def test_a_refused_code_at_checkout_places_no_order(session, owner):
    token = _cart(session, owner)
    with pytest.raises(Invalid) as refused:
        place.place_order(session, owner.shop_id, token, "buyer@example.com", dict(ADDRESS),
                          choices=offers.checked_choices("X" * 41))
    assert refused.value.fields == {"coupon_code": "coupon_code_invalid"}
    assert session.exec(select(Order)).all() == []
