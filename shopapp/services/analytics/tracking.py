"""Recording what shoppers do on the storefront (first-party, no third party).

`accept` is the gate every beacon passes (api/tracking.py): what it keeps waits in event_queue and goes to the
database with its neighbours. It never raises for bad input: a bot, a prefetch, a forged shop, a payload that
is missing or too big, or a flood from one visitor is dropped and the caller answers 204 all the same, because
a shopper must never see an error for tracking. The server's own add-to-cart is written at once, in the cart's
transaction (`record_server_event`).
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from http.cookies import CookieError, SimpleCookie
from urllib.parse import urlsplit

from sqlalchemy import insert
from sqlmodel import Session, select

from shopapp.models import OrderVisit, Shop, VisitEvent
from shopapp.models.analytics import EVENT_TYPES
from shopapp.models.base import utcnow
from shopapp.services.analytics import event_queue

MAX_BODY_BYTES = 4096
VISITOR_COOKIE = "_vid"  # set by the storefront's tracker (assets/track.js), never under DNT / GPC
# Known crawlers, link previewers and headless tools (lower case substrings of the User-Agent).
BOT_MARKERS = (
    "bot", "spider", "crawl", "slurp", "bingpreview", "facebookexternalhit", "headlesschrome", "lighthouse",
    "python-requests", "curl/", "wget", "httpclient", "java/", "go-http-client", "phantomjs", "pingdom",
    "uptime", "monitor", "preview", "yandex", "baiduspider", "sogou", "360spider", "bytespider", "petalbot",
    "python-httpx", "okhttp", "scrapy", "axios/", "node-fetch",
)
FLOOD_EVENTS = 60  # per visitor (or address, without an id) per FLOOD_SECONDS, per worker process
FLOOD_SECONDS = 60
MAX_BATCH = 20  # events in one beacon (the tracker sends a few pages' events together)
_VISITOR = re.compile(r"^[A-Za-z0-9-]{8,40}$")


def is_bot(user_agent: str) -> bool:
    agent = (user_agent or "").lower()
    return not agent or any(marker in agent for marker in BOT_MARKERS)


def is_prefetch(headers) -> bool:
    """Chrome's speculation rules send Sec-Purpose: prefetch; older browsers Purpose or X-Moz: prefetch."""
    values = " ".join(headers.get(name, "") for name in ("sec-purpose", "purpose", "x-moz", "x-purpose"))
    return "prefetch" in values.lower() or "prerender" in values.lower()


def does_not_track(headers) -> bool:
    return headers.get("dnt", "") == "1" or headers.get("sec-gpc", "") == "1"


class _Flood:
    """A sliding count per key, in memory: cheap enough for every beacon, and a flood is one client's problem."""

    def __init__(self, limit: int, seconds: int, keys: int = 50_000):
        self.limit, self.seconds, self.keys = limit, seconds, keys
        self._hits: OrderedDict[str, list[float]] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        now = time.monotonic()
        with self._lock:
            recent = [t for t in self._hits.pop(key, []) if now - t < self.seconds]
            allowed = len(recent) < self.limit
            if allowed:
                recent.append(now)
            self._hits[key] = recent
            while len(self._hits) > self.keys:
                self._hits.popitem(last=False)
            return allowed

    def reset(self) -> None:
        with self._lock:
            self._hits.clear()


flood = _Flood(FLOOD_EVENTS, FLOOD_SECONDS)
_shops: dict[str, tuple[int, float]] = {}  # slug -> (shop id or 0, until when it is believed)


def wanted(headers) -> bool:
    """Whether a beacon with these headers is counted at all (not a bot, not a prefetch)."""
    return not is_bot(headers.get("user-agent", "")) and not is_prefetch(headers)


def known_shop(slug: str) -> int | None:
    """The shop's id for a slug seen lately (0: no such shop), or None when it must be looked up."""
    found = _shops.get(_slug(slug))
    return found[0] if found and found[1] > time.monotonic() else None


def find_shop(session: Session, slug: str) -> int:
    """The shop's id (0: no such shop), remembered for a minute: a beacon then costs no query at all."""
    key = _slug(slug)
    shop_id = session.exec(select(Shop.id).where(Shop.slug == key)).first() or 0
    if len(_shops) > 10_000:
        _shops.clear()
    _shops[key] = (shop_id, time.monotonic() + 60)
    return shop_id


def accept(shop_id: int, payload: object, headers, client: str = "") -> int:
    """Queue a beacon's events (one event, or `{"events": [...]}` of up to MAX_BATCH) for the next flush
    (services/analytics/event_queue.py); returns how many were kept. Never raises: see the module's docstring."""
    if not shop_id or not isinstance(payload, dict):
        return 0
    items = payload.get("events", [payload])
    if not isinstance(items, list) or len(items) > MAX_BATCH:
        return 0
    private = does_not_track(headers)
    rows = []
    for item in items:
        if not isinstance(item, dict):
            continue
        visitor = "" if private else _visitor_id(item.get("visitor_id"))
        row = checked_event(shop_id, visitor, item)
        if row is not None and flood.allow(f"{shop_id}:{visitor or client}"):
            rows.append(row)
    event_queue.queue.put(rows)
    return len(rows)


def forget() -> None:
    """Drop what this process remembers (shop ids, floods, events not yet written): for tests, whose
    databases start empty again between them."""
    _shops.clear()
    flood.reset()
    event_queue.queue.clear()


def record_server_event(session: Session, shop_id: int, visitor_id: str, kind: str, product_id: int | None,
                        path: str = "") -> None:
    """An event the server knows exactly (a product put into the cart): the visit's source is the visitor's latest."""
    visitor = _visitor_id(visitor_id)
    source, medium, campaign = source_of(session, shop_id, visitor)
    # A Core INSERT built once, not a row flushed by the unit of work: that was half of 加入购物车's own CPU.
    session.execute(_INSERT_EVENT, {
        "shop_id": shop_id, "visitor_id": visitor, "type": kind, "path": path[:300], "product_id": product_id,
        "source": source, "medium": medium, "campaign": campaign, "referrer_host": "", "share_code": "", "at": utcnow(),
    })


_INSERT_EVENT = insert(VisitEvent.__table__)


def checked_event(shop_id: int, visitor: str, payload: dict) -> dict | None:
    """The event as a visit_event row, or None when it is not one we count."""
    kind = payload.get("type")
    if kind not in EVENT_TYPES:
        return None
    product_id = payload.get("product_id")
    product_id = product_id if isinstance(product_id, int) and 0 < product_id < 2**31 else None
    if kind == "product_view" and product_id is None:
        return None
    referrer = _host(payload.get("referrer"))
    share = _text(payload.get("share_code"), 40)
    source = _text(payload.get("utm_source"), 64).lower() or referrer or ("share" if share else "direct")
    return {
        "shop_id": shop_id, "visitor_id": visitor, "type": kind, "path": _text(payload.get("path"), 300) or "/",
        "product_id": product_id, "source": source, "medium": _text(payload.get("utm_medium"), 64).lower(),
        "campaign": _text(payload.get("utm_campaign"), 100), "referrer_host": referrer, "share_code": share,
        "at": utcnow(),
    }


def source_of(session: Session, shop_id: int, visitor_id: str) -> tuple[str, str, str]:
    """The visitor's source: that of their latest event that came from somewhere ("last non-direct touch", the
    usual attribution), else "direct". A direct event never hides the campaign before it: the server's own
    add-to-cart, or a beacon the browser had not sent yet, would otherwise make a WeChat visit direct."""
    if not visitor_id:
        return ("direct", "", "")
    waiting = event_queue.queue.latest_source(shop_id, visitor_id)
    if waiting:
        return waiting
    row = session.exec(
        select(VisitEvent.source, VisitEvent.medium, VisitEvent.campaign)
        .where(VisitEvent.shop_id == shop_id, VisitEvent.visitor_id == visitor_id, VisitEvent.source != "direct")
        .order_by(VisitEvent.at.desc(), VisitEvent.id.desc()).limit(1)
    ).first()
    return tuple(row) if row else ("direct", "", "")


def visitor_from_cookies(header: str | None) -> str:
    """The visitor id in a Cookie header ("" when there is none or it is malformed)."""
    jar = SimpleCookie()
    try:
        jar.load(header or "")
    except CookieError:
        return ""
    morsel = jar.get(VISITOR_COOKIE)
    return _visitor_id(morsel.value) if morsel else ""


# Helpers ---------------------------------------------------------------------------------------

def _slug(slug) -> str:
    return str(slug or "").lower()[:40]


def _visitor_id(value) -> str:
    return value if isinstance(value, str) and _VISITOR.match(value) else ""


def _text(value, limit: int) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


def _host(referrer) -> str:
    """The referring site's host, without "www."; our own pages (same-site navigation) are no source."""
    if not isinstance(referrer, str) or not referrer:
        return ""
    host = (urlsplit(referrer[:500]).hostname or "")[:100]
    return host.removeprefix("www.")


# Built once, a Core INSERT on the table: every checkout writes one.
_INSERT_VISIT = insert(OrderVisit.__table__)


def tag_order(session: Session, shop_id: int, order_id: int, visitor_id: str, *, new: bool = False) -> None:
    """Remember which visit an order just placed came from: the shopper's visitor id and that visitor's latest
    source (last touch). An order without a visitor id (DNT, the API) counts as "direct". `new`: the order was
    placed in this transaction, so no visit can be tagged yet (a checkout without an Idempotency-Key); one
    statement, on the hot path of every checkout. Otherwise (an answer repeated for its key) a tagged order
    keeps its visit."""
    if not new and session.get(OrderVisit, order_id) is not None:
        return
    visitor = _visitor_id(visitor_id)
    source, medium, campaign = source_of(session, shop_id, visitor)
    session.execute(_INSERT_VISIT, {
        "order_id": order_id, "shop_id": shop_id, "visitor_id": visitor, "source": source, "medium": medium, "campaign": campaign,
    })
