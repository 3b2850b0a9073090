"""What every AI engine offers, and the plain data that goes in and comes out of one."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol


@dataclass
class Suggestion:
    """A reply an agent may send, and the facts it rests on: [{type: order|shipment|policy|product, id}]."""

    text: str
    sources: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"text": self.text, "sources": self.sources}


@dataclass
class ReplyContext:
    """Everything an engine may know when drafting a reply: this shop's facts and, only when the
    shopper is verified, their own orders. Built by retrieval.py; engines never query the database."""

    shop_name: str
    currency: str
    lang: str  # "zh-CN" or "en": the language the shopper writes in
    intent: str  # one of intents.INTENTS
    question: str  # the shopper's latest message
    transcript: list[dict]  # recent messages both sides can see: [{author, text}]
    verified: bool
    orders: list[dict]  # the verified customer's orders, newest first; always [] when unverified
    focus_order: dict | None  # the order the question is about
    policies: dict  # {shipping_policy, returns_policy}
    products: list[dict]  # products the shopper named: {id, title, options, variants, presale_ships_at}
    # Every question of the message being answered, in order: [{text, intent}]; each is answered or
    # handed to a person (intents.HANDED_OVER). Empty: answer `intent` alone.
    questions: list[dict] = field(default_factory=list)
    # The coupons any shopper can claim now: [{id, name, description}] ("满¥100减¥20").
    coupons: list[dict] = field(default_factory=list)


class AIError(Exception):
    """The engine could not answer; `code` is an i18n error code (ai_unavailable, ai_answer_malformed)."""

    def __init__(self, code: str, detail: str = ""):
        self.code = code
        self.detail = detail
        super().__init__(f"{code}: {detail}" if detail else code)


class Engine(Protocol):
    name: str

    def suggest_replies(self, context: ReplyContext) -> list[Suggestion]:
        """One to three replies for the agent to choose from."""

    def stream_reply(self, context: ReplyContext) -> Iterator[str]:
        """One reply, as pieces of text while it is written."""

