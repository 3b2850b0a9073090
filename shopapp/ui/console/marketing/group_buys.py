"""Console 营销中心 → 拼团: the shop's group buys with their numbers (groups formed / failed, orders, revenue),
a new one, and per activity its report and 立即结束."""

import reflex as rx

from shopapp.ui import routes
from shopapp.ui.components.forms import PRIMARY_BUTTON, form_error, form_field
from shopapp.ui.components.text import tr
from shopapp.ui.console.layout import console_page
from shopapp.ui.console.marketing.activity_list import activity_page, activity_row, numbers_panel, report_button
from shopapp.ui.console.marketing.group_buys_state import GroupBuysState
from shopapp.ui.console.marketing.variant_picker import variant_picker

REPORT = [("orders", "gb.r.orders"), ("paid_orders", "gb.r.paid_orders"), ("units", "gb.r.units"), ("revenue", "gb.r.revenue"),
          ("discount_total", "gb.r.discount_total"), ("customers", "gb.r.customers"), ("groups_formed", "gb.formed"),
          ("groups_failed", "gb.failed"), ("groups_forming", "gb.forming")]


@console_page(routes.CONSOLE_GROUP_BUYS, "gb.title", on_load=GroupBuysState.load)
def group_buys_page() -> rx.Component:
    state = GroupBuysState
    return activity_page(state, title="gb.title", intro="gb.intro", saved="gb.saved", none="gb.none", row=_activity,
                         list_testid="group-buy-list", form=_new_form(),
                         notes=(rx.cond(state.problem != "", rx.el.p(state.problem, role="alert", class_name="mt-4 text-sm text-red-600")),))


def _activity(item: dict) -> rx.Component:
    state = GroupBuysState
    return activity_row(
        state, item,
        details=[
            rx.el.p(tr("gb.product"), " #", item["product_id"], " · ", item["price"], " · ", item["size"], tr("gb.size_suffix"), " · ",
                    item["hours"], tr("gb.hours_suffix"), rx.cond(item["virtual"] != "", rx.el.span(" · ", tr("gb.virtual_short"))),
                    class_name="text-sm text-gray-700"),
            rx.el.p(item["when"], class_name="text-sm text-gray-500"),
            rx.el.p(tr("gb.formed"), " ", rx.el.b(item["formed"]), " · ", tr("gb.failed"), " ", rx.el.b(item["failed"]), " · ",
                    tr("gb.forming"), " ", rx.el.b(item["forming"]), class_name="text-sm text-gray-700", data_testid="group-buy-numbers"),
        ],
        buttons=[report_button(state, item, "gb.report")], end=("gb.end", "gb.end_question"),
        panel=numbers_panel(state, REPORT, note="gb.r.note", testid="group-buy-report", columns="sm:grid-cols-3", extra=(
            rx.el.ul(rx.foreach(state.report_orders, lambda o: rx.el.li(
                o["order_no"], " · ", o["at"], " · ", o["total"], " · ", o["status"], class_name="text-sm text-gray-700")), class_name="mt-2"),)),
        testid="group-buy-",
    )


def _new_form() -> rx.Component:
    state = GroupBuysState
    errors = state.errors
    return rx.el.form(
        rx.el.h2(tr("gb.new_title"), class_name="text-lg font-semibold"),
        form_error(state.error),
        form_field("gb.name", "name", errors),
        variant_picker("gb.product", errors, submits="product_id"),
        form_field("gb.group_price", "group_price", errors, inputmode="decimal", placeholder="¥", hint_key="gb.group_price_hint"),
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
