"""What every route needs: the caller's token, a unit of work acting as them, JSON-ready output."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime

from fastapi import Request
from sqlmodel import Session

from shopapp.api.security import public_origin
from shopapp.db import session_scope
from shopapp.services.core.errors import ShopSuspended
from shopapp.services.core.permissions import Actor
from shopapp.services.shops import accounts
from shopapp.settings import get_settings

SESSION_COOKIE = "shopapp_session"


def bearer_token(request: Request) -> str:
    """The Authorization bearer token; for GETs also the console's session cookie, so a signed-in
    owner can open a PDF label from a link (GETs change nothing).

    The cookie counts only when the request comes from the platform's own pages: SameSite keeps other
    sites out, but not another port of the same host, so a request a browser marks as coming from
    another origin (Origin, Sec-Fetch-Site) is answered as if nobody were signed in."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer":
        return token.strip()
    if request.method != "GET" or not from_own_pages(request):
        return ""
    return request.cookies.get(SESSION_COOKIE, "")


def from_own_pages(request: Request) -> bool:
    """False when the browser says the request was made by a page of another origin."""
    origin = request.headers.get("origin")
    if origin is not None and origin != public_origin():
        return False
    return request.headers.get("sec-fetch-site", "same-origin") in {"same-origin", "none"}


@contextmanager
def acting(request: Request) -> Iterator[tuple[Session, Actor]]:
    """One transaction on behalf of whoever the bearer token belongs to. A shop the operator suspended
    may read (GET) and nothing else: any other method answers 423 shop_suspended before it starts."""
    with session_scope() as session:
        actor = accounts.authenticate(session, bearer_token(request))
        if actor.suspended:
            if request.method not in READING_METHODS:
                raise ShopSuspended()
            actor = replace(actor, suspended=False)  # a read's service may ask a manager's right to look
        yield session, actor


READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def client_ip(request: Request) -> str:
    """The caller's address, as the pages' Reflex reads it (rxconfig trusted_proxy_hops): behind our own
    proxies, X-Forwarded-For counted from its end; otherwise the connection's peer (the header is the
    caller's to forge)."""
    peer = request.client.host if request.client else ""
    hops = get_settings().trusted_proxy_hops
    if not hops:
        return peer
    forwarded = [ip.strip() for ip in request.headers.get("x-forwarded-for", "").split(",") if ip.strip()]
    return forwarded[-hops] if len(forwarded) >= hops else peer


def jsonable(value):
    """Plain JSON values; times in ISO 8601 UTC with a Z, as API.md promises."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(item) for item in value]
    return value
