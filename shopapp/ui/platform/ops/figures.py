"""/ops/figures: shops opened per day, active shops, GMV, churn; plan revenue and commission once billing reports them."""

import reflex as rx

from shopapp.db import session_scope
from shopapp.services.core.errors import NotFound
from shopapp.services.core.money import format_money
from shopapp.services.platform import platform_figures
from shopapp.ui import routes
from shopapp.ui.components.text import tr
from shopapp.ui.platform.ops.layout import CARD, ops_page
from shopapp.ui.platform.ops.state import OpsState


class OpsFiguresState(OpsState):
    days: int = 30
    totals: dict[str, str] = {}
    rows: list[dict[str, str]] = []

    @rx.event
    def load(self):
        try:
            self._operator()
        except NotFound:
            return
        with session_scope() as session:
            found = platform_figures.figures(session, self.days)
        money = lambda value: "—" if value is None else format_money(value)  # noqa: E731 - billing may not be there yet
        self.totals = {
            "shops": str(found["shops"]), "active": str(found["active_shops"]), "suspended": str(found["suspended_shops"]),
            "gmv": format_money(found["gmv"]), "paid_orders": str(found["paid_orders"]),
            "churned": str(found["churned_shops"]), "churn_rate": f"{found['churn_rate']}%",
            "plan_revenue": money(found["plan_revenue"]), "commission": money(found["commission"]),
        }
        self.rows = [{"date": d["date"], "opened": str(d["shops_opened"]), "gmv": format_money(d["gmv"]),
                      "orders": str(d["paid_orders"])} for d in reversed(found["days"])]

    @rx.event
    def set_days(self, days: str):
        self.days = int(days) if days in ("7", "30", "90") else 30
        return OpsFiguresState.load


def _tile(key: str, value) -> rx.Component:
    return rx.el.div(rx.el.p(tr(key), class_name="text-xs text-gray-500"), rx.el.p(value, class_name="text-lg font-bold"),
                     class_name=CARD)


@ops_page(routes.OPS_FIGURES, on_load=OpsFiguresState.load)
def ops_figures() -> rx.Component:
    totals = OpsFiguresState.totals
    return rx.el.div(
        rx.el.div(
            rx.el.h1(tr("ops.nav.figures"), class_name="text-xl font-bold"),
            rx.el.select(rx.el.option("7", value="7"), rx.el.option("30", value="30"), rx.el.option("90", value="90"),
                         value=OpsFiguresState.days.to(str), on_change=OpsFiguresState.set_days, aria_label=tr("ops.figures.days"),
                         class_name="rounded border px-2 py-1"),
            class_name="mb-4 flex items-center justify-between",
        ),
        rx.el.div(
            _tile("ops.figures.shops", totals["shops"]), _tile("ops.figures.active", totals["active"]),
            _tile("ops.figures.suspended", totals["suspended"]), _tile("ops.figures.gmv", totals["gmv"]),
            _tile("ops.figures.paid_orders", totals["paid_orders"]), _tile("ops.figures.churned", totals["churned"]),
            _tile("ops.figures.churn_rate", totals["churn_rate"]), _tile("ops.figures.plan_revenue", totals["plan_revenue"]),
            _tile("ops.figures.commission", totals["commission"]),
            class_name="mb-4 grid grid-cols-2 gap-2 sm:grid-cols-3", data_testid="ops-figures",
        ),
        rx.el.table(
            rx.el.thead(rx.el.tr(*[rx.el.th(tr(k), class_name="px-2 py-1 text-left") for k in (
                "ops.figures.date", "ops.figures.opened", "ops.figures.gmv", "ops.figures.paid_orders")])),
            rx.el.tbody(rx.foreach(OpsFiguresState.rows, lambda r: rx.el.tr(
                rx.el.td(r["date"], class_name="px-2 py-1"), rx.el.td(r["opened"], class_name="px-2 py-1"),
                rx.el.td(r["gmv"], class_name="px-2 py-1"), rx.el.td(r["orders"], class_name="px-2 py-1")))),
            class_name="w-full bg-white text-sm",
        ),
        rx.el.p(tr("ops.figures.note"), class_name="mt-2 text-xs text-gray-500"),
        class_name="overflow-x-auto",
    )


