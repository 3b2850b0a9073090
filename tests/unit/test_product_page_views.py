"""A product page's blocks are read once a second for all the shoppers of a worker, and read again at once after
this worker writes what they show (a stock move, a product edit, a coupon, a review)."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import select

from shopapp.models import Cart, Product, Variant
from shopapp.services.catalog import products
from shopapp.services.core import changes
from shopapp.services.inventory import ledger
from shopapp.services.shops import shops
from shopapp.ui.store import product_views
from tests.conftest import make_shop


def _page(shop: dict, product_id: int) -> product_views.ProductPageViews:
    return product_views.product_page_views(shop, str(product_id))


def _tea(session, owner, stock: int = 5) -> tuple[int, int]:
    product = products.create_product(session, owner, {"title": "龙井", "status": "active", "variants": [{"sku": "TEA-1", "price": 3800, "stock": stock}]})
    variant_id = session.exec(select(Variant.id).where(Variant.product_id == product.id)).one()
    session.commit()
    return product.id, variant_id


def _shop(session, slug: str = "tea-house") -> dict:
    """The shop as the storefront's state keeps it; the test's session is left idle (on SQLite an open
    transaction holds the write lock, which the group-buy block's read waits for)."""
    shop = {key: str(value) for key, value in shops.public_shop_by_slug(session, slug).items()}
    session.commit()
    return shop


def test_every_shopper_of_a_product_gets_the_page_read_once(session, owner):
    product_id, _ = _tea(session, owner)
    shop = _shop(session)
    first = _page(shop, product_id)
    assert first.product["product"]["title"] == "龙井" and first.product["variants"][0]["stock"] == "5"
    assert _page(shop, product_id) is first  # the next shopper within the second: no read


def test_a_stock_move_in_this_worker_is_shown_at_once(session, owner):
    product_id, variant_id = _tea(session, owner)
    shop = _shop(session)
    assert _page(shop, product_id).product["variants"][0]["stock"] == "5"
    ledger.adjust_stock(session, "owner", owner.shop_id, variant_id, -5, "卖完了")
    session.commit()
    assert _page(shop, product_id).product["variants"][0]["stock"] == "0"


def test_a_product_edit_in_this_worker_is_shown_at_once(session, owner):
    product_id, _ = _tea(session, owner)
    shop = _shop(session)
    assert _page(shop, product_id).product["product"]["title"] == "龙井"
    products.update_product(session, owner, product_id, {"title": "明前龙井"})
    session.commit()
    assert _page(shop, product_id).product["product"]["title"] == "明前龙井"


def test_a_missing_product_is_a_page_of_its_own(session, owner):
    page = _page(_shop(session), 987654)
    assert page.product["missing"] and page.product["variants"] == [] and page.shelves == {} and page.reviews is None


def test_a_row_shoppers_see_moves_the_stamp_of_its_shop_only(session, owner):
    product_id, _ = _tea(session, owner)
    other = make_shop(session, "other-shop")
    before, others_before = changes.stamp(owner.shop_id), changes.stamp(other.shop_id)
    product = session.get(Product, product_id)
    product.title = "明前龙井"
    session.add(product)
    session.commit()
    assert changes.stamp(owner.shop_id) != before and changes.stamp(other.shop_id) == others_before


def test_a_bulk_statement_on_a_shown_table_moves_every_shop(session, owner):
    before = changes.stamp(owner.shop_id)
    session.exec(update(Variant).where(Variant.shop_id == owner.shop_id).values(stock=Variant.stock))
    session.commit()
    assert changes.stamp(owner.shop_id) != before


def test_a_cart_is_not_what_other_shoppers_see(session, owner):
    before = changes.stamp(owner.shop_id)
    session.add(Cart(shop_id=owner.shop_id, token_hash="x" * 64))
    session.commit()
    assert changes.stamp(owner.shop_id) == before
