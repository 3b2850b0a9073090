"""The commission rate a shop pays now: its plan's, in basis points (1 % = 100)."""

from __future__ import annotations

from sqlmodel import Session

from shopapp.services.core import plan_limits


def commission_bp(session: Session, shop_id: int) -> int:
    return plan_limits.current_plan(session, shop_id).plan.commission_bp or 0
