"""Console 建议补货: the SKUs to restock, most urgent first, with the sales expected in the next 7 and 30 days, the
days the stock on hand covers and how many to order (services/insights/restock); one page of rows at a time."""

from __future__ import annotations

import reflex as rx

from shopapp.services.insights import restock
from shopapp.ui import routes
from shopapp.ui.components.forms import SECONDARY_BUTTON
from shopapp.ui.components.pager import PagesMixin, pager
from shopapp.ui.components.text import tr, tr_of
from shopapp.ui.console.layout import console_page
from shopapp.ui.console.state import ConsoleState

PER_PAGE = 50
URGENCY_CLASS = {"out": "bg-red-100 text-red-800", "urgent": "bg-amber-100 text-amber-800", "soon": "bg-sky-100 text-sky-800",
                 "ok": "bg-gray-100 text-gray-700"}


class RestockState(PagesMixin, ConsoleState):
    rows: list[dict[str, str]] = []
    all_skus: bool = False
    lead_days: int = restock.LEAD_DAYS
    target_days: int = restock.TARGET_DAYS

    @rx.event
    def load(self):
        self.page, self.all_skus = 1, False
        self._refresh()

    @rx.event
    def toggle_all(self):
        self.all_skus, self.page = not self.all_skus, 1
        self._refresh()

    def _load_page(self):
        self._refresh()

    def _refresh(self):
        found = self._read(lambda session, actor: restock.suggestions(session, actor, page=self.page, per_page=PER_PAGE,
                                                                      all_skus=self.all_skus))
        if found is None:
            self.rows = []
            self._counted(0, PER_PAGE)
            return
        self._counted(found["total"], PER_PAGE)
        self.rows = [_row(item) for item in found["items"]]


def _row(item: dict) -> dict[str, str]:
    cover = item["days_of_cover"]
    return {
        "title": item["title"], "options": item["options"], "sku": item["sku"], "url": routes.console_product(item["product_id"]),
        "available": str(item["available"]), "expected_7": f"{item['expected_7']:g}", "expected_30": f"{item['expected_30']:g}",
        "cover": "∞" if cover is None else f"{cover:g}", "suggested": str(item["suggested_qty"]),
        "urgency_key": f"restock.urgency.{item['urgency']}", "urgency_class": URGENCY_CLASS[item["urgency"]],
    }


@console_page(routes.CONSOLE_RESTOCK, "console.nav.restock", on_load=RestockState.load)
def restock_page() -> rx.Component:
    state = RestockState
    return rx.el.div(
        rx.el.div(
            rx.el.h1(tr("restock.title"), class_name="text-2xl font-bold"),
            rx.el.button(rx.cond(state.all_skus, tr("restock.only_needed"), tr("restock.show_all")), on_click=state.toggle_all,
                         type="button", class_name=SECONDARY_BUTTON + " py-1", data_testid="restock-toggle"),
            class_name="flex flex-wrap items-center justify-between gap-3",
        ),
        rx.el.p(tr("restock.explain_before"), state.lead_days, tr("restock.explain_middle"), state.target_days, tr("restock.explain_after"),
                class_name="text-sm text-gray-600"),
        rx.el.p(tr("restock.count"), ": ", state.total, class_name="text-sm text-gray-500", data_testid="restock-total"),
        rx.cond(state.rows.length() > 0, rx.el.ul(rx.foreach(state.rows, _card), class_name="space-y-2", data_testid="restock-list"),
                rx.el.p(tr("restock.empty"), class_name="rounded-xl border border-dashed p-6 text-center text-sm text-gray-500")),
        rx.cond(state.pages > 1, pager(state.page, state.pages, state.total, state.turn_page(-1), state.turn_page(1))),
        class_name="space-y-4",
    )


def _card(row: dict) -> rx.Component:
    """One SKU as a card: reads on a phone as well as a desktop (no wide table)."""
    def figure(key: str, value) -> rx.Component:
        return rx.el.div(rx.el.dt(tr(key), class_name="text-xs text-gray-500"), rx.el.dd(value, class_name="font-semibold"))

    return rx.el.li(
        rx.el.div(
            rx.el.a(row["title"], href=row["url"], class_name="min-w-0 font-medium hover:text-emerald-700"),
            rx.el.span(tr_of(row["urgency_key"], "restock.urgency."), class_name="shrink-0 rounded-full px-2 py-0.5 text-xs " + row["urgency_class"]),
            class_name="flex items-start justify-between gap-2",
        ),
        rx.el.p(row["options"], rx.cond(row["sku"] != "", rx.el.span(" · ", row["sku"], class_name="font-mono")), class_name="text-xs text-gray-500"),
        rx.el.dl(
            figure("restock.available", row["available"]), figure("restock.expected_7", row["expected_7"]),
            figure("restock.expected_30", row["expected_30"]), figure("restock.cover_days", row["cover"]),
            figure("restock.suggested", row["suggested"]),
            class_name="mt-2 grid grid-cols-3 gap-2 text-sm sm:grid-cols-5",
        ),
        class_name="rounded-xl border bg-white p-3", data_testid="restock-row",
    )
