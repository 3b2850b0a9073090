"""Console 营销中心 → 秒杀: the shop's flash sales, a new one, ending one, and each one's numbers."""

import reflex as rx

from shopapp.ui import routes
from shopapp.ui.components.confirm import confirm_button
from shopapp.ui.components.forms import PRIMARY_BUTTON, SECONDARY_BUTTON, form_error, form_field
from shopapp.ui.components.text import tr
from shopapp.ui.console.layout import console_page
from shopapp.ui.console.marketing.flash_sales_state import FlashSalesState
from shopapp.ui.console.marketing.variant_picker import variant_picker


@console_page(routes.CONSOLE_FLASH_SALES, "marketing.flash_sales", on_load=FlashSalesState.load)
def flash_sales_page() -> rx.Component:
    state = FlashSalesState
    return rx.el.div(
        rx.el.h1(tr("marketing.flash_sales"), class_name="text-2xl font-bold"),
        rx.el.p(tr("flash.console.intro"), class_name="mt-1 text-sm text-gray-600"),
        rx.cond(~state.allowed, rx.el.p(tr("error.role_not_allowed"), role="alert", class_name="mt-4 text-sm text-amber-700")),
        rx.cond(state.saved != "", rx.el.p(tr("flash.console.saved"), " ", state.saved, role="status",
                                            class_name="mt-4 rounded-lg bg-emerald-50 px-3 py-2 text-sm text-emerald-800")),
        rx.cond(state.items.length() == 0, rx.el.p(tr("flash.console.none"), class_name="mt-4 text-sm text-gray-500")),
        rx.el.ul(rx.foreach(state.items, _sale), class_name="mt-4 divide-y rounded-2xl border bg-white", data_testid="flash-sale-list"),
        rx.cond(state.allowed, _new_sale_form()),
        class_name="max-w-3xl",
    )


def _sale(item: dict) -> rx.Component:
    state = FlashSalesState
    return rx.el.li(
        rx.el.p(item["name"], " · ", item["title"], rx.el.span(rx.match(
            item["status"], ("scheduled", tr("flash.status.scheduled")), ("active", tr("flash.status.active")), tr("flash.status.ended")),
            class_name="ml-2 rounded bg-gray-100 px-2 text-xs"), class_name="font-medium"),
        rx.el.p(item["price"], " · ", tr("flash.console.sold"), " ", item["sold"], "/", item["quantity"], " · ", item["when"],
                class_name="text-sm text-gray-600"),
        rx.el.div(
            rx.el.button(tr("flash.console.report"), on_click=state.open_report(item["id"]), type="button", class_name=SECONDARY_BUTTON),
            rx.cond(item["status"] != "ended", confirm_button(
                state.confirming == item["id"], state.ask(item["id"]), state.end, state.cancel, "flash.console.end", "flash.console.end_question")),
            class_name="flex flex-wrap gap-2",
        ),
        rx.cond(state.selected == item["id"], rx.el.dl(
            *[rx.el.div(rx.el.dt(tr(key), class_name="text-xs text-gray-500"), rx.el.dd(state.report[name], class_name="font-semibold"))
              for key, name in (("flash.console.orders", "orders"), ("flash.console.paid_orders", "paid_orders"),
                                ("flash.console.units", "units"), ("flash.console.revenue", "revenue"), ("flash.console.customers", "customers"))],
            class_name="grid grid-cols-3 gap-2 rounded-lg bg-gray-50 p-2 sm:grid-cols-5", data_testid="flash-report")),
        class_name="flex flex-col gap-2 p-3", data_testid="flash-sale-" + item["id"],
    )


def _new_sale_form() -> rx.Component:
    state = FlashSalesState
    return rx.el.form(
        rx.el.h2(tr("flash.console.new"), class_name="font-semibold"),
        form_error(state.error),
        form_field("flash.console.name", "name", state.errors),
        variant_picker("flash.console.variant", state.errors),
        rx.el.div(
            form_field("flash.console.price", "price", state.errors, inputmode="decimal"),
            form_field("flash.console.quantity", "quantity", state.errors, inputmode="numeric"),
            form_field("flash.console.limit", "per_customer_limit", state.errors, inputmode="numeric", value="1"),
            form_field("flash.console.pay_minutes", "pay_minutes", state.errors, inputmode="numeric", value="10"),
            class_name="grid grid-cols-2 gap-2",
        ),
        rx.el.div(
            form_field("flash.console.starts_at", "starts_at", state.errors, type="datetime-local"),
            form_field("flash.console.ends_at", "ends_at", state.errors, type="datetime-local"),
            class_name="grid grid-cols-2 gap-2",
        ),
        rx.el.button(tr("flash.console.create"), type="submit", class_name=PRIMARY_BUTTON),
        on_submit=state.create, key=state.form_key, data_testid="flash-sale-form",
        class_name="mt-6 flex flex-col gap-3 rounded-2xl border bg-white p-4",
    )
