"""/ops/reports: the queue of reports of abuse, open or resolved, a page at a time; resolving one takes a note
(audited) and a confirmation, and each report links to its shop, where the operator can suspend it."""

import reflex as rx

from shopapp.db import session_scope
from shopapp.services.core.errors import DomainError
from shopapp.services.core.validation import id_from_text
from shopapp.services.platform import abuse_reports
from shopapp.ui import routes
from shopapp.ui.components.confirm import confirm_button
from shopapp.ui.components.forms import INPUT, SECONDARY_BUTTON, form_error
from shopapp.ui.components.pager import pager
from shopapp.ui.components.text import tr, tr_of
from shopapp.ui.components.time import shown_time
from shopapp.ui.platform.ops.layout import CARD, ops_page
from shopapp.ui.platform.ops.state import OpsListMixin, OpsState
from shopapp.ui.state import ConfirmMixin

PER_PAGE = 20


class OpsReportsState(ConfirmMixin, OpsListMixin, OpsState):
    status: str = "open"
    waiting: int = 0
    rows: list[dict[str, str]] = []
    notes: dict[str, str] = {}
    error: str = ""

    def _fill(self, session):
        found = abuse_reports.list_reports(session, status=self.status, page=self.page, per_page=PER_PAGE)
        self._counted(found["total"], PER_PAGE)
        self.waiting = found["open"]
        self.rows = [{
            "id": str(r["id"]), "shop_id": str(r["shop_id"]), "shop": r["shop_name"], "slug": r["shop_slug"],
            "reason": r["reason"], "details": r["details"], "contact": r["contact"], "status": r["status"],
            "at": shown_time(r["created_at"]), "resolution": r["resolution"], "resolved_at": shown_time(r["resolved_at"]),
        } for r in found["items"]]

    @rx.event
    def load(self):
        self.page, self.error, self.confirming, self.notes = 1, "", "", {}
        self._load()

    @rx.event
    def show(self, status: str):
        self.status = status if status in abuse_reports.STATUSES else "open"
        self.page, self.error, self.confirming = 1, "", ""
        self._load()

    @rx.event
    def set_note(self, report_id: str, value: str):
        self.notes = {**self.notes, report_id: value[:500]}

    @rx.event
    def resolve(self, report_id: str):
        self.confirming, self.error = "", ""
        try:
            operator = self._operator()
            with session_scope() as session:
                abuse_reports.resolve(session, operator, id_from_text(report_id), self.notes.get(report_id, ""))
        except DomainError as exc:
            self.error = self._problem_text(exc)
            return
        self.notes = {key: value for key, value in self.notes.items() if key != report_id}
        self._load()


def _resolve_box(row) -> rx.Component:
    return rx.el.div(
        rx.el.label(tr("ops.reports.note"), html_for="note-" + row["id"], class_name="mb-1 block text-sm font-medium"),
        rx.el.textarea(id="note-" + row["id"], rows=2,
                       on_change=lambda value: OpsReportsState.set_note(row["id"], value), class_name=INPUT + " mb-2"),
        confirm_button(OpsReportsState.confirming == row["id"], OpsReportsState.ask(row["id"]),
                       OpsReportsState.resolve(row["id"]), OpsReportsState.cancel,
                       "ops.reports.resolve", "ops.reports.resolve_confirm"),
        class_name="mt-3",
    )


def _report(row) -> rx.Component:
    return rx.el.article(
        rx.el.div(
            rx.el.span(tr_of("report.reason." + row["reason"], "report.reason."), class_name="font-semibold"),
            rx.el.span(row["at"], class_name="ml-auto text-xs text-gray-500"),
            class_name="flex flex-wrap items-center gap-2",
        ),
        rx.el.a(row["shop"], " · /s/", row["slug"], " → ", tr("ops.reports.to_shop"), href=routes.ops_shop(row["shop_id"]),
                class_name="text-sm text-slate-700 underline"),
        rx.el.p(row["details"], class_name="mt-2 whitespace-pre-line break-words text-sm"),
        rx.cond(row["contact"] != "", rx.el.p(tr("ops.reports.contact"), ": ", row["contact"], class_name="text-sm text-gray-600")),
        rx.cond(row["status"] == "open", _resolve_box(row),
                rx.el.p(tr("ops.reports.resolved"), " ", row["resolved_at"], " · ", row["resolution"],
                        class_name="mt-2 text-sm text-emerald-800")),
        class_name=CARD, data_testid="ops-report",
    )


def _tab(status: str, key: str) -> rx.Component:
    return rx.el.button(tr(key), on_click=OpsReportsState.show(status), type="button", aria_pressed=OpsReportsState.status == status,
                        class_name=rx.cond(OpsReportsState.status == status, "rounded-lg bg-slate-800 px-3 py-1.5 text-sm text-white",
                                           SECONDARY_BUTTON))


@ops_page(routes.OPS_REPORTS, on_load=OpsReportsState.load)
def ops_reports() -> rx.Component:
    return rx.el.div(
        rx.el.h1(tr("ops.reports.title"), class_name="mb-2 text-xl font-bold"),
        rx.el.p(tr("ops.reports.waiting"), ": ", rx.el.span(OpsReportsState.waiting, data_testid="ops-reports-waiting"),
                class_name="mb-3 text-sm text-gray-600"),
        rx.el.div(_tab("open", "ops.reports.open"), _tab("resolved", "ops.reports.resolved"), class_name="mb-4 flex gap-2"),
        form_error(OpsReportsState.error),
        rx.cond(OpsReportsState.rows.length() == 0, rx.el.p(tr("ops.reports.empty"), class_name="text-gray-500")),
        rx.el.div(rx.foreach(OpsReportsState.rows, _report), class_name="flex flex-col gap-3"),
        pager(OpsReportsState.page, OpsReportsState.pages, OpsReportsState.total, OpsReportsState.turn_page(-1), OpsReportsState.turn_page(1)),
    )
