"""/support: the queue of conversations, the open one beside the customer's orders and the shop's
policies, AI drafts streamed as they are written, quick replies; nothing reaches a shopper unless a person sends it."""

from __future__ import annotations

import reflex as rx

from shopapp.ui import routes
from shopapp.ui.components.forms import INPUT, PRIMARY_BUTTON, SECONDARY_BUTTON
from shopapp.ui.components.status import order_status_label
from shopapp.ui.components.text import tr
from shopapp.ui.console.layout import console_page
from shopapp.ui.support.desk.assistant import assistant
from shopapp.ui.support.desk.quick_replies import quick_reply_manager
from shopapp.ui.support.desk.state import DeskState
from shopapp.ui.support.desk.tickets import make_ticket_menu, ticket_list


@console_page(routes.SUPPORT, "console.nav.support", on_load=DeskState.load)
def support_desk() -> rx.Component:
    state = DeskState
    return rx.el.div(
        rx.el.aside(
            rx.el.div(
                *[rx.el.button(tr(f"support.{s}"), on_click=state.show(s), type="button", role="tab",
                               aria_selected=rx.cond((state.status == s) & ~state.show_tickets, "true", "false"),
                               class_name=rx.cond((state.status == s) & ~state.show_tickets, "rounded-lg bg-emerald-700 px-3 py-1 text-sm text-white",
                                                  "rounded-lg px-3 py-1 text-sm text-gray-700")) for s in ("open", "closed")],
                rx.el.button(tr("ticket.tab"), on_click=state.toggle_tickets(True), type="button", role="tab",
                             aria_selected=rx.cond(state.show_tickets, "true", "false"), data_testid="tickets-tab",
                             class_name=rx.cond(state.show_tickets, "rounded-lg bg-emerald-700 px-3 py-1 text-sm text-white",
                                                "rounded-lg px-3 py-1 text-sm text-gray-700")),
                role="tablist", class_name="flex gap-1 p-2",
            ),
            rx.cond(state.show_tickets, ticket_list(state), rx.fragment(
                rx.cond(state.queue.length() == 0, rx.el.p(tr("support.empty"), class_name="p-4 text-sm text-gray-500")),
                rx.el.ul(rx.foreach(state.queue, _queue_row), data_testid="support-queue"),
            )),
            # On a phone the list is the page until a conversation is open; on a wide screen it stays on the left.
            class_name=rx.cond(state.selected == "", "min-w-0 rounded-2xl border bg-white lg:w-72 lg:shrink-0",
                               "hidden min-w-0 rounded-2xl border bg-white lg:block lg:w-72 lg:shrink-0"),
            data_testid="support-list",
        ),
        # "Pick one on the left" only where the list is on the left; on a phone the list itself is shown.
        rx.cond(state.selected == "", rx.el.p(tr("support.pick"), class_name="hidden p-8 text-gray-500 lg:block"), _conversation()),
        class_name="flex w-full min-w-0 max-w-full flex-col gap-4 lg:flex-row",
        data_testid="support-desk",
    )


def _queue_row(row: dict) -> rx.Component:
    state = DeskState
    return rx.el.li(rx.el.button(
        rx.el.div(
            rx.el.span(row["email"], class_name="min-w-0 truncate font-medium"),
            rx.cond(row["unread"] != "0", rx.el.span(row["unread"], class_name="rounded-full bg-red-600 px-1.5 text-xs text-white")),
            class_name="flex items-center justify-between gap-2",
        ),
        rx.el.p(row["last"], class_name="truncate text-xs text-gray-500"),
        rx.el.p(rx.match(row["scope"], ("customer", tr("support.verified")), ("order", tr("support.verified_order")),
                         tr("support.unverified")), " · ", row["waiting"],
                class_name="text-xs text-gray-400"),
        on_click=state.open_conversation(row["id"]), type="button",
        class_name=rx.cond(state.selected == row["id"], "w-full bg-emerald-50 p-3 text-left", "w-full p-3 text-left hover:bg-gray-50"),
    ), class_name="border-t")


def _conversation() -> rx.Component:
    state = DeskState
    conversation = state.conversation
    return rx.el.div(
        rx.el.section(
            rx.el.header(
                rx.el.button("← ", tr("support.back"), on_click=state.back_to_list, type="button",
                             class_name="w-full text-left text-sm text-emerald-700 lg:hidden", data_testid="support-back"),
                rx.el.div(
                    rx.el.span(conversation["email"], class_name="break-all font-semibold"),
                    rx.match(
                        conversation["scope"],
                        ("customer", rx.el.span(tr("support.verified"), class_name="ml-2 rounded bg-emerald-100 px-1.5 text-xs text-emerald-800", data_testid="verified-badge")),
                        ("order", rx.el.span(tr("support.verified_order"), class_name="ml-2 rounded bg-sky-100 px-1.5 text-xs text-sky-800", data_testid="verified-badge")),
                        rx.el.span(tr("support.unverified"), class_name="ml-2 rounded bg-amber-100 px-1.5 text-xs text-amber-800", data_testid="verified-badge"),
                    ),
                ),
                rx.el.div(
                    rx.el.select(
                        rx.el.option(tr("support.nobody"), value=""),
                        rx.foreach(state.colleagues, lambda c: rx.el.option(c["email"], value=c["user_id"])),
                        value=conversation["assigned"], on_change=state.hand_over, aria_label=tr("support.hand_over"),
                        class_name="min-w-0 max-w-48 rounded border px-2 py-1 text-sm",
                    ),
                    make_ticket_menu(state),
                    rx.cond(conversation["status"] == "open",
                            rx.el.button(tr("support.close"), on_click=state.close_conversation, type="button", class_name=SECONDARY_BUTTON + " shrink-0 py-1"),
                            rx.el.button(tr("support.reopen"), on_click=state.reopen_conversation, type="button", class_name=SECONDARY_BUTTON + " shrink-0 py-1")),
                    # Assigning and closing go together; on a narrow column they wrap below the e-mail as one.
                    class_name="ml-auto flex min-w-0 items-center gap-2",
                ),
                class_name="flex flex-wrap items-center justify-between gap-2 border-b p-3",
            ),
            rx.el.ol(rx.foreach(state.messages, _message), class_name="max-h-96 space-y-2 overflow-y-auto p-3", data_testid="desk-messages"),
            assistant(state),
            rx.el.div(
                rx.el.textarea(value=state.draft, on_change=state.set_draft, rows=3, placeholder=tr("support.reply_placeholder"),
                               aria_label=tr("support.reply_placeholder"), class_name=INPUT),
                rx.cond(state.problem != "", rx.el.p(state.problem, role="alert", class_name="text-sm text-red-600")),
                rx.el.div(
                    rx.el.select(rx.el.option(tr("support.quick_replies"), value=""), rx.foreach(state.quick_replies, lambda q: rx.el.option(q["title"], value=q["text"])),
                                 on_change=state.use_text, aria_label=tr("support.quick_replies"), class_name="min-w-0 max-w-full rounded border px-2 py-1 text-sm"),
                    rx.el.button(tr("support.manage_quick_replies"), on_click=state.toggle_quick_replies, type="button",
                                 class_name="text-sm text-gray-600 underline"),
                    rx.el.button(tr("support.note"), on_click=state.note, type="button", class_name=SECONDARY_BUTTON + " py-1"),
                    rx.el.button(tr("support.send"), on_click=state.send, type="button", class_name=PRIMARY_BUTTON + " py-1.5 text-sm"),
                    class_name="mt-2 flex flex-wrap items-center justify-end gap-2",
                ),
                rx.cond(state.show_quick_replies, quick_reply_manager(state)),
                class_name="border-t p-3",
            ),
            class_name="min-w-0 flex-1 rounded-2xl border bg-white",
        ),
        _customer(),
        class_name="flex w-full min-w-0 flex-1 flex-col gap-4 xl:flex-row",
    )


def _message(message: dict) -> rx.Component:
    return rx.el.li(
        rx.el.p(message["text"], class_name="whitespace-pre-wrap break-words"),
        rx.el.span(rx.cond(message["internal"] != "", tr("support.internal") + " · ", ""), message["at"], class_name="block text-[10px] opacity-60"),
        class_name=rx.match(
            message["author"],
            ("shopper", "mr-auto max-w-[85%] rounded-2xl bg-gray-100 px-3 py-2 text-sm"),
            ("staff", rx.cond(message["internal"] != "", "ml-auto max-w-[85%] rounded-2xl bg-amber-50 px-3 py-2 text-sm",
                              "ml-auto max-w-[85%] rounded-2xl bg-emerald-600 px-3 py-2 text-sm text-white")),
            "mx-auto text-center text-xs text-gray-500",
        ),
    )


def _customer() -> rx.Component:
    state = DeskState
    return rx.el.aside(
        rx.el.h2(tr("support.customer_orders"), class_name="mb-2 font-semibold"),
        rx.cond(state.conversation["verified"] == "", rx.el.p(tr("support.unverified_hint"), class_name="text-sm text-amber-700")),
        rx.cond(state.conversation["scope"] == "order",
                rx.el.p(tr("support.order_only_hint"), class_name="text-sm text-sky-800", data_testid="order-only-hint")),
        rx.el.ul(rx.foreach(state.orders, lambda o: rx.el.li(
            rx.el.div(rx.el.span(o["order_no"], class_name="font-mono"), order_status_label(o["status"]), class_name="flex flex-wrap justify-between gap-1 text-sm"),
            rx.el.p(o["items"], " · ", o["total"], class_name="text-xs text-gray-600"),
            rx.cond(o["payment"] != "", rx.el.p(tr("orders.payments"), ": ", o["payment"], class_name="text-xs text-gray-600")),
            rx.cond(o["tracking"] != "", rx.el.p(o["tracking"], " — ", o["latest"], class_name="text-xs text-gray-600")),
            rx.cond(o["aftersales"] != "", rx.el.p(tr("aftersales.title"), ": ", o["aftersales"], class_name="text-xs text-amber-700",
                                                   data_testid="customer-aftersales")),
            class_name="border-t py-2",
        )), data_testid="customer-orders"),
        rx.el.h2(tr("store.policies"), class_name="mb-1 mt-4 font-semibold"),
        rx.el.p(state.policies["shipping_policy"], class_name="text-xs text-gray-600"),
        rx.el.p(state.policies["returns_policy"], class_name="mt-1 text-xs text-gray-600"),
        class_name="min-w-0 break-words rounded-2xl border bg-white p-4 xl:w-72 xl:shrink-0",
    )
