"""Console 营销中心 → 砍价: the shop's bargains with their numbers (runs started and finished, units sold),
a new one, ending one, and its report (orders, revenue)."""

import reflex as rx

from shopapp.ui import routes
from shopapp.ui.components.confirm import confirm_button
from shopapp.ui.components.forms import PRIMARY_BUTTON, SECONDARY_BUTTON, form_error, form_field
from shopapp.ui.components.text import tr
from shopapp.ui.console.layout import console_page
from shopapp.ui.console.marketing.bargains_state import BargainsState
from shopapp.ui.console.marketing.variant_picker import variant_picker

BADGE = "ml-2 rounded px-2 text-xs"
REPORT = [("orders", "bargains.r.orders"), ("paid_orders", "bargains.r.paid_orders"), ("units", "bargains.r.units"),
          ("revenue", "bargains.r.revenue"), ("discount_total", "bargains.r.discount_total"), ("customers", "bargains.r.customers"),
          ("runs_started", "bargains.r.runs_started"), ("runs_finished", "bargains.r.runs_finished")]


@console_page(routes.CONSOLE_BARGAINS, "marketing.bargains", on_load=BargainsState.load)
def bargains_page() -> rx.Component:
    state = BargainsState
    return rx.el.div(
        rx.el.h1(tr("marketing.bargains"), class_name="text-2xl font-bold"),
        rx.el.p(tr("bargains.intro"), class_name="mt-1 text-sm text-gray-600"),
        rx.cond(~state.allowed, rx.el.p(tr("error.role_not_allowed"), role="alert", class_name="mt-4 text-sm text-amber-700")),
        rx.cond(state.saved != "", rx.el.p(tr("bargains.saved"), " ", state.saved, role="status",
                                            class_name="mt-4 rounded-lg bg-emerald-50 px-3 py-2 text-sm text-emerald-800")),
        rx.cond(state.items.length() == 0, rx.el.p(tr("bargains.none"), class_name="mt-4 text-sm text-gray-500")),
        rx.el.ul(rx.foreach(state.items, _bargain), class_name="mt-4 divide-y rounded-2xl border bg-white", data_testid="bargain-list"),
        rx.cond(state.allowed, _new_form()),
        class_name="max-w-3xl",
    )


def _bargain(item: dict) -> rx.Component:
    state = BargainsState
    return rx.el.li(
        rx.el.div(
            rx.el.p(item["name"], _status(item["status"]), class_name="font-medium"),
            rx.el.p(tr("bargain.floor"), " ", item["floor"], " · ", item["helpers"], " ", tr("bargain.helpers_unit"), " · ",
                    item["hours"], " ", tr("bargains.hours_unit"), rx.cond(item["before_floor"] != "", rx.el.span(" · ", tr("bargains.before_floor_short"))),
                    class_name="text-sm text-gray-700"),
            rx.el.p(item["when"], class_name="text-sm text-gray-500"),
            rx.el.p(tr("bargains.r.runs_started"), " ", item["started"], " · ", tr("bargains.r.runs_finished"), " ", item["finished"], " · ",
                    tr("bargains.sold"), " ", item["sold"], "/", item["quantity"], class_name="text-sm text-gray-700", data_testid="bargain-numbers"),
            class_name="min-w-0 flex-1",
        ),
        rx.el.div(
            rx.el.button(tr("bargains.report"), on_click=state.open_report(item["id"]), type="button", class_name=SECONDARY_BUTTON),
            rx.cond(item["status"] != "ended", confirm_button(
                state.confirming == item["id"], state.ask(item["id"]), state.end, state.cancel, "bargains.end", "bargains.end_question")),
            class_name="flex flex-wrap gap-2",
        ),
        rx.cond(state.selected == item["id"], _report()),
        class_name="flex flex-col gap-2 p-3", data_testid="bargain-" + item["id"],
    )


def _status(status) -> rx.Component:
    return rx.match(
        status,
        ("active", rx.el.span(tr("coupons.status.active"), class_name=f"{BADGE} bg-emerald-50 text-emerald-800")),
        ("scheduled", rx.el.span(tr("coupons.status.scheduled"), class_name=f"{BADGE} bg-amber-50 text-amber-800")),
        rx.el.span(tr("coupons.status.ended"), class_name=f"{BADGE} bg-gray-100 text-gray-600"),
    )


def _report() -> rx.Component:
    state = BargainsState
    return rx.el.div(
        rx.el.dl(*[rx.el.div(rx.el.dt(tr(key), class_name="text-xs text-gray-500"), rx.el.dd(state.report[name], class_name="font-semibold"))
                   for name, key in REPORT], class_name="grid grid-cols-2 gap-2 sm:grid-cols-4"),
        rx.el.p(tr("coupons.r.note"), class_name="mt-1 text-xs text-gray-500"),
        rx.el.button(tr("form.close"), on_click=state.close_report, type="button", class_name=SECONDARY_BUTTON + " mt-2"),
        class_name="rounded-xl bg-gray-50 p-3", data_testid="bargain-report",
    )


def _new_form() -> rx.Component:
    state = BargainsState
    errors = state.errors
    return rx.el.form(
        rx.el.h2(tr("bargains.new_title"), class_name="text-lg font-semibold"),
        form_error(state.error),
        form_field("bargains.name", "name", errors),
        variant_picker("bargains.variant", errors),
        rx.el.div(form_field("bargains.floor_price", "floor_price", errors, inputmode="decimal", placeholder="¥"),
                  form_field("bargains.helpers_needed", "helpers_needed", errors, inputmode="numeric", value="3"),
                  class_name="grid gap-3 sm:grid-cols-2"),
        rx.el.div(form_field("bargains.hours", "hours", errors, inputmode="numeric", value="24"),
                  form_field("bargains.quantity", "quantity", errors, inputmode="numeric", value="100"),
                  class_name="grid gap-3 sm:grid-cols-2"),
        rx.el.div(form_field("coupons.starts_at", "starts_at", errors, type="datetime-local", hint_key="bargains.starts_hint"),
                  form_field("coupons.ends_at", "ends_at", errors, type="datetime-local", hint_key="bargains.ends_hint"),
                  class_name="grid gap-3 sm:grid-cols-2"),
        rx.el.label(rx.el.input(type="checkbox", name="buy_before_floor", id="buy_before_floor", class_name="h-4 w-4"),
                    tr("bargains.buy_before_floor"), html_for="buy_before_floor", class_name="mb-3 flex items-center gap-2 text-sm text-gray-800"),
        rx.el.button(rx.cond(state.busy, tr("form.saving"), tr("bargains.create")), type="submit", disabled=state.busy, class_name=PRIMARY_BUTTON),
        key=state.form_key.to_string(), on_submit=state.create, reset_on_submit=False,
        class_name="mt-6 flex flex-col gap-1 rounded-2xl border bg-white p-4", data_testid="bargain-form",
    )
