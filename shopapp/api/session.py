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


def cookie_set(request: Request, cookie: str, token: str, target: str) -> RedirectResponse:
    """On to `target` with the session cookie set: HttpOnly, same site only, secure behind HTTPS, never cached."""
    answer = RedirectResponse(target, status_code=303)
    answer.set_cookie(cookie, token, max_age=get_settings().session_ttl_seconds, path="/",
                      httponly=True, samesite="strict", secure=_secure(request))
    answer.headers["cache-control"] = "no-store"
    return answer


def cookie_cleared(request: Request, cookie: str, target: str) -> RedirectResponse:
    answer = RedirectResponse(target, status_code=303)
    answer.delete_cookie(cookie, path="/", httponly=True, samesite="strict", secure=_secure(request))
    answer.headers["cache-control"] = "no-store"
    return answer


@router.get("/start")
def start(request: Request, ticket: str = "", next: str = CONSOLE):  # noqa: A002 - the query's name
    try:
        with session_scope() as session:
            token = sign_in_tickets.redeem(session, ticket)
    except Unauthorized:
        return RedirectResponse(LOGIN, status_code=303)
    return cookie_set(request, SESSION_COOKIE, token, _local_path(next, CONSOLE))


@router.get("/end")
def end(request: Request):
    return cookie_cleared(request, SESSION_COOKIE, LOGIN)
