"""营销中心's numbers at a glance: one row per kind of activity (running now, orders, paid orders, units,
revenue, the amount given away), paid orders only and net of refunds, as each activity's own report counts
them. Each activity adds its row here as it is built (flash sales, group buys, affiliates): a function
(session, actor) -> {running, orders, paid_orders, units, revenue, discount_total, …its own figures}."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session

from shopapp.services.core.permissions import Actor, require
from shopapp.services.marketing import bargains

ACTIVITIES: tuple[tuple[str, Callable[[Session, Actor], dict]], ...] = (
    ("bargains", bargains.overview),
)


def overview(session: Session, actor: Actor) -> list[dict]:
    """[{kind, running, orders, paid_orders, units, revenue, discount_total, …}] in ACTIVITIES' order."""
    require(actor, "view_reports")
    return [{"kind": kind, **numbers(session, actor)} for kind, numbers in ACTIVITIES]
