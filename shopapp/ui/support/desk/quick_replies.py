"""The shop's quick replies at the desk: picked from a list into the draft, added and removed by the agents."""

from __future__ import annotations

import reflex as rx

from shopapp.db import session_scope
from shopapp.services.support import conversations
from shopapp.ui.components.forms import INPUT, SECONDARY_BUTTON
from shopapp.ui.components.text import tr


class QuickRepliesMixin(rx.State, mixin=True):
    """The desk's quick replies; a change goes through the desk's _act, which shows a problem or refreshes the queue."""

    quick_replies: list[dict[str, str]] = []
    show_quick_replies: bool = False

    def _load_quick_replies(self):
        with session_scope() as session:
            items, _ = conversations.list_quick_replies(session, self._actor())
        self.quick_replies = [{"id": str(q["id"]), "title": q["title"], "text": q["text"]} for q in items]

    @rx.event
    def toggle_quick_replies(self):
        self.show_quick_replies = not self.show_quick_replies

    @rx.event
    def add_quick_reply(self, form: dict):
        self._act(lambda session, actor: conversations.create_quick_reply(session, actor, form.get("title", ""), form.get("text", "")))
        self._load_quick_replies()

    @rx.event
    def delete_quick_reply(self, quick_reply_id: str):
        self._act(lambda session, actor: conversations.delete_quick_reply(session, actor, int(quick_reply_id)))
        self._load_quick_replies()


def quick_reply_manager(state) -> rx.Component:
    """The shop's quick replies: each with remove, and a form to add one; `state` has QuickRepliesMixin."""
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
