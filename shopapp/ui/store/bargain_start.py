"""The product page's "发起砍价": the bargains running on the product, each with a button that starts the
shopper's run (a guest logs in first) and opens its page to share."""

import reflex as rx

from shopapp.db import read_scope, session_scope
from shopapp.services.core.errors import DomainError, NotFound
from shopapp.services.core.money import format_money
from shopapp.services.core.validation import id_from_text
from shopapp.services.marketing import bargain_runs
from shopapp.ui import routes
from shopapp.ui.components.text import tr
from shopapp.ui.store.state import StoreState


class BargainStartState(StoreState):
    bargains: list[dict[str, str]] = []
    problem: str = ""

    def _show_for_product(self, bargains: list[dict[str, str]]):
        """The product page's load shows the bargains it read for every shopper (product_views)."""
        self.problem, self.bargains = "", bargains

    @rx.event
    def start(self, bargain_id: str):
        if not self.shopper:  # log in, then back to the product
            return rx.redirect(routes.store_log_in_then(self.shop["slug"], routes.product_page(self.shop["slug"], self.product_id)))
        self.problem = ""
        try:
            with session_scope() as session:
                run = bargain_runs.start_run(session, int(self.shop["id"]), bargain_id, self._shopper_token())
        except DomainError as refused:
            self.problem = self._message(refused)
            return
        return rx.redirect(routes.store_bargain_run(self.shop["slug"], run["run_id"]))


def bargains_view(shop: dict, product_id: str) -> list[dict[str, str]]:
    """The bargains running on a product, the same for every shopper."""
    try:
        product = id_from_text(product_id)  # a missing product's page: no number the database could hold
    except NotFound:
        return []
    with read_scope() as session:
        found = bargain_runs.active_for_product(session, int(shop["id"]), product)
    currency = shop.get("currency", "CNY")
    return [{"id": str(b["id"]), "name": b["name"], "floor": format_money(b["floor_price"], currency),
             "helpers": str(b["helpers_needed"])} for b in found]


def bargain_start() -> rx.Component:
    """Nothing at all when no bargain runs on the product."""
    state = BargainStartState
    return rx.cond(state.bargains.length() > 0, rx.el.section(
        rx.foreach(state.bargains, lambda b: rx.el.div(
            rx.el.div(
                rx.el.p(b["name"], class_name="font-medium text-red-700"),
                rx.el.p(tr("bargain.floor"), " ", b["floor"], " · ", b["helpers"], " ", tr("bargain.helpers_unit"),
                        class_name="text-xs text-gray-600"),
                class_name="min-w-0 flex-1",
            ),
            rx.el.button(tr("bargain.start"), on_click=state.start(b["id"]), type="button",
                         class_name="shrink-0 rounded-full bg-red-600 px-4 py-2 text-sm font-semibold text-white",
                         data_testid="bargain-start"),
            class_name="flex items-center gap-3 rounded-xl bg-red-50 p-3",
        )),
        rx.cond(state.problem != "", rx.el.p(state.problem, role="alert", class_name="mt-1 text-sm text-red-600")),
        class_name="mt-3 space-y-2",
    ))
