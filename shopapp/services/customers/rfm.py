"""Built-in RFM groups: buyers sorted by Recency, Frequency and Money into the usual eight groups, plus 新客 and 沉睡.

Each of the three is split in two at a threshold: bought within RECENT_DAYS (recent, else not),
at least FREQUENT_ORDERS paid orders (frequent, else not), at least BIG_SPEND 分 spent net of refunds
(big, else not). The eight combinations are the standard groups the Chinese e-commerce world names:

| group | R recent | F frequent | M big |
|---|---|---|---|
| 重要价值 important_value | yes | yes | yes |
| 重要保持 important_keep | no | yes | yes |
| 重要发展 important_develop | yes | no | yes |
| 重要挽留 important_retain | no | no | yes |
| 一般价值 general_value | yes | yes | no |
| 一般保持 general_keep | no | yes | no |
| 一般发展 general_develop | yes | no | no |
| 一般挽留 general_retain | no | no | no |

Every buyer is in exactly one of the eight. Two lifecycle groups overlap them: 新客 (new) first
bought within NEW_DAYS, 沉睡 (sleeping) has not bought for SLEEPING_DAYS. A boundary belongs to the
better side: bought exactly RECENT_DAYS ago is recent, FREQUENT_ORDERS orders is frequent.
The groups are conditions on the profile's indexed figures, so they are always up to date: nothing
to recompute but one GROUP BY for the counts.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import and_, case, func
from sqlmodel import Session, select

from shopapp.models import CustomerProfile
from shopapp.models.base import utcnow

RECENT_DAYS = 90
FREQUENT_ORDERS = 2
BIG_SPEND = 50_000  # 分 (¥500)
NEW_DAYS = 30
SLEEPING_DAYS = 180

# key → (recent, frequent, big); the names are i18n keys "rfm.<key>".
EIGHT = {
    "important_value": (True, True, True),
    "important_keep": (False, True, True),
    "important_develop": (True, False, True),
    "important_retain": (False, False, True),
    "general_value": (True, True, False),
    "general_keep": (False, True, False),
    "general_develop": (True, False, False),
    "general_retain": (False, False, False),
}
GROUPS = (*EIGHT, "new", "sleeping")


def thresholds() -> dict:
    """What the console shows beside the groups."""
    return {"recent_days": RECENT_DAYS, "frequent_orders": FREQUENT_ORDERS, "big_spend": BIG_SPEND,
            "new_days": NEW_DAYS, "sleeping_days": SLEEPING_DAYS}


def conditions(session: Session, shop_id: int, group: str) -> list:
    """The WHERE of one group over CustomerProfile (buyers only)."""
    now = utcnow()
    bought = [CustomerProfile.orders_count > 0, CustomerProfile.last_order_at.is_not(None)]
    if group == "new":
        return [*bought, CustomerProfile.first_order_at >= now - timedelta(days=NEW_DAYS)]
    if group == "sleeping":
        return [*bought, CustomerProfile.last_order_at < now - timedelta(days=SLEEPING_DAYS)]
    recent, frequent, big = EIGHT[group]
    parts = _parts(now)
    return [*bought, *(part if wanted else ~part for part, wanted in zip(parts, (recent, frequent, big), strict=True))]


def group_figures(session: Session, shop_id: int) -> dict[str, dict]:
    """Every group's {count, spent}, the eight from one pass over the shop's buyers."""
    now = utcnow()
    recent, frequent, big = _parts(now)
    key = case(*((and_(*(p if w else ~p for p, w in zip((recent, frequent, big), wanted, strict=True))), name)
                 for name, wanted in EIGHT.items()))
    figures = {name: {"count": 0, "spent": 0} for name in GROUPS}
    rows = session.exec(
        select(key, func.count(), func.coalesce(func.sum(CustomerProfile.total_spent), 0))
        .where(CustomerProfile.shop_id == shop_id, CustomerProfile.orders_count > 0, CustomerProfile.last_order_at.is_not(None))
        .group_by(key)
    ).all()
    for name, count, spent in rows:
        if name in figures:
            figures[name] = {"count": count, "spent": int(spent)}
    for name in ("new", "sleeping"):
        count, spent = session.exec(
            select(func.count(), func.coalesce(func.sum(CustomerProfile.total_spent), 0))
            .where(CustomerProfile.shop_id == shop_id, *conditions(session, shop_id, name))
        ).one()
        figures[name] = {"count": count, "spent": int(spent)}
    return figures


def _parts(now):
    return (
        CustomerProfile.last_order_at >= now - timedelta(days=RECENT_DAYS),
        CustomerProfile.orders_count >= FREQUENT_ORDERS,
        CustomerProfile.total_spent >= BIG_SPEND,
    )
