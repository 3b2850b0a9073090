"""The "service degraded" banner every page carries, shown when Redis (where Reflex keeps page state) fails.

While Redis is down Reflex can neither load nor save a page's state: every event of every page fails
(the REST API and the jobs carry on, see shopapp/redis_watch.py). Reflex's own answer is a toast run
as a script sent from the server, which our Content-Security-Policy refuses: the page would just stop
answering. So such a failure answers `rx.set_value` on a hidden input instead, an event the front
end carries out itself without any state or script; the banner beside it is shown by CSS as soon as
that input holds a value (`peer-placeholder-shown:hidden`). Its words come in both languages: the
reader's choice lives in the page state, which is what cannot be read.
"""

import asyncio
import contextlib
import logging
import time

import redis
import reflex as rx
from reflex.app import default_backend_exception_handler
from reflex_base.event import EventSpec
from reflex_base.utils.exceptions import LockExpiredError

from shopapp.i18n import CATALOGUES
from shopapp.redis_watch import DEGRADED, redis_status, release_idle_connections

log = logging.getLogger(__name__)

ASK_EVERY_SECONDS = 1.0
RELEASE_IDLE_EVERY_SECONDS = 10.0
FLAG_ID = "service-degraded-flag"
LOG_EVERY_SECONDS = 60.0
_last_logged = 0.0


def degraded_banner() -> rx.Component:
    """Hidden until a failed event sets its flag; the reader can close it (a reload does too)."""
    words = " · ".join(CATALOGUES[lang]["degraded.banner"] for lang in ("zh-CN", "en"))
    close = " / ".join(CATALOGUES[lang]["degraded.close"] for lang in ("zh-CN", "en"))
    return rx.fragment(
        rx.el.input(id=FLAG_ID, read_only=True, tab_index=-1, aria_hidden="true", placeholder=" ",
                    default_value="", class_name="peer sr-only"),
        rx.el.div(
            rx.el.p(words, class_name="flex-1"),
            rx.el.button("×", type="button", aria_label=close, on_click=rx.set_value(FLAG_ID, ""),
                         class_name="px-2 text-lg leading-none"),
            role="alert", data_testid="service-degraded",
            class_name="fixed inset-x-0 top-0 z-[60] flex items-start gap-2 bg-amber-100 px-4 py-2 text-sm "
                       "text-amber-900 shadow peer-placeholder-shown:hidden",
        ),
    )


def on_backend_error(exception: Exception) -> EventSpec | None:
    """Reflex's backend exception handler: a Redis failure shows the banner (logged once a minute, not
    with a traceback per click); any other error goes to Reflex's own handler."""
    if not _redis_failure(exception):
        return default_backend_exception_handler(exception)
    global _last_logged
    if time.monotonic() - _last_logged >= LOG_EVERY_SECONDS:
        _last_logged = time.monotonic()
        log.warning("a page event failed because Redis does not answer (%s: %s); the page shows the "
                    "degraded banner", type(exception).__name__, exception)
    return rx.set_value(FLAG_ID, "redis")


def _redis_failure(exception: BaseException) -> bool:
    """A Redis error anywhere in the chain; or a lock or subscription timing out while Redis is down
    (Reflex waits for its lock subscription, then raises a plain TimeoutError)."""
    seen: BaseException | None = exception
    met: set[int] = set()
    while seen is not None and id(seen) not in met:
        if isinstance(seen, redis.RedisError):
            return True
        met.add(id(seen))
        seen = seen.__cause__ or seen.__context__
    # A timeout only asks the watch (at most TIMEOUT_SECONDS, once per REDIS_RETRY_SECONDS while down).
    return isinstance(exception, (TimeoutError, LockExpiredError)) and redis_status() == DEGRADED


async def watch_redis(app: rx.App, stop: asyncio.Event) -> None:
    """Ask Redis every ASK_EVERY_SECONDS (health stays current; a restarted Redis gets its keyspace
    notifications back even when nobody asks for health), and while it is degraded close Reflex's
    Redis connections.

    Reflex's client has no read timeout, so a hung Redis (accepting, never answering) would hold a
    page event forever. A closed connection fails the command it waits on; Reflex retries it on a new
    connection three times, then the event fails and the page shows the banner, seconds later. A Redis
    that is merely stopped has no connections to close: this changes nothing for it.

    While Redis answers, every RELEASE_IDLE_EVERY_SECONDS the connections a burst left idle in Reflex's
    pools are closed (redis_watch.release_idle_connections), so connected_clients falls back."""
    release_at = time.monotonic() + RELEASE_IDLE_EVERY_SECONDS
    while not stop.is_set():
        # Asked afresh each round (off the event loop): connections to a Redis that is back are not cut.
        if await asyncio.to_thread(redis_status, fresh=True) == DEGRADED:
            for client in _reflex_redis_clients(app):
                with contextlib.suppress(Exception):  # closing is best effort; the next round tries again
                    await client.connection_pool.disconnect(inuse_connections=True)
        elif time.monotonic() >= release_at:
            release_at = time.monotonic() + RELEASE_IDLE_EVERY_SECONDS
            for client in _reflex_redis_clients(app):
                await release_idle_connections(client)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=ASK_EVERY_SECONDS)


def _reflex_redis_clients(app: rx.App) -> list:
    """The state manager's client and the websocket token manager's (a private attribute: none if it moved)."""
    clients = [getattr(app.state_manager, "redis", None)]
    if app.event_namespace is not None:
        clients.append(getattr(getattr(app.event_namespace, "_token_manager", None), "redis", None))
    return [client for client in clients if client is not None]
