"""What an owner's coupon must be (create_coupon): every field checked, every problem named at once."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, select

from shopapp.models import Category, Product
from shopapp.models.coupons import Coupon, CouponCode
from shopapp.services.core.validation import checked_text, checked_whole

KINDS = ("amount", "percent", "free_shipping")
MAX_AMOUNT = 100_000_000  # ¥1,000,000 in 分
PUBLIC_CODE_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")


def checked_coupon(session: Session, shop_id: int, data: dict, errors: dict[str, str]) -> dict:
    fields: dict = {"name": checked_text(data.get("name"), errors, "name", limit=40, required=True)}
    kind = data.get("kind")
    if kind not in KINDS:
        errors["kind"] = "coupon_kind_invalid"
    fields["kind"] = kind
    fields.update(_checked_amounts(data, kind, errors))
    fields.update(_checked_dates(data, errors))
    fields.update(_checked_limits(data, errors))
    fields["product_ids"] = _checked_ids(session, shop_id, Product, data.get("product_ids"), "product_ids", errors)
    fields["category_ids"] = _checked_ids(session, shop_id, Category, data.get("category_ids"), "category_ids", errors)
    fields["code"] = _checked_public_code(session, shop_id, data.get("code"), errors)
    for flag, default in (("claimable", False), ("combines_with_promotions", True)):
        value = data.get(flag, default)
        if not isinstance(value, bool):
            errors[flag] = "must_be_boolean"
        fields[flag] = bool(value)
    return fields


def _checked_amounts(data: dict, kind: Any, errors: dict[str, str]) -> dict:
    amount_off = _whole(data, "amount_off", errors, limit=MAX_AMOUNT)
    percent_off = _whole(data, "percent_off", errors, limit=100)
    max_off = _whole(data, "max_off", errors, limit=MAX_AMOUNT)
    min_amount = _whole(data, "min_amount", errors, limit=MAX_AMOUNT) or 0
    if kind == "amount" and not amount_off and "amount_off" not in errors:
        errors["amount_off"] = "required"
    if kind == "percent" and not percent_off and "percent_off" not in errors:
        errors["percent_off"] = "percent_invalid"
    if max_off == 0:
        errors["max_off"] = "amount_invalid"
    return {
        "amount_off": amount_off if kind == "amount" else None,
        "percent_off": percent_off if kind == "percent" else None,
        "max_off": max_off if kind == "percent" else None, "min_amount": min_amount,
    }


def _checked_dates(data: dict, errors: dict[str, str]) -> dict:
    starts_at = _moment(data, "starts_at", errors)
    ends_at = _moment(data, "ends_at", errors)
    valid_days = _whole(data, "valid_days", errors, limit=3650)
    if valid_days == 0:
        errors["valid_days"] = "valid_days_invalid"
    if valid_days is None and "valid_days" not in errors:
        for field, value in (("starts_at", starts_at), ("ends_at", ends_at)):
            if value is None and field not in errors:
                errors[field] = "required"
    if starts_at and ends_at and ends_at <= starts_at:
        errors["ends_at"] = "ends_before_start"
    return {"starts_at": starts_at, "ends_at": ends_at, "valid_days": valid_days}


def _checked_limits(data: dict, errors: dict[str, str]) -> dict:
    total = _whole(data, "total_quantity", errors, limit=1_000_000_000)
    if total == 0:
        errors["total_quantity"] = "quantity_invalid"
    limit = _whole(data, "per_customer_limit", errors, limit=100)
    if limit == 0:
        errors["per_customer_limit"] = "quantity_invalid"
    return {"total_quantity": total, "per_customer_limit": limit or 1}


def _checked_ids(session: Session, shop_id: int, model: Any, raw: Any, field: str, errors: dict[str, str]) -> list[int]:
    if raw in (None, []):
        return []
    if not isinstance(raw, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in raw) or len(raw) > 500:
        errors[field] = "ids_invalid"
        return []
    ids = sorted(set(raw))
    found = set(session.exec(select(model.id).where(model.shop_id == shop_id, model.id.in_(ids))).all())
    if found != set(ids):
        errors[field] = "product_not_found" if model is Product else "category_not_found"
    return ids


def _checked_public_code(session: Session, shop_id: int, raw: Any, errors: dict[str, str]) -> str | None:
    """A public code, stored upper-case without spaces: 3-40 letters, digits, - or _, unused in the shop."""
    if raw in (None, ""):
        return None
    code = str(raw).replace(" ", "").upper()
    if not 3 <= len(code) <= 40 or not set(code) <= PUBLIC_CODE_CHARS:
        errors["code"] = "coupon_code_invalid"
        return None
    if codes_taken(session, shop_id, {code}):
        errors["code"] = "coupon_code_taken"
    return code


def _whole(data: dict, field: str, errors: dict[str, str], *, limit: int) -> int | None:
    raw = data.get(field)
    if raw in (None, ""):
        return None
    if isinstance(raw, bool):
        errors[field] = "must_be_whole"
        return None
    return checked_whole(raw, field, errors, limit=limit)


def _moment(data: dict, field: str, errors: dict[str, str]) -> datetime | None:
    """An ISO 8601 time with its zone ("2026-12-12T00:00:00+08:00" or "…Z"); a time without a zone is refused."""
    raw = data.get(field)
    if raw in (None, ""):
        return None
    try:
        moment = datetime.fromisoformat(str(raw).strip().replace("Z", "+00:00"))
    except ValueError:
        errors[field] = "time_invalid"
        return None
    if moment.tzinfo is None:
        errors[field] = "time_invalid"
        return None
    return moment.astimezone(UTC)


def codes_taken(session: Session, shop_id: int, codes: set[str]) -> set[str]:
    """Those of `codes` the shop already uses, as a one-time code or a public code."""
    listed = list(codes)
    taken: set[str] = set()
    for start in range(0, len(listed), 500):
        chunk = listed[start:start + 500]
        taken |= set(session.exec(select(CouponCode.code).where(CouponCode.shop_id == shop_id, CouponCode.code.in_(chunk))).all())
        taken |= set(session.exec(select(Coupon.code).where(Coupon.shop_id == shop_id, Coupon.code.in_(chunk))).all())
    return taken
