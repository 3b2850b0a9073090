"""Console 营销中心 → 秒杀: the shop's flash sales, a new one, ending one, and each one's numbers."""

import reflex as rx

from shopapp.ui import routes
from shopapp.ui.components.forms import PRIMARY_BUTTON, form_error, form_field
from shopapp.ui.components.text import tr
from shopapp.ui.console.layout import console_page
from shopapp.ui.console.marketing.activity_list import activity_page, activity_row, numbers_panel, report_button
from shopapp.ui.console.marketing.flash_sales_state import FlashSalesState
from shopapp.ui.console.marketing.variant_picker import variant_picker

REPORT = [("orders", "flash.console.orders"), ("paid_orders", "flash.console.paid_orders"), ("units", "flash.console.units"),
          ("revenue", "flash.console.revenue"), ("customers", "flash.console.customers")]


@console_page(routes.CONSOLE_FLASH_SALES, "marketing.flash_sales", on_load=FlashSalesState.load)
def flash_sales_page() -> rx.Component:
    return activity_page(FlashSalesState, title="marketing.flash_sales", intro="flash.console.intro", saved="flash.console.saved",
                         none="flash.console.none", row=_sale, list_testid="flash-sale-list", form=_new_sale_form())


def _sale(item: dict) -> rx.Component:
    state = FlashSalesState
    return activity_row(
        state, item,
        details=[rx.el.p(item["title"], class_name="text-sm text-gray-700"),
                 rx.el.p(item["price"], " · ", tr("flash.console.sold"), " ", item["sold"], "/", item["quantity"], " · ", item["when"],
                         class_name="text-sm text-gray-600")],
        buttons=[report_button(state, item, "flash.console.report")], end=("flash.console.end", "flash.console.end_question"),
        panel=numbers_panel(state, REPORT, note="coupons.r.note", testid="flash-report", columns="sm:grid-cols-5"),
        testid="flash-sale-",
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
