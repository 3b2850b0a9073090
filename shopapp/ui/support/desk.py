"""/support: the queue of conversations, the open one beside the customer's orders and the shop's
policies, AI drafts streamed as they are written, quick replies; nothing reaches a shopper unless a person sends it."""

from __future__ import annotations

import asyncio
import threading

import reflex as rx

from shopapp.db import session_scope
from shopapp.services import staff, support
from shopapp.services.ai import service as ai
from shopapp.services.errors import DomainError
from shopapp.services.pricing import format_money
from shopapp.ui import routes
from shopapp.ui.components.forms import INPUT, PRIMARY_BUTTON, SECONDARY_BUTTON
from shopapp.ui.components.status import order_status_label
from shopapp.ui.components.text import tr
from shopapp.ui.components.time import china_time
from shopapp.ui.console.layout import console_page
from shopapp.ui.console.state import ConsoleState
from shopapp.ui.live import refresh_while_open

POLL_SECONDS = 3
POLL_FOR_MINUTES = 60


class DeskState(ConsoleState):
    status: str = "open"
    queue: list[dict[str, str]] = []
    selected: str = ""
    conversation: dict[str, str] = {}
    messages: list[dict[str, str]] = []
    orders: list[dict[str, str]] = []
    policies: dict[str, str] = {}
    draft: str = ""
    ai_text: str = ""
    ai_sources: list[str] = []
    ai_engine: str = ""
    ai_busy: bool = False
    ai_problem: str = ""
    quick_replies: list[dict[str, str]] = []
    colleagues: list[dict[str, str]] = []
    show_quick_replies: bool = False
    problem: str = ""
    watching: bool = False

    @rx.event
    def load(self):
        if self._signed_in() is None:
            return
        self._load_quick_replies()
        with session_scope() as session:
            members = staff.list_staff(session, self._actor())["members"]
        self.colleagues = [{"user_id": str(m["user_id"]), "email": m["email"]} for m in members]
        self._refresh()
        if not self.watching:
            return DeskState.watch

    def _load_quick_replies(self):
        with session_scope() as session:
            items, _ = support.list_quick_replies(session, self._actor())
        self.quick_replies = [{"id": str(q["id"]), "title": q["title"], "text": q["text"]} for q in items]

    @rx.event
    def toggle_quick_replies(self):
        self.show_quick_replies = not self.show_quick_replies

    @rx.event
    def add_quick_reply(self, form: dict):
        self._act(lambda session, actor: support.create_quick_reply(session, actor, form.get("title", ""), form.get("text", "")))
        self._load_quick_replies()

    @rx.event
    def delete_quick_reply(self, quick_reply_id: str):
        self._act(lambda session, actor: support.delete_quick_reply(session, actor, int(quick_reply_id)))
        self._load_quick_replies()

    @rx.event
    def hand_over(self, user_id: str):
        self._act(lambda session, actor: support.assign(session, actor, int(self.selected), int(user_id) if user_id else None))

    @rx.event
    def show(self, status: str):
        self.status = status
        self._refresh()

    @rx.event
    def open_conversation(self, conversation_id: str):
        self.selected, self.draft, self.ai_text, self.ai_sources, self.ai_problem = conversation_id, "", "", [], ""
        with session_scope() as session:
            support.mark_read(session, self._actor(), int(conversation_id))
        self._refresh()

    @rx.event
    def set_draft(self, text: str):
        self.draft = text

    @rx.event
    def use_text(self, text: str):
        self.draft = text

    @rx.event
    def send(self):
        self._act(lambda session, actor: support.reply(session, actor, int(self.selected), self.draft))
        if not self.problem:
            self.draft, self.ai_text, self.ai_sources = "", "", []

    @rx.event
    def note(self):
        self._act(lambda session, actor: support.add_note(session, actor, int(self.selected), self.draft))
        if not self.problem:
            self.draft = ""

    @rx.event
    def close_conversation(self):
        self._act(lambda session, actor: support.close(session, actor, int(self.selected)))

    @rx.event
    def reopen_conversation(self):
        self._act(lambda session, actor: support.reopen(session, actor, int(self.selected)))

    @rx.event(background=True)
    async def draft_with_ai(self):
        """Stream one reply from the assistant into the panel; the agent reads, inserts, edits, sends."""
        async with self:
            if self.ai_busy or not self.selected:
                return
            actor, conversation_id = self._actor(), int(self.selected)
            self.ai_busy, self.ai_text, self.ai_sources, self.ai_problem, self.ai_engine = True, "", [], "", ""
        events: list[dict] = []
        finished = threading.Event()

        def produce():
            try:
                with session_scope() as session:
                    context = ai.reply_context(session, actor, conversation_id)
                for event in ai.stream_suggestion(context):
                    events.append(event)
            except Exception as exc:  # noqa: BLE001 - shown to the agent, the conversation stays as it is
                events.append({"type": "error", "code": getattr(exc, "code", "ai_unavailable")})
            finally:
                finished.set()

        threading.Thread(target=produce, daemon=True).start()
        shown = 0
        while not (finished.is_set() and shown == len(events)):
            await asyncio.sleep(0.15)
            async with self:
                for event in events[shown:]:
                    self._take(event)
                shown = len(events)
        async with self:
            self.ai_busy = False

    def _take(self, event: dict):
        kind = event["type"]
        if kind == "start":
            self.ai_engine, self.ai_text = event["engine"], ""
        elif kind == "text":
            self.ai_text += event["text"]
        elif kind == "done":
            self.ai_text = event["text"]
            self.ai_sources = [f"{s['type']} {s.get('label') or s.get('id')}" for s in event.get("sources") or []]
        elif kind == "error":
            self.ai_problem = self.tr.get(f"error.{event['code']}", event["code"])

    @rx.event(background=True)
    async def watch(self):
        """New shopper messages and conversations appear while the desk is open."""
        await refresh_while_open(self, routes.SUPPORT, POLL_SECONDS, POLL_FOR_MINUTES, self._refresh)

    def _act(self, action):
        self.problem = self._attempt(action)
        if not self.problem:
            self._refresh()

    def _refresh(self):
        actor = self._signed_in()
        if actor is None:
            return
        with session_scope() as session:
            items, _ = support.list_conversations(session, actor, status=self.status or None, per_page=100)
            shown = support.get_conversation(session, actor, int(self.selected), self.lang) if self.selected else None
            if shown and shown["unread_by_staff"]:
                support.mark_read(session, actor, int(self.selected))
        self.queue = [
            {"id": str(c["id"]), "email": c["email"], "unread": str(c["unread_by_staff"]), "verified": "yes" if c["verified"] else "",
             "waiting": _waiting(c["waiting_seconds"]), "last": (c["last_message"] or "")[:60]}
            for c in items
        ]
        if shown:
            self._show(shown)

    def _show(self, shown: dict):
        customer = shown["customer"]
        self.conversation = {
            "id": str(shown["id"]), "email": shown["email"], "status": shown["status"],
            "verified": "yes" if customer["verified"] else "", "verified_by": customer["verified_by"] or "",
            "assigned": str(shown["assigned_user_id"] or ""),
        }
        self.messages = [
            {"author": m["author"], "text": m["text"], "internal": "yes" if m["internal"] else "", "at": china_time(m["at"])}
            for m in shown["messages"]
        ]
        self.orders = [_order_line(order) for order in shown["orders"]]
        self.policies = {key: str(value or "") for key, value in shown["policies"].items()}


def _waiting(seconds) -> str:
    if seconds is None:
        return ""
    return f"{seconds // 60} min" if seconds < 3600 else f"{seconds // 3600} h"


def _order_line(order: dict) -> dict[str, str]:
    shipment = (order.get("shipments") or [{}])[0] if order.get("shipments") else {}
    latest = (shipment.get("events") or [{}])[0] if shipment else {}
    return {
        "order_no": order["order_no"], "status": order["status"], "total": format_money(order["total"], order["currency"]),
        "items": "，".join(f"{i['title']}×{i['qty']}" for i in order["items"]),
        "tracking": f"{shipment.get('carrier_name', '')} {shipment.get('tracking_no', '')}".strip(),
        "payment": ", ".join(f"{p['provider']} {p['status']}" for p in order.get("payments") or []),
        "aftersales": "，".join(f"{r['kind']} {r['status']}" for r in order.get("aftersales") or []),
        "latest": latest.get("description", ""),
    }


@console_page(routes.SUPPORT, "console.nav.support", on_load=DeskState.load)
def support_desk() -> rx.Component:
    state = DeskState
    return rx.el.div(
        rx.el.aside(
            rx.el.div(
                *[rx.el.button(tr(f"support.{s}"), on_click=state.show(s), type="button", role="tab",
                               aria_selected=rx.cond(state.status == s, "true", "false"),
                               class_name=rx.cond(state.status == s, "rounded-lg bg-emerald-700 px-3 py-1 text-sm text-white",
                                                  "rounded-lg px-3 py-1 text-sm text-gray-700")) for s in ("open", "closed")],
                role="tablist", class_name="flex gap-1 p-2",
            ),
            rx.cond(state.queue.length() == 0, rx.el.p(tr("support.empty"), class_name="p-4 text-sm text-gray-500")),
            rx.el.ul(rx.foreach(state.queue, _queue_row), data_testid="support-queue"),
            class_name="rounded-2xl border bg-white lg:w-72 lg:shrink-0",
        ),
        rx.cond(state.selected == "", rx.el.p(tr("support.pick"), class_name="p-8 text-gray-500"), _conversation()),
        class_name="flex flex-col gap-4 lg:flex-row",
    )


def _queue_row(row: dict) -> rx.Component:
    state = DeskState
    return rx.el.li(rx.el.button(
        rx.el.div(
            rx.el.span(row["email"], class_name="truncate font-medium"),
            rx.cond(row["unread"] != "0", rx.el.span(row["unread"], class_name="rounded-full bg-red-600 px-1.5 text-xs text-white")),
            class_name="flex items-center justify-between gap-2",
        ),
        rx.el.p(row["last"], class_name="truncate text-xs text-gray-500"),
        rx.el.p(rx.cond(row["verified"] != "", tr("support.verified"), tr("support.unverified")), " · ", row["waiting"],
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
                rx.el.div(
                    rx.el.span(conversation["email"], class_name="font-semibold"),
                    rx.cond(conversation["verified"] != "",
                            rx.el.span(tr("support.verified"), class_name="ml-2 rounded bg-emerald-100 px-1.5 text-xs text-emerald-800", data_testid="verified-badge"),
                            rx.el.span(tr("support.unverified"), class_name="ml-2 rounded bg-amber-100 px-1.5 text-xs text-amber-800", data_testid="verified-badge")),
                ),
                rx.el.select(
                    rx.el.option(tr("support.nobody"), value=""),
                    rx.foreach(state.colleagues, lambda c: rx.el.option(c["email"], value=c["user_id"])),
                    value=conversation["assigned"], on_change=state.hand_over, aria_label=tr("support.hand_over"),
                    class_name="rounded border px-2 py-1 text-sm",
                ),
                rx.cond(conversation["status"] == "open",
                        rx.el.button(tr("support.close"), on_click=state.close_conversation, type="button", class_name=SECONDARY_BUTTON + " py-1"),
                        rx.el.button(tr("support.reopen"), on_click=state.reopen_conversation, type="button", class_name=SECONDARY_BUTTON + " py-1")),
                class_name="flex items-center justify-between border-b p-3",
            ),
            rx.el.ol(rx.foreach(state.messages, _message), class_name="max-h-96 space-y-2 overflow-y-auto p-3", data_testid="desk-messages"),
            _assistant(),
            rx.el.div(
                rx.el.textarea(value=state.draft, on_change=state.set_draft, rows=3, placeholder=tr("support.reply_placeholder"),
                               aria_label=tr("support.reply_placeholder"), class_name=INPUT),
                rx.cond(state.problem != "", rx.el.p(state.problem, role="alert", class_name="text-sm text-red-600")),
                rx.el.div(
                    rx.el.select(rx.el.option(tr("support.quick_replies"), value=""), rx.foreach(state.quick_replies, lambda q: rx.el.option(q["title"], value=q["text"])),
                                 on_change=state.use_text, aria_label=tr("support.quick_replies"), class_name="rounded border px-2 py-1 text-sm"),
                    rx.el.button(tr("support.manage_quick_replies"), on_click=state.toggle_quick_replies, type="button",
                                 class_name="text-sm text-gray-600 underline"),
                    rx.el.button(tr("support.note"), on_click=state.note, type="button", class_name=SECONDARY_BUTTON + " py-1"),
                    rx.el.button(tr("support.send"), on_click=state.send, type="button", class_name=PRIMARY_BUTTON + " py-1.5 text-sm"),
                    class_name="mt-2 flex flex-wrap items-center justify-end gap-2",
                ),
                rx.cond(state.show_quick_replies, _quick_reply_manager()),
                class_name="border-t p-3",
            ),
            class_name="min-w-0 flex-1 rounded-2xl border bg-white",
        ),
        _customer(),
        class_name="flex min-w-0 flex-1 flex-col gap-4 xl:flex-row",
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


def _assistant() -> rx.Component:
    state = DeskState
    return rx.el.div(
        rx.el.div(
            rx.el.button(rx.cond(state.ai_busy, tr("support.ai_working"), tr("support.ai_draft")), on_click=state.draft_with_ai,
                         disabled=state.ai_busy, type="button", class_name=SECONDARY_BUTTON + " py-1", data_testid="ai-draft"),
            rx.cond(state.ai_engine != "", rx.el.span(tr("support.engine"), ": ", rx.cond(state.ai_engine == "offline", tr("support.engine_offline"), state.ai_engine),
                                                      class_name="text-xs text-gray-500", data_testid="ai-engine")),
            class_name="flex items-center gap-2",
        ),
        rx.cond(state.ai_problem != "", rx.el.p(state.ai_problem, role="alert", class_name="mt-1 text-xs text-amber-700")),
        rx.cond(state.ai_text != "", rx.el.div(
            rx.el.p(state.ai_text, class_name="whitespace-pre-wrap text-sm", data_testid="ai-text"),
            rx.cond(state.ai_sources.length() > 0, rx.el.p(tr("support.sources"), ": ", rx.foreach(state.ai_sources, lambda s: rx.el.span(s, class_name="mr-2 rounded bg-gray-100 px-1")),
                                                          class_name="mt-1 text-xs text-gray-500", data_testid="ai-sources")),
            rx.el.button(tr("support.insert"), on_click=state.use_text(state.ai_text), type="button", disabled=state.ai_busy,
                         class_name="mt-2 text-sm text-emerald-700 underline"),
            class_name="mt-2 rounded-xl border border-emerald-200 bg-emerald-50 p-3",
        )),
        class_name="border-t p-3",
    )


def _customer() -> rx.Component:
    state = DeskState
    return rx.el.aside(
        rx.el.h2(tr("support.customer_orders"), class_name="mb-2 font-semibold"),
        rx.cond(state.conversation["verified"] == "", rx.el.p(tr("support.unverified_hint"), class_name="text-sm text-amber-700")),
        rx.el.ul(rx.foreach(state.orders, lambda o: rx.el.li(
            rx.el.div(rx.el.span(o["order_no"], class_name="font-mono"), order_status_label(o["status"]), class_name="flex justify-between text-sm"),
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
        class_name="rounded-2xl border bg-white p-4 xl:w-72 xl:shrink-0",
    )


def _quick_reply_manager() -> rx.Component:
    state = DeskState
    return rx.el.div(
        rx.el.ul(rx.foreach(state.quick_replies, lambda q: rx.el.li(
            rx.el.span(rx.el.b(q["title"]), " — ", q["text"], class_name="min-w-0 flex-1 truncate text-sm"),
            rx.el.button(tr("products.remove"), on_click=state.delete_quick_reply(q["id"]), type="button", class_name="text-xs text-red-700"),
            class_name="flex items-center gap-2 py-1",
        ))),
        rx.el.form(
            rx.el.input(name="title", placeholder=tr("support.quick_title"), aria_label=tr("support.quick_title"), class_name=INPUT + " sm:w-40"),
            rx.el.input(name="text", placeholder=tr("support.quick_text"), aria_label=tr("support.quick_text"), class_name=INPUT),
            rx.el.button(tr("support.quick_add"), type="submit", class_name=SECONDARY_BUTTON),
            on_submit=state.add_quick_reply, reset_on_submit=True,
            class_name="mt-2 flex flex-col gap-2 sm:flex-row",
        ),
        class_name="mt-3 rounded-xl bg-gray-50 p-3",
    )
