"""The platform's figures: shops opened per day, active shops, GMV, churn, and (once billing exists) plan
revenue and commission through `revenue_readers`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from shopapp.models import AuthSession, Order, Shop, ShopSuspension
from shopapp.models.base import utcnow
from shopapp.services.core.clock import shop_time, shop_today, start_of_day
from shopapp.services.platform import billing

MAX_DAYS = 366

# Billing's seam: each reader takes (session, since, until) and answers {"plan_revenue": 分, "commission": 分};
# the figures add them up. Until billing registers one, both are None ("not yet measured", not 0).
revenue_readers: list[Callable[[Session, datetime, datetime], dict]] = [billing.revenue_between]


def figures(session: Session, days: int = 30) -> dict:
    """The last `days` days (China days): `{days: [{date, shops_opened, gmv, paid_orders}], shops, active_shops,
    suspended_shops, gmv, paid_orders, churned_shops, churn_rate, plan_revenue, commission}`.

    A shop is active in a window when it had a paid order or a staff log-in in it; churned shops were active
    in the window before and not in this one (churn_rate = churned / active before, in percent, one decimal)."""
    days = max(1, min(int(days), MAX_DAYS))
    until = utcnow()
    first_day = shop_today() - timedelta(days=days - 1)
    since = start_of_day(first_day)
    before = since - timedelta(days=days)
    table: dict[str, dict] = {}
    for step in range(days):
        day = (first_day + timedelta(days=step)).isoformat()
        table[day] = {"date": day, "shops_opened": 0, "gmv": 0, "paid_orders": 0}
    for created_at in session.exec(select(Shop.created_at).where(Shop.created_at >= since)).all():
        _row(table, created_at)["shops_opened"] += 1
    for paid_at, amount in session.exec(
        select(Order.paid_at, Order.total - Order.refunded_total).where(Order.paid_at.is_not(None), Order.paid_at >= since)
    ).all():
        row = _row(table, paid_at)
        row["gmv"] += int(amount)
        row["paid_orders"] += 1
    active_now = _active(session, since, until)
    active_before = _active(session, before, since)
    churned = active_before - active_now
    revenue = {"plan_revenue": None, "commission": None}
    for reader in revenue_readers:
        for key, value in reader(session, since, until).items():
            revenue[key] = (revenue.get(key) or 0) + value
    return {
        "days": list(table.values()),
        "shops": session.exec(select(func.count()).select_from(Shop)).one(),
        "active_shops": len(active_now),
        "suspended_shops": session.exec(select(func.count(func.distinct(ShopSuspension.shop_id)))
                                        .where(ShopSuspension.restored_at.is_(None))).one(),
        "gmv": sum(row["gmv"] for row in table.values()),
        "paid_orders": sum(row["paid_orders"] for row in table.values()),
        "churned_shops": len(churned),
        "churn_rate": round(100 * len(churned) / len(active_before), 1) if active_before else 0.0,
        **revenue,
    }


def _active(session: Session, since: datetime, until: datetime) -> set[int]:
    paid = session.exec(select(Order.shop_id).where(Order.paid_at >= since, Order.paid_at < until).distinct()).all()
    logins = session.exec(select(AuthSession.shop_id).where(AuthSession.created_at >= since, AuthSession.created_at < until)
                          .distinct()).all()
    return set(paid) | set(logins)


def _row(table: dict[str, dict], moment: datetime) -> dict:
    day = shop_time(moment).date().isoformat()
    return table.setdefault(day, {"date": day, "shops_opened": 0, "gmv": 0, "paid_orders": 0})
