"""Console 分销: the programme's settings (two levels' percent, binding and settle days), its numbers,
the promoters, their commissions, and the withdrawals the owner approves (paid outside the platform)."""

import reflex as rx

from shopapp.ui import routes
from shopapp.ui.components.forms import INPUT, PRIMARY_BUTTON, SECONDARY_BUTTON, form_error
from shopapp.ui.components.text import tr, tr_of
from shopapp.ui.console.layout import console_page
from shopapp.ui.console.marketing.affiliates_state import SETTINGS, AffiliatesState

TABLE = "min-w-full divide-y text-sm"
CELL = "px-2 py-2 text-left"


@console_page(routes.CONSOLE_AFFILIATES, "console.nav.affiliates", on_load=AffiliatesState.load)
def affiliates_page() -> rx.Component:
    state = AffiliatesState
    return rx.el.div(
        rx.el.h1(tr("console.nav.affiliates"), class_name="text-2xl font-bold"),
        rx.el.p(tr("affiliates.intro"), class_name="mt-1 text-sm text-gray-600"),
        rx.cond(~state.allowed, rx.el.p(tr("error.role_not_allowed"), role="alert", class_name="mt-4 text-sm text-amber-700")),
        rx.cond(state.allowed, rx.el.div(_settings_form(), _numbers(), _withdrawals(), _promoters(), _commissions(),
                                         class_name="space-y-6")),
        class_name="max-w-4xl space-y-6",
    )


def _settings_form() -> rx.Component:
    state = AffiliatesState
    return rx.el.form(
        rx.el.h2(tr("affiliates.settings"), class_name="text-lg font-semibold"),
        form_error(state.error),
        rx.cond(state.saved, rx.el.p(tr("affiliates.saved"), role="status", data_testid="affiliates-saved",
                                     class_name="rounded-lg bg-emerald-50 px-3 py-2 text-sm text-emerald-800")),
        rx.el.label(
            rx.el.input(type="checkbox", name="enabled", default_checked=state.form["enabled"] == "yes", key=state.form_key),
            " ", tr("affiliates.enabled"), class_name="flex items-center gap-2 text-sm font-medium",
        ),
        rx.el.div(*[_setting(name, label, hint) for name, label, hint in SETTINGS], class_name="grid gap-3 sm:grid-cols-2"),
        rx.el.button(rx.cond(state.busy, tr("form.saving"), tr("form.save")), type="submit", class_name=PRIMARY_BUTTON,
                     data_testid="affiliates-save"),
        on_submit=state.save, reset_on_submit=False, no_validate=True,
        class_name="space-y-3 rounded-2xl border bg-white p-4",
    )


def _setting(name: str, label: str, hint: str) -> rx.Component:
    state = AffiliatesState
    return rx.el.div(
        rx.el.label(tr(label), html_for=name, class_name="mb-1 block text-sm font-medium text-gray-800"),
        rx.el.input(id=name, name=name, inputmode="numeric", default_value=state.form[name], key=state.form_key, class_name=INPUT),
        rx.cond(state.errors.contains(name), rx.el.p(state.errors[name], role="alert", class_name="mt-1 text-sm text-red-600"),
                rx.el.p(tr(hint), class_name="mt-1 text-xs text-gray-500")),
    )


def _numbers() -> rx.Component:
    state = AffiliatesState

    def figure(label: str, name: str) -> rx.Component:
        return rx.el.div(rx.el.p(tr(label), class_name="text-xs text-gray-500"),
                         rx.el.p(state.numbers[name], class_name="text-lg font-bold", data_testid=f"affiliates-count-{name}"))

    return rx.el.div(
        figure("affiliates.promoters", "promoters"), figure("affiliates.commission", "commission"),
        figure("affiliates.requested", "requested"), figure("affiliates.withdrawn", "withdrawn"),
        class_name="grid grid-cols-2 gap-3 rounded-2xl border bg-white p-4 sm:grid-cols-4",
    )


def _withdrawals() -> rx.Component:
    state = AffiliatesState
    return rx.el.section(
        rx.el.h2(tr("affiliates.withdrawals"), class_name="text-lg font-semibold"),
        rx.el.p(tr("affiliates.withdrawals_hint"), class_name="text-sm text-gray-500"),
        rx.cond(state.decided != "", rx.el.p(state.decided, role="status", class_name="text-sm text-emerald-700")),
        rx.cond(
            state.withdrawals.length() == 0,
            rx.el.p(tr("affiliates.none"), class_name="py-3 text-sm text-gray-500"),
            rx.el.ul(rx.foreach(state.withdrawals, _withdrawal_row), class_name="divide-y rounded-2xl border bg-white",
                     data_testid="affiliates-withdrawals"),
        ),
    )


def _withdrawal_row(row: dict) -> rx.Component:
    state = AffiliatesState
    return rx.el.li(
        rx.el.div(rx.el.p(row["code"], " · ", row["amount"], class_name="font-medium"),
                  rx.el.p(row["at"], " · ", tr_of(row["status_key"], "promoter.withdrawal."), class_name="text-xs text-gray-500")),
        rx.cond(row["status"] == "requested", rx.el.div(
            rx.el.button(tr("affiliates.approve"), on_click=state.decide(row["id"], True), class_name=PRIMARY_BUTTON,
                         data_testid="withdrawal-approve"),
            rx.el.button(tr("affiliates.reject"), on_click=state.decide(row["id"], False), class_name=SECONDARY_BUTTON),
            class_name="flex gap-2",
        )),
        class_name="flex flex-wrap items-center justify-between gap-2 p-3",
    )


def _promoters() -> rx.Component:
    state = AffiliatesState
    heads = ("affiliates.code", "affiliates.name", "affiliates.inviter", "affiliates.team", "promoter.frozen",
             "promoter.available", "promoter.withdrawn")
    return rx.el.section(
        rx.el.h2(tr("affiliates.promoters"), class_name="text-lg font-semibold"),
        rx.el.div(rx.el.table(
            rx.el.thead(rx.el.tr(*[rx.el.th(tr(head), class_name=CELL) for head in heads])),
            rx.el.tbody(rx.foreach(state.promoters, lambda row: rx.el.tr(
                *[rx.el.td(row[name], class_name=CELL) for name in ("code", "name", "inviter", "team", "frozen", "available", "withdrawn")]
            ))),
            class_name=TABLE, data_testid="affiliates-promoters",
        ), class_name="overflow-x-auto rounded-2xl border bg-white"),
    )


def _commissions() -> rx.Component:
    state = AffiliatesState
    return rx.el.section(
        rx.el.h2(tr("promoter.commissions"), class_name="text-lg font-semibold"),
        rx.el.div(rx.el.table(
            rx.el.thead(rx.el.tr(*[rx.el.th(tr(head), class_name=CELL) for head in (
                "affiliates.order", "affiliates.code", "promoter.level", "affiliates.amount", "affiliates.status")])),
            rx.el.tbody(rx.foreach(state.commissions, lambda row: rx.el.tr(
                rx.el.td(row["order_no"], class_name=CELL), rx.el.td(row["code"], class_name=CELL),
                rx.el.td(row["level"], class_name=CELL), rx.el.td(row["amount"], class_name=CELL),
                rx.el.td(tr_of(row["status_key"], "promoter.status."), class_name=CELL),
            ))),
            class_name=TABLE, data_testid="affiliates-commissions",
        ), class_name="overflow-x-auto rounded-2xl border bg-white"),
    )
