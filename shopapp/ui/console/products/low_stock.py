"""The product list's low-stock badge: how many variants are about to run out and, opened, which, with the shoppers waiting."""

from __future__ import annotations

import reflex as rx

from shopapp.db import session_scope
from shopapp.services.inventory import availability, stock_alerts
from shopapp.ui import routes
from shopapp.ui.components.text import tr


class LowStockMixin(rx.State, mixin=True):
    low_stock_count: int = 0  # counted by the list's load, against the shop's low-stock line
    low_rows: list[dict[str, str]] = []
    show_low: bool = False

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


def low_stock_badge(state) -> rx.Component:
    """The badge, when anything runs low, and the list it opens; `state` has LowStockMixin."""
    return rx.fragment(
        rx.cond(
            state.low_stock_count > 0,
            rx.el.button(
                tr("products.low_stock_badge"), ": ", state.low_stock_count,
                on_click=state.toggle_low_stock, type="button", aria_expanded=rx.cond(state.show_low, "true", "false"),
                class_name="mt-3 inline-block rounded-full bg-amber-100 px-3 py-1 text-sm text-amber-800", data_testid="low-stock-badge",
            ),
        ),
        rx.cond(state.show_low, low_stock_list(state)),
    )


def low_stock_list(state) -> rx.Component:
    return rx.el.table(
        rx.el.thead(rx.el.tr(
            *[rx.el.th(tr(k), class_name="p-2 text-left") for k in ("products.col.product", "products.col.variant", "products.col.sku")],
            rx.el.th(tr("products.col.stock"), class_name="p-2 text-right"),
            rx.el.th(tr("products.waiting_shoppers"), class_name="p-2 text-right"),
            class_name="border-b text-sm text-gray-600",
        )),
        rx.el.tbody(rx.foreach(state.low_rows, lambda r: rx.el.tr(
            rx.el.td(rx.el.a(r["title"], href=r["url"], class_name="hover:text-emerald-700"), class_name="p-2"),
            rx.el.td(r["options"], class_name="p-2"), rx.el.td(r["sku"], class_name="p-2 font-mono text-xs"),
            rx.el.td(r["stock"], class_name="p-2 text-right"), rx.el.td(r["waiting"], class_name="p-2 text-right"),
            class_name="border-b text-sm last:border-0",
        ))),
        class_name="mt-3 w-full rounded-2xl border bg-white", data_testid="low-stock-list",
    )
