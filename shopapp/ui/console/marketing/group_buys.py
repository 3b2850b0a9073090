"""Console 营销中心 → 拼团: the shop's group buys with their numbers (groups formed / failed, orders, revenue),
a new one, and per activity its report and 立即结束."""

import reflex as rx

from shopapp.ui import routes
from shopapp.ui.components.confirm import confirm_button
from shopapp.ui.components.forms import PRIMARY_BUTTON, SECONDARY_BUTTON, form_error, form_field
from shopapp.ui.components.text import tr
from shopapp.ui.console.layout import console_page
from shopapp.ui.console.marketing.group_buys_state import GroupBuysState

BADGE = "ml-2 rounded px-2 text-xs"
REPORT = [("orders", "gb.r.orders"), ("paid_orders", "gb.r.paid_orders"), ("units", "gb.r.units"), ("revenue", "gb.r.revenue"),
          ("discount_total", "gb.r.discount_total"), ("customers", "gb.r.customers"), ("groups_formed", "gb.formed"),
          ("groups_failed", "gb.failed"), ("groups_forming", "gb.forming")]


@console_page(routes.CONSOLE_GROUP_BUYS, "gb.title", on_load=GroupBuysState.load)
def group_buys_page() -> rx.Component:
    state = GroupBuysState
    return rx.el.div(
        rx.el.h1(tr("gb.title"), class_name="text-2xl font-bold"),
        rx.el.p(tr("gb.intro"), class_name="mt-1 text-sm text-gray-600"),
        rx.cond(~state.allowed, rx.el.p(tr("error.role_not_allowed"), role="alert", class_name="mt-4 text-sm text-amber-700")),
        rx.cond(state.saved != "", rx.el.p(tr("gb.saved"), " ", state.saved, role="status",
                                            class_name="mt-4 rounded-lg bg-emerald-50 px-3 py-2 text-sm text-emerald-800")),
        rx.cond(state.problem != "", rx.el.p(state.problem, role="alert", class_name="mt-4 text-sm text-red-600")),
        rx.cond(state.items.length() == 0, rx.el.p(tr("gb.none"), class_name="mt-4 text-sm text-gray-500")),
        rx.el.ul(rx.foreach(state.items, _activity), class_name="mt-4 divide-y rounded-2xl border bg-white", data_testid="group-buy-list"),
        rx.cond(state.allowed, _new_form()),
        class_name="max-w-3xl",
    )


def _activity(item: dict) -> rx.Component:
    state = GroupBuysState
    return rx.el.li(
        rx.el.div(
            rx.el.p(item["name"], _status(item["status"]), class_name="font-medium"),
            rx.el.p(tr("gb.product"), " #", item["product_id"], " · ", item["price"], " · ", item["size"], tr("gb.size_suffix"), " · ",
                    item["hours"], tr("gb.hours_suffix"), rx.cond(item["virtual"] != "", rx.el.span(" · ", tr("gb.virtual_short"))),
                    class_name="text-sm text-gray-700"),
            rx.el.p(item["when"], class_name="text-sm text-gray-500"),
            rx.el.p(tr("gb.formed"), " ", rx.el.b(item["formed"]), " · ", tr("gb.failed"), " ", rx.el.b(item["failed"]), " · ",
                    tr("gb.forming"), " ", rx.el.b(item["forming"]), class_name="text-sm text-gray-700", data_testid="group-buy-numbers"),
            class_name="min-w-0 flex-1",
        ),
        rx.el.div(
            rx.el.button(tr("gb.report"), on_click=state.open_report(item["id"]), type="button", class_name=SECONDARY_BUTTON),
            rx.cond(item["status"] != "ended", confirm_button(
                state.confirming == item["id"], state.ask(item["id"]), state.end, state.cancel, "gb.end", "gb.end_question")),
            class_name="flex flex-wrap gap-2",
        ),
        rx.cond(state.selected == item["id"], _report()),
        class_name="flex flex-col gap-2 p-3", data_testid="group-buy-" + item["id"],
    )


def _status(status) -> rx.Component:
    return rx.match(
        status,
        ("active", rx.el.span(tr("coupons.status.active"), class_name=f"{BADGE} bg-emerald-50 text-emerald-800")),
        ("scheduled", rx.el.span(tr("coupons.status.scheduled"), class_name=f"{BADGE} bg-amber-50 text-amber-800")),
        rx.el.span(tr("coupons.status.ended"), class_name=f"{BADGE} bg-gray-100 text-gray-600"),
    )


def _report() -> rx.Component:
    state = GroupBuysState
    return rx.el.div(
        rx.el.dl(*[rx.el.div(rx.el.dt(tr(key), class_name="text-xs text-gray-500"), rx.el.dd(state.report[name], class_name="font-semibold"))
                   for name, key in REPORT], class_name="grid grid-cols-2 gap-2 sm:grid-cols-3"),
        rx.el.p(tr("gb.r.note"), class_name="mt-1 text-xs text-gray-500"),
        rx.el.ul(rx.foreach(state.report_orders, lambda o: rx.el.li(
            o["order_no"], " · ", o["at"], " · ", o["total"], " · ", o["status"], class_name="text-sm text-gray-700")), class_name="mt-2"),
        rx.el.button(tr("form.close"), on_click=state.close_report, type="button", class_name=SECONDARY_BUTTON + " mt-2"),
        class_name="rounded-xl bg-gray-50 p-3", data_testid="group-buy-report",
    )


def _new_form() -> rx.Component:
    state = GroupBuysState
    errors = state.errors
    return rx.el.form(
        rx.el.h2(tr("gb.new_title"), class_name="text-lg font-semibold"),
        form_error(state.error),
        form_field("gb.name", "name", errors),
        rx.el.div(form_field("gb.product_id", "product_id", errors, inputmode="numeric", hint_key="gb.product_id_hint"),
                  form_field("gb.group_price", "group_price", errors, inputmode="decimal", placeholder="¥", hint_key="gb.group_price_hint"),
                  class_name="grid gap-3 sm:grid-cols-2"),
        rx.el.div(form_field("gb.group_size", "group_size", errors, inputmode="numeric", value="2"),
                  form_field("gb.hours_to_form", "hours_to_form", errors, inputmode="numeric", value="24"),
                  class_name="grid gap-3 sm:grid-cols-2"),
        rx.el.div(form_field("gb.starts_at", "starts_at", errors, type="datetime-local"),
                  form_field("gb.ends_at", "ends_at", errors, type="datetime-local"), class_name="grid gap-3 sm:grid-cols-2"),
        rx.el.label(rx.el.input(type="checkbox", name="fill_with_virtual", id="fill_with_virtual", class_name="h-4 w-4"),
                    tr("gb.fill_with_virtual"), html_for="fill_with_virtual", class_name="mb-3 flex items-center gap-2 text-sm text-gray-800"),
        rx.el.button(rx.cond(state.busy, tr("form.saving"), tr("gb.create")), type="submit", disabled=state.busy, class_name=PRIMARY_BUTTON,
                     data_testid="group-buy-save"),
        key=state.form_key.to_string(), on_submit=state.create, reset_on_submit=False,
        class_name="mt-6 flex flex-col gap-1 rounded-2xl border bg-white p-4", data_testid="group-buy-form",
    )
