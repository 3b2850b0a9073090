"""/ops: every shop with its plan, status, GMV and orders of 30 days, last activity; search and paging on the server."""

import reflex as rx

from shopapp.i18n import pick_lang
from shopapp.services.core.money import format_money
from shopapp.services.platform import shop_directory
from shopapp.ui import routes
from shopapp.ui.components.forms import INPUT, SECONDARY_BUTTON
from shopapp.ui.components.pager import pager
from shopapp.ui.components.text import tr, tr_of
from shopapp.ui.components.time import shown_time
from shopapp.ui.platform.ops.layout import CARD, ops_page
from shopapp.ui.platform.ops.state import OpsListMixin, OpsState

PER_PAGE = 20


class OpsShopsState(OpsListMixin, OpsState):
    q: str = ""
    status: str = ""
    rows: list[dict[str, str]] = []

    def _fill(self, session):
        found = shop_directory.list_shops(session, q=self.q, status=self.status, page=self.page, per_page=PER_PAGE)
        self._counted(found["total"], PER_PAGE)
        english = pick_lang(self.lang) == "en"
        self.rows = [{
            "id": str(item["id"]), "name": item["name"], "slug": item["slug"],
            "plan": item["plan_en"] if english else item["plan"], "plan_kind": item["plan_kind"],
            "status": item["status"], "gmv": format_money(item["gmv_30d"]), "orders": str(item["orders_30d"]),
            "created_at": shown_time(item["created_at"]), "last_activity": shown_time(item["last_activity"]),
        } for item in found["items"]]

    @rx.event
    def load(self):
        self.page = 1
        self._load()

    @rx.event
    def search(self, form: dict):
        self.q, self.status, self.page = (form.get("q") or "").strip()[:100], form.get("status") or "", 1
        self._load()


def _row(row) -> rx.Component:
    return rx.el.a(
        rx.el.div(
            rx.el.span(row["name"], class_name="font-semibold"),
            rx.el.span("/s/", row["slug"], class_name="ml-2 text-xs text-gray-500"),
            rx.el.span(tr_of("ops.status." + row["status"], "ops.status."), data_testid="ops-shop-status",
                       class_name=rx.cond(row["status"] == "suspended", "ml-auto rounded bg-red-100 px-2 text-xs text-red-800",
                                          "ml-auto rounded bg-emerald-50 px-2 text-xs text-emerald-800")),
            class_name="flex items-center gap-1",
        ),
        rx.el.div(
            rx.el.span(row["plan"], " · ", tr_of("ops.plan_kind." + row["plan_kind"], "ops.plan_kind.")),
            rx.el.span(tr("ops.gmv_30d"), " ", row["gmv"]),
            rx.el.span(tr("ops.orders_30d"), " ", row["orders"]),
            rx.el.span(tr("ops.last_activity"), " ", row["last_activity"]),
            class_name="mt-1 flex flex-wrap gap-x-4 gap-y-1 text-sm text-gray-600",
        ),
        href=routes.ops_shop(row["id"]), data_testid="ops-shop-row", class_name=CARD + " block hover:border-slate-400",
    )


@ops_page(routes.OPS, on_load=OpsShopsState.load)
def ops_shops() -> rx.Component:
    return rx.el.div(
        rx.el.h1(tr("ops.shops.title"), class_name="mb-4 text-xl font-bold"),
        rx.el.form(
            rx.el.input(name="q", placeholder=tr("ops.shops.search"), class_name=INPUT + " sm:max-w-xs", aria_label=tr("ops.shops.search")),
            rx.el.select(
                rx.el.option(tr("ops.status.all"), value=""),
                rx.el.option(tr("ops.status.active"), value="active"),
                rx.el.option(tr("ops.status.suspended"), value="suspended"),
                name="status", class_name=INPUT + " sm:max-w-[10rem]", aria_label=tr("ops.status.all"),
            ),
            rx.el.button(tr("ops.shops.search_button"), type="submit", class_name=SECONDARY_BUTTON),
            on_submit=OpsShopsState.search, reset_on_submit=False, class_name="mb-4 flex flex-col gap-2 sm:flex-row",
        ),
        rx.cond(OpsShopsState.rows.length() == 0, rx.el.p(tr("ops.shops.empty"), class_name="text-gray-500")),
        rx.el.div(rx.foreach(OpsShopsState.rows, _row), class_name="flex flex-col gap-2"),
        pager(OpsShopsState.page, OpsShopsState.pages, OpsShopsState.total, OpsShopsState.turn_page(-1), OpsShopsState.turn_page(1)),
    )
