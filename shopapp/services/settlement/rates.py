"""The commission rate a shop pays now: its plan's, in basis points (1 % = 100)."""

from __future__ import annotations

from sqlmodel import Session


def commission_bp(session: Session, shop_id: int) -> int:
    return 0
