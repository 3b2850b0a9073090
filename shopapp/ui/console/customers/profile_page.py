"""One customer (/console/customers/[customer_id]): who they are, what they bought, what they asked, tags and note."""

from __future__ import annotations

import reflex as rx

from shopapp.ui import routes
from shopapp.ui.components.forms import INPUT, PRIMARY_BUTTON
from shopapp.ui.components.status import order_status_label
from shopapp.ui.components.text import tr, tr_of
from shopapp.ui.console.customers.profile_state import CustomerProfileState
from shopapp.ui.console.layout import console_page

CARD = "rounded-2xl border bg-white p-4"
FIGURES = (("orders", "customers.col.orders"), ("spent", "customers.col.spent"), ("average", "customers.average"),
           ("first", "customers.first_order"), ("last", "customers.col.last_order"), ("level", "customers.level"),
           ("points", "customers.points"))


@console_page(routes.CONSOLE_CUSTOMER, "console.nav.customers", on_load=CustomerProfileState.load)
def customer_profile() -> rx.Component:
    state = CustomerProfileState
    return rx.el.div(
        rx.el.a("← ", tr("console.nav.customers"), href=routes.CONSOLE_CUSTOMERS, class_name="text-sm text-emerald-700"),
        rx.el.h1(state.customer["name"], class_name="mt-2 break-all text-2xl font-bold", data_testid="customer-name"),
        rx.el.p(state.customer["email"], " · ", state.customer["phone"], " · ", state.customer["region"],
                rx.cond(state.customer["account"] == "", rx.el.span(" · ", tr("customers.guest"))), class_name="break-all text-sm text-gray-600"),
        rx.el.dl(*[_figure(key, label) for key, label in FIGURES], class_name="mt-4 grid grid-cols-2 gap-2 sm:grid-cols-4"),
        _tags_and_note(),
        rx.el.div(
            _section("customers.orders", rx.foreach(state.orders, lambda o: rx.el.li(
                rx.el.a(o["no"], href=o["url"], class_name="font-mono text-emerald-700"), " ", order_status_label(o["status"]),
                " ", o["total"], " ", rx.el.span(o["at"], class_name="text-gray-500"), class_name="py-1 text-sm"))),
            _section("customers.addresses", rx.foreach(state.addresses, lambda a: rx.el.li(a, class_name="py-1 text-sm"))),
            _section("customers.conversations", rx.foreach(state.conversations, lambda c: rx.el.li(
                tr_of(c["status"], "support.open", "support.closed"), " ", c["at"], class_name="py-1 text-sm"))),
            _section("customers.aftersales", rx.foreach(state.aftersales, lambda r: rx.el.li(
                r["order_no"], " ", tr_of(r["kind"], "aftersales.refund_only", "aftersales.return_and_refund"), " ", tr_of(r["status"], "aftersales.status."), " ", r["at"],
                class_name="py-1 text-sm"))),
            _section("customers.coupons", rx.foreach(state.coupons, lambda c: rx.el.li(c, class_name="py-1 text-sm"))),
            class_name="mt-4 grid gap-4 md:grid-cols-2",
        ),
    )


def _figure(key: str, label: str) -> rx.Component:
    return rx.el.div(rx.el.dt(tr(label), class_name="text-xs text-gray-500"),
                     rx.el.dd(CustomerProfileState.customer[key], class_name="font-semibold"), class_name=CARD + " p-3")


def _tags_and_note() -> rx.Component:
    state = CustomerProfileState
    return rx.el.form(
        rx.el.label(tr("customers.col.tags"), rx.el.input(name="tags", default_value=state.customer["tags"], key=state.form_key,
                                                           placeholder=tr("customers.tags_hint"), class_name=INPUT, data_testid="profile-tags"),
                    class_name="text-sm"),
        rx.el.label(tr("customers.note"), rx.el.textarea(name="note", default_value=state.customer["note"], key=state.form_key,
                                                          rows=2, class_name=INPUT), class_name="text-sm"),
        rx.el.button(tr("form.save"), type="submit", class_name=PRIMARY_BUTTON + " py-2"),
        rx.cond(state.problem != "", rx.el.p(state.problem, role="alert", class_name="text-sm text-red-600")),
        rx.cond(state.notice != "", rx.el.p(state.notice, role="status", class_name="text-sm text-emerald-700")),
        on_submit=state.save, reset_on_submit=False,
        class_name=CARD + " mt-4 flex flex-col gap-2",
    )


def _section(title: str, items) -> rx.Component:
    return rx.el.section(rx.el.h2(tr(title), class_name="font-semibold"), rx.el.ul(items, class_name="mt-2 divide-y"), class_name=CARD)
