"""The operator console's cookie (`shopapp_ops`), set and cleared by the server like the owners' (api/session.py)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from shopapp.api.session import _local_path, cookie_cleared, cookie_set
from shopapp.db import session_scope
from shopapp.services.core.errors import Unauthorized
from shopapp.services.platform import operator_tickets

router = APIRouter(prefix="/ops-session", tags=["session"], include_in_schema=False)
OPS_COOKIE = "shopapp_ops"
OPS, OPS_LOGIN = "/ops", "/ops/login"


@router.get("/start")
def start(request: Request, ticket: str = "", next: str = OPS):  # noqa: A002 - the query's name
    try:
        with session_scope() as session:
            token = operator_tickets.redeem(session, ticket)
    except Unauthorized:
        return RedirectResponse(OPS_LOGIN, status_code=303)
    target = _local_path(next, OPS)
    return cookie_set(request, OPS_COOKIE, token, target if target.startswith(OPS) else OPS)


@router.get("/end")
def end(request: Request):
    return cookie_cleared(request, OPS_COOKIE, OPS_LOGIN)
