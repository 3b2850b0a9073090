"""The console's promotion form, as people type it (yuan, the shop's clock, ids separated by commas),
turned into what create_promotion and update_promotion take (分, UTC, lists), and back for editing."""

from __future__ import annotations

from datetime import datetime

from shopapp.services.core.clock import shop_time, shop_zone
from shopapp.services.core.errors import Invalid, require_fields
from shopapp.services.core.money import parse_money, yuan_text
from shopapp.services.core.validation import typed_ids

LOCAL_MINUTE = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends
REWARDS = ("amount_off", "percent_off", "gift_variant_id", "free_shipping")


def typed_promotion(kind: str, form: dict, tiers: list[dict[str, str]], shop_id: int) -> dict:
    """`form` holds name, starts_at / ends_at (the shop's clock), product_ids / category_ids ("3, 5"),
    and the kind's fields; `tiers` the tier editor's rows {min, reward, value} with form["tier_measure"]
    "amount" or "qty". Invalid names every amount that is not money; the rest is create_promotion's to check."""
    errors: dict[str, str] = {}
    data: dict = {"kind": kind, "name": form.get("name", "")}
    for field in ("starts_at", "ends_at"):
        data[field] = _utc(form.get(field, ""), shop_id, field, errors)
    for field in ("product_ids", "category_ids"):
        data[field] = typed_ids(form.get(field, ""), field, errors)
    if kind in ("limited_discount", "second_half"):
        data["percent_off"] = (form.get("percent_off") or "").strip() or None
    if kind == "limited_discount":
        data["prices"] = _prices(form.get("prices", ""), errors)
        if data["prices"]:
            data["percent_off"] = None
        data["per_customer_limit"] = (form.get("per_customer_limit") or "").strip() or None
        data["stacks_with_member"] = form.get("stacks_with_member") in ("on", "true", True)
    if kind == "bundle":
        data["qty"] = (form.get("qty") or "").strip()
        data["price"] = _money(form.get("price"), "price", errors)
    if kind == "tiered":
        by_amount = form.get("tier_measure", "amount") != "qty"
        data["tiers"] = [_tier(row, n, by_amount, errors) for n, row in enumerate(tiers)]
        data["repeat"] = form.get("repeat") in ("on", "true", True)
    require_fields(errors)
    return data


def form_values(promotion: dict, shop_id: int) -> tuple[dict[str, str], list[dict[str, str]]]:
    """A promotion as the form shows it for editing: (fields, tier rows)."""
    shown = {
        "name": promotion["name"],
        "starts_at": _local(promotion["starts_at"], shop_id), "ends_at": _local(promotion["ends_at"], shop_id),
        "product_ids": ", ".join(map(str, promotion["product_ids"])), "category_ids": ", ".join(map(str, promotion["category_ids"])),
        "percent_off": str(promotion.get("percent_off") or ""), "per_customer_limit": str(promotion.get("per_customer_limit") or ""),
        "stacks_with_member": "on" if promotion.get("stacks_with_member") else "",
        "prices": "\n".join(f"{v}={yuan_text(p)}" for v, p in (promotion.get("prices") or {}).items()),
        "qty": str(promotion.get("qty") or ""), "price": yuan_text(promotion.get("price")),
        "repeat": "on" if promotion.get("repeat") else "",
        "tier_measure": "qty" if any("min_qty" in t for t in promotion.get("tiers") or ()) else "amount",
    }
    rows = []
    for tier in promotion.get("tiers") or ():
        reward = next(r for r in REWARDS if r in tier)
        value = tier[reward]
        rows.append({
            "min": yuan_text(tier["min_amount"]) if "min_amount" in tier else str(tier["min_qty"]), "reward": reward,
            "value": yuan_text(value) if reward == "amount_off" else "" if reward == "free_shipping" else str(value),
        })
    return shown, rows


def _tier(row: dict[str, str], n: int, by_amount: bool, errors: dict[str, str]) -> dict:
    tier: dict = {}
    typed = (row.get("min") or "").strip()
    if by_amount:
        tier["min_amount"] = _money(typed, f"tiers.{n}.min_amount", errors)
    else:
        tier["min_qty"] = typed or None
    reward, value = row.get("reward") or "amount_off", (row.get("value") or "").strip()
    if reward == "amount_off":
        tier["amount_off"] = _money(value, f"tiers.{n}.amount_off", errors)
    elif reward == "free_shipping":
        tier["free_shipping"] = True
    else:
        tier[reward if reward in REWARDS else "amount_off"] = value or None
    return tier


def _money(typed, field: str, errors: dict[str, str]) -> int | None:
    typed = str(typed or "").strip()
    if not typed:
        return None
    try:
        return parse_money(typed, field=field)
    except Invalid as refused:
        errors.update(refused.fields)
        return None


def _utc(typed: str, shop_id: int, field: str, errors: dict[str, str]) -> str:
    typed = (typed or "").strip()
    if not typed:
        return ""
    try:
        moment = datetime.fromisoformat(typed)
    except ValueError:
        errors[field] = "date_invalid"
        return ""
    return (moment if moment.tzinfo else moment.replace(tzinfo=shop_zone(shop_id))).isoformat()


def _local(iso: str, shop_id: int) -> str:
    return shop_time(datetime.fromisoformat(iso.replace("Z", "+00:00")), shop_id).strftime(LOCAL_MINUTE)


def _prices(typed: str, errors: dict[str, str]) -> dict[str, int]:
    """Lines "variant id = price in yuan" ("12=29.9")."""
    prices: dict[str, int] = {}
    for line in (typed or "").splitlines():
        if not line.strip():
            continue
        variant, _, price = line.partition("=")
        amount = _money(price, "prices", errors)
        if not variant.strip().isdigit() or amount is None:
            errors["prices"] = "prices_invalid"
            continue
        prices[variant.strip()] = amount
    return prices
