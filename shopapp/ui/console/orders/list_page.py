"""The console's order list (/console/orders): tabs, filters, the batch bar, one page of orders."""

from __future__ import annotations

import reflex as rx

from shopapp.services.orders import fulfillment
from shopapp.ui import routes
from shopapp.ui.components.forms import INPUT, PRIMARY_BUTTON, SEARCH_BUTTON, SECONDARY_BUTTON
from shopapp.ui.components.pager import pager
from shopapp.ui.components.status import order_status_label, order_status_text
from shopapp.ui.components.text import tr
from shopapp.ui.console.layout import console_page
from shopapp.ui.console.orders.list_state import OrderListState

TABS = ("", "pending_payment", "paid", "shipped", "completed", "cancelled")


@console_page(routes.CONSOLE_ORDERS, "console.nav.orders", on_load=OrderListState.load)
def order_list() -> rx.Component:
    state = OrderListState
    return rx.el.div(
        rx.el.div(
            rx.el.h1(tr("console.nav.orders"), class_name="text-2xl font-bold"),
            rx.el.button(tr("orders.export"), on_click=state.export, type="button", class_name=SECONDARY_BUTTON),
            class_name="flex flex-wrap items-center justify-between gap-2",
        ),
        rx.el.div(*[_tab(s) for s in TABS], role="tablist", class_name="mt-4 flex gap-1 overflow-x-auto"),
        rx.el.form(
            rx.el.input(name="q", type="search", placeholder=tr("orders.search"), aria_label=tr("orders.search"), class_name=INPUT + " sm:w-64"),
            rx.el.label(tr("orders.from"), rx.el.input(name="from", type="date", class_name=INPUT), class_name="text-sm"),
            rx.el.label(tr("orders.to"), rx.el.input(name="to", type="date", class_name=INPUT), class_name="text-sm"),
            rx.el.button(tr("products.search_button"), type="submit", class_name=SEARCH_BUTTON),
            on_submit=state.filter,
            reset_on_submit=False,
            class_name="mt-3 flex flex-col gap-2 sm:flex-row sm:items-end",
        ),
        rx.cond(state.problem != "", rx.el.p(state.problem, role="alert", class_name="mt-2 text-sm text-red-600")),
        rx.cond(state.notice != "", rx.el.p(state.notice, role="status", class_name="mt-2 text-sm text-emerald-700")),
        rx.cond(state.selected.length() > 0, _batch_bar()),
        rx.cond(
            state.total == 0,
            rx.el.p(tr("orders.empty"), class_name="mt-8 rounded-2xl border border-dashed bg-white p-8 text-center text-gray-500"),
            rx.el.div(
                rx.el.table(
                    rx.el.thead(rx.el.tr(
                        rx.el.th(class_name="w-8 p-2"),
                        *[rx.el.th(tr(k), class_name="whitespace-nowrap p-2 text-left") for k in ("orders.col.number", "orders.col.status")],
                        rx.el.th(tr("orders.col.customer"), class_name="hidden p-2 text-left sm:table-cell"),
                        rx.el.th(tr("orders.col.total"), class_name="p-2 text-right"),
                        rx.el.th(tr("orders.col.created"), class_name="hidden p-2 text-left sm:table-cell"),
                        class_name="border-b text-sm text-gray-600",
                    )),
                    rx.el.tbody(rx.foreach(state.rows, _order_row), data_testid="order-rows"),
                    class_name="w-full",
                ),
                class_name="mt-4 overflow-x-auto rounded-2xl border bg-white",
            ),
        ),
        pager(state.page, state.pages, state.total_text, state.turn_page(-1), state.turn_page(1)),
    )


def _tab(status: str) -> rx.Component:
    active = OrderListState.status == status
    return rx.el.button(
        order_status_text(status) if status else tr("products.tab.all"),
        on_click=OrderListState.show_status(status), type="button", role="tab", aria_selected=rx.cond(active, "true", "false"),
        class_name=rx.cond(active, "whitespace-nowrap rounded-lg bg-emerald-700 px-3 py-1.5 text-sm text-white",
                           "whitespace-nowrap rounded-lg px-3 py-1.5 text-sm text-gray-700 hover:bg-gray-100"),
    )


def _batch_bar() -> rx.Component:
    state = OrderListState
    return rx.el.div(
        rx.el.form(
            rx.el.span(tr("products.bulk.selected"), ": ", state.selected.length(), class_name="text-sm font-semibold"),
            rx.el.select(*[rx.el.option(c["name"], value=c["code"]) for c in fulfillment.carriers()], name="carrier",
                         aria_label=tr("orders.carrier"), class_name=INPUT + " sm:w-36"),
            rx.el.input(name="tracking_no", placeholder=tr("orders.tracking_no"), aria_label=tr("orders.tracking_no"), class_name=INPUT + " sm:w-52"),
            rx.el.button(tr("orders.merge_ship"), type="submit", class_name=PRIMARY_BUTTON + " py-2 text-sm"),
            on_submit=state.merge_ship, reset_on_submit=False,
            class_name="flex flex-col gap-2 sm:flex-row sm:items-center",
        ),
        rx.el.div(
            rx.el.button(tr("orders.batch_labels"), on_click=state.prepare_labels, type="button", class_name=SECONDARY_BUTTON),
            rx.cond(state.labels_url != "", rx.el.a(tr("orders.open_labels"), href=state.labels_url, target="_blank",
                                                    class_name="text-sm text-emerald-700 underline", data_testid="labels-link")),
            class_name="mt-2 flex items-center gap-3",
        ),
        class_name="mt-3 rounded-2xl border border-emerald-200 bg-emerald-50 p-3",
    )


def _order_row(row: dict) -> rx.Component:
    return rx.el.tr(
        rx.el.td(rx.el.input(type="checkbox", checked=OrderListState.selected.contains(row["id"]), on_change=OrderListState.toggle(row["id"]),
                             aria_label=row["order_no"]), class_name="p-2"),
        rx.el.td(rx.el.a(row["order_no"], href=row["url"], class_name="font-mono text-emerald-700 hover:underline"),
                 # Phones: the customer under the number, not a column squeezing the status into one character a line.
                 rx.el.div(row["recipient"], class_name="text-xs text-gray-500 sm:hidden"), class_name="p-2"),
        rx.el.td(rx.el.span(order_status_label(row["status"]), data_testid="order-row-status"), class_name="whitespace-nowrap p-2 text-sm"),
        rx.el.td(row["recipient"], rx.el.div(row["email"], class_name="text-xs text-gray-500"), class_name="hidden p-2 text-sm sm:table-cell"),
        rx.el.td(row["total"], class_name="whitespace-nowrap p-2 text-right"),
        rx.el.td(row["created"], class_name="hidden whitespace-nowrap p-2 text-sm text-gray-600 sm:table-cell"),
        class_name="border-b last:border-0",
    )
