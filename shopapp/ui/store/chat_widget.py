"""The chat entry on every shop page (the frame shows it): a shopper writes to the shop and sees replies live.

The conversation lives in the database; the browser keeps its id and token per shop
(LocalStorage), so a reload or a return visit finds it again.
"""

from __future__ import annotations

import asyncio
import json

import reflex as rx

from shopapp.db import session_scope
from shopapp.services.core.errors import DomainError
from shopapp.services.core.validation import id_from_text
from shopapp.services.support import conversations
from shopapp.ui import routes
from shopapp.ui.components.forms import INPUT, PRIMARY_BUTTON
from shopapp.ui.components.text import tr
from shopapp.ui.components.time import shown_time
from shopapp.ui.store.state import StoreState

POLL_SECONDS = 3
POLL_FOR_MINUTES = 20


class ChatState(StoreState):
    chats: str = rx.LocalStorage("{}", name="shopapp_chats", sync=True)
    is_open: bool = False
    messages: list[dict[str, str]] = []
    problem: str = ""
    verified: bool = False
    scope: str = ""  # conversations.verified_scope: "order" offers the e-mailed code
    code_sent_to: str = ""
    order_no: str = ""  # when opened from an order page: the conversation is about that order
    order_token: str = ""
    polling: bool = False

    @rx.event
    def open_chat(self):
        self.is_open, self.problem = True, ""
        self._refresh()
        if self._conversation() and not self.polling:
            return ChatState.poll

    @rx.event
    def open_for_order(self, order_no: str, order_token: str):
        self.order_no, self.order_token = order_no, order_token
        return ChatState.open_chat

    @rx.event
    def restore(self):
        """The conversation link (/s/<shop>/chat/<id>.<token>) brings a conversation back on any device."""
        self._load_shop()
        conversation_id, _, token = self.chat_key.partition(".")
        if self.not_found:
            return
        try:
            self._remember(id_from_text(conversation_id), token)
        except DomainError:
            return  # not an id any conversation could have
        return ChatState.open_chat

    @rx.var
    def link(self) -> str:
        known = self._conversation()
        return routes.store_chat(self.shop.get("slug", ""), f"{known['id']}.{known['token']}") if known else ""

    @rx.event
    def close_chat(self):
        self.is_open = False

    @rx.event
    def send(self, form: dict):
        self.problem = ""
        text = form.get("text", "")
        known = self._conversation()
        try:
            with session_scope() as session:
                if known:
                    conversations.post_shopper_message(session, int(self.shop["id"]), known["id"], known["token"], text)
                else:
                    conversation, token = conversations.start_conversation(
                        session, int(self.shop["id"]), form.get("email", ""), text,
                        order_no=self.order_no or form.get("order_no") or None, order_token=self.order_token or None,
                        shopper_token=self._shopper_token() or None,
                    )
                    self._remember(conversation.id, token)
        except DomainError as exc:
            self.problem = self._problem_text(exc)
            return
        self._refresh()
        if not self.polling:
            return ChatState.poll

    @rx.event
    def send_code(self):
        """E-mail a one-time code to the order's address: with it staff may see the customer's orders."""
        self.problem = ""
        known = self._conversation()
        if not known:
            return
        try:
            with session_scope() as session:
                self.code_sent_to = conversations.send_verification_code(session, int(self.shop["id"]), known["id"], known["token"])
        except DomainError as exc:
            self.problem = self._problem_text(exc)

    @rx.event
    def verify(self, form: dict):
        self.problem = ""
        known = self._conversation()
        if not known:
            return
        try:
            with session_scope() as session:
                conversations.verify_with_code(session, int(self.shop["id"]), known["id"], known["token"], form.get("code", ""))
        except DomainError as exc:
            self.problem = self._problem_text(exc)
            return
        self.code_sent_to = ""
        self._refresh()

    @rx.event(background=True)
    async def poll(self):
        """While the chat is open, fetch new messages every few seconds: replies appear by themselves."""
        async with self:
            self.polling = True
        try:
            for _ in range(POLL_FOR_MINUTES * 60 // POLL_SECONDS):
                await asyncio.sleep(POLL_SECONDS)
                async with self:
                    if not self.is_open:
                        return
                    self._refresh()
        finally:
            async with self:
                self.polling = False

    def _refresh(self):
        known = self._conversation()
        if not known:
            self.messages, self.verified, self.scope = [], False, ""
            return
        try:
            with session_scope() as session:
                shown = conversations.shopper_conversation(session, int(self.shop["id"]), known["id"], known["token"], self.lang)
        except DomainError:
            self._forget()
            self.messages = []
            return
        self.verified, self.scope = shown["verified"], shown["verified_scope"] or ""
        self.messages = [{"author": m["author"], "text": m["text"], "at": shown_time(m["at"], "%H:%M")} for m in shown["messages"]]

    def _all(self) -> dict:
        try:
            known = json.loads(self.chats or "{}")
        except ValueError:
            return {}
        return known if isinstance(known, dict) else {}

    def _conversation(self) -> dict | None:
        known = self._all().get(self.shop.get("slug", ""))
        return known if isinstance(known, dict) and "id" in known and "token" in known else None

    def _remember(self, conversation_id: int, token: str):
        self.chats = json.dumps({**self._all(), self.shop["slug"]: {"id": conversation_id, "token": token}})

    def _forget(self):
        known = self._all()
        known.pop(self.shop.get("slug", ""), None)
        self.chats = json.dumps(known)


def chat_widget() -> rx.Component:
    state = ChatState
    return rx.fragment(
        rx.cond(
            state.is_open,
            rx.el.section(
                rx.el.header(
                    rx.el.h2(tr("chat.title"), class_name="font-semibold"),
                    rx.el.button("×", on_click=state.close_chat, type="button", aria_label=tr("chat.close"), class_name="text-2xl leading-none"),
                    class_name="flex items-center justify-between border-b px-4 py-2",
                ),
                rx.el.ol(
                    rx.cond(state.messages.length() == 0, rx.el.li(tr("chat.welcome"), class_name="text-sm text-gray-500")),
                    rx.foreach(state.messages, _bubble),
                    class_name="flex-1 space-y-2 overflow-y-auto p-3", data_testid="chat-messages", aria_live="polite",
                ),
                rx.cond(state.link != "", rx.el.p(
                    tr("chat.link"), " ", rx.el.a(tr("chat.link_text"), href=state.link, class_name="underline", data_testid="chat-link"),
                    class_name="px-3 text-xs text-gray-500",
                )),
                rx.cond(state.problem != "", rx.el.p(state.problem, role="alert", class_name="px-3 text-sm text-red-600")),
                rx.cond(state.scope == "order", _code_offer()),
                rx.el.form(
                    rx.cond(state.messages.length() == 0, rx.el.div(
                        rx.el.input(name="email", type="email", placeholder=tr("form.email"), aria_label=tr("form.email"), autocomplete="email", class_name=INPUT),
                        rx.cond(state.order_no == "", rx.el.input(name="order_no", placeholder=tr("chat.order_no"), aria_label=tr("chat.order_no"), class_name=INPUT)),
                        class_name="space-y-2",
                    )),
                    rx.el.div(
                        rx.el.input(name="text", placeholder=tr("chat.placeholder"), aria_label=tr("chat.placeholder"), class_name=INPUT, auto_complete="off"),
                        rx.el.button(tr("chat.send"), type="submit", class_name=PRIMARY_BUTTON + " whitespace-nowrap"),
                        class_name="flex gap-2",
                    ),
                    on_submit=state.send, reset_on_submit=True,
                    class_name="space-y-2 border-t p-3",
                ),
                aria_label=tr("chat.title"),
                class_name="fixed inset-x-0 bottom-0 z-40 flex h-[70vh] flex-col rounded-t-2xl bg-white shadow-2xl md:inset-x-auto md:right-4 md:w-96",
            ),
            rx.el.button(tr("chat.open"), on_click=state.open_chat, type="button", data_testid="chat-open",
                         class_name="fixed bottom-24 right-4 z-30 rounded-full bg-emerald-700 px-4 py-3 text-sm font-semibold text-white shadow-lg md:bottom-6"),
        ),
    )


def _code_offer() -> rx.Component:
    """Only an order number matched: offer the code e-mailed to the order's address."""
    state = ChatState
    return rx.el.div(
        rx.cond(
            state.code_sent_to == "",
            rx.el.div(
                rx.el.span(tr("chat.verify_hint")),
                rx.el.button(tr("chat.send_code"), on_click=state.send_code, type="button", class_name="ml-1 underline"),
            ),
            rx.el.form(
                rx.el.span(tr("chat.code_sent"), " ", state.code_sent_to, class_name="block"),
                rx.el.div(
                    rx.el.input(name="code", inputmode="numeric", autocomplete="one-time-code", placeholder=tr("chat.code"),
                                aria_label=tr("chat.code"), class_name=INPUT),
                    rx.el.button(tr("chat.verify"), type="submit", class_name=PRIMARY_BUTTON + " whitespace-nowrap"),
                    class_name="mt-1 flex gap-2",
                ),
                on_submit=state.verify, reset_on_submit=True,
            ),
        ),
        class_name="mx-3 rounded-lg bg-sky-50 p-2 text-xs text-sky-900", data_testid="chat-code-offer",
    )


def _bubble(message: dict) -> rx.Component:
    mine = message["author"] == "shopper"
    return rx.el.li(
        rx.el.p(message["text"], class_name="whitespace-pre-wrap break-words"),
        rx.el.span(message["at"], class_name="block text-right text-[10px] opacity-60"),
        class_name=rx.cond(mine, "ml-auto max-w-[80%] rounded-2xl bg-emerald-600 px-3 py-2 text-sm text-white",
                           rx.cond(message["author"] == "system", "mx-auto max-w-[90%] text-center text-xs text-gray-500",
                                   "mr-auto max-w-[80%] rounded-2xl bg-gray-100 px-3 py-2 text-sm text-gray-900")),
    )
