"""Which plan a shop is on now, and what that plan lets it do: the lookup every service that adds something asks.

Plans are the operator's data (services/platform/plans.py edits them); this module sits at the bottom so the
catalogue (products) and the shops (staff, API keys) can ask it without climbing the layers. A new shop tries
the trial plan for TRIAL_DAYS, then falls to the free plan unless a later period (a paid subscription, which
billing writes with `add_period`) holds. Going down a plan never deletes anything: limits are checked only
when something is added, and what the shop already has stays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from shopapp.models import Plan, Shop, ShopPlan
from shopapp.models.base import utcnow
from shopapp.services.core.clock import shop_today
from shopapp.services.core.errors import PlanLimit

TRIAL_DAYS = 14
# A plan without `reports_history` reads reports of the last this many days only (the console's 近30天).
RECENT_REPORT_DAYS = 30
FEATURES = ("affiliates", "campaigns", "custom_domain", "api_keys", "reports_history")
LIMITS = ("products", "staff", "storage_mb")

# The plans a new platform starts with (the migration writes the same rows); the operator edits them after.
DEFAULT_PLANS = (
    {"code": "free", "name": "免费版", "name_en": "Free", "monthly_price": 0, "yearly_price": 0, "commission_bp": 200,
     "limits": {"products": 50, "staff": 2, "storage_mb": 500}, "features": [], "is_free": True, "sort_order": 1},
    {"code": "basic", "name": "基础版", "name_en": "Basic", "monthly_price": 6800, "yearly_price": 68000,
     "commission_bp": 100, "limits": {"products": 500, "staff": 5, "storage_mb": 5000},
     "features": ["campaigns", "api_keys", "reports_history"], "sort_order": 2},
    {"code": "pro", "name": "专业版", "name_en": "Pro", "monthly_price": 19800, "yearly_price": 198000,
     "commission_bp": 60, "limits": {"products": None, "staff": 20, "storage_mb": 50000},
     "features": list(FEATURES), "is_trial": True, "sort_order": 3},
)


@dataclass(frozen=True)
class PlanNow:
    """The shop's plan at this moment and why: `kind` is trial, subscription, operator or free."""

    plan: Plan
    kind: str
    ends_at: datetime | None
    period_id: int | None


def ensure_plans(session: Session) -> list[Plan]:
    """Every plan, in the operator's order; the default three are written the first time none exist
    (a database made without the migration: tests, a fresh SQLite file)."""
    plans = session.exec(select(Plan).order_by(Plan.sort_order, Plan.id)).all()
    if plans:
        return list(plans)
    try:
        with session.begin_nested():
            session.add_all(Plan(**row) for row in DEFAULT_PLANS)
    except IntegrityError:  # another request wrote them first
        pass
    return list(session.exec(select(Plan).order_by(Plan.sort_order, Plan.id)).all())


def free_plan(session: Session) -> Plan:
    plans = ensure_plans(session)
    return next((plan for plan in plans if plan.is_free), plans[0])


def trial_plan(session: Session) -> Plan:
    plans = ensure_plans(session)
    return next((plan for plan in plans if plan.is_trial), plans[-1])


def current_plan(session: Session, shop_id: int) -> PlanNow:
    """The latest period that holds now; a trial holds from the shop's first moment (even when a replayed
    clock reads earlier), any other period from its start. None holds → the free plan."""
    now = utcnow()
    period = session.exec(
        select(ShopPlan).where(
            ShopPlan.shop_id == shop_id,
            or_(ShopPlan.ends_at.is_(None), ShopPlan.ends_at > now),
            or_(ShopPlan.starts_at <= now, ShopPlan.kind == "trial"),
        ).order_by(ShopPlan.starts_at.desc(), ShopPlan.id.desc()).limit(1)
    ).first()
    if period is not None:
        plan = session.get(Plan, period.plan_id)
        if plan is not None:
            return PlanNow(plan=plan, kind=period.kind, ends_at=period.ends_at, period_id=period.id)
    return PlanNow(plan=free_plan(session), kind="free", ends_at=None, period_id=None)


def start_trial(session: Session, shop_id: int) -> ShopPlan:
    """A new shop's trial of the paid plan, TRIAL_DAYS long."""
    now = utcnow()
    return add_period(session, shop_id, trial_plan(session).id, "trial", starts_at=now, ends_at=now + timedelta(days=TRIAL_DAYS))


def add_period(
    session: Session, shop_id: int, plan_id: int, kind: str, *, starts_at: datetime | None = None,
    ends_at: datetime | None = None, note: str = "",
) -> ShopPlan:
    """A period on a plan (billing's seam: a paid month or year is `kind="subscription"`). Earlier periods
    stay as history; the latest one that holds is the plan."""
    period = ShopPlan(shop_id=shop_id, plan_id=plan_id, kind=kind, starts_at=starts_at or utcnow(), ends_at=ends_at,
                      note=note[:200])
    session.add(period)
    session.flush()
    return period


def check_room(session: Session, shop_id: int, limit: str, used, adding: int = 1) -> None:
    """PlanLimit when `used + adding` is more than the plan's `limit`; it names the smallest plan with room.

    `used` may be a number or a function `used(session)`: with a limit to keep, the shop's row is locked first
    (PostgreSQL; SQLite writes one at a time anyway) and the count taken after, so two requests at the last
    free place cannot both take it."""
    now = current_plan(session, shop_id)
    allowed = (now.plan.limits or {}).get(limit)
    if allowed is None:
        return
    if callable(used):
        session.exec(select(Shop.id).where(Shop.id == shop_id).with_for_update()).first()
        used = used(session)
    if used + adding <= allowed:
        return
    better = next((plan for plan in ensure_plans(session) if _has_room(plan, limit, used + adding)), None)
    raise PlanLimit("plan_limit_reached", fields={limit: "plan_limit_reached"}, **_names(now.plan, better),
                    limit=limit, allowed=allowed)


def require_feature(session: Session, shop_id: int, feature: str) -> None:
    """PlanLimit when the shop's plan does not include `feature`; it names the first plan that does."""
    now = current_plan(session, shop_id)
    if feature in (now.plan.features or []):
        return
    better = next((plan for plan in ensure_plans(session) if feature in (plan.features or [])), None)
    raise PlanLimit("plan_feature_missing", **_names(now.plan, better), feature=feature)


def check_history(session: Session, shop_id: int, first_day: date) -> None:
    """PlanLimit when a report reaches back before RECENT_REPORT_DAYS and the plan has no `reports_history`."""
    if first_day > shop_today(shop_id) - timedelta(days=RECENT_REPORT_DAYS):
        return
    require_feature(session, shop_id, "reports_history")


def has_feature(session: Session, shop_id: int, feature: str) -> bool:
    return feature in (current_plan(session, shop_id).plan.features or [])


def shops_on_plan(session: Session, plan_id: int) -> int:
    """How many shops hold a period on this plan now (the operator's plans page)."""
    now = utcnow()
    return session.exec(select(func.count(func.distinct(ShopPlan.shop_id))).where(
        ShopPlan.plan_id == plan_id, or_(ShopPlan.ends_at.is_(None), ShopPlan.ends_at > now),
        or_(ShopPlan.starts_at <= now, and_(ShopPlan.kind == "trial")),
    )).one()


def _has_room(plan: Plan, limit: str, wanted: int) -> bool:
    allowed = (plan.limits or {}).get(limit)
    return allowed is None or wanted <= allowed


def _names(current: Plan, better: Plan | None) -> dict[str, str]:
    return {
        "plan_zh": current.name, "plan_en": current.name_en or current.name,
        "upgrade_zh": better.name if better else "—", "upgrade_en": (better.name_en or better.name) if better else "—",
    }
