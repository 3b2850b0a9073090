"""One order in the console (/console/orders/[order_id]): the cards and forms around OrderDetailState."""

from __future__ import annotations

import reflex as rx

from shopapp.ui import routes
from shopapp.ui.components.forms import DANGER_BUTTON, INPUT, PRIMARY_BUTTON, SECONDARY_BUTTON
from shopapp.ui.components.savings import line_price, savings_list
from shopapp.ui.components.status import (
    aftersales_kind_label,
    aftersales_status_label,
    order_status_label,
    tracking_status_options,
)
from shopapp.ui.components.text import tr
from shopapp.ui.console.layout import console_page
from shopapp.ui.console.orders.detail_state import OrderDetailState, ShipmentView
from shopapp.ui.console.orders.refund_form import refund_form
from shopapp.ui.console.orders.ticket_button import ticket_button
from shopapp.ui.console.orders.timeline import actor_words, words
from shopapp.ui.console.settings.sender import SenderAddressState, sender_address_form


@console_page(routes.CONSOLE_ORDER, "console.nav.orders", on_load=[OrderDetailState.load, SenderAddressState.load])
def order_detail() -> rx.Component:
    state = OrderDetailState
    order = state.order
    return rx.el.div(
        rx.el.a("← ", tr("console.nav.orders"), href=routes.CONSOLE_ORDERS, class_name="text-sm text-emerald-700"),
        rx.el.div(
            rx.el.h1(tr("order.number"), " ", order["order_no"], class_name="font-mono text-xl font-bold"),
            rx.el.span(order_status_label(order["status"]), class_name="rounded-full bg-gray-100 px-3 py-1 text-sm", data_testid="console-order-status"),
            class_name="mt-1 flex flex-wrap items-center gap-3",
        ),
        rx.el.p(order["created"], class_name="text-sm text-gray-500"),
        rx.cond(state.problem != "", rx.el.p(state.problem, role="alert", class_name="mt-2 text-sm text-red-600")),
        rx.cond(order["status"] == "pending_payment", rx.el.div(
            rx.cond(
                state.confirming_cancel,
                rx.el.div(
                    rx.el.span(tr("orders.cancel_confirm"), class_name="text-sm text-red-700"),
                    rx.el.button(tr("confirm.yes"), on_click=state.cancel, type="button", class_name=DANGER_BUTTON),
                    rx.el.button(tr("form.cancel"), on_click=state.keep, type="button", class_name=SECONDARY_BUTTON),
                    class_name="flex flex-wrap items-center gap-2",
                ),
                rx.el.button(tr("orders.cancel"), on_click=state.ask_cancel, type="button", class_name=DANGER_BUTTON),
            ),
            class_name="mt-3",
        )),
        rx.cond(state.notice != "", rx.el.p(state.notice, role="status", class_name="mt-2 text-sm text-emerald-700")),
        rx.el.div(
            rx.cond((order["status"] == "paid") | (order["status"] == "partially_shipped"), _card("orders.ship", _ship_form())),
            rx.cond(state.shipments.length() > 0, _card(
                "orders.shipments",
                # Labels need the sender's address: asked for here, before the first one, not found out on paper.
                rx.cond(SenderAddressState.loaded & ~SenderAddressState.ready,
                        rx.el.div(sender_address_form("settings.sender_needed"), class_name="mb-3 rounded-xl bg-amber-50 p-3")),
                rx.foreach(state.shipments, _shipment),
            )),
            rx.cond(state.requests.length() > 0, _card("aftersales.title", rx.foreach(state.requests, _request_card))),
            rx.cond(order["refundable"] != "0", _card("orders.refund", refund_form(state))),
            key=state.form_key.to_string(),
            class_name="mt-4 grid gap-4 lg:grid-cols-2",
        ),
        rx.el.div(
            _card("orders.items", rx.el.ul(rx.foreach(state.items, lambda i: rx.el.li(
                rx.el.div(i["title"], rx.cond(i["options"] != "", rx.el.span(" · ", i["options"], class_name="text-gray-500")),
                          rx.el.div(i["sku"], class_name="text-xs text-gray-500"),
                          rx.cond(i["ships_at"] != "", rx.el.div(tr("store.presale"), " · ", tr("order.ships_on"), " ", i["ships_at"],
                                                                 class_name="text-xs text-amber-700", data_testid="item-ships-at")),
                          class_name="flex-1"),
                rx.el.span(i["unit_price"], " × ", i["qty"], class_name="text-sm text-gray-600"),
                rx.el.span(line_price(i), class_name="text-right text-sm"),
                class_name="flex items-start gap-3 py-2", data_testid="console-order-item",
            )), class_name="divide-y"),
                rx.el.div(
                    _line("store.subtotal", order["subtotal"]),
                    rx.cond(state.savings.length() > 0, rx.el.div(
                        rx.el.p(tr("orders.discounts"), class_name="text-gray-600"),
                        savings_list(state.savings, "console-order-savings"),
                        _line("saving.total", "-" + order["discount"]),
                        class_name="rounded bg-red-50 p-2",
                    )),
                    _line("store.shipping_fee", order["shipping"]),
                    _line("store.total", order["total"]), _line("order.refunded", order["refunded"]),
                    class_name="mt-2 space-y-1 border-t pt-2 text-sm",
                )),
            _card("store.address_section",
                  rx.cond(order["shipping_method"] != "", rx.fragment(rx.el.p(order["recipient"]), rx.el.p(order["address"], class_name="text-gray-600")),
                          rx.el.p(tr("store.no_shipping_needed"), class_name="text-gray-600")),  # virtual goods only
                  rx.el.p(order["shipping_method"], class_name="text-gray-600"), rx.el.p(order["email"], class_name="text-gray-600"),
                  rx.cond(order["note"] != "", rx.el.p(tr("store.note_section"), ": ", order["note"], class_name="mt-2 text-amber-800"))),
            _card("orders.payments", rx.el.ul(rx.foreach(state.payments, lambda p: rx.el.li(
                words(p["provider_key"]), rx.cond(p["test"] != "", rx.el.span(
                    tr("payment.test_badge"), class_name="ml-1 rounded bg-amber-100 px-1.5 text-xs font-semibold text-amber-800", data_testid="test-payment",
                )), " · ", words(p["status_key"]), " · ", p["amount"], " · ",
                rx.el.span(words(p["collection_key"]), data_testid="payment-collection"), " ",
                rx.el.span(p["reference"], class_name="break-all font-mono text-xs text-gray-500"),
                class_name="text-sm",
            )), data_testid="order-payments")),
            _card("order.timeline", rx.el.ol(rx.foreach(state.events, lambda e: rx.el.li(
                rx.el.span(e["at"], class_name="mr-2 text-gray-500"), words(e["type_key"]),
                rx.el.span(" · ", actor_words(e), class_name="text-gray-500"),
                rx.cond(e["text"] != "", rx.el.span(" — ", e["text"], class_name="text-amber-800")),
                class_name="text-sm",
            )), data_testid="order-timeline"),
                rx.el.form(
                    rx.el.input(name="note", placeholder=tr("orders.note"), aria_label=tr("orders.note"), class_name="min-w-0 flex-1 rounded border px-2 py-1 text-sm"),
                    rx.el.button(tr("orders.add_note"), type="submit", class_name=SECONDARY_BUTTON + " py-1"),
                    on_submit=state.add_note, reset_on_submit=True, class_name="mt-2 flex gap-2",
                )),
            class_name="mt-4 grid gap-4 lg:grid-cols-2",
        ),
    )


def _card(title_key: str, *children) -> rx.Component:
    return rx.el.section(rx.el.h2(tr(title_key), class_name="mb-2 font-semibold"), *children, class_name="rounded-2xl border bg-white p-4")


def _line(key: str, value) -> rx.Component:
    return rx.el.div(rx.el.span(tr(key), class_name="text-gray-600"), rx.el.span(value), class_name="flex justify-between")


def _ship_form() -> rx.Component:
    state = OrderDetailState
    return rx.el.form(
        rx.el.p(tr("orders.ship_hint"), class_name="mb-2 text-sm text-gray-600"),
        rx.foreach(state.items, lambda i: rx.cond(i["to_ship"] != "0", rx.el.label(
            rx.el.span(i["title"], rx.cond(i["options"] != "", " · " + i["options"], ""), class_name="flex-1 text-sm"),
            rx.el.input(name="ship_" + i["id"], default_value=i["to_ship"], inputmode="numeric", aria_label=tr("orders.ship_qty") + " " + i["title"],
                        class_name="w-16 rounded border px-2 py-1 text-right"),
            class_name="mb-2 flex items-center gap-2",
        ))),
        rx.el.div(
            rx.el.select(rx.foreach(state.carriers, lambda c: rx.el.option(c["name"], value=c["code"])),
                         name="carrier", aria_label=tr("orders.carrier"), class_name=INPUT + " sm:w-40"),
            rx.el.input(name="tracking_no", placeholder=tr("orders.tracking_no"), aria_label=tr("orders.tracking_no"), class_name=INPUT),
            class_name="flex flex-col gap-2 sm:flex-row",
        ),
        rx.el.button(tr("orders.ship_button"), type="submit", class_name=PRIMARY_BUTTON + " mt-3"),
        on_submit=state.ship, reset_on_submit=False,
    )


def _shipment(shipment: ShipmentView) -> rx.Component:
    state = OrderDetailState
    return rx.el.div(
        rx.el.div(
            rx.el.span(shipment.carrier, " ", rx.el.span(shipment.tracking_no, class_name="font-mono")),
            rx.cond(SenderAddressState.ready, rx.el.a(tr("orders.print_label"), href=shipment.label_url, target="_blank",
                                                      class_name="text-sm text-emerald-700 underline")),
            class_name="flex items-center justify-between",
        ),
        rx.el.p(shipment.contents, class_name="text-sm text-gray-600"),
        rx.el.ol(rx.foreach(shipment.events, lambda e: rx.el.li(
            rx.el.span(e["at"], class_name="mr-2 text-gray-500"), e["description"], class_name="text-xs",
        )), class_name="mt-1 space-y-0.5"),
        rx.el.form(
            rx.el.input(type="hidden", name="shipment_id", value=shipment.id),
            rx.el.select(*tracking_status_options(),
                         name="status", aria_label=tr("orders.tracking_status"), class_name="rounded border px-2 py-1 text-sm"),
            rx.el.input(name="description", placeholder=tr("orders.tracking_description"), aria_label=tr("orders.tracking_description"),
                        class_name="min-w-0 flex-1 rounded border px-2 py-1 text-sm"),
            rx.el.button(tr("orders.add_event"), type="submit", class_name=SECONDARY_BUTTON + " py-1"),
            on_submit=state.add_event, reset_on_submit=True,
            class_name="mt-2 flex flex-wrap gap-2",
        ),
        class_name="border-b py-2 last:border-0",
    )


def _request_card(request: dict) -> rx.Component:
    state = OrderDetailState
    return rx.el.div(
        rx.el.p(aftersales_kind_label(request["kind"]), " · ", aftersales_status_label(request["status"]),
                class_name="text-sm font-medium", data_testid="console-aftersales-status"),
        rx.el.p(request["reason"], class_name="text-sm text-gray-600"),
        ticket_button(state, request["id"]),
        rx.cond(request["return"] != "", rx.el.p(tr("aftersales.return_tracking"), ": ", request["return"], class_name="text-sm")),
        rx.cond(
            (request["status"] == "requested") | (request["status"] == "returning") | (request["status"] == "awaiting_return"),
            rx.el.div(
                rx.el.input(placeholder=tr("aftersales.message"), aria_label=tr("aftersales.message"), class_name=INPUT,
                            on_blur=lambda text: state.set_request_note(request["id"], text)),
                rx.el.div(
                    rx.cond(request["status"] == "requested",
                            rx.el.button(tr("aftersales.approve"), on_click=state.decide(request["id"], "approve"), type="button",
                                         class_name=PRIMARY_BUTTON + " py-1 text-sm")),
                    rx.cond(request["status"] == "returning",
                            rx.el.button(tr("aftersales.received"), on_click=state.decide(request["id"], "received"), type="button",
                                         class_name=PRIMARY_BUTTON + " py-1 text-sm")),
                    rx.el.button(tr("aftersales.refuse"), on_click=state.decide(request["id"], "refuse"), type="button", class_name=DANGER_BUTTON),
                    class_name="mt-2 flex gap-2",
                ),
                class_name="mt-2",
            ),
        ),
        class_name="border-b py-2 last:border-0",
    )
