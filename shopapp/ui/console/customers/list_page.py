"""The console's customer list (/console/customers): search, filters, sort, bulk tag, export, save as segment."""

from __future__ import annotations

import reflex as rx

from shopapp.ui import routes
from shopapp.ui.components.forms import INPUT, PRIMARY_BUTTON, SEARCH_BUTTON, SECONDARY_BUTTON
from shopapp.ui.components.pager import pager
from shopapp.ui.components.text import tr
from shopapp.ui.console.customers.list_state import CustomerListState
from shopapp.ui.console.layout import console_page

SORTS = ("recent", "spent", "orders", "newest")


@console_page(routes.CONSOLE_CUSTOMERS, "console.nav.customers", on_load=CustomerListState.load)
def customer_list() -> rx.Component:
    state = CustomerListState
    return rx.el.div(
        rx.el.div(
            rx.el.h1(tr("console.nav.customers"), class_name="text-2xl font-bold"),
            rx.el.div(
                rx.el.a(tr("customers.segments"), href=routes.CONSOLE_SEGMENTS, class_name=SECONDARY_BUTTON),
                rx.el.button(tr("customers.export"), on_click=state.export, type="button", class_name=SECONDARY_BUTTON),
                class_name="flex gap-2",
            ),
            class_name="flex flex-wrap items-center justify-between gap-2",
        ),
        rx.cond(state.segment != "", rx.el.p(
            tr("customers.in_segment"), " ", state.segment_label, " ",
            rx.el.a(tr("customers.all"), href=routes.CONSOLE_CUSTOMERS, class_name="text-emerald-700 underline"),
            class_name="mt-2 text-sm text-gray-700", data_testid="segment-shown",
        )),
        _filters(),
        rx.cond(state.problem != "", rx.el.p(state.problem, role="alert", class_name="mt-2 text-sm text-red-600")),
        rx.cond(state.notice != "", rx.el.p(state.notice, role="status", class_name="mt-2 text-sm text-emerald-700")),
        rx.cond(state.selected.length() > 0, _bulk_bar()),
        rx.cond(
            state.total == 0,
            rx.el.p(tr("customers.empty"), class_name="mt-8 rounded-2xl border border-dashed bg-white p-8 text-center text-gray-500"),
            rx.el.div(
                rx.el.table(
                    rx.el.thead(rx.el.tr(
                        rx.el.th(rx.el.input(type="checkbox", on_change=state.toggle_page, aria_label=tr("customers.select_page")), class_name="w-8 p-2"),
                        rx.el.th(tr("customers.col.customer"), class_name="p-2 text-left"),
                        rx.el.th(tr("customers.col.orders"), class_name="p-2 text-right"),
                        rx.el.th(tr("customers.col.spent"), class_name="p-2 text-right"),
                        rx.el.th(tr("customers.col.last_order"), class_name="hidden p-2 text-left sm:table-cell"),
                        rx.el.th(tr("customers.col.tags"), class_name="hidden p-2 text-left sm:table-cell"),
                        class_name="border-b text-sm text-gray-600",
                    )),
                    rx.el.tbody(rx.foreach(state.rows, _row), data_testid="customer-rows"),
                    class_name="w-full",
                ),
                class_name="mt-4 overflow-x-auto rounded-2xl border bg-white",
            ),
        ),
        pager(state.page, state.pages, state.total_text, state.turn_page(-1), state.turn_page(1)),
        _save_segment(),
    )


def _filters() -> rx.Component:
    def field(name: str, key: str, kind: str = "text") -> rx.Component:
        return rx.el.label(tr(key), rx.el.input(name=name, type=kind, class_name=INPUT), class_name="text-sm")

    return rx.el.form(
        rx.el.input(name="q", type="search", placeholder=tr("customers.search"), aria_label=tr("customers.search"),
                    class_name=INPUT + " sm:w-72", data_testid="customer-search"),
        rx.el.details(
            rx.el.summary(tr("customers.more_filters"), class_name="cursor-pointer text-sm text-emerald-700"),
            rx.el.div(
                field("tag", "customers.filter.tag"), field("region", "customers.filter.region"),
                rx.el.label(tr("customers.filter.level"), rx.el.select(
                    rx.el.option("—", value=""), rx.foreach(CustomerListState.levels, lambda lv: rx.el.option(lv["name"], value=lv["id"])),
                    name="level", class_name=INPUT), class_name="text-sm"),
                field("orders_min", "customers.filter.orders_min", "number"), field("spent_min", "customers.filter.spent_min"),
                field("last_order_from", "customers.filter.last_order_from", "date"), field("last_order_to", "customers.filter.last_order_to", "date"),
                class_name="mt-2 grid grid-cols-1 gap-2 sm:grid-cols-3",
            ),
        ),
        rx.el.div(
            rx.el.select(*[rx.el.option(tr(f"customers.sort.{s}"), value=s) for s in SORTS], name="sort",
                         aria_label=tr("customers.sort"), class_name=INPUT + " sm:w-40"),
            rx.el.button(tr("products.search_button"), type="submit", class_name=SEARCH_BUTTON),
            class_name="flex gap-2",
        ),
        on_submit=CustomerListState.filter, reset_on_submit=False,
        class_name="mt-3 flex flex-col gap-2",
    )


def _bulk_bar() -> rx.Component:
    state = CustomerListState
    return rx.el.div(
        rx.cond(
            state.confirming_tag,
            rx.el.div(
                rx.el.span(tr("customers.confirm_tag"), " 「", state.bulk_tag, "」 → ", state.selected.length(), class_name="text-sm"),
                rx.el.button(tr("confirm.yes"), on_click=state.apply_tag, type="button", class_name=PRIMARY_BUTTON + " py-2 text-sm",
                             data_testid="confirm-tag"),
                rx.el.button(tr("form.cancel"), on_click=state.cancel_tag, type="button", class_name=SECONDARY_BUTTON),
                class_name="flex flex-wrap items-center gap-2",
            ),
            rx.el.form(
                rx.el.span(tr("products.bulk.selected"), ": ", state.selected.length(), class_name="text-sm font-semibold"),
                rx.el.input(name="tag", placeholder=tr("customers.tag_placeholder"), aria_label=tr("customers.add_tag"),
                            class_name=INPUT + " sm:w-48", data_testid="bulk-tag"),
                rx.el.button(tr("customers.add_tag"), type="submit", class_name=PRIMARY_BUTTON + " py-2 text-sm"),
                on_submit=state.ask_tag, reset_on_submit=False,
                class_name="flex flex-col gap-2 sm:flex-row sm:items-center",
            ),
        ),
        class_name="mt-3 rounded-2xl border border-emerald-200 bg-emerald-50 p-3",
    )


def _save_segment() -> rx.Component:
    return rx.el.form(
        rx.el.input(name="name", placeholder=tr("customers.segment_name"), aria_label=tr("customers.segment_name"),
                    class_name=INPUT + " sm:w-56", data_testid="segment-name"),
        rx.el.button(tr("customers.save_segment"), type="submit", class_name=SECONDARY_BUTTON),
        on_submit=CustomerListState.save_segment, reset_on_submit=True,
        class_name="mt-4 flex flex-col gap-2 sm:flex-row sm:items-center",
    )


def _row(row: dict) -> rx.Component:
    state = CustomerListState
    return rx.el.tr(
        rx.el.td(rx.el.input(type="checkbox", checked=state.selected.contains(row["id"]), on_change=state.toggle(row["id"]),
                             aria_label=row["email"]), class_name="p-2"),
        rx.el.td(
            rx.el.a(row["name"], href=row["url"], class_name="font-medium text-emerald-700 hover:underline"),
            rx.el.div(row["email"], class_name="break-all text-xs text-gray-500"),
            rx.el.div(row["phone"], " ", row["level"], class_name="text-xs text-gray-500"),
            rx.el.div(row["tags"], class_name="text-xs text-emerald-800 sm:hidden"),
            class_name="p-2",
        ),
        rx.el.td(row["orders"], class_name="p-2 text-right"),
        rx.el.td(row["spent"], class_name="whitespace-nowrap p-2 text-right"),
        rx.el.td(row["last_order"], class_name="hidden whitespace-nowrap p-2 text-sm text-gray-600 sm:table-cell"),
        rx.el.td(row["tags"], class_name="hidden p-2 text-sm text-emerald-800 sm:table-cell"),
        class_name="border-b last:border-0", data_testid="customer-row",
    )
