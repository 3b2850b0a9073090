"""The console's 拼团 form as create_group_buy takes it: the group price in yuan for every variant of the product,
times on the shop's clock (datetime-local fields). Every typo is named at once, with create_group_buy's own refusals."""

from __future__ import annotations

from sqlmodel import Session, select

from shopapp.models import Variant
from shopapp.services.core.errors import Invalid
from shopapp.services.core.money import parse_money
from shopapp.services.core.permissions import Actor
from shopapp.services.core.validation import checked_shop_moment
from shopapp.services.marketing import group_buys


def create_from_form(session: Session, actor: Actor, form: dict[str, str]) -> dict:
    errors: dict[str, str] = {}
    data: dict = {name: str(form.get(name) or "").strip() for name in ("name", "product_id", "group_size", "hours_to_form")}
    data["fill_with_virtual"] = bool(form.get("fill_with_virtual"))
    for name in ("starts_at", "ends_at"):
        data[name] = checked_shop_moment(form.get(name), name, errors, actor.shop_id)
    price = None
    typed = str(form.get("group_price") or "").strip()
    if not typed:
        errors["group_price"] = "required"
    else:
        try:
            price = parse_money(typed, field="group_price")
        except Invalid as refused:
            errors.update(refused.fields)
    product_id = int(data["product_id"]) if data["product_id"].isdigit() and len(data["product_id"]) < 19 else None
    variants = session.exec(select(Variant.id, Variant.price).where(Variant.shop_id == actor.shop_id, Variant.product_id == product_id)).all() if product_id else []
    data["prices"] = {str(variant_id): price for variant_id, _ in variants} if price is not None else {}
    if price is not None and any(price >= normal for _, normal in variants):
        errors["group_price"] = "group_price_not_below_price"
    try:
        made = group_buys.create_group_buy(session, actor, data)
    except Invalid as refused:
        fields = {("group_price" if name.startswith("prices") else name): code for name, code in refused.fields.items()}
        raise Invalid(fields={**fields, **errors}) from None
    if errors:  # the caller's transaction is rolled back with this refusal: nothing is kept
        raise Invalid(fields=errors)
    return made
