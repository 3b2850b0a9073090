"""Console product list: search, status tabs, sorting, one page at a time, bulk edits."""

import math

import reflex as rx

from shopapp.db import session_scope
from shopapp.services.catalog import bulk, products, search
from shopapp.services.catalog import categories as catalog_categories
from shopapp.services.core.errors import DomainError
from shopapp.services.core.money import format_price_range, parse_money
from shopapp.services.inventory import availability, stock_alerts
from shopapp.services.shops import shops
from shopapp.ui import routes
from shopapp.ui.components.forms import INPUT, PRIMARY_BUTTON, SECONDARY_BUTTON
from shopapp.ui.components.pager import pager, shown_total
from shopapp.ui.components.price_filter import PriceFilterMixin, price_filter
from shopapp.ui.components.text import tr
from shopapp.ui.console.layout import console_page
from shopapp.ui.console.state import ConsoleState

PER_PAGE = 20
TABS = (("", "products.tab.all"), ("active", "products.status.active"), ("draft", "products.status.draft"), ("archived", "products.status.archived"))
SORTS = ("relevance", "newest", "title", "price_asc", "price_desc")
BULK_ACTIONS = ("set_status", "price_by_amount", "price_by_percent", "set_stock", "add_tag")


class ProductListState(PriceFilterMixin, ConsoleState):
    q: str = ""
    status: str = ""
    sort: str = "relevance"
    category_id: str = ""
    in_stock_only: bool = False
    categories: list[dict[str, str]] = []
    page: int = 1
    total: int = 0
    total_text: str = "0"
    rows: list[dict[str, str]] = []
    selected: list[str] = []
    bulk_action: str = "set_status"
    notice: str = ""
    problem: str = ""
    loading: bool = False
    low_stock_count: int = 0
    low_rows: list[dict[str, str]] = []
    show_low: bool = False

    @rx.var
    def pages(self) -> int:
        return max(1, math.ceil(self.total / PER_PAGE))

    @rx.event
    def load(self):
        actor = self._signed_in()
        if actor is None:
            return
        self.loading = True
        with session_scope() as session:
            items, self.total = products.list_products(
                session, actor.shop_id, q=self.q or None, status=self.status or None, page=self.page, per_page=PER_PAGE,
                sort=self.sort, category_id=int(self.category_id) if self.category_id else None,
                in_stock=True if self.in_stock_only else None, **self._price_range(),
            )
            self.total_text = shown_total(self.total, self.q, search.MAX_COUNTED)
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
    def toggle_low_stock(self):
        """The variants about to run out, emptiest first, with how many shoppers wait for each product."""
        self.show_low = not self.show_low
        if not self.show_low:
            return
        actor = self._actor()
        with session_scope() as session:
            items, _ = availability.low_stock(session, actor.shop_id, per_page=100)
            waiting = stock_alerts.demand_by_product(session, actor, list({i["product_id"] for i in items}))
        self.low_rows = [
            {"title": i["title"], "options": " / ".join(i["option_values"]), "sku": i["sku"] or "", "stock": str(i["stock"]),
             "waiting": str(waiting.get(i["product_id"], 0)), "url": routes.console_product(i["product_id"])}
            for i in items
        ]

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

    @rx.event
    def next_page(self):
        self.page = min(self.page + 1, self.pages)
        return ProductListState.load

    @rx.event
    def prev_page(self):
        self.page = max(1, self.page - 1)
        return ProductListState.load

    @rx.event
    def toggle(self, product_id: str):
        self.selected = [i for i in self.selected if i != product_id] if product_id in self.selected else [*self.selected, product_id]

    @rx.event
    def toggle_all(self):
        ids = [r["id"] for r in self.rows]
        self.selected = [] if all(i in self.selected for i in ids) else ids

    @rx.event
    def choose_bulk_action(self, action: str):
        self.bulk_action = action

    @rx.event
    def apply_bulk(self, form: dict):
        self.notice, self.problem = "", ""
        value = form.get("value", "")
        try:
            if self.bulk_action == "price_by_amount":
                value = parse_money(value, allow_negative=True)
            with session_scope() as session:
                count = bulk.bulk_edit(session, self._actor(), [int(i) for i in self.selected], self.bulk_action, value)
        except DomainError as exc:
            fields = self._field_messages(exc)
            self.problem = next(iter(fields.values()), self._message(exc))
            return
        self.notice = self.tr["products.bulk.done"].format(count=count)
        self.selected = []
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


@console_page(routes.CONSOLE_PRODUCTS, "console.nav.products", on_load=ProductListState.load)
def product_list() -> rx.Component:
    return rx.el.div(
        rx.el.div(
            rx.el.h1(tr("console.nav.products"), class_name="text-2xl font-bold"),
            rx.el.div(
                rx.el.a(tr("import.title"), href=routes.CONSOLE_PRODUCT_IMPORT, class_name=SECONDARY_BUTTON),
                rx.el.a(tr("products.new"), href=routes.CONSOLE_PRODUCT_NEW, class_name=PRIMARY_BUTTON),
                class_name="flex gap-2",
            ),
            class_name="flex items-center justify-between",
        ),
        rx.cond(
            ProductListState.low_stock_count > 0,
            rx.el.button(
                tr("products.low_stock_badge"), ": ", ProductListState.low_stock_count,
                on_click=ProductListState.toggle_low_stock, type="button", aria_expanded=rx.cond(ProductListState.show_low, "true", "false"),
                class_name="mt-3 inline-block rounded-full bg-amber-100 px-3 py-1 text-sm text-amber-800", data_testid="low-stock-badge",
            ),
        ),
        rx.cond(ProductListState.show_low, _low_stock_list()),
        _toolbar(),
        _bulk_bar(),
        rx.cond(
            ProductListState.total == 0,
            rx.el.p(
                rx.cond(ProductListState.q != "", tr("products.no_match"), tr("products.empty")),
                class_name="mt-8 rounded-2xl border border-dashed bg-white p-8 text-center text-gray-500",
            ),
            _table(),
        ),
        pager(ProductListState.page, ProductListState.pages, ProductListState.total_text, ProductListState.prev_page, ProductListState.next_page),
    )


def _toolbar() -> rx.Component:
    return rx.fragment(_search_bar(), _filters())


def _search_bar() -> rx.Component:
    return rx.el.div(
        rx.el.div(*[_tab(value, key) for value, key in TABS], role="tablist", class_name="flex gap-1 overflow-x-auto"),
        rx.el.form(
            rx.el.input(name="q", type="search", placeholder=tr("products.search"), aria_label=tr("products.search"), class_name=INPUT + " sm:w-64"),
            rx.el.button(tr("products.search_button"), type="submit", class_name=SECONDARY_BUTTON),
            on_submit=ProductListState.search,
            reset_on_submit=False,
            class_name="flex gap-2",
        ),
        class_name="mt-4 flex flex-col gap-3 sm:flex-row sm:items-center sm:justify-between",
    )


def _filters() -> rx.Component:
    return rx.el.div(
        rx.el.select(*[rx.el.option(tr(f"products.sort.{s}"), value=s) for s in SORTS], value=ProductListState.sort,
                     on_change=ProductListState.choose_sort, aria_label=tr("store.sort"), class_name="rounded border px-2 py-1 text-sm"),
        rx.el.select(rx.el.option(tr("products.all_categories"), value=""),
                     rx.foreach(ProductListState.categories, lambda c: rx.el.option(c["name"], value=c["id"])),
                     value=ProductListState.category_id, on_change=ProductListState.choose_category,
                     aria_label=tr("products.field.categories"), class_name="rounded border px-2 py-1 text-sm"),
        rx.el.label(rx.el.input(type="checkbox", checked=ProductListState.in_stock_only, on_change=ProductListState.toggle_in_stock, class_name="mr-1"),
                    tr("store.in_stock_only"), class_name="text-sm"),
        price_filter(ProductListState),
        class_name="mt-2 flex flex-wrap items-center gap-3",
    )


def _tab(value: str, key: str) -> rx.Component:
    active = ProductListState.status == value
    return rx.el.button(
        tr(key), on_click=ProductListState.show_status(value), type="button", role="tab", aria_selected=rx.cond(active, "true", "false"),
        class_name=rx.cond(active, "rounded-lg bg-emerald-700 px-3 py-1.5 text-sm text-white", "rounded-lg px-3 py-1.5 text-sm text-gray-700 hover:bg-gray-100"),
    )


def _bulk_bar() -> rx.Component:
    return rx.cond(
        ProductListState.selected.length() > 0,
        rx.el.form(
            rx.el.span(tr("products.bulk.selected"), ": ", ProductListState.selected.length(), class_name="text-sm font-semibold"),
            rx.el.select(
                *[rx.el.option(tr(f"products.bulk.{action}"), value=action) for action in BULK_ACTIONS],
                value=ProductListState.bulk_action, on_change=ProductListState.choose_bulk_action,
                aria_label=tr("products.bulk.action"), class_name=INPUT + " sm:w-48",
            ),
            rx.match(
                ProductListState.bulk_action,
                ("set_status", rx.el.select(
                    *[rx.el.option(tr(f"products.status.{s}"), value=s) for s in ("active", "draft", "archived")],
                    name="value", aria_label=tr("products.bulk.value"), class_name=INPUT + " sm:w-32",
                )),
                rx.el.input(name="value", aria_label=tr("products.bulk.value"), placeholder=tr("products.bulk.value_hint"), class_name=INPUT + " sm:w-32"),
            ),
            rx.el.button(tr("products.bulk.apply"), type="submit", class_name=PRIMARY_BUTTON + " py-2 text-sm"),
            on_submit=ProductListState.apply_bulk,
            reset_on_submit=True,
            class_name="mt-4 flex flex-col gap-2 rounded-2xl border border-emerald-200 bg-emerald-50 p-3 sm:flex-row sm:items-center",
        ),
        rx.cond(
            (ProductListState.notice != "") | (ProductListState.problem != ""),
            rx.el.p(
                ProductListState.notice, ProductListState.problem, role="status",
                class_name=rx.cond(ProductListState.problem != "", "mt-4 text-sm text-red-700", "mt-4 text-sm text-emerald-700"),
            ),
        ),
    )


def _table() -> rx.Component:
    return rx.el.div(
        rx.el.table(
            rx.el.thead(
                rx.el.tr(
                    rx.el.th(rx.el.input(type="checkbox", on_change=ProductListState.toggle_all, aria_label=tr("products.select_all")), class_name="w-8 p-2"),
                    rx.el.th(tr("products.col.product"), class_name="p-2 text-left"),
                    rx.el.th(tr("products.col.status"), class_name="hidden p-2 text-left sm:table-cell"),
                    rx.el.th(tr("products.col.price"), class_name="p-2 text-right"),
                    rx.el.th(tr("products.col.stock"), class_name="p-2 text-right"),
                    rx.el.th(tr("products.col.variants"), class_name="hidden p-2 text-right sm:table-cell"),
                    class_name="border-b text-sm text-gray-600",
                ),
            ),
            rx.el.tbody(rx.foreach(ProductListState.rows, _product_row)),
            class_name="w-full",
        ),
        class_name="mt-4 overflow-x-auto rounded-2xl border bg-white",
        aria_busy=rx.cond(ProductListState.loading, "true", "false"),
    )


def _product_row(row: dict) -> rx.Component:
    return rx.el.tr(
        rx.el.td(
            rx.el.input(type="checkbox", checked=ProductListState.selected.contains(row["id"]), on_change=ProductListState.toggle(row["id"]),
                        aria_label=row["title"]),
            class_name="p-2",
        ),
        rx.el.td(
            rx.el.a(
                rx.cond(row["thumb"] != "", rx.el.img(src=row["thumb"], alt="", width="40", height="40", loading="lazy", class_name="h-10 w-10 rounded object-cover"),
                        rx.el.div(class_name="h-10 w-10 rounded bg-gray-100")),
                rx.el.span(row["title"], class_name="line-clamp-2"),
                href=row["url"], class_name="flex items-center gap-2 hover:text-emerald-700",
            ),
            class_name="p-2",
        ),
        rx.el.td(_status_badge(row["status"]), class_name="hidden p-2 sm:table-cell"),
        rx.el.td(row["price"], class_name="whitespace-nowrap p-2 text-right"),
        rx.el.td(
            rx.el.span(row["stock"], class_name=rx.cond(row["low"] != "", "rounded bg-amber-100 px-1.5 text-amber-800", "")),
            class_name="p-2 text-right",
        ),
        rx.el.td(row["variants"], class_name="hidden p-2 text-right sm:table-cell"),
        class_name="border-b text-sm last:border-0",
    )


def _status_badge(status) -> rx.Component:
    return rx.match(
        status,
        ("active", rx.el.span(tr("products.status.active"), class_name="rounded bg-emerald-100 px-2 py-0.5 text-xs text-emerald-800")),
        ("draft", rx.el.span(tr("products.status.draft"), class_name="rounded bg-gray-100 px-2 py-0.5 text-xs text-gray-700")),
        rx.el.span(tr("products.status.archived"), class_name="rounded bg-gray-200 px-2 py-0.5 text-xs text-gray-500"),
    )


def _low_stock_list() -> rx.Component:
    return rx.el.table(
        rx.el.thead(rx.el.tr(
            *[rx.el.th(tr(k), class_name="p-2 text-left") for k in ("products.col.product", "products.col.variant", "products.col.sku")],
            rx.el.th(tr("products.col.stock"), class_name="p-2 text-right"),
            rx.el.th(tr("products.waiting_shoppers"), class_name="p-2 text-right"),
            class_name="border-b text-sm text-gray-600",
        )),
        rx.el.tbody(rx.foreach(ProductListState.low_rows, lambda r: rx.el.tr(
            rx.el.td(rx.el.a(r["title"], href=r["url"], class_name="hover:text-emerald-700"), class_name="p-2"),
            rx.el.td(r["options"], class_name="p-2"), rx.el.td(r["sku"], class_name="p-2 font-mono text-xs"),
            rx.el.td(r["stock"], class_name="p-2 text-right"), rx.el.td(r["waiting"], class_name="p-2 text-right"),
            class_name="border-b text-sm last:border-0",
        ))),
        class_name="mt-3 w-full rounded-2xl border bg-white", data_testid="low-stock-list",
    )
