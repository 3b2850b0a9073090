"""The copy helper in the editor: several titles and descriptions drawn from the product's facts (a model's only
when every number and claim is in the facts); the owner picks one or none, nothing is saved until they do."""

from __future__ import annotations

import asyncio

import reflex as rx

from shopapp.db import session_scope
from shopapp.i18n import error_message, pick_lang
from shopapp.services.core.errors import DomainError
from shopapp.services.insights import copywriting
from shopapp.ui.components.forms import SECONDARY_BUTTON
from shopapp.ui.components.text import tr, tr_of

TONES = copywriting.TONES


class AiCopyMixin(rx.State, mixin=True):
    copy_tone: str = "simple"
    copy_keywords: str = ""
    copy_titles: list[str] = []
    copy_descriptions: list[dict[str, str]] = []  # {style_key, html}
    copy_shown: int = 0  # the description being previewed
    copy_engine: str = ""
    copy_note: str = ""  # why the offline writer answered, and how many model suggestions were dropped
    copy_busy: bool = False

    @rx.event
    def set_copy_tone(self, tone: str):
        self.copy_tone = tone

    @rx.event
    def set_copy_keywords(self, keywords: str):
        self.copy_keywords = keywords

    @rx.event
    def show_description(self, index: int):
        self.copy_shown = index

    @rx.event(background=True)
    async def suggest_copy(self):
        """Ask for suggestions; only suggestions, the owner decides."""
        async with self:
            if self.is_new or self.copy_busy:
                return
            self.copy_busy = True
            try:
                with session_scope() as session:
                    request = copywriting.copy_request(session, self._actor(), int(self.product["id"]), ["title", "description"],
                                                       self.copy_tone, self.copy_keywords)
            except DomainError as exc:
                self.copy_busy, self.error = False, self._message(exc)
                return
        answer = await asyncio.to_thread(copywriting.write_copy, request)  # no transaction held while a model writes
        async with self:
            self.copy_busy, self.copy_engine, self.copy_shown = False, answer["engine"], 0
            self.copy_titles = answer.get("titles", [])
            self.copy_descriptions = [{"style_key": f"copy.style.{d['style']}", "html": d["html"]} for d in answer.get("descriptions", [])]
            note = error_message(answer["error"], pick_lang(self.lang)) if answer.get("error") else ""
            if answer.get("rejected"):
                note = (note + " " + self._text("copy.rejected").format(count=len(answer["rejected"]))).strip()
            self.copy_note = note

    @rx.event
    def accept_title(self, title: str):
        self.product["title"] = title
        self.form_key += 1

    @rx.event
    def accept_description(self):
        if 0 <= self.copy_shown < len(self.copy_descriptions):
            self.description = self.copy_descriptions[self.copy_shown]["html"]


def ai_copy(state) -> rx.Component:
    """Tone, keywords, the titles to pick from, the descriptions to preview and take; `state` has AiCopyMixin."""
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
        rx.cond(state.copy_titles.length() > 0, rx.el.div(
            rx.el.p(tr("copy.title_suggestion"), class_name="text-sm font-medium"),
            rx.el.ul(rx.foreach(state.copy_titles, lambda title: rx.el.li(
                rx.el.span(title, class_name="min-w-0 flex-1 break-all", data_testid="ai-title"),
                rx.el.button(tr("copy.use"), on_click=state.accept_title(title), type="button", class_name="shrink-0 text-sm text-emerald-700 underline"),
                class_name="flex items-start gap-2 rounded border bg-white px-2 py-1 text-sm",
            )), class_name="mt-1 space-y-1"),
            class_name="mt-2",
        )),
        rx.cond(state.copy_descriptions.length() > 0, rx.el.div(
            rx.el.div(
                rx.el.span(tr("copy.description_suggestion"), class_name="text-sm font-medium"),
                rx.foreach(state.copy_descriptions, lambda d, i: rx.el.button(
                    tr_of(d["style_key"], "copy.style."), on_click=state.show_description(i), type="button",
                    aria_pressed=rx.cond(state.copy_shown == i, "true", "false"),
                    class_name=rx.cond(state.copy_shown == i, "rounded-full bg-emerald-600 px-2 py-0.5 text-xs text-white",
                                       "rounded-full border px-2 py-0.5 text-xs"),
                )),
                class_name="flex flex-wrap items-center gap-2",
            ),
            rx.html(state.copy_descriptions[state.copy_shown]["html"], class_name="prose prose-sm mt-1 max-w-none rounded border bg-gray-50 p-2 text-sm",
                    data_testid="ai-description"),
            rx.el.button(tr("copy.use"), on_click=state.accept_description, type="button", class_name="text-sm text-emerald-700 underline",
                         data_testid="ai-description-use"),
            class_name="mt-2",
        )),
        rx.cond(state.copy_engine != "", rx.el.p(
            tr("support.engine"), ": ", rx.cond(state.copy_engine == "offline", tr("copy.engine_offline"), state.copy_engine),
            rx.cond(state.copy_note != "", rx.el.span(" · ", state.copy_note)),
            class_name="mt-1 text-xs text-gray-500", data_testid="ai-copy-engine")),
        class_name="mt-3 rounded-xl border border-dashed p-3",
    )
