"""The console's bargain form as create_bargain takes it: the floor typed in yuan, times on the shop's clock
(datetime-local), and the variants an owner may choose from."""

from __future__ import annotations

from sqlmodel import Session, col, select

from shopapp.models import Product, Variant
from shopapp.services.core.errors import Invalid
from shopapp.services.core.money import format_money, parse_money
from shopapp.services.core.permissions import Actor, require
from shopapp.services.core.validation import checked_shop_moment
from shopapp.services.marketing import bargains

MAX_CHOICES = 300


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


def variant_choices(session: Session, actor: Actor) -> list[dict[str, str]]:
    """The shop's variants on sale, as "龙井 · 250g · ¥38.00", newest product first."""
    require(actor, "view_console")
    rows = session.exec(
        select(Variant, Product).join(Product, col(Product.id) == col(Variant.product_id))
        .where(Variant.shop_id == actor.shop_id, Product.status == "active")
        .order_by(col(Product.id).desc(), col(Variant.id)).limit(MAX_CHOICES)
    ).all()
    return [
        {"id": str(variant.id), "label": " · ".join([product.title, *[str(v) for v in variant.option_values or []],
                                                     format_money(variant.price)])}
        for variant, product in rows
    ]
