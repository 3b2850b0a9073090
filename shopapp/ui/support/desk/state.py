"""The support desk's state: the queue, the open conversation beside the customer's orders and the shop's
policies, the agent's draft; the AI assistant and the quick replies are its mixins."""

from __future__ import annotations

import reflex as rx

from shopapp.db import session_scope
from shopapp.services.core.money import format_money
from shopapp.services.shops import staff
from shopapp.services.support import conversations
from shopapp.ui import routes
from shopapp.ui.components.time import shown_time
from shopapp.ui.console.state import ConsoleState
from shopapp.ui.live import refresh_while_open
from shopapp.ui.support.desk.assistant import AiDraftMixin
from shopapp.ui.support.desk.quick_replies import QuickRepliesMixin
from shopapp.ui.support.desk.tickets import TicketsMixin

POLL_SECONDS = 3
POLL_FOR_MINUTES = 60


class DeskState(AiDraftMixin, QuickRepliesMixin, TicketsMixin, ConsoleState):
    status: str = "open"
    queue: list[dict[str, str]] = []
    selected: str = ""
    conversation: dict[str, str] = {}
    messages: list[dict[str, str]] = []
    orders: list[dict[str, str]] = []
    policies: dict[str, str] = {}
    draft: str = ""
    colleagues: list[dict[str, str]] = []
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

    @rx.event
    def hand_over(self, user_id: str):
        self._act(lambda session, actor: conversations.assign(session, actor, int(self.selected), int(user_id) if user_id else None))

    @rx.event
    def show(self, status: str):
        self.status, self.show_tickets = status, False
        self._refresh()

    @rx.event
    def open_conversation(self, conversation_id: str):
        self.selected, self.draft, self.ai_text, self.ai_sources, self.ai_problem = conversation_id, "", "", [], ""
        with session_scope() as session:
            conversations.mark_read(session, self._actor(), int(conversation_id))
        self._refresh()

    @rx.event
    def back_to_list(self):
        """On a phone: from the open conversation back to the list."""
        self.selected = ""

    @rx.event
    def set_draft(self, text: str):
        self.draft = text

    @rx.event
    def use_text(self, text: str):
        self.draft = text

    @rx.event
    def send(self):
        self._act(lambda session, actor: conversations.reply(session, actor, int(self.selected), self.draft))
        if not self.problem:
            self.draft, self.ai_text, self.ai_sources = "", "", []

    @rx.event
    def note(self):
        self._act(lambda session, actor: conversations.add_note(session, actor, int(self.selected), self.draft))
        if not self.problem:
            self.draft = ""

    @rx.event
    def close_conversation(self):
        self._act(lambda session, actor: conversations.close(session, actor, int(self.selected)))

    @rx.event
    def reopen_conversation(self):
        self._act(lambda session, actor: conversations.reopen(session, actor, int(self.selected)))

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
            items, _ = conversations.list_conversations(session, actor, status=self.status or None, per_page=100)
            shown = conversations.get_conversation(session, actor, int(self.selected), self.lang) if self.selected else None
            if shown and shown["unread_by_staff"]:
                conversations.mark_read(session, actor, int(self.selected))
        self.queue = [
            {"id": str(c["id"]), "email": c["email"], "unread": str(c["unread_by_staff"]), "verified": "yes" if c["verified"] else "",
             "scope": c["verified_scope"] or "", "waiting": _waiting(c["waiting_seconds"]), "last": (c["last_message"] or "")[:60]}
            for c in items
        ]
        if shown:
            self._show(shown)
        if self.show_tickets:
            self._load_tickets()

    def _show(self, shown: dict):
        customer = shown["customer"]
        self.conversation = {
            "id": str(shown["id"]), "email": shown["email"], "status": shown["status"],
            "verified": "yes" if customer["verified"] else "", "verified_by": customer["verified_by"] or "",
            "scope": customer["verified_scope"] or "",
            "assigned": str(shown["assigned_user_id"] or ""),
        }
        self.messages = [
            {"author": m["author"], "text": m["text"], "internal": "yes" if m["internal"] else "", "at": shown_time(m["at"])}
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
