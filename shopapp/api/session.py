"""The console's session cookie, set and cleared by the server: HttpOnly, so no page script can read it.

GET /api/v1/session/start?ticket=...&next=/console  the UI's log-in hands over here (a top-level
    navigation, so the cookie lands with the page that follows): sets `shopapp_session` and sends the
    browser on to `next` (a path on this site only).
GET /api/v1/session/end  clears the cookie (the UI has already ended the session itself) and goes to /login.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from shopapp.api.deps import SESSION_COOKIE
from shopapp.db import session_scope
from shopapp.services.core.errors import Unauthorized
from shopapp.services.shops import sign_in_tickets
from shopapp.settings import get_settings

router = APIRouter(prefix="/session", tags=["session"], include_in_schema=False)
CONSOLE, LOGIN = "/console", "/login"


def _local_path(next_path: str, default: str) -> str:
    """`next_path` when it is a path on this site ("/console/orders"), else `default`: never another host."""
    if not next_path.startswith("/") or next_path.startswith("//") or "\\" in next_path:
        return default
    return next_path


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or get_settings().public_url.startswith("https://")


@router.get("/start")
def start(request: Request, ticket: str = "", next: str = CONSOLE):  # noqa: A002 - the query's name
    try:
        with session_scope() as session:
            token = sign_in_tickets.redeem(session, ticket)
    except Unauthorized:
        return RedirectResponse(LOGIN, status_code=303)
    answer = RedirectResponse(_local_path(next, CONSOLE), status_code=303)
    answer.set_cookie(
        SESSION_COOKIE, token, max_age=get_settings().session_ttl_seconds, path="/",
        httponly=True, samesite="strict", secure=_secure(request),
    )
    answer.headers["cache-control"] = "no-store"
    return answer


@router.get("/end")
def end(request: Request):
    answer = RedirectResponse(LOGIN, status_code=303)
    answer.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict", secure=_secure(request))
    answer.headers["cache-control"] = "no-store"
    return answer
