"""The console's bargain form as create_bargain takes it: the floor typed in yuan, times on the shop's clock
(datetime-local), and the variants an owner may choose from."""

from __future__ import annotations

from sqlmodel import Session

from shopapp.services.catalog import variant_choices as choices
from shopapp.services.core.errors import Invalid
from shopapp.services.core.money import parse_money
from shopapp.services.core.permissions import Actor
from shopapp.services.core.validation import checked_shop_moment
from shopapp.services.marketing import bargains


def create_from_form(session: Session, actor: Actor, form: dict[str, str]) -> dict:
    """The console's new bargain: what the form could not read and what create_bargain refuses, named together."""
    errors: dict[str, str] = {}
    data: dict = {name: str(form.get(name) or "").strip() for name in ("name", "variant_id", "helpers_needed", "hours", "quantity")}
    typed = str(form.get("floor_price") or "").strip()
    if typed:
        try:
            data["floor_price"] = parse_money(typed, field="floor_price")
        except Invalid as refused:
            errors.update(refused.fields)
    for field in ("starts_at", "ends_at"):
        data[field] = checked_shop_moment(form.get(field), field, errors, actor.shop_id)
    data["buy_before_floor"] = bool(form.get("buy_before_floor"))
    return bargains.create_bargain(session, actor, data, errors)


def variant_choices(session: Session, actor: Actor, query: str = "") -> list[dict[str, str]]:
    """The shop's variants on sale, as "龙井 · 250g · ¥38.00", newest product first (catalog/variant_choices)."""
    return choices.variant_choices(session, actor, query)
