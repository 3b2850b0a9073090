"""The cart: lines of this shop's sellable variants, 1..99 each, priced from the catalogue on every read."""

from __future__ import annotations

import pytest
from sqlmodel import select

from shopapp.models import CartItem, Variant
from shopapp.services.catalog import products
from shopapp.services.checkout import cart
from shopapp.services.core.errors import Conflict, Invalid, NotFound
from shopapp.services.inventory import ledger
from tests.conftest import make_shop
from tests.shopping import product_on_sale


def test_a_new_cart_is_empty_and_known_only_by_its_token(session, owner):
    token = cart.create_cart(session, owner.shop_id)
    view = cart.view_cart(session, owner.shop_id, token)
    assert view["items"] == [] and view["subtotal"] == 0 and view["can_checkout"] is False
    with pytest.raises(NotFound):
        cart.view_cart(session, owner.shop_id, "cart_not-a-real-token")
    with pytest.raises(NotFound):
        cart.view_cart(session, make_shop(session, "green-leaf").shop_id, token)


def test_adding_prices_lines_from_the_catalogue(session, owner):
    tea = product_on_sale(session, owner, price=3800, weight_grams=250)
    cup = product_on_sale(session, owner, price=1250, weight_grams=400, sku="CUP-1", title="茶杯")
    token = cart.create_cart(session, owner.shop_id)
    cart.add_item(session, owner.shop_id, token, tea, 2)
    cart.add_item(session, owner.shop_id, token, cup, 1)
    view = cart.add_item(session, owner.shop_id, token, tea, 1)
    assert [(i["title"], i["qty"], i["unit_price"], i["total"]) for i in view["items"]] == [
        ("龙井", 3, 3800, 11400), ("茶杯", 1, 1250, 1250),
    ]
    assert view["subtotal"] == 12650 and view["item_count"] == 4 and view["weight_grams"] == 1150
    assert view["can_checkout"] is True and view["currency"] == "CNY"


def test_a_price_change_shows_in_the_cart_at_once(session, owner):
    tea = product_on_sale(session, owner, price=3800)
    token = cart.create_cart(session, owner.shop_id)
    cart.add_item(session, owner.shop_id, token, tea, 2)
    session.get(Variant, tea).price = 3000
    session.flush()
    assert cart.view_cart(session, owner.shop_id, token)["subtotal"] == 6000


def test_quantities_stay_between_1_and_99(session, owner):
    tea = product_on_sale(session, owner, stock=500)
    token = cart.create_cart(session, owner.shop_id)
    for bad in (0, -1, 100):
        with pytest.raises(Invalid) as refused:
            cart.add_item(session, owner.shop_id, token, tea, bad)
        assert refused.value.fields == {"qty": "qty_out_of_range"}
    for bad in (1.5, "2", True, None):
        with pytest.raises(Invalid) as refused:
            cart.add_item(session, owner.shop_id, token, tea, bad)
        assert refused.value.fields == {"qty": "must_be_whole_number"}
    cart.add_item(session, owner.shop_id, token, tea, 98)
    with pytest.raises(Invalid):
        cart.add_item(session, owner.shop_id, token, tea, 2)
    with pytest.raises(Invalid):
        cart.update_item(session, owner.shop_id, token, tea, 0)
    assert cart.view_cart(session, owner.shop_id, token)["items"][0]["qty"] == 98


def test_another_shops_variant_cannot_be_added(session, owner):
    other = make_shop(session, "green-leaf")
    theirs = product_on_sale(session, other, sku="GL-1")
    token = cart.create_cart(session, owner.shop_id)
    with pytest.raises(Invalid) as refused:
        cart.add_item(session, owner.shop_id, token, theirs, 1)
    assert refused.value.fields == {"variant_id": "variant_not_found"}
    with pytest.raises(Invalid):
        cart.add_item(session, owner.shop_id, token, 999_999, 1)
    assert session.exec(select(CartItem)).all() == []


def test_draft_products_and_disabled_variants_are_not_for_sale(session, owner):
    draft = product_on_sale(session, owner, status="draft", sku="D-1")
    token = cart.create_cart(session, owner.shop_id)
    with pytest.raises(Conflict) as refused:
        cart.add_item(session, owner.shop_id, token, draft, 1)
    assert refused.value.code == "product_unavailable"
    tea = product_on_sale(session, owner, sku="T-1")
    session.get(Variant, tea).enabled = False
    session.flush()
    with pytest.raises(Conflict):
        cart.add_item(session, owner.shop_id, token, tea, 1)


def test_stock_limits_say_sold_out_or_how_many_are_left(session, owner):
    tea = product_on_sale(session, owner, stock=3)
    empty = product_on_sale(session, owner, stock=0, sku="E-1")
    token = cart.create_cart(session, owner.shop_id)
    with pytest.raises(Conflict) as refused:
        cart.add_item(session, owner.shop_id, token, empty, 1)
    assert refused.value.code == "sold_out"
    with pytest.raises(Conflict) as refused:
        cart.add_item(session, owner.shop_id, token, tea, 4)
    assert refused.value.code == "only_n_left" and refused.value.params["available"] == 3
    cart.add_item(session, owner.shop_id, token, tea, 3)
    with pytest.raises(Conflict):
        cart.update_item(session, owner.shop_id, token, tea, 4)


def test_a_line_that_ran_out_stays_visible_but_blocks_checkout(session, owner):
    tea = product_on_sale(session, owner, stock=5)
    cup = product_on_sale(session, owner, stock=5, sku="CUP-1", price=1000)
    token = cart.create_cart(session, owner.shop_id)
    cart.add_item(session, owner.shop_id, token, tea, 4)
    cart.add_item(session, owner.shop_id, token, cup, 1)
    ledger.adjust_stock(session, "order:X", owner.shop_id, tea, -3, "sale")
    view = cart.view_cart(session, owner.shop_id, token)
    line = view["items"][0]
    assert line["problem"] == "only_n_left" and line["available"] == 2
    assert view["can_checkout"] is False and view["subtotal"] == 1000
    # The storefront header's count (read without the whole view) counts as the cart page does.
    assert cart.item_count(session, owner.shop_id, token) == view["item_count"] == 1
    # Lowering the quantity to what is left is always possible.
    view = cart.update_item(session, owner.shop_id, token, tea, 2)
    assert view["can_checkout"] is True and view["subtotal"] == 3800 * 2 + 1000
    assert cart.item_count(session, owner.shop_id, token) == 3


def test_adding_on_a_product_page_makes_the_cart_on_the_first_add_and_answers_the_headers_count(session, owner):
    tea = product_on_sale(session, owner, stock=5)
    cup = product_on_sale(session, owner, stock=5, sku="CUP-1", price=1000)
    token, count = cart.add_to_cart(session, owner.shop_id, "", tea, 2)
    assert count == 2 and cart.view_cart(session, owner.shop_id, token)["item_count"] == 2
    assert cart.add_to_cart(session, owner.shop_id, token, cup, 1) == (token, 3)
    # A line that cannot be bought as it is counts for nothing, in the count after an add too.
    ledger.adjust_stock(session, "order:X", owner.shop_id, tea, -4, "sale")
    assert cart.add_to_cart(session, owner.shop_id, token, cup, 1) == (token, 2)
    # A token that leads nowhere (expired, another shop's) gets a new cart, the shopper's when logged in.
    elsewhere = cart.create_cart(session, make_shop(session, "green-leaf").shop_id)
    for lost in ("cart_not-a-real-token", elsewhere):
        new_token, count = cart.add_to_cart(session, owner.shop_id, lost, cup, 1, customer_id=None)
        assert new_token not in (token, lost) and count == 1
    # Refused adds change nothing.
    with pytest.raises(Conflict):
        cart.add_to_cart(session, owner.shop_id, token, cup, 4)
    assert cart.item_count(session, owner.shop_id, token) == 2


def test_a_deleted_product_leaves_an_unavailable_line(session, owner):
    tea = product_on_sale(session, owner)
    token = cart.create_cart(session, owner.shop_id)
    cart.add_item(session, owner.shop_id, token, tea, 1)
    products.delete_product(session, owner, session.get(Variant, tea).product_id)
    view = cart.view_cart(session, owner.shop_id, token)
    assert view["items"][0]["problem"] == "product_unavailable" and view["subtotal"] == 0


def test_removing_a_line_and_changing_a_missing_one(session, owner):
    tea = product_on_sale(session, owner)
    token = cart.create_cart(session, owner.shop_id)
    cart.add_item(session, owner.shop_id, token, tea, 2)
    assert cart.remove_item(session, owner.shop_id, token, tea)["items"] == []
    assert cart.remove_item(session, owner.shop_id, token, tea)["items"] == []  # removing twice is harmless
    with pytest.raises(NotFound):
        cart.update_item(session, owner.shop_id, token, tea, 1)
