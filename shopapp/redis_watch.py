"""Whether Redis answers, for /api/v1/health and the pages, and what to redo when it comes back.

Only Reflex keeps anything in Redis (each browser session's UI state and its lock, which worker holds
which websocket). The REST API, log-in throttling, idempotency, stock and the jobs live in the database
and never wait on Redis; so Redis down is "degraded" (pages cannot load or save their state), not "down".

One watch per process, circuit-breaker style: a failed ask marks Redis down since that moment, and
nobody asks again for REDIS_RETRY_SECONDS (a setting), so no caller waits on a dead Redis twice in a
row; every ask is bounded by TIMEOUT_SECONDS. Going down and coming back are each logged once, never
per request.

When Redis answers as a new server (a restart: its run_id changed) the keyspace notifications Reflex
needs are switched on again: Reflex sets them once per process and a restarted Redis has forgotten
them, after which a page waiting for another worker's state lock sleeps the whole lock expiry.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlsplit

import redis

log = logging.getLogger(__name__)

# Longest one ask may take: a Redis that does not answer within it counts as down.
TIMEOUT_SECONDS = 0.5
# Longest Reflex's own client waits to connect (its default is none: a Redis host that went away
# without refusing would hold every page event for the system's TCP timeout, minutes).
REFLEX_CONNECT_TIMEOUT_SECONDS = 2
# Reflex's flags (reflex.istate.manager.redis.NOTIFY_KEYSPACE_EVENTS; a test keeps the two equal).
NOTIFY_KEYSPACE_EVENTS = "K$sgxe"

OK = "ok"
DEGRADED = "degraded"
UNUSED = "unused"  # no REDIS_URL: UI state lives in the one backend process
# Set by `python -m shopapp serve` when Redis did not answer at start: Reflex then runs without it
# (one worker, page state in memory) until the next start, so Redis counts as degraded until then.
STARTED_WITHOUT_REDIS = "SHOPAPP_STARTED_WITHOUT_REDIS"


class RedisWatch:
    """Remembers whether Redis answered; asks again only when the last answer is stale."""

    def __init__(self, url: str, *, retry_seconds: float, clock=time.monotonic):
        self.url = url
        self.retry_seconds = retry_seconds
        self._client = redis.Redis.from_url(
            url, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS, retry=None,
        )
        self._clock = clock
        self._lock = threading.Lock()
        self._answered = True
        self._asked_at: float | None = None
        self.down_since: datetime | None = None
        self._server_id: str | None = None

    def status(self, *, fresh: bool = False) -> str:
        """"ok" or "degraded"; asks Redis when the last answer was "ok" or is retry_seconds old, or
        when `fresh` (a background asker, never a request, may wait on a dead Redis)."""
        with self._lock:
            stale = self._asked_at is None or self._clock() - self._asked_at >= self.retry_seconds
            if self._answered or stale or fresh:
                self._ask()
            return OK if self._answered else DEGRADED

    def _ask(self) -> None:
        self._asked_at = self._clock()
        try:
            server_id = self._client.info("server").get("run_id")
        except (redis.RedisError, OSError) as exc:
            if self._answered:
                self.down_since = datetime.now(UTC)
                log.warning("Redis at %s does not answer (%s): pages cannot load or save their state until it "
                            "does; the REST API and the jobs carry on.", _where(self.url), exc)
            self._answered = False
            return
        if not self._answered:
            log.warning("Redis at %s answers again (down since %s)", _where(self.url), self.down_since)
        self._answered, self.down_since = True, None
        if server_id != self._server_id:
            self._server_id = server_id
            self._keep_keyspace_notifications()

    def _keep_keyspace_notifications(self) -> None:
        try:
            current = self._client.config_get("notify-keyspace-events").get("notify-keyspace-events", "")
            if not set(NOTIFY_KEYSPACE_EVENTS) <= set(current) and "A" not in current:
                self._client.config_set("notify-keyspace-events", NOTIFY_KEYSPACE_EVENTS)
        except (redis.RedisError, OSError) as exc:
            # A managed Redis may refuse CONFIG; it is then configured out of band (docs/deploy.md).
            log.info("could not check Redis keyspace notifications: %s", exc)


def answers(url: str) -> bool:
    """One ask, now, and quietly (serve's start-up check says what it does about it)."""
    client = redis.Redis.from_url(url, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS, retry=None)
    try:
        return bool(client.ping())
    except (redis.RedisError, OSError):
        return False
    finally:
        client.close()


# Idle connections a pool keeps open after a burst; the others are closed (release_idle_connections).
KEEP_IDLE_CONNECTIONS = 2


async def release_idle_connections(client, keep: int = KEEP_IDLE_CONNECTIONS) -> int:
    """Close the connections a capped (blocking) pool of `client` holds idle beyond `keep`, the least
    recently used first; returns how many. A burst leaves each worker's pools at their cap, and a pool
    never closes a connection by itself: this brings Redis's connected_clients back down.

    Taken out of the pool under the pool's own condition, the one its get_connection takes a connection
    under, so no event can be handed one while it closes. Pools of other kinds are left alone."""
    pool = client.connection_pool
    condition, idle = getattr(pool, "_condition", None), getattr(pool, "_available_connections", None)
    if condition is None or not isinstance(idle, list):
        return 0
    async with condition:
        # get_available_connection pops from the end: the front holds the longest unused.
        surplus = max(0, len(idle) - keep)
        closing, idle[:surplus] = idle[:surplus], []
        condition.notify_all()  # room under the cap again for any waiter
    for connection in closing:
        try:
            await connection.disconnect()
        except (redis.RedisError, OSError):
            pass  # closing is best effort: the connection is out of the pool either way
    return len(closing)


def reflex_redis_url(url: str) -> str:
    """REDIS_URL as Reflex gets it: with a connect timeout unless the URL names one. Only the connect:
    a read timeout would also end Reflex's idle pub/sub listeners every few seconds."""
    if "socket_connect_timeout" in dict(parse_qsl(urlsplit(url).query)):
        return url
    return f"{url}{'&' if '?' in url else '?'}socket_connect_timeout={REFLEX_CONNECT_TIMEOUT_SECONDS}"


def _where(url: str) -> str:
    """The URL without its password, for the log."""
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.rpartition('@')[2]}"


_watches: dict[str, RedisWatch] = {}
_watches_lock = threading.Lock()


def watch_for(url: str) -> RedisWatch:
    from shopapp.settings import get_settings

    with _watches_lock:
        if url not in _watches:
            _watches[url] = RedisWatch(url, retry_seconds=get_settings().redis_retry_seconds)
        return _watches[url]


def forget_watches() -> None:
    """Start afresh (tests that change the settings)."""
    with _watches_lock:
        _watches.clear()


def redis_status(*, fresh: bool = False) -> str:
    """"ok", "degraded", or "unused" without REDIS_URL: what /api/v1/health reports."""
    from shopapp.settings import get_settings

    url = get_settings().redis_url
    if not url:
        return UNUSED
    if os.environ.get(STARTED_WITHOUT_REDIS):
        return DEGRADED
    return watch_for(url).status(fresh=fresh)
