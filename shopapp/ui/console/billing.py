"""套餐与账单 (/console/billing): the shop's plan and its status, the plans with a monthly and a yearly
button each (paying goes to the platform's pay page), a bill waiting, invoices as PDF, and how the shop
is paid (the collection section)."""

import reflex as rx

from shopapp.ui import routes
from shopapp.ui.components.forms import PRIMARY_BUTTON, SECONDARY_BUTTON
from shopapp.ui.components.text import tr, tr_of
from shopapp.ui.console.billing_state import BillingState
from shopapp.ui.console.layout import console_page
from shopapp.ui.console.money import MoneyState, money_section


@console_page(routes.CONSOLE_BILLING, "console.nav.billing", on_load=[BillingState.load, MoneyState.load])
def console_billing() -> rx.Component:
    return rx.el.div(
        rx.el.h1(tr("billing.title"), class_name="text-xl font-bold"),
        _current(),
        rx.cond(BillingState.problem != "", rx.el.p(BillingState.problem, role="alert", class_name="rounded-lg bg-red-50 p-3 text-sm text-red-700")),
        rx.el.div(rx.foreach(BillingState.plans, _plan_card), class_name="grid gap-4 md:grid-cols-3"),
        _section("billing.invoices", rx.cond(
            BillingState.invoices.length() == 0, rx.el.p(tr("billing.no_invoices"), class_name="text-sm text-gray-500"),
            rx.el.ul(rx.foreach(BillingState.invoices, _invoice_row), class_name="divide-y", data_testid="invoices"))),
        _section("money.title", money_section()),
        class_name="max-w-4xl space-y-6",
    )


def _current() -> rx.Component:
    return rx.el.section(
        rx.el.p(tr("billing.current"), ": ", rx.el.strong(BillingState.plan_name, data_testid="current-plan"), " · ",
                rx.el.span(tr_of(BillingState.status_key, "billing.status."), data_testid="plan-status")),
        rx.cond(BillingState.period_end != "", rx.el.p(tr("billing.period_end"), ": ", BillingState.period_end, class_name="text-sm text-gray-600")),
        rx.cond(BillingState.next_plan != "", rx.el.p(tr("billing.next_plan"), ": ", BillingState.next_plan, class_name="text-sm text-gray-600")),
        rx.el.p(tr("billing.storage"), ": ", rx.el.span(BillingState.storage, data_testid="storage-usage"), class_name="text-sm text-gray-600"),
        rx.foreach(BillingState.downgrade_notes, lambda note: rx.el.p(note, class_name="text-sm text-amber-800", data_testid="downgrade-note")),
        rx.cond(BillingState.pending_url != "", rx.el.div(
            rx.el.span(tr("billing.pending"), " ", BillingState.pending_amount, class_name="text-sm"),
            rx.el.button(tr("billing.pay_now"), on_click=BillingState.pay_pending, type="button", class_name=PRIMARY_BUTTON,
                         data_testid="pay-pending"),
            class_name="mt-3 flex flex-wrap items-center gap-3 rounded-lg bg-amber-50 p-3")),
        class_name="rounded-2xl border bg-white p-5",
    )


def _plan_card(plan: dict) -> rx.Component:
    return rx.el.div(
        rx.el.h2(plan["name"], class_name="text-lg font-semibold"),
        rx.el.p(plan["monthly"], " ", tr("billing.per_month"), " · ", plan["yearly"], " ", tr("billing.per_year"), class_name="text-sm"),
        rx.el.p(tr("billing.commission"), " ", plan["commission"], class_name="text-sm text-gray-600"),
        rx.cond(plan["current"] != "", rx.el.p(tr("billing.this_plan"), class_name="mt-3 text-sm font-semibold text-emerald-700"),
                rx.cond(plan["free"] != "", rx.fragment(), rx.el.div(
                    rx.el.button(tr("billing.choose_month"), on_click=BillingState.choose(plan["id"], "month"), type="button",
                                 class_name=PRIMARY_BUTTON, data_testid="choose-" + plan["code"] + "-month"),
                    rx.el.button(tr("billing.choose_year"), on_click=BillingState.choose(plan["id"], "year"), type="button",
                                 class_name=SECONDARY_BUTTON, data_testid="choose-" + plan["code"] + "-year"),
                    class_name="mt-3 flex flex-wrap gap-2"))),
        class_name="rounded-2xl border bg-white p-5", data_testid="plan-" + plan["code"],
    )


def _invoice_row(invoice: dict) -> rx.Component:
    return rx.el.li(
        rx.el.span(invoice["number"], class_name="font-mono text-sm"), rx.el.span(invoice["day"], class_name="text-sm text-gray-500"),
        rx.el.span(invoice["total"], class_name="text-sm"),
        rx.el.a("PDF", href=invoice["url"], target="_blank", class_name="text-sm text-emerald-700 hover:underline"),
        class_name="flex flex-wrap items-center justify-between gap-2 py-2",
    )


def _section(title_key: str, *children) -> rx.Component:
    return rx.el.section(rx.el.h2(tr(title_key), class_name="mb-4 text-lg font-semibold"), *children,
                         class_name="rounded-2xl border bg-white p-5")
