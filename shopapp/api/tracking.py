"""The storefront's tracking beacon: POST /api/v1/store/{slug}/events, always 204.

The browser sends it with navigator.sendBeacon (text/plain, so no preflight); nothing a shopper can do here
gives an error page: whatever is not kept is dropped silently (see services/analytics/tracking)."""

from __future__ import annotations

import json
import logging
import uuid

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from shopapp.api.deps import client_ip
from shopapp.db import session_scope
from shopapp.services.analytics import tracking
from shopapp.settings import get_settings

router = APIRouter(prefix="/store/{slug}", tags=["storefront"])
log = logging.getLogger(__name__)


@router.post("/events", status_code=204)
async def record_event(slug: str, request: Request) -> Response:
    """`{visitor_id, type, path, product_id?, referrer?, utm_source?, utm_medium?, utm_campaign?, share_code?}` → 204."""
    payload = await _payload(request)
    if payload is not None:
        # The database work in the thread pool: the body is read asynchronously, the insert must not hold the loop.
        await run_in_threadpool(_store, slug, payload, request.headers, client_ip(request))
    return Response(status_code=204)


def _store(slug: str, payload: dict, headers, client: str) -> None:
    try:
        with session_scope() as session:
            tracking.record(session, slug, payload, user_agent=headers.get("user-agent", ""), headers=headers, client=client)
    except Exception:  # noqa: BLE001 - tracking must never break a page; the failure is logged
        log.exception("tracking event not stored")


async def _payload(request: Request) -> dict | None:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > tracking.MAX_BODY_BYTES:
        return None
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > tracking.MAX_BODY_BYTES:
            return None
    try:
        document = json.loads(body) if body else None
    except (ValueError, RecursionError):
        return None
    return document if isinstance(document, dict) else None


class VisitorCookie:
    """A storefront page (GET /s/...) sets the first-party visitor id when the browser has none, so it is there
    before any script runs: the page's app connection then carries it, and the add-to-cart and the order placed
    through that connection know their visitor even on a first visit. Not under DNT / GPC, not for bots or
    prefetches (their visits are not counted)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "GET" or not scope["path"].startswith("/s/"):
            await self.app(scope, receive, send)
            return
        headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope.get("headers") or []}
        if (tracking.visitor_from_cookies(headers.get("cookie")) or tracking.does_not_track(headers)
                or tracking.is_bot(headers.get("user-agent", "")) or tracking.is_prefetch(headers)):
            await self.app(scope, receive, send)
            return
        secure = "; Secure" if get_settings().public_url.startswith("https://") else ""
        cookie = f"{tracking.VISITOR_COOKIE}={uuid.uuid4()}; Max-Age=31536000; Path=/; SameSite=Lax{secure}"

        async def send_with_cookie(message):
            if message["type"] == "http.response.start" and message["status"] == 200:
                message = {**message, "headers": [*message.get("headers", []), (b"set-cookie", cookie.encode("latin-1"))]}
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def install(api) -> None:
    api.add_middleware(VisitorCookie)
