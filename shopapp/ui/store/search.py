"""Searching and browsing a shop: a query, a category, in-stock only, a sort; more results as the shopper scrolls on."""

import reflex as rx

from shopapp.db import read_scope
from shopapp.services.catalog import categories as catalog_categories
from shopapp.services.catalog import products as catalog_products
from shopapp.services.catalog import search
from shopapp.services.core.errors import DomainError
from shopapp.services.core.validation import id_from_text
from shopapp.ui import routes
from shopapp.ui.components.forms import INPUT, SEARCH_BUTTON, SECONDARY_BUTTON
from shopapp.ui.components.pager import shown_total
from shopapp.ui.components.price_filter import PriceFilterMixin, price_filter
from shopapp.ui.components.text import tr
from shopapp.ui.page_events import hydrating
from shopapp.ui.store.home import card_offers, product_card, product_grid
from shopapp.ui.store.layout import store_page
from shopapp.ui.store.state import StoreState

PER_PAGE = 20
SORTS = ("relevance", "newest", "price_asc", "price_desc")


class SearchState(PriceFilterMixin, StoreState):
    q: str = ""
    category_id: str = ""
    sort: str = "relevance"
    in_stock: bool = False
    categories: list[dict[str, str]] = []
    products: list[dict[str, str]] = []
    total: int = 0
    total_text: str = "0"
    page: int = 1
    problem: str = ""

    @rx.event
    @hydrating  # sets is_hydrated itself: no set_is_hydrated event after it (ui/page_events.py)
    def load(self):
        self._load_shop()
        if self.not_found:
            return
        params = self.router.url.query_parameters
        self.q, self.category_id = params.get("q", ""), params.get("category", "")
        self.sort = params.get("sort", "relevance") if params.get("sort") in SORTS else "relevance"
        self.in_stock, self.page = params.get("in_stock") == "1", 1
        # A shared link's range (yuan); a wrong one is explained above the list, which shows all prices.
        self.price_min, self.price_max = "", ""
        self._set_price_range(params.get("price_min", ""), params.get("price_max", ""))
        with read_scope() as session:
            self.categories = [{"id": str(c["id"]), "name": c["name"]} for c in catalog_categories.list_categories(session, int(self.shop["id"]))]
        self._search(append=False)

    @rx.event
    def submit(self, form: dict):
        self.q, self.page = form.get("q", "").strip(), 1
        self._search(append=False)

    @rx.event
    def choose_category(self, category_id: str):
        self.category_id, self.page = category_id, 1
        self._search(append=False)

    @rx.event
    def choose_sort(self, sort: str):
        self.sort, self.page = sort if sort in SORTS else "relevance", 1
        self._search(append=False)

    @rx.event
    def toggle_in_stock(self):
        self.in_stock, self.page = not self.in_stock, 1
        self._search(append=False)

    @rx.event
    def filter_by_price(self, form: dict):
        if self._set_price_range(form.get("price_min", ""), form.get("price_max", "")):
            self.page = 1
            self._search(append=False)

    @rx.event
    def more(self):
        self.page += 1
        self._search(append=True)

    def _search(self, *, append: bool):
        self.problem = ""
        try:
            with read_scope() as session:
                items, self.total = catalog_products.list_products(
                    session, int(self.shop["id"]), q=self.q or None, active_only=True,
                    category_id=id_from_text(self.category_id) if self.category_id else None,
                    in_stock=True if self.in_stock else None, sort=self.sort, page=self.page, per_page=PER_PAGE,
                    **self._price_range(),
                )
                offers = card_offers(session, self.shop, items)
        except DomainError as exc:
            self.problem = self._message(exc)
            return
        self.total_text = shown_total(self.total, self.q, search.MAX_COUNTED)
        cards = [product_card(item, self.shop, offers.get(item["id"]), position=None if append else n) for n, item in enumerate(items)]
        self.products = self.products + cards if append else cards


@store_page(routes.STORE_SEARCH, title="搜索", on_load=SearchState.load)
def search_page() -> tuple[rx.Component, ...]:
    state = SearchState
    return (
        rx.el.form(
            rx.el.input(name="q", type="search", default_value=state.q, placeholder=tr("store.search_placeholder"),
                        aria_label=tr("store.search_placeholder"), class_name=INPUT + " min-w-0 flex-1", key=state.q),
            rx.el.button(tr("products.search_button"), type="submit", class_name=SEARCH_BUTTON),
            on_submit=state.submit, reset_on_submit=False, class_name="flex gap-2 px-4 pt-4",
        ),
        rx.el.div(
            _chip(tr("products.tab.all"), state.category_id == "", state.choose_category("")),
            rx.foreach(state.categories, lambda c: _chip(c["name"], state.category_id == c["id"], state.choose_category(c["id"]))),
            class_name="flex gap-2 overflow-x-auto px-4 pt-3",
        ),
        rx.el.div(
            rx.el.select(*[rx.el.option(tr(f"store.sort.{s}"), value=s) for s in SORTS], value=state.sort,
                         on_change=state.choose_sort, aria_label=tr("store.sort"), class_name="rounded border px-2 py-1 text-sm"),
            rx.el.label(rx.el.input(type="checkbox", checked=state.in_stock, on_change=state.toggle_in_stock, class_name="mr-1"),
                        tr("store.in_stock_only"), class_name="text-sm"),
            rx.el.span(state.total_text, " ", tr("store.results"), class_name="ml-auto text-sm text-gray-500", data_testid="result-count"),
            class_name="flex items-center gap-3 px-4 py-3",
        ),
        rx.el.div(price_filter(state), class_name="px-4 pb-3"),
        rx.cond(state.problem != "", rx.el.p(state.problem, role="alert", class_name="px-4 text-sm text-red-600")),
        rx.cond(state.total == 0, rx.el.p(tr("store.no_results"), class_name="px-4 py-12 text-center text-gray-500"), product_grid(state.products)),
        rx.cond(state.products.length() < state.total, rx.el.div(
            rx.el.button(tr("store.more"), on_click=state.more, type="button", class_name=SECONDARY_BUTTON),
            class_name="py-6 text-center",
        )),
    )


def _chip(label, active, on_click) -> rx.Component:
    return rx.el.button(
        label, on_click=on_click, type="button", aria_pressed=rx.cond(active, "true", "false"),
        class_name=rx.cond(active, "whitespace-nowrap rounded-full bg-gray-900 px-3 py-1 text-sm text-white",
                           "whitespace-nowrap rounded-full bg-white px-3 py-1 text-sm text-gray-700 shadow-sm"),
    )
