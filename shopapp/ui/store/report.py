"""举报 (/s/<shop>/report): anyone reports the shop to the platform, no log-in: a reason from the list and what
happened. A field people never see catches bots; the service rate-limits by address. Linked from every footer."""

import reflex as rx

from shopapp.db import session_scope
from shopapp.services.core.errors import DomainError
from shopapp.services.platform import abuse_reports
from shopapp.ui import routes
from shopapp.ui.components.forms import PRIMARY_BUTTON, form_error, form_field, select_field
from shopapp.ui.components.text import tr
from shopapp.ui.store.layout import store_page
from shopapp.ui.store.state import StoreState

REASONS = [("", "store.report.choose")] + [(reason, f"report.reason.{reason}") for reason in abuse_reports.REASONS]


class ReportState(StoreState):
    sent: bool = False
    errors: dict[str, str] = {}
    problem: str = ""

    @rx.event
    def load(self):
        self.sent, self.errors, self.problem = False, {}, ""
        self._load_shop(count_cart=False)

    @rx.event
    def submit(self, form: dict):
        self.errors, self.problem = {}, ""
        try:
            with session_scope() as session:
                abuse_reports.file_report(session, self.slug, form, self.router.session.client_ip)
        except DomainError as exc:
            self.errors = self._field_messages(exc)
            self.problem = "" if self.errors else self._message(exc)
            return
        self.sent = True


def _form() -> rx.Component:
    return rx.el.form(
        form_error(ReportState.problem),
        select_field("store.report.reason", "reason", REASONS, ReportState.errors),
        form_field("store.report.details", "details", ReportState.errors, multiline=True, maxlength=abuse_reports.DETAILS_LIMIT),
        form_field("store.report.contact", "contact", ReportState.errors, maxlength=200),
        # The honeypot: out of sight and out of the tab order; a person leaves it empty, a form-filling bot does not.
        rx.el.div(
            rx.el.label(tr("store.report.website"), html_for="website"),
            rx.el.input(id="website", name="website", tab_index=-1, autocomplete="off"),
            aria_hidden="true", class_name="absolute -left-[10000px] h-px w-px overflow-hidden",
        ),
        rx.el.button(tr("store.report.submit"), type="submit", class_name=PRIMARY_BUTTON + " w-full"),
        on_submit=ReportState.submit, reset_on_submit=False, class_name="relative",
    )


@store_page(routes.STORE_REPORT, title="举报", on_load=ReportState.load)
def report_page() -> rx.Component:
    return rx.el.section(
        rx.el.h1(tr("store.report.title"), class_name="mb-2 text-xl font-bold"),
        rx.el.p(tr("store.report.intro"), class_name="mb-4 text-sm text-gray-600"),
        rx.cond(
            ReportState.sent,
            rx.el.div(
                rx.el.p(tr("store.report.done"), role="status", class_name="rounded-lg bg-emerald-50 p-3 text-emerald-900",
                        data_testid="report-sent"),
                rx.el.a(tr("store.report.back"), href=routes.store_home(ReportState.shop["slug"]),
                        class_name="mt-4 inline-block text-emerald-700 underline"),
            ),
            _form(),
        ),
        class_name="mx-auto max-w-lg px-4 py-6",
    )
