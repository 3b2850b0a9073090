"""The storefront's tracking beacon: POST /api/v1/store/{slug}/events, always 204.

The browser sends it with navigator.sendBeacon (text/plain, so no preflight); nothing a shopper can do here
gives an error page: whatever is not kept is dropped silently (see services/analytics/tracking)."""

from __future__ import annotations

import atexit
import json
import logging
import threading
import uuid

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from shopapp.api.deps import client_ip
from shopapp.db import session_scope
from shopapp.services.analytics import event_queue, tracking
from shopapp.settings import get_settings

router = APIRouter(prefix="/store/{slug}", tags=["storefront"])
log = logging.getLogger(__name__)


@router.post("/events", status_code=204)
async def record_event(slug: str, request: Request) -> Response:
    """`{visitor_id, type, path, product_id?, referrer?, utm_source?, utm_medium?, utm_campaign?, share_code?}`,
    or `{"events": [those, …]}` (up to 20 from one page) → 204."""
    payload = await _payload(request)
    headers = request.headers
    if payload is None or not tracking.wanted(headers):
        return Response(status_code=204)
    shop_id = tracking.known_shop(slug)
    if shop_id is None:  # a slug not seen this minute: one query, in the thread pool
        shop_id = await run_in_threadpool(_find_shop, slug)
    tracking.accept(shop_id, payload, headers, client_ip(request))
    _flusher.start_once()
    return Response(status_code=204)


def _find_shop(slug: str) -> int:
    with session_scope() as session:
        return tracking.find_shop(session, slug)


class _Flusher:
    """Writes the queued events every half second, from a thread of this process (see event_queue)."""

    def __init__(self) -> None:
        self._started = False
        self._lock = threading.Lock()

    def start_once(self) -> None:
        if self._started:
            return
        with self._lock:
            if not self._started:
                threading.Thread(target=self._run, name="tracking-flush", daemon=True).start()
                atexit.register(flush_events)
                self._started = True

    def _run(self) -> None:
        while True:
            event_queue.queue.full.wait(event_queue.FLUSH_SECONDS)
            flush_events()


def flush_events() -> int:
    """Write what is queued now (the flusher's tick, shutdown, and tests that read right after a beacon)."""
    try:
        with session_scope() as session:
            return event_queue.queue.flush(session)
    except Exception:  # noqa: BLE001 - the database is away: the events stay queued for the next tick
        log.warning("tracking events not written yet (%s waiting)", event_queue.queue.waiting(), exc_info=True)
        return 0


_flusher = _Flusher()


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
