"""Console 营销中心 → 砍价: the shop's bargains with their numbers (runs started and finished, units sold),
a new one, ending one, and its report (orders, revenue)."""

import reflex as rx

from shopapp.ui import routes
from shopapp.ui.components.forms import PRIMARY_BUTTON, form_error, form_field
from shopapp.ui.components.text import tr
from shopapp.ui.console.layout import console_page
from shopapp.ui.console.marketing.activity_list import activity_page, activity_row, numbers_panel, report_button
from shopapp.ui.console.marketing.bargains_state import BargainsState
from shopapp.ui.console.marketing.variant_picker import variant_picker

REPORT = [("orders", "bargains.r.orders"), ("paid_orders", "bargains.r.paid_orders"), ("units", "bargains.r.units"),
          ("revenue", "bargains.r.revenue"), ("discount_total", "bargains.r.discount_total"), ("customers", "bargains.r.customers"),
          ("runs_started", "bargains.r.runs_started"), ("runs_finished", "bargains.r.runs_finished")]


@console_page(routes.CONSOLE_BARGAINS, "marketing.bargains", on_load=BargainsState.load)
def bargains_page() -> rx.Component:
    return activity_page(BargainsState, title="marketing.bargains", intro="bargains.intro", saved="bargains.saved", none="bargains.none",
                         row=_bargain, list_testid="bargain-list", form=_new_form())


def _bargain(item: dict) -> rx.Component:
    state = BargainsState
    return activity_row(
        state, item,
        details=[
            rx.el.p(tr("bargain.floor"), " ", item["floor"], " · ", item["helpers"], " ", tr("bargain.helpers_unit"), " · ",
                    item["hours"], " ", tr("bargains.hours_unit"), rx.cond(item["before_floor"] != "", rx.el.span(" · ", tr("bargains.before_floor_short"))),
                    class_name="text-sm text-gray-700"),
            rx.el.p(item["when"], class_name="text-sm text-gray-500"),
            rx.el.p(tr("bargains.r.runs_started"), " ", item["started"], " · ", tr("bargains.r.runs_finished"), " ", item["finished"], " · ",
                    tr("bargains.sold"), " ", item["sold"], "/", item["quantity"], class_name="text-sm text-gray-700", data_testid="bargain-numbers"),
        ],
        buttons=[report_button(state, item, "bargains.report")], end=("bargains.end", "bargains.end_question"),
        panel=numbers_panel(state, REPORT, note="coupons.r.note", testid="bargain-report"), testid="bargain-",
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
