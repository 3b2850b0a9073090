"""营销中心's numbers at a glance (services/marketing/activity_numbers): a row per kind of activity."""

import reflex as rx

from shopapp.services.core.money import format_money
from shopapp.services.marketing import activity_numbers
from shopapp.ui.components.text import tr, tr_of
from shopapp.ui.console.state import ConsoleState


class ActivityNumbersState(ConsoleState):
    rows: list[dict[str, str]] = []

    @rx.event
    def load(self):
        found = self._read(activity_numbers.overview)
        self.rows = [self._row(row) for row in found or []]

    def _row(self, row: dict) -> dict[str, str]:
        note = ""
        if row["kind"] == "bargains":
            note = self._text("overview.bargains_note").format(started=row["runs_started"], finished=row["runs_finished"])
        return {
            "key": f"marketing.{row['kind']}", "running": str(row["running"]), "paid_orders": str(row["paid_orders"]),
            "units": str(row["units"]), "revenue": format_money(row["revenue"]), "discount": format_money(row["discount_total"]),
            "note": note,
        }


def activity_numbers_table() -> rx.Component:
    """Nothing for a role that may not read reports."""
    state = ActivityNumbersState
    return rx.cond(state.rows.length() > 0, rx.el.section(
        rx.el.h2(tr("overview.title"), class_name="text-lg font-semibold"),
        rx.el.ul(rx.foreach(state.rows, lambda row: rx.el.li(
            rx.el.p(tr_of(row["key"], "marketing."), class_name="font-medium"),
            rx.el.p(tr("overview.running"), " ", row["running"], " · ", tr("overview.paid_orders"), " ", row["paid_orders"], " · ",
                    tr("overview.units"), " ", row["units"], " · ", tr("overview.revenue"), " ", row["revenue"], " · ",
                    tr("overview.discount"), " ", row["discount"], class_name="text-sm text-gray-700"),
            rx.cond(row["note"] != "", rx.el.p(row["note"], class_name="text-sm text-gray-500")),
            class_name="p-3",
        )), class_name="mt-2 divide-y rounded-2xl border bg-white", data_testid="activity-numbers"),
        rx.el.p(tr("coupons.r.note"), class_name="mt-1 text-xs text-gray-500"),
        class_name="mt-6",
    ))
