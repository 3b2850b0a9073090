"""Bulk edits from the product list: one action on many products, all or nothing."""

import pytest
from sqlmodel import select

from shopapp.models import StockMove, Variant
from shopapp.services.catalog import bulk, views
from shopapp.services.catalog import products as catalog_products
from shopapp.services.core.errors import Invalid
from tests.conftest import make_shop


def products(session, owner, *prices):
    made = [catalog_products.create_product(session, owner, {"title": f"茶 {p}", "variants": [{"price": p, "stock": 1}]}) for p in prices]
    session.flush()
    return [p.id for p in made]


def price_of(session, product_id):
    return session.exec(select(Variant.price).where(Variant.product_id == product_id)).one()


def test_status_tag_and_price_changes(session, owner):
    ids = products(session, owner, 1299, 5000)
    assert bulk.bulk_edit(session, owner, ids, "set_status", "active") == 2
    bulk.bulk_edit(session, owner, ids, "add_tag", "秋季上新")
    bulk.bulk_edit(session, owner, ids, "price_by_percent", "-10")
    assert [price_of(session, i) for i in ids] == [1169, 4500]
    bulk.bulk_edit(session, owner, ids, "price_by_amount", 100)
    assert [price_of(session, i) for i in ids] == [1269, 4600]
    shown = views.product_dict(session, views.get_product(session, owner.shop_id, ids[0]), with_cost=False)
    assert shown["status"] == "active" and shown["tags"] == ["秋季上新"]


def test_stock_is_set_through_the_ledger(session, owner):
    ids = products(session, owner, 100, 200)
    bulk.bulk_edit(session, owner, ids, "set_stock", 50)
    assert session.exec(select(Variant.stock)).all() == [50, 50]
    assert [m.reason for m in session.exec(select(StockMove).where(StockMove.reason == "bulk edit")).all()] == ["bulk edit"] * 2


def test_a_cut_below_zero_changes_nothing(session, owner):
    ids = products(session, owner, 100, 5000)
    with pytest.raises(Invalid) as caught:
        bulk.bulk_edit(session, owner, ids, "price_by_amount", -200)
    assert caught.value.fields == {"value": "price_negative"}
    assert [price_of(session, i) for i in ids] == [100, 5000]


def test_another_shops_products_are_untouched(session, owner):
    other = make_shop(session, "other-shop")
    theirs = products(session, other, 100)
    with pytest.raises(Invalid):
        bulk.bulk_edit(session, owner, theirs, "set_status", "archived")
    assert price_of(session, theirs[0]) == 100
