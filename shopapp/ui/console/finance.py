"""财务: GMV, discounts, shipping, refunds and net sales per day or month and per provider, the downloads,
and payment reconciliation (对账) with an Alipay statement upload. Tables scroll sideways on a phone."""

from __future__ import annotations

import reflex as rx

from shopapp.services.analytics import finance
from shopapp.services.analytics.statements import MAX_STATEMENT_BYTES
from shopapp.ui import routes
from shopapp.ui.components.forms import INPUT, SECONDARY_BUTTON, form_error
from shopapp.ui.components.text import tr, tr_of
from shopapp.ui.console.finance_state import FinanceState, ReconciliationState
from shopapp.ui.console.layout import console_page

UPLOAD_ID = "alipay_statement"
PERIODS = (("today", "finance.today"), ("7d", "finance.last_7_days"), ("30d", "finance.last_30_days"), ("month", "finance.this_month"))
CELL = "whitespace-nowrap px-2 py-1.5 text-right"
FIRST_CELL = "sticky left-0 whitespace-nowrap bg-white px-2 py-1.5 text-left"


@console_page(routes.CONSOLE_FINANCE, "console.nav.finance", on_load=[FinanceState.load, ReconciliationState.refresh])
def finance_page() -> rx.Component:
    return rx.el.div(
        rx.el.h1(tr("finance.title"), class_name="text-2xl font-bold"),
        rx.cond(
            FinanceState.allowed,
            rx.el.div(_range_picker(), _figures(), _by_provider(), _reconciliation()),
            rx.el.p(tr("error.role_not_allowed"), class_name="mt-4 text-gray-600"),
        ),
        class_name="max-w-5xl",
    )


def _chip(selected, label_key: str, on_click) -> rx.Component:
    return rx.el.button(
        tr(label_key), on_click=on_click, type="button", aria_pressed=rx.cond(selected, "true", "false"),
        class_name=rx.cond(selected, "rounded-lg bg-emerald-700 px-3 py-1.5 text-sm text-white",
                           "rounded-lg border bg-white px-3 py-1.5 text-sm text-gray-700"),
    )


def _range_picker() -> rx.Component:
    state = FinanceState
    return rx.el.section(
        rx.el.div(*[_chip(state.period == period, key, state.choose_period(period)) for period, key in PERIODS],
                  class_name="flex flex-wrap gap-2", data_testid="finance-periods"),
        rx.el.form(
            rx.el.label(tr("finance.from"), rx.el.input(
                type="date", name="from", default_value=state.first, key=state.form_key.to_string() + "f", class_name=INPUT,
            ), class_name="flex flex-col text-sm text-gray-600"),
            rx.el.label(tr("finance.to"), rx.el.input(
                type="date", name="to", default_value=state.last, key=state.form_key.to_string() + "t", class_name=INPUT,
            ), class_name="flex flex-col text-sm text-gray-600"),
            rx.el.button(tr("finance.show"), type="submit", class_name=SECONDARY_BUTTON + " self-end"),
            on_submit=state.apply_range, class_name="mt-3 grid grid-cols-2 gap-2 sm:flex sm:items-end",
        ),
        form_error(state.range_error),
        rx.el.div(
            _chip(state.group == "day", "finance.by_day", state.choose_group("day")),
            _chip(state.group == "month", "finance.by_month", state.choose_group("month")),
            rx.el.button(tr("finance.download_csv"), on_click=state.download("csv"), type="button",
                         class_name=SECONDARY_BUTTON, data_testid="finance-download-csv"),
            rx.el.button(tr("finance.download_xlsx"), on_click=state.download("xlsx"), type="button", class_name=SECONDARY_BUTTON),
            class_name="mt-3 flex flex-wrap items-center gap-2",
        ),
        class_name="mt-4 rounded-2xl border bg-white p-4",
    )


def _header(first_key: str) -> rx.Component:
    return rx.el.thead(rx.el.tr(
        rx.el.th(tr(first_key), class_name=FIRST_CELL),
        *[rx.el.th(tr(f"finance.{name}"), class_name=CELL) for name in finance.FIGURES],
        class_name="border-b text-gray-600",
    ))


def _row(row, first, bold: bool = False) -> rx.Component:
    return rx.el.tr(
        rx.el.td(first, class_name=FIRST_CELL),
        *[rx.el.td(row[name], class_name=CELL, data_figure=name) for name in finance.FIGURES],
        class_name="border-t font-semibold" if bold else "border-t",
    )


def _table(*parts, test_id: str) -> rx.Component:
    return rx.el.div(rx.el.table(*parts, class_name="min-w-full text-sm"), class_name="mt-3 overflow-x-auto", data_testid=test_id)


def _figures() -> rx.Component:
    state = FinanceState
    return rx.el.section(
        rx.el.p(tr("finance.explained"), class_name="text-sm text-gray-600"),
        _table(
            _header("finance.date"),
            rx.el.tbody(
                rx.foreach(state.rows, lambda row: _row(row, row["name"])),
                _row(state.totals, tr("finance.totals"), bold=True),
            ),
            test_id="finance-table",
        ),
        class_name="mt-4 rounded-2xl border bg-white p-4",
    )


def _by_provider() -> rx.Component:
    return rx.el.section(
        rx.el.h2(tr("finance.by_provider"), class_name="font-semibold"),
        _table(
            _header("finance.provider"),
            rx.el.tbody(rx.foreach(FinanceState.providers, lambda row: _row(row, tr_of(row["name"], "finance.provider.")))),
            test_id="finance-providers",
        ),
        class_name="mt-4 rounded-2xl border bg-white p-4",
    )


def _reconciliation() -> rx.Component:
    state = ReconciliationState
    return rx.el.section(
        rx.el.h2(tr("finance.reconciliation"), " ", rx.el.span(state.checked, class_name="text-sm font-normal text-gray-500"),
                 class_name="font-semibold"),
        rx.el.p(tr("finance.reconciliation_explained"), class_name="mt-1 text-sm text-gray-600"),
        rx.el.ul(rx.foreach(state.summary, lambda p: rx.el.li(
            rx.el.span(tr_of(p["provider"], "finance.provider."), class_name="font-medium"), ": ", p["payments"], " · ",
            p["amount"], " · ", tr("finance.refunds"), " ", p["refunds"], " · ", tr("finance.statement_lines"), " ", p["statement"],
        )), class_name="mt-2 space-y-1 text-sm", data_testid="reconciliation-summary"),
        rx.upload.root(
            rx.el.div(tr("finance.upload_statement"), class_name=(
                "mt-3 cursor-pointer rounded-2xl border-2 border-dashed border-gray-300 p-4 text-center text-sm hover:border-emerald-500"
            )),
            id=UPLOAD_ID, multiple=False, accept={"text/csv": [".csv"]}, max_size=MAX_STATEMENT_BYTES,
            on_drop=state.check_statement(rx.upload_files(upload_id=UPLOAD_ID)),
        ),
        rx.cond(state.statement_name != "", rx.el.p(state.statement_name, class_name="mt-2 text-sm font-medium")),
        form_error(state.statement_error),
        rx.cond(
            state.mismatches.length() > 0,
            _table(
                rx.el.thead(rx.el.tr(*[rx.el.th(tr(key), class_name=CELL) for key in (
                    "finance.kind", "finance.provider", "finance.order_no", "finance.reference", "finance.ours", "finance.theirs",
                    "finance.row",
                )], class_name="border-b text-gray-600")),
                rx.el.tbody(rx.foreach(state.mismatches, _mismatch)),
                test_id="reconciliation-mismatches",
            ),
            rx.cond(
                state.checking,
                rx.el.p(tr("finance.checking"), class_name="mt-3 text-sm text-gray-500", data_testid="reconciliation-checking"),
                rx.el.p(tr("finance.no_mismatches"), class_name="mt-3 text-sm text-emerald-700", data_testid="reconciliation-clean"),
            ),
        ),
        class_name="mt-4 rounded-2xl border bg-white p-4",
    )


def _mismatch(m) -> rx.Component:
    return rx.el.tr(
        rx.el.td(tr_of(m["kind"], "finance.kind."), rx.cond(m["what"] == "refund", rx.el.span(" (", tr("finance.refunds"), ")")),
                 class_name="px-2 py-1.5 text-left text-red-700"),
        rx.el.td(tr_of(m["provider"], "finance.provider."), class_name=CELL),
        rx.el.td(m["order_no"], class_name=CELL + " font-mono"),
        rx.el.td(m["reference"], class_name=CELL + " font-mono"),
        rx.el.td(m["ours"], class_name=CELL),
        rx.el.td(m["theirs"], class_name=CELL),
        rx.el.td(m["row"], class_name=CELL),
        class_name="border-t",
    )
