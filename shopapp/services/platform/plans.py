"""Plans as the operator sets them: the public list, one plan, saving one, and a shop's plan history.

The lookup of a shop's plan now (and the limits the services check) is services/core/plan_limits.py."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from sqlalchemy import update
from sqlmodel import Session, select

from shopapp.models import Plan, ShopPlan
from shopapp.models.base import utcnow
from shopapp.services.core import plan_limits
from shopapp.services.core.errors import Invalid, NotFound, require_fields
from shopapp.services.core.money import parse_money
from shopapp.services.core.validation import checked_text, checked_whole
from shopapp.services.platform import audit

MAX_PRICE = 100_000_000  # ¥1,000,000 a period, in 分
MAX_LIMIT = 10_000_000
_CODE_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-_")


def list_plans(session: Session) -> list[dict]:
    """Every plan as GET /api/v1/plans answers it, in the operator's order."""
    return [plan_view(plan) for plan in plan_limits.ensure_plans(session)]


def plans_with_shops(session: Session) -> list[dict]:
    """The operator's plans page: each plan and how many shops hold it now (a trial counts for its plan)."""
    return [{**plan_view(plan), "shops": plan_limits.shops_on_plan(session, plan.id)}
            for plan in plan_limits.ensure_plans(session)]


def get_plan(session: Session, plan_id: int) -> Plan:
    plan_limits.ensure_plans(session)
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound("plan_not_found")
    return plan


def plan_view(plan: Plan) -> dict:
    limits = {name: (plan.limits or {}).get(name) for name in plan_limits.LIMITS}
    return {
        "id": plan.id, "code": plan.code, "name": plan.name, "name_en": plan.name_en or plan.name,
        "monthly_price": plan.monthly_price, "yearly_price": plan.yearly_price,
        "commission_percent": float(Decimal(plan.commission_bp) / 100), "commission_bp": plan.commission_bp,
        "limits": limits, "features": [name for name in plan_limits.FEATURES if name in (plan.features or [])],
        "is_free": plan.is_free, "is_trial": plan.is_trial, "sort_order": plan.sort_order,
    }


def save_plan(session: Session, operator, data: dict, plan_id: int | None = None) -> dict:
    """A new plan (no `plan_id`) or the operator's changes to one; every field checked before anything is
    saved. Shops already on the plan get the new limits at once; nothing they have is deleted."""
    plan = get_plan(session, plan_id) if plan_id else Plan(code="")
    errors: dict[str, str] = {}
    changes = _checked(session, data, plan, errors)
    require_fields(errors)
    before = plan_view(plan) if plan_id else None
    for field, value in changes.items():
        setattr(plan, field, value)
    plan.updated_at = utcnow()
    session.add(plan)
    session.flush()
    # One free plan and one trial plan: marking this one moves the mark off the others.
    for flag in ("is_free", "is_trial"):
        if changes.get(flag):
            session.exec(update(Plan).where(Plan.id != plan.id).values({flag: False}))
    after = plan_view(plan)
    audit.record(session, operator, "update_plan" if plan_id else "create_plan", reason=plan.name,
                 data={"plan_id": plan.id, "before": before, "after": after})
    return after


def save_plan_form(session: Session, operator, form: dict, plan_id: int | None = None) -> dict:
    """The operator console's plan form: prices typed in yuan, empty limits for unlimited, one checkbox per
    feature (`feature_<name>`); checked and saved exactly as `save_plan` does."""
    data: dict = {key: form.get(key, "") for key in ("name", "name_en", "commission_percent") if key in form}
    if not plan_id or form.get("code"):
        data["code"] = form.get("code", "")
    errors: dict[str, str] = {}
    for field in ("monthly_price", "yearly_price"):
        if field in form:
            try:
                data[field] = parse_money(form[field] or "0", field=field)
            except Invalid as exc:
                errors.update(exc.fields)
    data["limits"] = {name: (str(form.get(f"limit_{name}", "")).strip() or None) for name in plan_limits.LIMITS}
    data["features"] = [name for name in plan_limits.FEATURES if form.get(f"feature_{name}") in (True, "on", "true")]
    require_fields(errors)
    return save_plan(session, operator, data, plan_id)


def plan_history(session: Session, shop_id: int) -> list[dict]:
    """Every period the shop has been on a plan, newest first, and what it is on now."""
    rows = session.exec(
        select(ShopPlan, Plan).join(Plan, Plan.id == ShopPlan.plan_id)
        .where(ShopPlan.shop_id == shop_id).order_by(ShopPlan.starts_at.desc(), ShopPlan.id.desc())
    ).all()
    return [{"id": period.id, "plan": plan.name, "plan_en": plan.name_en or plan.name, "kind": period.kind,
             "starts_at": period.starts_at, "ends_at": period.ends_at, "note": period.note} for period, plan in rows]


def plan_now(session: Session, shop_id: int) -> dict:
    now = plan_limits.current_plan(session, shop_id)
    return {"plan": plan_view(now.plan), "kind": now.kind, "ends_at": now.ends_at}


def _checked(session: Session, data: dict, plan: Plan, errors: dict[str, str]) -> dict:
    changes: dict = {}
    if plan.id is None or "code" in data:
        code = str(data.get("code") or "").strip().lower()
        if not code:
            errors["code"] = "required"
        elif len(code) > 20 or set(code) - _CODE_CHARS:
            errors["code"] = "plan_code_invalid"
        elif session.exec(select(Plan.id).where(Plan.code == code, Plan.id != plan.id)).first():
            errors["code"] = "plan_code_taken"
        changes["code"] = code
    for field, limit in (("name", 40), ("name_en", 40)):
        if field in data or (plan.id is None and field == "name"):
            changes[field] = checked_text(data.get(field), errors, field, limit=limit, required=field == "name")
    for field in ("monthly_price", "yearly_price", "sort_order"):
        if field in data:
            value = checked_whole(data[field], field, errors, limit=MAX_PRICE)
            if value is not None:
                changes[field] = value
    if "commission_percent" in data:
        bp = _basis_points(data["commission_percent"])
        if bp is None:
            errors["commission_percent"] = "commission_invalid"
        else:
            changes["commission_bp"] = bp
    if "limits" in data:
        changes["limits"] = _checked_limits(data["limits"], errors)
    if "features" in data:
        features = data["features"] if isinstance(data["features"], list) else None
        if features is None or any(name not in plan_limits.FEATURES for name in features):
            errors["features"] = "feature_unknown"
        else:
            changes["features"] = [name for name in plan_limits.FEATURES if name in features]
    for flag in ("is_free", "is_trial"):
        if flag in data:
            changes[flag] = bool(data[flag])
    return changes


def _checked_limits(raw, errors: dict[str, str]) -> dict:
    if not isinstance(raw, dict) or set(raw) - set(plan_limits.LIMITS):
        errors["limits"] = "limits_invalid"
        return {}
    limits: dict = {}
    for name in plan_limits.LIMITS:
        value = raw.get(name)
        if value is None or value == "":
            limits[name] = None  # unlimited
            continue
        whole = checked_whole(value, f"limits.{name}", errors, limit=MAX_LIMIT)
        limits[name] = whole
    return limits


def _basis_points(value) -> int | None:
    """"0.6" or 0.6 → 60; at most two decimals, between 0 and 100 %."""
    try:
        percent = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    if not percent.is_finite() or percent < 0 or percent > 100 or percent != percent.quantize(Decimal("0.01")):
        return None
    return int(percent * 100)
