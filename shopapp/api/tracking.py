"""The storefront's tracking beacon: POST /api/v1/store/{slug}/events, always 204.

The browser sends it with navigator.sendBeacon (text/plain, so no preflight); nothing a shopper can do here
gives an error page: whatever is not kept is dropped silently (see services/analytics/tracking)."""

from __future__ import annotations

import json
import logging

from fastapi import APIRouter, Request, Response

from shopapp.api.deps import client_ip
from shopapp.db import session_scope
from shopapp.services.analytics import tracking

router = APIRouter(prefix="/store/{slug}", tags=["storefront"])
log = logging.getLogger(__name__)


@router.post("/events", status_code=204)
async def record_event(slug: str, request: Request) -> Response:
    """`{visitor_id, type, path, product_id?, referrer?, utm_source?, utm_medium?, utm_campaign?, share_code?}` → 204."""
    payload = await _payload(request)
    if payload is not None:
        try:
            with session_scope() as session:
                tracking.record(session, slug, payload, user_agent=request.headers.get("user-agent", ""),
                                headers=request.headers, client=client_ip(request))
        except Exception:  # noqa: BLE001 - tracking must never break a page; the failure is logged
            log.exception("tracking event not stored")
    return Response(status_code=204)


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
