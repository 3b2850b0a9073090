"""An order's timeline and payments as the console shows them: every event, actor, provider and status as a
catalogue key (so the words follow the reader's language), a person or key by name."""

from __future__ import annotations

import reflex as rx

from shopapp.i18n import ZH_CN
from shopapp.services.orders import fulfillment
from shopapp.ui.components.text import tr_of
from shopapp.ui.components.time import shown_time


def event_rows(events: list[dict], actors: dict[str, dict], lang: str) -> list[dict[str, str]]:
    """Timeline rows: {at, type_key, actor_key, actor_name, text}; an event the catalogue has no words for
    reads "其他记录" rather than its code."""
    rows = []
    for event in events:
        type_key = f"console.event.{event['type']}"
        actor_key, actor_name = _actor(actors.get(event["actor"], {"kind": "other", "name": event["actor"]}), lang)
        rows.append({
            "at": shown_time(event["at"]), "type_key": type_key if type_key in ZH_CN else "console.event.other",
            "actor_key": actor_key, "actor_name": actor_name,
            "text": (event["data"] or {}).get("text", "") if event["type"] == "note" else "",
        })
    return rows


def payment_rows(payments: list[dict], money) -> list[dict[str, str]]:
    return [
        {"provider_key": _known(f"payment.provider.{p['provider']}", "payment.provider.other"),
         "status_key": _known(f"payment.status.{p['status']}", "payment.status.other"),
         "amount": money(p["amount"]), "reference": p["provider_reference"] or "", "test": "yes" if p.get("test") else "",
         "collection_key": f"payment.collection.{p.get('collection') or 'platform'}"}
        for p in payments
    ]


def words(key: rx.Var) -> rx.Var:
    """The catalogue's words for a key held in the page's state (an event, an actor, a payment's)."""
    return tr_of(key, "console.event.", "console.actor.", "payment.")


def actor_words(row) -> rx.Component:
    return rx.cond(row["actor_name"] != "", row["actor_name"], words(row["actor_key"]))


# Helpers ---------------------------------------------------------------------------------------

def _actor(actor: dict, lang: str) -> tuple[str, str]:
    """(catalogue key, name): a name, when there is one, is shown instead of the key's words."""
    kind, name = actor["kind"], actor["name"]
    if kind == "payment":
        return _known(f"payment.provider.{name}", "payment.provider.other"), ""
    if kind == "carrier":
        carrier = fulfillment.CARRIERS.get(name)
        return "console.actor.carrier", (carrier.name_en if lang == "en" else carrier.name) if carrier else name
    if kind == "api_key":
        return "console.actor.api_key", f"API · {name}" if name else ""
    if kind in ("staff", "shopper", "system"):
        return f"console.actor.{kind}", name
    return "console.actor.other", ""


def _known(key: str, fallback: str) -> str:
    return key if key in ZH_CN else fallback
