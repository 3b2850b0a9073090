"""Service tickets at the desk: the open conversation turned into a ticket, and the live tickets by due time."""

from __future__ import annotations

import reflex as rx

from shopapp.db import session_scope
from shopapp.services.support import tickets
from shopapp.ui.components.forms import SECONDARY_BUTTON
from shopapp.ui.components.text import tr, tr_of
from shopapp.ui.components.time import shown_time


class TicketsMixin(rx.State, mixin=True):
    """The desk's tickets tab; changes go through the desk's _act, which shows a problem or refreshes."""

    show_tickets: bool = False
    tickets: list[dict[str, str]] = []

    def _load_tickets(self):
        with session_scope() as session:
            items, _ = tickets.live_tickets(session, self._actor(), per_page=100)
        emails = {c["user_id"]: c["email"] for c in self.colleagues}
        self.tickets = [
            {"id": str(t["id"]), "subject": t["subject"], "status": t["status"], "priority": f"ticket.priority.{t['priority']}",
             "due": shown_time(t["due_at"]), "overdue": "yes" if t["overdue"] else "",
             "assignee": emails.get(str(t["assignee_user_id"] or ""), ""), "assignee_id": str(t["assignee_user_id"] or ""),
             "priority_key": t["priority"], "conversation": str(t["conversation_id"] or "")}
            for t in items
        ]

    @rx.event
    def toggle_tickets(self, showing: bool):
        self.show_tickets = showing
        if showing:
            self._load_tickets()

    @rx.event
    def make_ticket(self, priority: str):
        """The open conversation becomes a ticket (or shows the one it has), assigned to whoever handles it."""
        if not priority:
            return
        assignee = int(self.conversation["assigned"]) if self.conversation.get("assigned") else None
        self._act(lambda session, actor: tickets.open_ticket(
            session, actor, conversation_id=int(self.selected), priority=priority, assignee_user_id=assignee))
        if not self.problem:
            self.show_tickets = True
            self._load_tickets()

    @rx.event
    def set_ticket_status(self, ticket_id: str, status: str):
        self._change_ticket(ticket_id, {"status": status})

    @rx.event
    def set_ticket_priority(self, ticket_id: str, priority: str):
        self._change_ticket(ticket_id, {"priority": priority})

    @rx.event
    def set_ticket_assignee(self, ticket_id: str, user_id: str):
        self._change_ticket(ticket_id, {"assignee_user_id": int(user_id) if user_id else None})

    def _change_ticket(self, ticket_id: str, changes: dict):
        self._act(lambda session, actor: tickets.update_ticket(session, actor, int(ticket_id), changes))
        if not self.problem:
            self._load_tickets()


def make_ticket_menu(state) -> rx.Component:
    """In the open conversation's header: a priority picked turns it into a ticket."""
    return rx.el.select(
        rx.el.option(tr("ticket.make"), value=""),
        *[rx.el.option(tr(f"ticket.priority.{p}"), value=p) for p in tickets.PRIORITIES],
        value="", on_change=state.make_ticket, aria_label=tr("ticket.make"),
        class_name="min-w-0 max-w-40 rounded border px-2 py-1 text-sm", data_testid="make-ticket",
    )


def ticket_list(state) -> rx.Component:
    return rx.el.div(
        rx.cond(state.tickets.length() == 0, rx.el.p(tr("ticket.none"), class_name="p-4 text-sm text-gray-500")),
        rx.el.ul(rx.foreach(state.tickets, lambda t: _ticket(state, t)), data_testid="ticket-list"),
    )


def _ticket(state, ticket: dict) -> rx.Component:
    return rx.el.li(
        rx.el.p(ticket["subject"], class_name="break-all text-sm font-medium"),
        rx.el.p(
            tr_of(ticket["priority"], "ticket.priority."), " · ", tr("ticket.due"), " ", ticket["due"],
            rx.cond(ticket["overdue"] != "", rx.el.span(" ", tr("ticket.overdue"), class_name="font-semibold text-red-600")),
            rx.cond(ticket["assignee"] != "", rx.el.span(" · ", ticket["assignee"])),
            class_name="text-xs text-gray-600",
        ),
        rx.el.div(
            rx.cond(ticket["conversation"] != "", rx.el.button(tr("ticket.open_conversation"), type="button",
                                                            on_click=state.open_conversation(ticket["conversation"]),
                                                            class_name=SECONDARY_BUTTON + " py-1 text-xs")),
            rx.el.select(*[rx.el.option(tr(f"ticket.status.{s}"), value=s) for s in tickets.STATUSES], value=ticket["status"],
                         on_change=lambda status: state.set_ticket_status(ticket["id"], status), aria_label=tr("ticket.status"),
                         class_name="rounded border px-2 py-1 text-xs"),
            rx.el.select(*[rx.el.option(tr(f"ticket.priority.{p}"), value=p) for p in tickets.PRIORITIES], value=ticket["priority_key"],
                         on_change=lambda priority: state.set_ticket_priority(ticket["id"], priority), aria_label=tr("ticket.priority"),
                         class_name="rounded border px-2 py-1 text-xs"),
            rx.el.select(rx.el.option(tr("support.nobody"), value=""),
                         rx.foreach(state.colleagues, lambda c: rx.el.option(c["email"], value=c["user_id"])), value=ticket["assignee_id"],
                         on_change=lambda user_id: state.set_ticket_assignee(ticket["id"], user_id), aria_label=tr("support.hand_over"),
                         class_name="min-w-0 max-w-40 rounded border px-2 py-1 text-xs"),
            class_name="mt-1 flex flex-wrap gap-2",
        ),
        class_name="border-t p-3", data_testid="ticket-row",
    )
