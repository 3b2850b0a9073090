"""The desk's AI assistant: one reply drafted for the open conversation, streamed as it is written, never sent by itself."""

from __future__ import annotations

import asyncio
import threading

import reflex as rx

from shopapp.db import session_scope
from shopapp.i18n import t
from shopapp.services.support.ai import service as ai
from shopapp.ui import routes
from shopapp.ui.components.forms import SECONDARY_BUTTON
from shopapp.ui.components.text import tr


class AiDraftMixin(rx.State, mixin=True):
    ai_text: str = ""
    ai_sources: list[dict[str, str]] = []  # [{text, href}]: what the draft rests on, each a link to it
    ai_engine: str = ""
    ai_busy: bool = False
    ai_problem: str = ""
    ai_follow_up: bool = False  # the shopper's message needs a colleague to act (a person, an address, an invoice...)

    @rx.event(background=True)
    async def draft_with_ai(self):
        """Stream one reply from the assistant into the panel; the agent reads, inserts, edits, sends."""
        async with self:
            if self.ai_busy or not self.selected:
                return
            actor, conversation_id = self._actor(), int(self.selected)
            self.ai_busy, self.ai_text, self.ai_sources, self.ai_problem, self.ai_engine = True, "", [], "", ""
            self.ai_follow_up = False
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
            self.ai_sources = [source_link(s, self.lang) for s in event.get("sources") or []]
            self.ai_follow_up = bool(event.get("follow_up"))
        elif kind == "error":
            self.ai_problem = self._catalogue().get(f"error.{event['code']}", event["code"])


def source_link(source: dict, lang: str) -> dict[str, str]:
    """A draft's source as people name it, and where the agent checks it: an order or a parcel on the
    order's page, a policy in the shop settings, a product in its editor."""
    kind, label = source["type"], str(source.get("label") or source.get("id"))
    if kind == "order":
        return {"text": t("support.source.order", lang, label=label), "href": routes.console_order(source["id"])}
    if kind == "shipment":
        carrier = source.get("carrier_en") if lang == "en" else source.get("carrier")
        href = routes.console_order(source["order_id"]) if source.get("order_id") else ""
        return {"text": f"{carrier or ''} {label}".strip(), "href": href}
    if kind == "policy":
        return {"text": t(f"support.source.policy.{source['id']}", lang), "href": routes.CONSOLE_SETTINGS}
    if kind == "product":
        return {"text": t("support.source.product", lang, label=label), "href": routes.console_product(source["id"])}
    if kind == "coupon":
        return {"text": t("support.source.coupon", lang, label=label), "href": routes.CONSOLE_COUPONS}
    return {"text": label, "href": ""}


def assistant(state) -> rx.Component:
    """The draft button, the engine, the streamed draft and its sources; `state` has AiDraftMixin and use_text."""
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
            rx.cond(state.ai_follow_up, rx.el.p(tr("support.ai_follow_up"), class_name="mt-1 text-xs font-medium text-amber-800",
                                                data_testid="ai-follow-up")),
            rx.cond(state.ai_sources.length() > 0, rx.el.p(tr("support.sources"), ": ", rx.foreach(state.ai_sources, _source),
                                                          class_name="mt-1 flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-gray-500", data_testid="ai-sources")),
            rx.el.button(tr("support.insert"), on_click=state.use_text(state.ai_text), type="button", disabled=state.ai_busy,
                         class_name="mt-2 text-sm text-emerald-700 underline"),
            class_name="mt-2 rounded-xl border border-emerald-200 bg-emerald-50 p-3",
        )),
        class_name="border-t p-3",
    )


def _source(source) -> rx.Component:
    return rx.cond(
        source["href"] != "",
        rx.el.a(source["text"], href=source["href"], target="_blank", class_name="rounded bg-gray-100 px-1 text-emerald-800 underline"),
        rx.el.span(source["text"], class_name="rounded bg-gray-100 px-1"),
    )
