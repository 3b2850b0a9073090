"""The console's product list state: search, status tab, sort, category, in stock, price; one page at a time.
Bulk edits and the low-stock badge are its mixins."""

from __future__ import annotations

import reflex as rx

from shopapp.db import session_scope
from shopapp.services.catalog import categories as catalog_categories
from shopapp.services.catalog import products, search
from shopapp.services.core.money import format_price_range
from shopapp.services.inventory import availability
from shopapp.services.shops import shops
from shopapp.ui import routes
from shopapp.ui.components.pager import PagesMixin, shown_total
from shopapp.ui.components.price_filter import PriceFilterMixin
from shopapp.ui.console.products.bulk import BulkEditMixin
from shopapp.ui.console.products.low_stock import LowStockMixin
from shopapp.ui.console.state import ConsoleState

PER_PAGE = 20


class ProductListState(BulkEditMixin, LowStockMixin, PriceFilterMixin, PagesMixin, ConsoleState):
    q: str = ""
    status: str = ""
    sort: str = "relevance"
    category_id: str = ""
    in_stock_only: bool = False
    categories: list[dict[str, str]] = []
    total_text: str = "0"
    rows: list[dict[str, str]] = []
    loading: bool = False

    @rx.event
    def load(self):
        actor = self._signed_in()
        if actor is None:
            return
        self.loading = True
        with session_scope() as session:
            items, total = products.list_products(
                session, actor.shop_id, q=self.q or None, status=self.status or None, page=self.page, per_page=PER_PAGE,
                sort=self.sort, category_id=int(self.category_id) if self.category_id else None,
                in_stock=True if self.in_stock_only else None, **self._price_range(),
            )
            self._counted(total, PER_PAGE)
            self.total_text = shown_total(total, self.q, search.MAX_COUNTED)
            self.categories = [{"id": str(c["id"]), "name": c["name"]} for c in catalog_categories.list_categories(session, actor.shop_id)]
            shop = shops.get_shop(session, actor.shop_id)
            self.low_stock_count = availability.low_stock(session, actor.shop_id, per_page=1)[1]
        self.rows = [_row(item, shop.currency, shop.low_stock_threshold) for item in items]
        self.selected = [i for i in self.selected if any(r["id"] == i for r in self.rows)]
        self.loading = False

    @rx.event
    def search(self, form: dict):
        self.q, self.page = form.get("q", "").strip(), 1
        return ProductListState.load

    @rx.event
    def choose_sort(self, sort: str):
        self.sort, self.page = sort, 1
        return ProductListState.load

    @rx.event
    def choose_category(self, category_id: str):
        self.category_id, self.page = category_id, 1
        return ProductListState.load

    @rx.event
    def toggle_in_stock(self):
        self.in_stock_only, self.page = not self.in_stock_only, 1
        return ProductListState.load

    @rx.event
    def filter_by_price(self, form: dict):
        if self._set_price_range(form.get("price_min", ""), form.get("price_max", "")):
            self.page = 1
            return ProductListState.load

    @rx.event
    def show_status(self, status: str):
        self.status, self.page, self.selected = status, 1, []
        return ProductListState.load

    def _load_page(self):
        return ProductListState.load


def _row(item: dict, currency: str, low_stock_threshold: int) -> dict[str, str]:
    image = item["image"] or {}
    low, high = item["price_min"], item["price_max"]
    return {
        "id": str(item["id"]),
        "title": item["title"],
        "status": item["status"],
        "price": format_price_range(low, high, currency) if low is not None else "—",
        "stock": str(item["stock"]),
        "low": "yes" if item["stock"] <= low_stock_threshold else "",
        "variants": str(item["variant_count"]),
        "thumb": image.get("thumb_url", ""),
        "url": routes.console_product(item["id"]),
    }
