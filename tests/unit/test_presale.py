"""Pre-sale (预售): a product or a variant ships on its date; a quota sells places, never more, and gets them back."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import update
from sqlmodel import select

from shopapp.models import Order, OrderEvent, OrderItem, Product, StockMove, Variant
from shopapp.models.base import utcnow
from shopapp.services.catalog import products
from shopapp.services.catalog import views as catalog_views
from shopapp.services.checkout import cart, place
from shopapp.services.core.errors import Conflict, Invalid
from shopapp.services.inventory import ledger
from shopapp.services.orders import cancel, views
from tests.shopping import ADDRESS, cart_with, checkouts_at_once, paid_order, stock_of

COLOURS = [{"name": "颜色", "values": ["白", "黑"]}]


def _teapot(session, owner, *, presale: dict | None = None, black: dict | None = None, stock: int = 0) -> list[int]:
    """A committed teapot in white and black; `black` adds to the black one's fields. Returns the variant ids."""
    data = {"title": "紫砂壶", "status": "active", "options": COLOURS, "variants": [
        {"sku": "POT-W", "option_values": ["白"], "price": 9900, "stock": stock},
        {"sku": "POT-B", "option_values": ["黑"], "price": 12900, "stock": stock, **(black or {})},
    ]}
    if presale:
        data["presale"] = presale
    product = products.create_product(session, owner, data)
    ids = list(session.exec(select(Variant.id).where(Variant.product_id == product.id).order_by(Variant.id)).all())
    session.commit()
    return ids


def _place(session, shop_id: int, *lines: tuple[int, int]) -> dict:
    return place.place_order(session, shop_id, cart_with(session, shop_id, *lines), "buyer@example.com", ADDRESS)


def _fresh(session, model, row_id):
    return session.get(model, row_id, populate_existing=True)


def _product_of(session, variant_id: int) -> Product:
    return _fresh(session, Product, _fresh(session, Variant, variant_id).product_id)


def test_a_variant_ships_on_its_own_date_and_the_order_keeps_each_lines(session, owner):
    white, black = _teapot(session, owner, presale={"ships_at": "2030-04-01"}, stock=5,
                           black={"presale": {"ships_at": "2030-06-01"}})
    placed = _place(session, owner.shop_id, (white, 1), (black, 1))

    order = session.get(Order, placed["order_id"])
    assert order.presale and order.ships_at == date(2030, 6, 1)
    items = session.exec(select(OrderItem).where(OrderItem.order_id == order.id).order_by(OrderItem.variant_id)).all()
    assert [(i.presale_ships_at.isoformat(), i.sold_from) for i in items] == [
        ("2030-04-01", "stock"), ("2030-06-01", "stock"),
    ]
    shown = views.order_dict(session, order)
    assert [i["presale_ships_at"] for i in shown["items"]] == [date(2030, 4, 1), date(2030, 6, 1)]


def test_one_variant_alone_may_be_on_pre_sale(session, owner):
    white, black = _teapot(session, owner, stock=5, black={"presale": {"ships_at": "2030-06-01"}})
    shown = catalog_views.storefront_product(session, owner.shop_id, _product_of(session, white).id)
    assert shown["presale"] is None
    assert [(v["presale_ships_at"], v["available"]) for v in shown["variants"]] == [(None, 5), ("2030-06-01", 5)]
    view = cart.view_cart(session, owner.shop_id, cart_with(session, owner.shop_id, (white, 1), (black, 1)))
    assert [line["presale_ships_at"] for line in view["items"]] == [None, date(2030, 6, 1)]


def test_a_quota_sells_places_and_leaves_stock_alone(session, owner):
    white, black = _teapot(session, owner, presale={"ships_at": "2030-04-01", "quota": 3})
    placed = _place(session, owner.shop_id, (white, 1), (black, 1))

    product = _product_of(session, white)
    assert (product.presale_quota, product.presale_sold) == (3, 2)
    assert stock_of(session, white) == stock_of(session, black) == 0
    items = session.exec(select(OrderItem).where(OrderItem.order_id == placed["order_id"])).all()
    assert {i.sold_from for i in items} == {"product_quota"}
    moves = session.exec(select(StockMove).where(StockMove.pool == "product_quota").order_by(StockMove.id)).all()
    assert [(m.variant_id, m.delta, m.before, m.after) for m in moves] == [
        (None, 3, 0, 3), (white, -1, 3, 2), (black, -1, 2, 1),
    ]
    # One place left, for either colour.
    with pytest.raises(Conflict) as refused:
        cart.add_item(session, owner.shop_id, cart.create_cart(session, owner.shop_id), black, 2)
    assert (refused.value.code, refused.value.params["available"]) == ("only_n_left", 1)


def test_a_variants_own_quota_comes_before_its_products(session, owner):
    white, black = _teapot(session, owner, presale={"ships_at": "2030-04-01", "quota": 10},
                           black={"presale": {"ships_at": "2030-06-01", "quota": 1}})
    _place(session, owner.shop_id, (black, 1))
    assert _fresh(session, Variant, black).presale_sold == 1 and _product_of(session, black).presale_sold == 0
    with pytest.raises(Conflict) as refused:
        _place(session, owner.shop_id, (black, 1))
    assert refused.value.code == "sold_out"
    _place(session, owner.shop_id, (white, 4))
    assert _product_of(session, white).presale_sold == 4


def test_a_pre_sale_without_a_quota_sells_from_stock(session, owner):
    white, _ = _teapot(session, owner, presale={"ships_at": "2030-04-01"}, stock=2)
    _place(session, owner.shop_id, (white, 2))
    assert stock_of(session, white) == 0 and _product_of(session, white).presale_sold == 0


@pytest.mark.parametrize("whose", ["product", "variant"])
def test_concurrent_checkouts_never_sell_more_than_the_quota(session, owner, whose):
    """12 shoppers, 5 pre-sale places, all pressing 'pay' at once: exactly 5 orders."""
    presale = {"ships_at": "2030-04-01", "quota": 5}
    if whose == "product":
        pot, _ = _teapot(session, owner, presale=presale)
    else:
        _, pot = _teapot(session, owner, black={"presale": presale})
    shoppers = 12
    tokens = [cart_with(session, owner.shop_id, (pot, 1)) for _ in range(shoppers)]
    outcomes = checkouts_at_once(owner.shop_id, tokens)

    assert outcomes.count("ordered") == 5 and outcomes.count("sold_out") == shoppers - 5
    pool = _fresh(session, Product, _product_of(session, pot).id) if whose == "product" else _fresh(session, Variant, pot)
    assert (pool.presale_quota, pool.presale_sold) == (5, 5)
    assert len(session.exec(select(Order)).all()) == 5
    sales = session.exec(select(StockMove).where(StockMove.variant_id == pot, StockMove.delta < 0)).all()
    assert sorted(m.after for m in sales) == [0, 1, 2, 3, 4]
    assert _product_of(session, pot).in_stock is False  # the last place went, and nothing else is in stock


def test_an_unpaid_order_that_expires_gives_its_places_back(session, owner):
    white, _ = _teapot(session, owner, presale={"ships_at": "2030-04-01", "quota": 2})
    placed = _place(session, owner.shop_id, (white, 2))
    assert _product_of(session, white).in_stock is False
    session.exec(update(Order).values(expires_at=utcnow() - timedelta(seconds=1)))

    assert cancel.expire_unpaid_orders(session) == 1
    product = _product_of(session, white)
    assert (product.presale_sold, product.in_stock) == (0, True)
    last = session.exec(select(StockMove).order_by(StockMove.id.desc())).first()
    assert (last.pool, last.variant_id, last.delta, last.after, last.reason) == (
        "product_quota", white, 2, 2, "order cancelled",
    )
    assert session.get(Order, placed["order_id"]).status == "cancelled"


def test_cancelling_gives_places_back_whether_paid_or_not(session, owner):
    white, black = _teapot(session, owner, black={"presale": {"ships_at": "2030-06-01", "quota": 3}})
    unpaid = _place(session, owner.shop_id, (black, 1))
    order, _ = paid_order(session, owner, (black, 2))
    assert _fresh(session, Variant, black).presale_sold == 3

    cancel.cancel_my_order(session, owner.shop_id, unpaid["order_no"], unpaid["token"])
    cancel.cancel_order(session, owner, order.id, "缺货")  # paid: refunded in full

    assert _fresh(session, Variant, black).presale_sold == 0 and stock_of(session, black) == 0


def test_a_quota_never_goes_below_what_was_sold(session, owner):
    white, _ = _teapot(session, owner, presale={"ships_at": "2030-04-01", "quota": 5})
    _place(session, owner.shop_id, (white, 3))
    product_id = _product_of(session, white).id
    with pytest.raises(Invalid) as refused:
        products.update_product(session, owner, product_id, {"presale": {"ships_at": "2030-04-01", "quota": 2}})
    assert refused.value.fields == {"presale.quota": "presale_quota_below_sold"}
    products.update_product(session, owner, product_id, {"presale": {"ships_at": "2030-04-01", "quota": 3}})
    assert _product_of(session, white).in_stock is False
    products.update_product(session, owner, product_id, {"presale": {"ships_at": "2030-04-01", "quota": 8}})
    assert (_product_of(session, white).presale_sold, _product_of(session, white).in_stock) == (3, True)


def test_ending_a_pre_sale_sells_from_stock_again(session, owner):
    white, _ = _teapot(session, owner, presale={"ships_at": "2030-04-01", "quota": 5}, stock=4)
    placed = _place(session, owner.shop_id, (white, 2))
    product_id = _product_of(session, white).id
    products.update_product(session, owner, product_id, {"presale": None})

    product = _product_of(session, white)
    assert (product.presale_ships_at, product.presale_quota, product.presale_sold) == (None, None, 0)
    _place(session, owner.shop_id, (white, 1))
    assert stock_of(session, white) == 3
    # The earlier order's places belonged to the pre-sale that ended: nothing goes back anywhere.
    cancel.cancel_my_order(session, owner.shop_id, placed["order_no"], placed["token"])
    assert stock_of(session, white) == 3 and _product_of(session, white).presale_sold == 0
    event = session.exec(select(OrderEvent).where(OrderEvent.type == "stock_not_released")).one()
    assert event.data == {"variant_id": white, "qty": 2}


def test_a_new_ship_date_must_not_be_in_the_past_but_the_one_set_may_stay(session, owner):
    yesterday = (date.today() - timedelta(days=2)).isoformat()
    with pytest.raises(Invalid) as refused:
        products.create_product(session, owner, {"title": "壶", "variants": [
            {"price": 1, "presale": {"ships_at": yesterday, "quota": -1}},
        ], "presale": {"ships_at": yesterday, "quota": "10", "extra": 1}})
    assert refused.value.fields == {
        "presale.ships_at": "date_in_past", "presale.quota": "must_be_whole_number", "presale.extra": "unknown_field",
        "variants.0.presale.ships_at": "date_in_past", "variants.0.presale.quota": "must_not_be_negative",
    }
    white, _ = _teapot(session, owner, presale={"ships_at": "2030-04-01"})
    product = _product_of(session, white)
    session.exec(update(Product).where(Product.id == product.id).values(presale_ships_at=date(2020, 1, 1)))
    shown = catalog_views.product_dict(session, _product_of(session, white), with_cost=True)
    assert shown["presale"]["ships_at"] == "2020-01-01"
    # What GET answers can be sent back as it is: an old date that stays is no new setting.
    products.update_product(session, owner, product.id, shown)


def test_the_storefront_sees_places_left_and_sold_out(session, owner):
    white, black = _teapot(session, owner, presale={"ships_at": "2030-04-01", "quota": 2}, stock=9)
    _place(session, owner.shop_id, (black, 2))
    shown = catalog_views.storefront_product(session, owner.shop_id, _product_of(session, white).id)
    assert shown["presale"] == {"ships_at": "2030-04-01", "quota": 2, "sold": 2}
    assert [v["available"] for v in shown["variants"]] == [0, 0]
    items, _ = products.list_products(session, owner.shop_id, active_only=True, in_stock=True)
    assert items == []


def test_the_ledger_of_a_variant_shows_its_quota_moves(session, owner):
    _, black = _teapot(session, owner, black={"presale": {"ships_at": "2030-06-01", "quota": 4}})
    _place(session, owner.shop_id, (black, 1))
    moves = ledger.stock_moves(session, owner.shop_id, black)
    assert [(m["pool"], m["delta"], m["before"], m["after"]) for m in moves] == [
        ("variant_quota", -1, 4, 3), ("variant_quota", 4, 0, 4),
    ]
