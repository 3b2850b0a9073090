"""The AI reply assistant's door: reply suggestions for a conversation from the engine the
settings choose (OpenAI-compatible when OPENAI_BASE_URL is set, else offline), falling back to the offline
engine, labelled as such, when the model fails. Nothing here sends anything to a shopper or saves anything.

(Product copy is services/insights/copywriting.py.)

Asking a model takes seconds, so a suggestion comes in two steps as well as one: the first reads what the
engine needs inside the caller's unit of work, the second asks the engine and touches no database, so a
caller (the API does) can end its transaction before the model is asked and hold no lock meanwhile.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from functools import lru_cache

from sqlmodel import Session

from shopapp.services.core.permissions import Actor
from shopapp.services.support import conversations
from shopapp.services.support.ai import retrieval
from shopapp.services.support.ai.engines import AIError, Engine, ReplyContext
from shopapp.services.support.ai.intents import FOLLOWED_UP
from shopapp.services.support.ai.offline import OfflineEngine, handed_over
from shopapp.services.support.ai.openai_engine import OpenAIEngine, grounded, sources_for, stream_text
from shopapp.settings import Settings, get_settings

log = logging.getLogger(__name__)

# Reply suggestions -----------------------------------------------------------------------------

def reply_suggestions(session: Session, actor: Actor, conversation_id: int) -> dict:
    """{engine: "openai"|"offline", suggestions: [{text, sources}], error?: code} for the desk."""
    return suggest(reply_context(session, actor, conversation_id))


def reply_context(session: Session, actor: Actor, conversation_id: int) -> ReplyContext:
    """Step one: the facts for a reply, read for the actor's own shop (another shop's conversation: NotFound)."""
    conversation = conversations.conversation_row(session, actor, conversation_id)
    return retrieval.reply_context(session, conversation)


def suggest(context: ReplyContext) -> dict:
    """Step two: ask the engine. A failing model gives the offline engine's suggestions and the error code.
    `follow_up` says a person has to act on the message (an invoice, a change of address, "转人工"...)."""
    engine = current_engine()
    try:
        suggestions = engine.suggest_replies(context)
        answer = {"engine": engine.name, "suggestions": [_described(s.as_dict(), context) for s in suggestions]}
    except AIError as error:
        answer = _offline_fallback(error, [_described(s.as_dict(), context) for s in OfflineEngine().suggest_replies(context)])
    return answer | {"follow_up": needs_follow_up(context)}


def needs_follow_up(context: ReplyContext) -> bool:
    """Whether a person must act on the shopper's message, not only send a reply."""
    return any(handed_over(context, q["intent"]) or q["intent"] in FOLLOWED_UP + ("cancel",) for q in context.questions)


def stream_suggestion(context: ReplyContext) -> Iterator[dict]:
    """One reply written as it comes, as events for the desk:
    {type: "start", engine} then {type: "text", text}... then {type: "done", engine, text, sources, follow_up};
    when the model fails, {type: "error", code} and the offline reply from a new "start"."""
    engine = current_engine()
    if engine.name != "offline":
        yield {"type": "start", "engine": engine.name}
        written = []
        try:
            for piece in engine.stream_reply(context):
                written.append(piece)
                yield {"type": "text", "text": piece}
        except AIError as error:
            yield {"type": "error", "code": error.code}
        else:
            text = stream_text("".join(written))
            if text and grounded(context, text):
                yield {"type": "done", "engine": engine.name, "text": text,
                       "sources": describe_sources(context, sources_for(context, text)),
                       "follow_up": needs_follow_up(context)}
                return
            yield {"type": "error", "code": "ai_answer_malformed"}
    offline = OfflineEngine()
    yield {"type": "start", "engine": offline.name}
    for piece in offline.stream_reply(context):
        yield {"type": "text", "text": piece}
    first = offline.suggest_replies(context)[0]
    yield {"type": "done", "engine": offline.name, "text": first.text, "sources": describe_sources(context, first.sources),
           "follow_up": needs_follow_up(context)}


def describe_sources(context: ReplyContext, sources: list[dict]) -> list[dict]:
    """Each source as people name it, from the facts the reply was drafted from: an order by its number
    (label), a parcel by carrier and tracking number (label, carrier, carrier_en, order_id: the order it
    belongs to), a product by its title, a policy by its kind ("shipping" or "returns")."""
    orders = {order["id"]: order for order in context.orders}
    parcels = {
        (s["id"] if s.get("id") is not None else s["tracking_no"]): (order, s)
        for order in context.orders for s in order["shipments"]
    }
    titles = {product["id"]: product["title"] for product in context.products}
    coupon_names = {coupon["id"]: coupon["name"] for coupon in context.coupons}
    described = []
    for source in sources:
        kind, key = source["type"], source["id"]
        extra: dict = {"label": str(key)}
        if kind == "order" and key in orders:
            extra = {"label": orders[key]["order_no"]}
        elif kind == "shipment" and key in parcels:
            order, parcel = parcels[key]
            extra = {
                "label": parcel["tracking_no"] or "", "carrier": parcel["carrier_name"],
                "carrier_en": parcel.get("carrier_name_en") or parcel["carrier_name"], "order_id": order["id"],
            }
        elif kind == "product" and key in titles:
            extra = {"label": titles[key]}
        elif kind == "coupon" and key in coupon_names:
            extra = {"label": coupon_names[key]}
        described.append({**source, **extra})
    return described


def _described(suggestion: dict, context: ReplyContext) -> dict:
    return {**suggestion, "sources": describe_sources(context, suggestion["sources"])}


def current_engine() -> Engine:
    settings = get_settings()
    return _openai_engine(settings) if settings.openai_base_url else OfflineEngine()


@lru_cache(maxsize=4)
def _openai_engine(settings: Settings) -> OpenAIEngine:
    # One client (and its connection pool) per configuration, not one per question.
    return OpenAIEngine(settings)


# Helpers ---------------------------------------------------------------------------------------

def _offline_fallback(error: AIError, suggestions: list[dict] | None) -> dict:
    log.warning("AI helper fell back to the offline engine: %s", error)
    answer: dict = {"engine": "offline", "error": error.code}
    if suggestions is not None:
        answer["suggestions"] = suggestions
    return answer
