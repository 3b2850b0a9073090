"""Service tickets (服务工单) over HTTP: open one from a conversation or an after-sales request, change it, list the live ones."""

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel

from shopapp.api.deps import acting, jsonable
from shopapp.services.support import tickets

router = APIRouter(prefix="/tickets", tags=["customer service"])


class NewTicket(BaseModel):
    conversation_id: int | None = None
    aftersales_id: int | None = None
    subject: Any = ""
    priority: Any = "normal"
    assignee_user_id: Any = None
    due_at: Any = None


class TicketChanges(BaseModel):
    status: Any = None
    priority: Any = None
    assignee_user_id: Any = None
    due_at: Any = None


@router.get("")
def live_tickets(request: Request, mine: bool = False, page: int = 1, per_page: int = 50):
    """The open and pending tickets, soonest due first → `{items: [{id, subject, status, priority, due_at, overdue, ...}], total}`"""
    with acting(request) as (session, actor):
        items, total = tickets.live_tickets(session, actor, mine=mine, page=page, per_page=per_page)
        return jsonable({"items": items, "total": total})


@router.post("", status_code=201)
def open_ticket(body: NewTicket, request: Request):
    """Exactly one of `conversation_id`, `aftersales_id`; `priority` urgent|high|normal|low; `due_at` ISO 8601
    (default: 4, 24, 48 or 72 hours by priority). The live ticket of that conversation or request, if there is one."""
    with acting(request) as (session, actor):
        return jsonable(tickets.open_ticket(session, actor, **body.model_dump()))


@router.patch("/{ticket_id}")
def update_ticket(ticket_id: int, body: TicketChanges, request: Request):
    """`{status?: open|pending|resolved|closed, priority?, assignee_user_id?, due_at?}`"""
    with acting(request) as (session, actor):
        return jsonable(tickets.update_ticket(session, actor, ticket_id, body.model_dump(exclude_unset=True)))
