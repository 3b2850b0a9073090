"""The operator console's cookie (`shopapp_ops`), set and cleared by the server like the owners' (api/session.py)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from shopapp.api.session import _local_path, _secure
from shopapp.db import session_scope
from shopapp.services.core.errors import Unauthorized
from shopapp.services.platform import operator_tickets
from shopapp.settings import get_settings

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
    answer = RedirectResponse(target if target.startswith(OPS) else OPS, status_code=303)
    answer.set_cookie(OPS_COOKIE, token, max_age=get_settings().session_ttl_seconds, path="/",
                      httponly=True, samesite="strict", secure=_secure(request))
    answer.headers["cache-control"] = "no-store"
    return answer


@router.get("/end")
def end(request: Request):
    answer = RedirectResponse(OPS_LOGIN, status_code=303)
    answer.delete_cookie(OPS_COOKIE, path="/", httponly=True, samesite="strict", secure=_secure(request))
    answer.headers["cache-control"] = "no-store"
    return answer
