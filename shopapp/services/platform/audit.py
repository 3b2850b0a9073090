"""The audit log: every operator action, who, when, on which shop and why, written with the action itself."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from shopapp.models import OperatorAudit
from shopapp.services.core.paging import page_size, page_start


def record(session: Session, operator, action: str, *, shop_id: int | None = None, reason: str = "",
           data: dict | None = None) -> OperatorAudit:
    """One line of the log; `operator` is None for the CLI."""
    entry = OperatorAudit(
        operator_id=operator.id if operator else None, operator_email=operator.email if operator else "cli",
        action=action, shop_id=shop_id, reason=(reason or "")[:500], data=data or {},
    )
    session.add(entry)
    session.flush()
    return entry


def list_entries(session: Session, *, page: int = 1, per_page: int = 50, shop_id: int | None = None,
                 action: str = "") -> dict:
    """Newest first: `{items: [{id, at, operator, action, shop_id, reason, data}], total}`."""
    per_page = page_size(per_page)
    query = select(OperatorAudit)
    if shop_id:
        query = query.where(OperatorAudit.shop_id == shop_id)
    if action:
        query = query.where(OperatorAudit.action == action)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(OperatorAudit.at.desc(), OperatorAudit.id.desc()).offset(page_start(page, per_page)).limit(per_page)
    ).all()
    return {"items": [_entry(row) for row in rows], "total": total}


def _entry(row: OperatorAudit) -> dict:
    return {"id": row.id, "at": row.at, "operator": row.operator_email, "action": row.action,
            "shop_id": row.shop_id, "reason": row.reason, "data": row.data}
