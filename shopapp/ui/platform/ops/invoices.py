"""/ops/invoices: every invoice the platform issued, newest first: number, shop, kind, amount, status and its
PDF; search by a shop's name or address (or a number) and paging on the server."""

import reflex as rx

from shopapp.services.core.money import format_money
from shopapp.services.platform import invoices
from shopapp.ui import routes
from shopapp.ui.components.forms import INPUT, SECONDARY_BUTTON
from shopapp.ui.components.pager import pager
from shopapp.ui.components.text import tr, tr_of
from shopapp.ui.components.time import shown_time
from shopapp.ui.platform.ops.layout import CARD, ops_page
from shopapp.ui.platform.ops.state import OpsListMixin, OpsState

PER_PAGE = 20


class OpsInvoicesState(OpsListMixin, OpsState):
    q: str = ""
    rows: list[dict[str, str]] = []

    def _fill(self, session):
        found = invoices.all_invoices(session, q=self.q, page=self.page, per_page=PER_PAGE)
        self._counted(found["total"], PER_PAGE)
        self.rows = [{
            "number": i["number"], "shop_id": str(i["shop_id"]), "shop": i["shop_name"], "slug": i["shop_slug"],
            "kind": i["kind"], "total": format_money(i["total"]), "status": i["status"],
            "day": shown_time(i["issued_at"], "%Y-%m-%d"), "pdf": i["pdf_url"],
        } for i in found["items"]]

    @rx.event
    def load(self):
        self.page = 1
        self._load()

    @rx.event
    def search(self, form: dict):
        self.q, self.page = (form.get("q") or "").strip()[:100], 1
        self._load()


def _row(row) -> rx.Component:
    return rx.el.li(
        rx.el.div(
            rx.el.span(row["number"], class_name="font-mono text-sm"),
            rx.el.span(tr_of("ops.invoices.status." + row["status"], "ops.invoices.status."),
                       class_name="rounded bg-slate-100 px-2 text-xs"),
            rx.el.span(row["day"], class_name="ml-auto text-xs text-gray-500"),
            class_name="flex flex-wrap items-center gap-2",
        ),
        rx.el.div(
            rx.el.a(row["shop"], href=routes.ops_shop(row["shop_id"]), class_name="text-slate-800 underline"),
            rx.el.span(tr_of("ops.invoices.kind." + row["kind"], "ops.invoices.kind."), class_name="text-gray-600"),
            rx.el.span(row["total"], class_name="font-medium"),
            rx.el.a("PDF", href=row["pdf"], target="_blank", class_name="text-emerald-700 hover:underline"),
            class_name="mt-1 flex flex-wrap items-center gap-x-4 gap-y-1 text-sm",
        ),
        class_name="py-3", data_testid="ops-invoice",
    )


@ops_page(routes.OPS_INVOICES, on_load=OpsInvoicesState.load)
def ops_invoices() -> rx.Component:
    return rx.el.div(
        rx.el.h1(tr("ops.invoices.title"), class_name="mb-4 text-xl font-bold"),
        rx.el.form(
            rx.el.input(name="q", placeholder=tr("ops.invoices.search"), aria_label=tr("ops.invoices.search"),
                        class_name=INPUT + " sm:max-w-sm"),
            rx.el.button(tr("ops.shops.search_button"), type="submit", class_name=SECONDARY_BUTTON),
            on_submit=OpsInvoicesState.search, reset_on_submit=False, class_name="mb-4 flex flex-col gap-2 sm:flex-row",
        ),
        rx.cond(OpsInvoicesState.rows.length() == 0, rx.el.p(tr("ops.invoices.empty"), class_name="text-gray-500"),
                rx.el.ul(rx.foreach(OpsInvoicesState.rows, _row), class_name=CARD + " divide-y py-0")),
        pager(OpsInvoicesState.page, OpsInvoicesState.pages, OpsInvoicesState.total, OpsInvoicesState.turn_page(-1), OpsInvoicesState.turn_page(1)),
    )
