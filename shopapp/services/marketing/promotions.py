"""Automatic promotions, as the owner runs them (营销中心): create, change, list, end now.

Every rule of what a promotion may say is in `checked_promotion`; a refused one names each bad field
(in both languages through i18n "field.<code>") and nothing is saved. How a running promotion prices
a cart is promotion_rules' business.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import or_
from sqlmodel import Session, col, select

from shopapp.models import Category, Product, Variant
from shopapp.models.base import utcnow
from shopapp.models.promotions import Promotion
from shopapp.services.core.errors import Conflict, Invalid, require_fields
from shopapp.services.core.permissions import Actor, require, shop_row
from shopapp.services.core.validation import (
    checked_moment,
    checked_text,
    checked_whole,
    checked_whole_between,
    id_from_text,
)
from shopapp.services.marketing import promotion_rules

KINDS = ("limited_discount", "second_half", "bundle", "tiered")
STATUSES = ("scheduled", "active", "ended")
MAX_TIERS = 5
MAX_SCOPE = 500  # ids in one scope list
MAX_NAME = 60
MAX_AMOUNT = 100_000_000  # ¥1,000,000 in 分
SCOPES = (("product_ids", Product, "products_not_in_shop"), ("variant_ids", Variant, "variants_not_in_shop"),
          ("category_ids", Category, "categories_not_in_shop"))
TIER_THRESHOLDS = ("min_amount", "min_qty")
TIER_REWARDS = ("amount_off", "percent_off", "gift_variant_id", "free_shipping")
# What each kind keeps; the other kind fields are cleared so a row never says two things.
KIND_FIELDS = {
    "limited_discount": ("percent_off", "prices", "per_customer_limit", "stacks_with_member"),
    "second_half": ("percent_off",),
    "bundle": ("qty", "price"),
    "tiered": ("tiers", "repeat"),
}
# What the pricing pipeline loads of them (offers.load_offers): the running promotions, ready to price.
active_for_pricing = promotion_rules.active_for_pricing

_BLANK = {"percent_off": None, "prices": {}, "per_customer_limit": None, "stacks_with_member": False,
          "qty": None, "price": None, "tiers": [], "repeat": False}


def status_of(promo: Promotion, now: datetime | None = None) -> str:
    now = now or utcnow()
    if promo.ended_at is not None or promo.ends_at <= now:
        return "ended"
    return "scheduled" if promo.starts_at > now else "active"


def create_promotion(session: Session, actor: Actor, data: dict) -> dict:
    """A new promotion from the owner's form or the API; 201's body."""
    require(actor, "manage_marketing")
    values = checked_promotion(session, actor.shop_id, data if isinstance(data, dict) else {})
    promo = Promotion(shop_id=actor.shop_id, **values)
    session.add(promo)
    session.flush()
    return promotion_dict(promo)


def update_promotion(session: Session, actor: Actor, promotion_id, changes: dict) -> dict:
    """Change a scheduled or running promotion (its kind stays); an ended one is history and stays as it was."""
    require(actor, "manage_marketing")
    promo = get_row(session, actor.shop_id, promotion_id)
    if status_of(promo) == "ended":
        raise Conflict("promotion_ended")
    changes = changes if isinstance(changes, dict) else {}
    if "kind" in changes and changes["kind"] != promo.kind:
        raise Invalid(fields={"kind": "promotion_kind_fixed"})
    values = checked_promotion(session, actor.shop_id, {**_editable(promo), **changes})
    for name, value in values.items():
        setattr(promo, name, value)
    promo.updated_at = utcnow()
    session.add(promo)
    session.flush()
    return promotion_dict(promo)


def end_promotion(session: Session, actor: Actor, promotion_id) -> dict:
    """End it now ("立即结束"): carts priced from now on no longer see it. Ending an ended one changes nothing."""
    require(actor, "manage_marketing")
    promo = get_row(session, actor.shop_id, promotion_id)
    if status_of(promo) != "ended":
        promo.ended_at = promo.updated_at = utcnow()
        session.add(promo)
        session.flush()
    return promotion_dict(promo)


def get_promotion(session: Session, actor: Actor, promotion_id) -> dict:
    require(actor, "view_console")
    return promotion_dict(get_row(session, actor.shop_id, promotion_id))


def list_promotions(session: Session, actor: Actor, *, kind: str | None = None, status: str | None = None) -> list[dict]:
    """The shop's promotions, newest first, filtered by kind and status (computed from the schedule)."""
    require(actor, "view_console")
    errors: dict[str, str] = {}
    if kind and kind not in KINDS:
        errors["kind"] = "promotion_kind_invalid"
    if status and status not in STATUSES:
        errors["status"] = "promotion_status_invalid"
    require_fields(errors)
    now = utcnow()
    query = select(Promotion).where(Promotion.shop_id == actor.shop_id)
    if kind:
        query = query.where(Promotion.kind == kind)
    running = (col(Promotion.ended_at).is_(None), Promotion.ends_at > now)
    if status == "scheduled":
        query = query.where(*running, Promotion.starts_at > now)
    elif status == "active":
        query = query.where(*running, Promotion.starts_at <= now)
    elif status == "ended":
        query = query.where(or_(col(Promotion.ended_at).is_not(None), Promotion.ends_at <= now))
    return [promotion_dict(p, now) for p in session.exec(query.order_by(col(Promotion.id).desc()).limit(500))]


def get_row(session: Session, shop_id: int, promotion_id) -> Promotion:
    return shop_row(session, Promotion, shop_id, id_from_text(promotion_id), "promotion_not_found")


def promotion_dict(promo: Promotion, now: datetime | None = None) -> dict:
    shown = {
        "id": promo.id, "kind": promo.kind, "name": promo.name, "status": status_of(promo, now),
        "label": promotion_rules.promotion_label(promo),
        "starts_at": iso(promo.starts_at), "ends_at": iso(promo.ends_at), "ended_at": iso(promo.ended_at),
        "product_ids": promo.product_ids, "variant_ids": promo.variant_ids, "category_ids": promo.category_ids,
        "created_at": iso(promo.created_at),
    }
    for name in KIND_FIELDS[promo.kind]:
        shown[name] = getattr(promo, name)
    return shown


def iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _editable(promo: Promotion) -> dict:
    values = {name: getattr(promo, name) for name in ("kind", "name", "starts_at", "ends_at", "product_ids", "variant_ids", "category_ids")}
    values.update({name: getattr(promo, name) for name in KIND_FIELDS[promo.kind]})
    return values


# The rules ---------------------------------------------------------------------------------------

def checked_promotion(session: Session, shop_id: int, data: dict) -> dict:
    """The columns of a promotion as `data` describes it, or Invalid naming every bad field."""
    errors: dict[str, str] = {}
    kind = data.get("kind")
    if kind not in KINDS:
        errors["kind"] = "promotion_kind_invalid" if kind else "required"
        require_fields(errors)
    values: dict = {"kind": kind, **_BLANK}
    values["name"] = checked_text(data.get("name"), errors, "name", limit=MAX_NAME, required=True)
    values["starts_at"] = checked_moment(data.get("starts_at"), "starts_at", errors)
    values["ends_at"] = checked_moment(data.get("ends_at"), "ends_at", errors)
    if values["starts_at"] and values["ends_at"] and values["ends_at"] <= values["starts_at"]:
        errors["ends_at"] = "ends_before_start"
    for field, model, code in SCOPES:
        values[field] = _ids_of_shop(session, shop_id, data.get(field), field, model, code, errors)
    if kind == "limited_discount":
        _check_limited(session, shop_id, data, values, errors)
    elif kind == "second_half":
        values["percent_off"] = _percent(data.get("percent_off"), "percent_off", errors)
    elif kind == "bundle":
        values["qty"] = checked_whole_between(data.get("qty"), "qty", errors, low=2, high=99)
        values["price"] = checked_whole_between(data.get("price"), "price", errors, low=1, high=MAX_AMOUNT)
    else:
        _check_tiers(session, shop_id, data, values, errors)
    require_fields(errors)
    return values


def _check_limited(session: Session, shop_id: int, data: dict, values: dict, errors: dict[str, str]) -> None:
    """A percent off the covered variants, or a price per variant below its own; not both."""
    percent, prices = data.get("percent_off"), data.get("prices") or {}
    if (percent in (None, "")) == (not prices):
        errors["percent_off"] = "percent_or_prices"
        return
    if prices:
        values["prices"] = _prices(session, shop_id, prices, errors)
    else:
        values["percent_off"] = _percent(percent, "percent_off", errors)
    limit = data.get("per_customer_limit")
    if limit not in (None, "", 0):
        values["per_customer_limit"] = checked_whole_between(limit, "per_customer_limit", errors, low=1, high=9999)
    values["stacks_with_member"] = bool(data.get("stacks_with_member"))


def _prices(session: Session, shop_id: int, prices, errors: dict[str, str]) -> dict:
    if not isinstance(prices, dict) or len(prices) > MAX_SCOPE:
        errors["prices"] = "prices_invalid"
        return {}
    wanted: dict[int, int] = {}
    for key, price in prices.items():
        variant_id = checked_whole_between(key, "prices", errors, low=1)
        amount = checked_whole_between(price, f"prices.{key}", errors, low=0, high=MAX_AMOUNT)
        if variant_id is not None and amount is not None:
            wanted[variant_id] = amount
    found = dict(session.exec(select(Variant.id, Variant.price).where(Variant.shop_id == shop_id, col(Variant.id).in_(wanted))).all())
    for variant_id, amount in wanted.items():
        if variant_id not in found:
            errors["prices"] = "variants_not_in_shop"
        elif amount >= found[variant_id]:
            errors[f"prices.{variant_id}"] = "price_not_below_variant"
    return {str(variant_id): amount for variant_id, amount in wanted.items()}


def _check_tiers(session: Session, shop_id: int, data: dict, values: dict, errors: dict[str, str]) -> None:
    """Tiers on one measure (amount or units), thresholds strictly rising, one reward each."""
    tiers = data.get("tiers")
    if not isinstance(tiers, list) or not tiers:
        errors["tiers"] = "required"
        return
    if len(tiers) > MAX_TIERS:
        errors["tiers"] = "too_many_tiers"
        return
    checked = [_tier(session, shop_id, tier, f"tiers.{n}", errors) for n, tier in enumerate(tiers)]
    if any(tier is None for tier in checked):
        return
    measures = {next(k for k in TIER_THRESHOLDS if k in tier) for tier in checked}
    if len(measures) > 1:
        errors["tiers"] = "tiers_mixed_measures"
        return
    measure = measures.pop()
    for n in range(1, len(checked)):
        if checked[n][measure] <= checked[n - 1][measure]:
            errors[f"tiers.{n}.{measure}"] = "tiers_not_increasing"
    values["repeat"] = bool(data.get("repeat"))
    if values["repeat"] and (len(checked) != 1 or "amount_off" not in checked[0]):
        errors["repeat"] = "repeat_needs_one_amount_tier"
    values["tiers"] = checked


def _tier(session: Session, shop_id: int, tier, name: str, errors: dict[str, str]) -> dict | None:
    if not isinstance(tier, dict):
        errors[name] = "tier_invalid"
        return None
    thresholds = [k for k in TIER_THRESHOLDS if tier.get(k) not in (None, "")]
    rewards = [k for k in TIER_REWARDS if tier.get(k) not in (None, "", False, 0)]
    if len(thresholds) != 1:
        errors[f"{name}.min_amount"] = "tier_threshold_required"
    if len(rewards) != 1:
        errors[f"{name}.amount_off"] = "tier_reward_required"
    if len(thresholds) != 1 or len(rewards) != 1:
        return None
    measure, reward = thresholds[0], rewards[0]
    need = checked_whole_between(tier[measure], f"{name}.{measure}", errors, low=1, high=MAX_AMOUNT if measure == "min_amount" else 999)
    checked: dict = {measure: need}
    if reward == "amount_off":
        off = checked_whole_between(tier[reward], f"{name}.amount_off", errors, low=1, high=MAX_AMOUNT)
        if off is not None and need is not None and measure == "min_amount" and off >= need:
            errors[f"{name}.amount_off"] = "amount_off_not_below_threshold"
        checked[reward] = off
    elif reward == "percent_off":
        checked[reward] = _percent(tier[reward], f"{name}.percent_off", errors)
    elif reward == "gift_variant_id":
        gift = _ids_of_shop(session, shop_id, [tier[reward]], f"{name}.gift_variant_id", Variant, "variants_not_in_shop", errors)
        checked[reward] = gift[0] if gift else None
    else:
        checked[reward] = True
    return checked if None not in checked.values() else None


# Small checks ------------------------------------------------------------------------------------

def _percent(value, field: str, errors: dict[str, str]) -> int | None:
    return checked_whole_between(value, field, errors, low=1, high=99, code="percent_out_of_range")






def _ids_of_shop(session: Session, shop_id: int, ids, field: str, model, code: str, errors: dict[str, str]) -> list[int]:
    """Whole-number ids that all name rows of this shop (another shop's are not found, as missing ones)."""
    if ids in (None, ""):
        return []
    if not isinstance(ids, list) or len(ids) > MAX_SCOPE:
        errors[field] = "ids_invalid"
        return []
    wanted = []
    for value in ids:
        number = checked_whole(value, field, errors)
        if number is None:
            return []
        wanted.append(number)
    wanted = sorted(set(wanted))
    found = set(session.exec(select(model.id).where(model.shop_id == shop_id, col(model.id).in_(wanted))).all())
    if len(found) < len(wanted):
        errors[field] = code
    return wanted
