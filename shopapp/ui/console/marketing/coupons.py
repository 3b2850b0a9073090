"""Console 营销中心 → 优惠券: the shop's coupons, a new one, and per coupon its codes, issuing, numbers and ending."""

import reflex as rx

from shopapp.ui import routes
from shopapp.ui.components.confirm import confirm_button
from shopapp.ui.components.forms import INPUT, PRIMARY_BUTTON, SECONDARY_BUTTON, form_error, form_field
from shopapp.ui.components.text import tr, tr_of
from shopapp.ui.console.layout import console_page
from shopapp.ui.console.marketing.activity_list import BADGE, activity_page, status_badge
from shopapp.ui.console.marketing.coupons_state import CouponsState
from shopapp.ui.console.marketing.scope_picker import ScopePickerState, scope_picker

KINDS = [("amount", "coupons.kind.amount"), ("percent", "coupons.kind.percent"), ("free_shipping", "coupons.kind.free_shipping")]
DATES = [("fixed", "coupons.dates.fixed"), ("days", "coupons.dates.days")]


@console_page(routes.CONSOLE_COUPONS, "console.nav.coupons", on_load=[CouponsState.load, ScopePickerState.clear])
def coupons_page() -> rx.Component:
    state = CouponsState
    return activity_page(state, title="console.nav.coupons", intro="coupons.intro", saved="coupons.saved", none="coupons.none",
                         row=_coupon, list_testid="coupon-list", form=_new_coupon_form(),
                         notes=(rx.cond(state.panel == "", form_error(state.error)),))


def _coupon(item: dict) -> rx.Component:
    state = CouponsState
    return rx.el.li(
        rx.el.div(
            rx.el.p(item["name"], status_badge(item["status"]), rx.cond(item["claimable"] != "", rx.el.span(tr("coupons.claimable"), class_name=f"{BADGE} bg-sky-50 text-sky-800")),
                    rx.el.span(tr_of(item["scope"], "coupons.scope_"), class_name=f"{BADGE} bg-gray-100 text-gray-700"), class_name="font-medium"),
            rx.el.p(item["description"], rx.cond(item["code"] != "", rx.el.span(" · ", tr("coupons.code"), " ", rx.el.code(item["code"]))),
                    class_name="text-sm text-gray-700"),
            rx.el.p(rx.cond(item["days"] != "", rx.el.span(tr("coupons.valid_days_after"), " ", item["when"]), item["when"]), " · ",
                    tr("coupons.issued"), " ", item["issued"], " · ", tr("coupons.used"), " ", item["used"], " · ", tr("coupons.left"), " ", item["left"],
                    class_name="text-sm text-gray-500"),
            class_name="min-w-0 flex-1",
        ),
        rx.el.div(
            rx.el.button(tr("coupons.codes"), on_click=state.open_panel(item["id"], "codes"), type="button", class_name=SECONDARY_BUTTON),
            rx.el.button(tr("coupons.issue"), on_click=state.open_panel(item["id"], "issue"), type="button", class_name=SECONDARY_BUTTON),
            rx.el.button(tr("coupons.report"), on_click=state.open_panel(item["id"], "report"), type="button", class_name=SECONDARY_BUTTON),
            rx.cond(item["status"] != "ended", confirm_button(
                state.confirming == item["id"], state.ask(item["id"]), state.end, state.cancel, "coupons.end", "coupons.end_question")),
            class_name="flex flex-wrap gap-2",
        ),
        rx.cond(state.selected == item["id"], _panel()),
        class_name="flex flex-col gap-2 p-3", data_testid="coupon-" + item["id"],
    )


def _panel() -> rx.Component:
    state = CouponsState
    return rx.el.div(
        form_error(state.error),
        rx.match(state.panel, ("codes", _codes_form()), ("issue", _issue_form()), ("report", _report()), rx.fragment()),
        rx.el.button(tr("form.close"), on_click=state.close_panel, type="button", class_name=SECONDARY_BUTTON + " mt-2"),
        class_name="rounded-xl bg-gray-50 p-3", data_testid="coupon-panel",
    )


def _codes_form() -> rx.Component:
    state = CouponsState
    return rx.el.form(
        rx.el.p(tr("coupons.codes_hint"), class_name="text-sm text-gray-600"),
        form_field("coupons.count", "count", state.errors, inputmode="numeric", value="100"),
        rx.el.div(
            rx.el.button(tr("coupons.make_codes"), type="submit", disabled=state.busy, class_name=PRIMARY_BUTTON),
            rx.el.button(tr("coupons.download_codes"), on_click=state.download_codes, type="button", class_name=SECONDARY_BUTTON),
            class_name="flex flex-wrap gap-2",
        ),
        rx.cond(state.notice != "", rx.el.p(tr("coupons.codes_made"), " ", state.notice, role="status", class_name="mt-2 text-sm text-emerald-800")),
        on_submit=state.make_codes, reset_on_submit=False,
    )


def _issue_form() -> rx.Component:
    state = CouponsState
    return rx.el.form(
        form_field("coupons.emails", "emails", state.errors, multiline=True, hint_key="coupons.emails_hint"),
        rx.el.button(tr("coupons.issue"), type="submit", disabled=state.busy, class_name=PRIMARY_BUTTON),
        rx.cond(state.notice != "", rx.el.p(tr("coupons.issued_to"), " ", state.notice, role="status",
                                             class_name="mt-2 text-sm text-emerald-800", data_testid="issue-result")),
        on_submit=state.issue, reset_on_submit=True,
    )


def _report() -> rx.Component:
    numbers = [("orders", "coupons.r.orders"), ("paid_orders", "coupons.r.paid_orders"), ("units", "coupons.r.units"),
               ("revenue", "coupons.r.revenue"), ("discount_total", "coupons.r.discount_total"),
               ("customers", "coupons.r.customers"), ("new_customers", "coupons.r.new_customers")]
    state = CouponsState
    return rx.el.div(
        rx.el.dl(*[rx.el.div(rx.el.dt(tr(key), class_name="text-xs text-gray-500"), rx.el.dd(state.report[name], class_name="font-semibold"))
                   for name, key in numbers], class_name="grid grid-cols-2 gap-2 sm:grid-cols-4"),
        rx.el.p(tr("coupons.r.note"), class_name="mt-1 text-xs text-gray-500"),
        rx.el.ul(rx.foreach(state.report_orders, lambda o: rx.el.li(
            o["order_no"], " · ", o["at"], " · ", o["total"], " · −", o["discount"], class_name="text-sm text-gray-700")),
            class_name="mt-2"),
        data_testid="coupon-report",
    )


def _new_coupon_form() -> rx.Component:
    state = CouponsState
    errors = state.errors
    return rx.el.form(
        rx.el.h2(tr("coupons.new_title"), class_name="text-lg font-semibold"),
        rx.cond(state.panel == "", form_error(state.error)),
        form_field("coupons.name", "name", errors, hint_key="coupons.name_hint"),
        rx.el.div(
            rx.el.label(tr("coupons.kind"), html_for="kind", class_name="mb-1 block text-sm font-medium text-gray-800"),
            rx.el.select(*[rx.el.option(tr(key), value=value) for value, key in KINDS], id="kind", name="kind",
                         on_change=state.set_kind, class_name=INPUT),
            class_name="mb-4",
        ),
        rx.match(
            state.kind,
            ("amount", form_field("coupons.amount_off", "amount_off", errors, inputmode="decimal", placeholder="¥")),
            ("percent", rx.el.div(form_field("coupons.percent_off", "percent_off", errors, inputmode="numeric", hint_key="coupons.percent_hint"),
                                  form_field("coupons.max_off", "max_off", errors, inputmode="decimal", placeholder="¥"),
                                  class_name="grid gap-3 sm:grid-cols-2")),
            rx.fragment(),
        ),
        form_field("coupons.min_amount", "min_amount", errors, inputmode="decimal", placeholder="¥", hint_key="coupons.min_amount_hint"),
        scope_picker(errors),
        rx.el.div(
            rx.el.label(tr("coupons.dates"), html_for="dates", class_name="mb-1 block text-sm font-medium text-gray-800"),
            rx.el.select(*[rx.el.option(tr(key), value=value) for value, key in DATES], id="dates", name="dates",
                         on_change=state.set_dates, class_name=INPUT),
            class_name="mb-4",
        ),
        rx.cond(
            state.dates == "fixed",
            rx.el.div(form_field("coupons.starts_at", "starts_at", errors, type="datetime-local"),
                      form_field("coupons.ends_at", "ends_at", errors, type="datetime-local"), class_name="grid gap-3 sm:grid-cols-2"),
            form_field("coupons.valid_days", "valid_days", errors, inputmode="numeric"),
        ),
        rx.el.div(form_field("coupons.total_quantity", "total_quantity", errors, inputmode="numeric", hint_key="coupons.total_quantity_hint"),
                  form_field("coupons.per_customer_limit", "per_customer_limit", errors, inputmode="numeric", value="1"),
                  class_name="grid gap-3 sm:grid-cols-2"),
        form_field("coupons.code_label", "code", errors, hint_key="coupons.code_hint"),
        _checkbox("claimable", "coupons.claimable_label", False),
        _checkbox("combines_with_promotions", "coupons.combines_label", True),
        rx.cond(errors.contains("kind"), rx.el.p(errors["kind"], role="alert", class_name="text-sm text-red-600")),
        rx.el.button(rx.cond(state.busy, tr("form.saving"), tr("coupons.create")), type="submit", disabled=state.busy, class_name=PRIMARY_BUTTON),
        key=state.form_key.to_string(), on_submit=state.create, reset_on_submit=False,
        class_name="mt-6 flex flex-col gap-1 rounded-2xl border bg-white p-4", data_testid="coupon-form",
    )


def _checkbox(name: str, label_key: str, checked: bool) -> rx.Component:
    return rx.el.label(
        rx.el.input(type="checkbox", name=name, id=name, default_checked=checked, class_name="h-4 w-4"),
        tr(label_key), html_for=name, class_name="mb-3 flex items-center gap-2 text-sm text-gray-800",
    )
