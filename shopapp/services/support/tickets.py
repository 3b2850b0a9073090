"""服务工单: a conversation or an after-sales request turned into a ticket someone owns and must see to by a time.

One live ticket per conversation or request: asking again answers the ticket already open. The
desk lists the live ones (open, pending) by due time, the most overdue first.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from shopapp.models import AftersalesRequest, Conversation, ServiceTicket, StaffMember, User
from shopapp.models.base import utcnow
from shopapp.services.core.errors import Invalid, require_fields
from shopapp.services.core.paging import page_size, page_start
from shopapp.services.core.permissions import Actor, require, shop_row
from shopapp.services.core.validation import checked_text

STATUSES = ("open", "pending", "resolved", "closed")
LIVE = ("open", "pending")
PRIORITIES = ("urgent", "high", "normal", "low")
# When a ticket is due if nobody says: the promise a shop usually makes for each priority.
DUE_AFTER = {"urgent": timedelta(hours=4), "high": timedelta(hours=24), "normal": timedelta(hours=48), "low": timedelta(hours=72)}
MAX_SUBJECT = 120


def open_ticket(
    session: Session, actor: Actor, *, conversation_id: int | None = None, aftersales_id: int | None = None,
    subject: str = "", priority: str = "normal", assignee_user_id: int | None = None, due_at=None,
) -> dict:
    """A ticket for exactly one conversation or after-sales request of the shop (the live one if there is one)."""
    require(actor, "answer_customers")
    errors: dict[str, str] = {}
    if (conversation_id is None) == (aftersales_id is None):
        errors["source"] = "one_source_required"
    subject = checked_text(subject, errors, "subject", limit=MAX_SUBJECT)
    if priority not in PRIORITIES:
        errors["priority"] = "choice_invalid"
    due = _checked_due(due_at, errors)
    require_fields(errors)
    if conversation_id is not None:
        source = shop_row(session, Conversation, actor.shop_id, conversation_id)
        live = ServiceTicket.conversation_id == source.id
        subject = subject or f"#{source.id} {source.email}"
    else:
        source = shop_row(session, AftersalesRequest, actor.shop_id, aftersales_id)
        live = ServiceTicket.aftersales_id == source.id
        subject = subject or f"#{source.id} {source.reason[:80]}"
    existing = session.exec(select(ServiceTicket).where(ServiceTicket.shop_id == actor.shop_id, live, ServiceTicket.status.in_(LIVE))).first()
    if existing is not None:
        return ticket_dict(existing)
    _check_assignee(session, actor, assignee_user_id)
    ticket = ServiceTicket(
        shop_id=actor.shop_id, subject=subject, conversation_id=conversation_id, aftersales_id=aftersales_id,
        priority=priority, assignee_user_id=assignee_user_id, due_at=due or utcnow() + DUE_AFTER[priority],
        created_by=actor.label,
    )
    session.add(ticket)
    session.flush()
    return ticket_dict(ticket)


def update_ticket(session: Session, actor: Actor, ticket_id: int, changes: dict) -> dict:
    """PATCH {status?, priority?, assignee_user_id?, due_at?}; nothing changes when one of them is refused."""
    require(actor, "answer_customers")
    ticket = shop_row(session, ServiceTicket, actor.shop_id, ticket_id)
    errors: dict[str, str] = {}
    if "status" in changes and changes["status"] not in STATUSES:
        errors["status"] = "choice_invalid"
    if "priority" in changes and changes["priority"] not in PRIORITIES:
        errors["priority"] = "choice_invalid"
    due = _checked_due(changes.get("due_at"), errors) if changes.get("due_at") not in (None, "") else None
    require_fields(errors)
    if "assignee_user_id" in changes:
        _check_assignee(session, actor, changes["assignee_user_id"])
        ticket.assignee_user_id = changes["assignee_user_id"]
    ticket.status = changes.get("status", ticket.status)
    ticket.priority = changes.get("priority", ticket.priority)
    ticket.due_at = due or ticket.due_at
    ticket.updated_at = utcnow()
    session.add(ticket)
    session.flush()
    return ticket_dict(ticket)


def live_tickets(session: Session, actor: Actor, *, page: int = 1, per_page: int = 50, mine: bool = False) -> tuple[list[dict], int]:
    """The open and pending tickets, soonest due first (overdue ones at the top)."""
    require(actor, "answer_customers")
    conditions = [ServiceTicket.shop_id == actor.shop_id, ServiceTicket.status.in_(LIVE)]
    if mine:
        conditions.append(ServiceTicket.assignee_user_id == actor.user_id)
    total = len(session.exec(select(ServiceTicket.id).where(*conditions)).all())
    per_page = page_size(per_page)
    rows = session.exec(select(ServiceTicket).where(*conditions).order_by(ServiceTicket.due_at, ServiceTicket.id)
                        .offset(page_start(page, per_page)).limit(per_page)).all()
    return [ticket_dict(row) for row in rows], total


def ticket_dict(ticket: ServiceTicket) -> dict:
    return {
        "id": ticket.id, "subject": ticket.subject, "status": ticket.status, "priority": ticket.priority,
        "conversation_id": ticket.conversation_id, "aftersales_id": ticket.aftersales_id,
        "assignee_user_id": ticket.assignee_user_id, "due_at": ticket.due_at,
        "overdue": ticket.status in LIVE and _aware(ticket.due_at) < utcnow(), "created_at": ticket.created_at,
    }


def _check_assignee(session: Session, actor: Actor, user_id) -> None:
    if user_id is None:
        return
    found = isinstance(user_id, int) and session.exec(
        select(User.id).join(StaffMember, StaffMember.user_id == User.id)
        .where(StaffMember.shop_id == actor.shop_id, User.id == user_id)
    ).first()
    if not found:
        raise Invalid(fields={"assignee_user_id": "staff_not_found"})


def _checked_due(value, errors: dict[str, str]) -> datetime | None:
    """An ISO 8601 moment (UTC when it names no zone) or a datetime; None when not given."""
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            errors["due_at"] = "date_invalid"
            return None
    if not isinstance(value, datetime):
        errors["due_at"] = "date_invalid"
        return None
    return _aware(value)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
