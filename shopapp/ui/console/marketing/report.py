"""One promotion's numbers (活动效果): paid orders net of refunds, and the orders it touched."""

import reflex as rx

from shopapp.services.core.errors import DomainError
from shopapp.services.core.money import format_money
from shopapp.services.marketing import promotion_report
from shopapp.ui import routes
from shopapp.ui.components.text import tr
from shopapp.ui.console.layout import console_page
from shopapp.ui.console.marketing.promotions import status_badge
from shopapp.ui.console.marketing.promotions_state import moment
from shopapp.ui.console.state import ConsoleState

FIGURES = (("orders", "marketing.figure.orders"), ("paid_orders", "marketing.figure.paid_orders"), ("units", "marketing.figure.units"),
           ("revenue", "marketing.figure.revenue"), ("discount_total", "marketing.figure.discount_total"),
           ("customers", "marketing.figure.customers"), ("new_customers", "marketing.figure.new_customers"))
MONEY = {"revenue", "discount_total"}


class PromotionReportState(ConsoleState):
    promotion: dict[str, str] = {}
    figures: dict[str, str] = {}
    orders: list[dict[str, str]] = []
    missing: bool = False

    @rx.event
    def load(self):
        wanted = self.promotion_id  # the route's [promotion_id]
        try:
            found = self._read(lambda session, actor: promotion_report.promotion_report(session, actor, wanted))
        except DomainError:  # a promotion of another shop, or no such id: the page says so
            found = None
        self.missing = found is None
        if found is None:
            return
        promo = found["promotion"]
        self.promotion = {"id": str(promo["id"]), "name": promo["name"], "label": promo["label"], "status": promo["status"],
                          "kind": promo["kind"], "starts_at": moment(promo["starts_at"]), "ends_at": moment(promo["ended_at"] or promo["ends_at"])}
        self.figures = {key: format_money(found[key]) if key in MONEY else str(found[key]) for key, _ in FIGURES}
        self.orders = [{"id": str(o["id"]), "order_no": o["order_no"], "status": o["status"], "total": format_money(o["total"]),
                        "discount": format_money(o["discount"]), "created_at": moment(o["created_at"])} for o in found["order_list"]]


@console_page(routes.CONSOLE_PROMOTION_REPORT, "console.nav.marketing", on_load=PromotionReportState.load)
def promotion_report_page() -> rx.Component:
    state = PromotionReportState
    return rx.el.div(
        rx.el.a("← ", tr("console.nav.marketing"), href=routes.CONSOLE_MARKETING, class_name="text-sm text-emerald-700"),
        rx.cond(state.missing, rx.el.p(tr("error.promotion_not_found"), role="alert", class_name="mt-4 text-sm text-amber-700"), rx.fragment(
            rx.el.h1(state.promotion["name"], status_badge(state.promotion["status"]), class_name="mt-1 text-2xl font-bold"),
            rx.el.p(state.promotion["label"], " · ", state.promotion["starts_at"], " – ", state.promotion["ends_at"], class_name="text-sm text-gray-600"),
            rx.el.p(tr("marketing.report_hint"), class_name="mt-1 text-xs text-gray-500"),
            rx.el.dl(*[_figure(key, label) for key, label in FIGURES], class_name="mt-4 grid grid-cols-2 gap-3 sm:grid-cols-4",
                     data_testid="promotion-figures"),
            rx.el.h2(tr("marketing.report_orders"), class_name="mt-6 font-semibold"),
            rx.el.ul(rx.foreach(state.orders, _order),
                     rx.cond(state.orders.length() == 0, rx.el.li(tr("marketing.no_orders"), class_name="p-3 text-sm text-gray-500")),
                     class_name="mt-2 divide-y rounded-2xl border bg-white"),
        )),
        class_name="max-w-3xl",
    )


def _figure(key: str, label_key: str) -> rx.Component:
    return rx.el.div(
        rx.el.dt(tr(label_key), class_name="text-xs text-gray-500"),
        rx.el.dd(PromotionReportState.figures[key], class_name="text-xl font-semibold", data_testid=f"figure-{key}"),
        class_name="rounded-2xl border bg-white p-3",
    )


def _order(order: dict) -> rx.Component:
    return rx.el.li(
        rx.el.a(order["order_no"], href=routes.console_order(order["id"]), class_name="font-medium text-emerald-700"),
        rx.el.span(order["created_at"], class_name="text-sm text-gray-500"),
        rx.el.span(tr("marketing.order_discount"), " ", order["discount"], " · ", order["total"], class_name="ml-auto text-sm"),
        class_name="flex flex-wrap items-center gap-2 p-3",
    )
