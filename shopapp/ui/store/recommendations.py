"""The storefront's recommendation shelves (services/insights/recommendations, precomputed by a job and read by
id): 买了这个的人也买了 and 相似商品 under a product, 搭配推荐 under the cart. A handful of cards as plain strings."""

from __future__ import annotations

import reflex as rx

from shopapp.db import read_scope
from shopapp.services.core.errors import DomainError
from shopapp.services.core.validation import id_from_text
from shopapp.services.insights import recommendations
from shopapp.ui.components.text import tr
from shopapp.ui.store.home import card_offers, product_card, product_row
from shopapp.ui.store.state import StoreState

SHELF = 6


class RecommendationsState(StoreState):
    together: list[dict[str, str]] = []
    similar: list[dict[str, str]] = []
    cart_picks: list[dict[str, str]] = []
    _cart_ids: str = ""  # the cart's products the picks were made for: asked again only when they change

    def _show_for_product(self, shelves: dict[str, list[dict[str, str]]]):
        """The product page's load shows the shelves it read for every shopper (product_views)."""
        self._keep(together=shelves.get("together", []), similar=shelves.get("similar", []))

    def _load_for_cart(self, product_ids: list[int]):
        key = ",".join(str(i) for i in sorted(set(product_ids)))
        if key == self._cart_ids:
            return
        self._cart_ids = key
        if not product_ids:
            self._keep(cart_picks=[])
            return
        with read_scope() as session:
            items = recommendations.for_cart(session, int(self.shop["id"]), product_ids, SHELF)
            offers = card_offers(session, self.shop, items)
        self._keep(cart_picks=[product_card(i, self.shop, offers.get(i["id"])) for i in items])


def product_shelves_view(shop: dict, product_id: str) -> dict[str, list[dict[str, str]]]:
    """A product's two shelves as cards, the same for every shopper: {together, similar}."""
    try:
        with read_scope() as session:
            shelves = recommendations.for_product(session, int(shop["id"]), id_from_text(product_id), SHELF)
            offers = card_offers(session, shop, shelves["bought_together"] + shelves["similar"])
    except (DomainError, ValueError, KeyError):
        return {"together": [], "similar": []}
    return {"together": [product_card(i, shop, offers.get(i["id"])) for i in shelves["bought_together"]],
            "similar": [product_card(i, shop, offers.get(i["id"])) for i in shelves["similar"]]}


def product_shelves() -> rx.Component:
    state = RecommendationsState
    return rx.fragment(
        rx.cond(state.together.length() > 0, _shelf("store.rec.bought_together", state.together, "rec-bought-together")),
        rx.cond(state.similar.length() > 0, _shelf("store.rec.similar", state.similar, "rec-similar")),
    )


def cart_shelf() -> rx.Component:
    state = RecommendationsState
    return rx.cond(state.cart_picks.length() > 0, _shelf("store.rec.cart", state.cart_picks, "rec-cart"))


def _shelf(title_key: str, cards, test_id: str) -> rx.Component:
    return rx.el.section(
        rx.el.h2(tr(title_key), class_name="px-4 pb-2 pt-5 text-base font-semibold"),
        product_row(cards),
        aria_label=tr(title_key), data_testid=test_id, class_name="pb-2 md:col-span-2",
    )
