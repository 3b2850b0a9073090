"""The AI helper in the editor: a suggested title and description in a chosen tone; the owner takes them or not."""

from __future__ import annotations

import asyncio

import reflex as rx

from shopapp.db import session_scope
from shopapp.services.core.errors import DomainError
from shopapp.services.support.ai import service as ai
from shopapp.ui.components.forms import SECONDARY_BUTTON
from shopapp.ui.components.text import tr

TONES = ("simple", "premium", "playful")


class AiCopyMixin(rx.State, mixin=True):
    copy_tone: str = "simple"
    copy_keywords: str = ""
    copy_title: str = ""
    copy_description: str = ""
    copy_engine: str = ""
    copy_busy: bool = False

    @rx.event
    def set_copy_tone(self, tone: str):
        self.copy_tone = tone

    @rx.event
    def set_copy_keywords(self, keywords: str):
        self.copy_keywords = keywords

    @rx.event(background=True)
    async def suggest_copy(self):
        """Ask the AI helper for a title and a description; only suggestions, the owner decides."""
        async with self:
            if self.is_new or self.copy_busy:
                return
            self.copy_busy = True
            try:
                with session_scope() as session:
                    request = ai.copy_request(session, self._actor(), int(self.product["id"]), ["title", "description"],
                                              self.copy_tone, self.copy_keywords)
            except DomainError as exc:
                self.copy_busy, self.error = False, self._message(exc)
                return
        answer = await asyncio.to_thread(ai.write_copy, request)  # no transaction held while the model writes
        async with self:
            self.copy_busy, self.copy_engine = False, answer["engine"]
            self.copy_title, self.copy_description = answer.get("title", ""), answer.get("description_html", "")

    @rx.event
    def accept_title(self):
        self.product["title"], self.copy_title = self.copy_title, ""
        self.form_key += 1

    @rx.event
    def accept_description(self):
        self.description, self.copy_description = self.copy_description, ""


def ai_copy(state) -> rx.Component:
    """Tone, keywords, the suggestions and their engine; `state` has AiCopyMixin."""
    return rx.el.div(
        rx.el.div(
            rx.el.select(*[rx.el.option(tr(f"copy.tone.{t}"), value=t) for t in TONES], value=state.copy_tone,
                         on_change=state.set_copy_tone, aria_label=tr("copy.tone"), class_name="rounded border px-2 py-1 text-sm"),
            rx.el.input(placeholder=tr("copy.keywords"), aria_label=tr("copy.keywords"), on_blur=state.set_copy_keywords,
                        class_name="min-w-0 flex-1 rounded border px-2 py-1 text-sm"),
            rx.el.button(rx.cond(state.copy_busy, tr("copy.working"), tr("copy.suggest")), on_click=state.suggest_copy, disabled=state.copy_busy,
                         type="button", class_name=SECONDARY_BUTTON + " py-1", data_testid="ai-copy"),
            class_name="flex flex-wrap items-center gap-2",
        ),
        rx.cond(state.copy_title != "", rx.el.div(
            rx.el.p(tr("copy.title_suggestion"), ": ", rx.el.b(state.copy_title, data_testid="ai-title"), class_name="text-sm"),
            rx.el.button(tr("copy.use"), on_click=state.accept_title, type="button", class_name="text-sm text-emerald-700 underline"),
            class_name="mt-2 flex flex-wrap items-center gap-2",
        )),
        rx.cond(state.copy_description != "", rx.el.div(
            rx.html(state.copy_description, class_name="rounded border bg-gray-50 p-2 text-sm"),
            rx.el.button(tr("copy.use"), on_click=state.accept_description, type="button", class_name="text-sm text-emerald-700 underline"),
            class_name="mt-2",
        )),
        rx.cond(state.copy_engine != "", rx.el.p(tr("support.engine"), ": ", rx.cond(state.copy_engine == "offline", tr("support.engine_offline"), state.copy_engine),
                                                  class_name="mt-1 text-xs text-gray-500")),
        class_name="mt-3 rounded-xl border border-dashed p-3",
    )
