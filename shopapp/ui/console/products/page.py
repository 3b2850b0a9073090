"""The console's product list (/console/products): tabs, search, filters, bulk edits, one page of products."""

from __future__ import annotations

import reflex as rx

from shopapp.ui import routes
from shopapp.ui.components.forms import INPUT, PRIMARY_BUTTON, SEARCH_BUTTON, SECONDARY_BUTTON
from shopapp.ui.components.pager import pager
from shopapp.ui.components.price_filter import price_filter
from shopapp.ui.components.text import tr
from shopapp.ui.console.layout import console_page
from shopapp.ui.console.products.bulk import bulk_bar
from shopapp.ui.console.products.low_stock import low_stock_badge
from shopapp.ui.console.products.state import ProductListState

TABS = (("", "products.tab.all"), ("active", "products.status.active"), ("draft", "products.status.draft"), ("archived", "products.status.archived"))
SORTS = ("relevance", "newest", "title", "price_asc", "price_desc")


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
        low_stock_badge(ProductListState),
        _toolbar(),
        bulk_bar(ProductListState),
        rx.cond(
            ProductListState.total == 0,
            rx.el.p(
                rx.cond(ProductListState.q != "", tr("products.no_match"), tr("products.empty")),
                class_name="mt-8 rounded-2xl border border-dashed bg-white p-8 text-center text-gray-500",
            ),
            _table(),
        ),
        pager(ProductListState.page, ProductListState.pages, ProductListState.total_text, ProductListState.turn_page(-1), ProductListState.turn_page(1)),
    )


def _toolbar() -> rx.Component:
    return rx.fragment(_search_bar(), _filters())


def _search_bar() -> rx.Component:
    return rx.el.div(
        rx.el.div(*[_tab(value, key) for value, key in TABS], role="tablist", class_name="flex gap-1 overflow-x-auto"),
        rx.el.form(
            rx.el.input(name="q", type="search", placeholder=tr("products.search"), aria_label=tr("products.search"), class_name=INPUT + " min-w-0 flex-1 sm:w-64"),
            rx.el.button(tr("products.search_button"), type="submit", class_name=SEARCH_BUTTON),
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
