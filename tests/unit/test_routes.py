"""Every path is built by shopapp.ui.routes: the builders give the routes' own shapes, for a slug or a page's Var."""

import re

import reflex as rx

from shopapp.ui import routes
from shopapp.ui.store.state import StoreState


def _matches(route: str, path: str) -> bool:
    pattern = "^" + re.sub(r"\\\[[a-z_]+\\\]", "[^/?]+", re.escape(route)) + r"(\?.*)?$"
    return re.match(pattern, path) is not None


def test_storefront_builders_give_their_routes_paths():
    assert _matches(routes.STORE_HOME, routes.store_home("demo-tea"))
    assert _matches(routes.STORE_PRODUCT, routes.product_page("demo-tea", 7))
    assert _matches(routes.STORE_CART, routes.store_cart("demo-tea"))
    assert _matches(routes.STORE_CHECKOUT, routes.store_checkout("demo-tea"))
    assert _matches(routes.STORE_ACCOUNT, routes.store_account("demo-tea"))
    assert _matches(routes.STORE_ORDER, routes.store_order("demo-tea", "2601010001", "tok"))
    assert _matches(routes.STORE_ORDER, routes.store_account_order("demo-tea", "2601010001"))
    assert _matches(routes.STORE_CHAT, routes.store_chat("demo-tea", "12.abc"))
    assert _matches(routes.STORE_SEARCH, routes.store_search("demo-tea"))


def test_a_search_link_keeps_its_query_as_given():
    assert routes.store_search("demo-tea") == "/s/demo-tea/search"
    assert routes.store_search("demo-tea", q="绿茶 龙井") == "/s/demo-tea/search?q=%E7%BB%BF%E8%8C%B6+%E9%BE%99%E4%BA%95"
    assert routes.store_search("demo-tea", q="") == "/s/demo-tea/search?q="
    assert routes.store_search("demo-tea", category="3") == "/s/demo-tea/search?category=3"


def test_console_builders_give_their_routes_paths():
    assert _matches(routes.CONSOLE_PRODUCT, routes.console_product(5))
    assert _matches(routes.CONSOLE_ORDER, routes.console_order("9"))
    assert _matches(routes.CONSOLE_PROMOTIONS, routes.console_promotions("tiered"))
    assert _matches(routes.CONSOLE_PROMOTION_REPORT, routes.console_promotion_report("12"))
    assert routes.shipment_label(4) == "/api/v1/shipments/4/label.pdf"
    assert routes.shipment_labels([4, 5]) == "/api/v1/shipments/labels.pdf?ids=4,5"


def test_storefront_builders_take_a_pages_var():
    slug = StoreState.shop["slug"]
    for build in (routes.store_home, routes.store_cart, routes.store_checkout, routes.store_account, routes.store_search):
        assert isinstance(build(slug), rx.Var)
    assert "/cart" in str(routes.store_cart(slug))
