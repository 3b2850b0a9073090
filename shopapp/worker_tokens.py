"""Reflex's browser-tab tokens, told which backend workers are alive, so a tab keeps its page state
when the worker holding its websocket dies.

Reflex 0.10 records in Redis which worker holds each tab's websocket, and hands a tab a new token
(an empty page state) when its token is still recorded as connected: that is how it tells a
duplicated tab from its original. A worker killed outright (out of memory, SIGKILL) never removes
its records, so every tab it served reconnected to another worker as a "duplicate" and lost what
the shopper had chosen on the page, for as long as the records last (an hour). Seen here with three
workers and Chromium: quantity 3 on a product page came back as 1 after its worker was killed.

Here every worker keeps a short-lived "alive" key in Redis while it holds websockets, naming its
machine and process id. Before Reflex's duplicate check, a record left by a dead worker is removed
(only if it is still that record), so the tab keeps its token and its state. Dead means: its key
names this machine and that process is gone (seen at once, the usual case: the browser reconnects
within a second, to a worker beside the dead one), or its key has expired (another machine's
worker, after ALIVE_SECONDS). A record of a live worker still means a duplicated tab, which still
gets a new token.

Without Redis (the embedded default, one worker) a tab that has gone also has its page state dropped
from the worker's memory GONE_TAB_SECONDS after its websocket closed (LocalTabTokenManager).
"""

from __future__ import annotations

import asyncio
import logging
import os
import pickle
import socket
from pathlib import Path

from redis.exceptions import RedisError
from reflex.utils import prerequisites
from reflex.utils.token_manager import LocalTokenManager, RedisTokenManager, TokenManager

log = logging.getLogger(__name__)

ALIVE_SECONDS = 15  # a worker whose key is older than this is dead (its event loop beats every BEAT_SECONDS)
BEAT_SECONDS = 5
ALIVE_PREFIX = "shopapp_worker_alive_"
# Delete the key only if it still holds the record we judged: a live worker may have re-linked it since.
_DELETE_IF_UNCHANGED = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"


class WorkerAwareTokenManager(RedisTokenManager):
    """RedisTokenManager whose duplicate-tab check ignores the records of dead workers."""

    _beat: asyncio.Task | None = None

    async def link_token_to_sid(self, token: str, sid: str) -> str | None:
        await self._keep_alive()
        await self.forget_dead_owner(token)
        return await super().link_token_to_sid(token, sid)

    async def forget_dead_owner(self, token: str) -> bool:
        """Remove the token's socket record if the worker that wrote it is no longer alive."""
        key = self._get_redis_key(token)
        try:
            raw = await self.redis.get(key)
            if not raw:
                return False
            owner = pickle.loads(raw).instance_id  # Reflex's own record (a pickled SocketRecord), in our Redis
            if owner == self.instance_id:
                return False
            alive = await self.redis.get(alive_key(owner))
            if alive and not died_on_this_machine(alive.decode()):
                return False
            forgotten = bool(await self.redis.eval(_DELETE_IF_UNCHANGED, 1, key, raw))
        except (RedisError, pickle.UnpicklingError, AttributeError):  # a hiccup must not refuse the connection
            log.warning("could not check the worker of a reconnecting tab", exc_info=True)
            return False
        if forgotten:
            self.token_to_socket.pop(token, None)
            log.debug("a tab of a worker that died reconnected; it keeps its page state")
        return forgotten

    async def _keep_alive(self) -> None:
        # The first beat is awaited: a record this worker stores next must never look orphaned.
        if self._beat is None or self._beat.done():
            await self._say_alive()
            self._beat = asyncio.get_running_loop().create_task(self._beat_forever())

    async def _beat_forever(self) -> None:
        while True:
            await asyncio.sleep(BEAT_SECONDS)
            await self._say_alive()

    async def _say_alive(self) -> None:
        try:
            # The instance id, read at every beat: Reflex gives each forked worker its own.
            await self.redis.set(alive_key(self.instance_id), who_am_i(), ex=ALIVE_SECONDS)
        except RedisError:  # the next beat tries again
            log.warning("could not tell Redis this worker is alive", exc_info=True)

    async def close(self) -> None:
        if self._beat is not None:
            self._beat.cancel()
        await super().close()


def alive_key(instance_id: str) -> str:
    return f"{ALIVE_PREFIX}{instance_id}"


def who_am_i() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def died_on_this_machine(worker: str) -> bool:
    """Whether `worker` ("host:pid", from who_am_i) ran on this machine and its process is gone."""
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    if Path("/proc/self/stat").exists():
        try:
            # A killed worker stays a zombie until the server's supervisor collects it: dead all the same.
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
        except OSError:
            return True
    try:  # no /proc (not Linux): ask the process table
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass
    return False


# The embedded default (one worker, page state in its memory): a tab whose websocket closed and has not
# come back within this long (a reload, a phone waking up, a dropped network reconnect in seconds) is
# gone, and its page state is dropped then, not an hour after its last event.
GONE_TAB_SECONDS = 120


class LocalTabTokenManager(LocalTokenManager):
    """Reflex's one-worker token manager, which also drops a gone tab's page state from memory.

    Reflex's memory state manager keeps every tab's whole state tree (all the app's states, ~100 KB)
    for an hour after its last event, so the worker's memory grew with every tab opened in the last
    hour, open or long closed. A tab still connected keeps its state as before."""

    async def disconnect_token(self, token: str, sid: str) -> None:
        await super().disconnect_token(token, sid)
        asyncio.get_running_loop().call_later(GONE_TAB_SECONDS, self._forget_if_gone, token)

    def _forget_if_gone(self, token: str) -> None:
        if token in self.token_to_socket:
            return  # it came back
        forget_tab_state(self._state_manager(), token)

    def _state_manager(self):
        from shopapp.shopapp import app  # the running app (this module is imported before it is made)

        return app.state_manager


def forget_tab_state(manager, token: str) -> bool:
    """Drop a tab's page state from Reflex's memory state manager, unless an event holds it now;
    whether it was dropped. Other state managers (Redis expires its keys itself) are left alone."""
    from reflex.istate.manager.memory import StateManagerMemory
    from reflex.istate.manager.token import BaseStateToken
    from reflex.state import State

    if not isinstance(manager, StateManagerMemory) or token not in manager.states:
        return False
    lock = manager._states_locks.get(token)
    if lock is not None and lock.locked():
        return False  # an event runs for it: it stays, with the hour's expiry Reflex keeps
    manager._purge_token(BaseStateToken(ident=token, cls=State))  # what Reflex's own expiry does
    return True


def install() -> None:
    """Make Reflex create our token manager (call before rx.App is made)."""
    TokenManager.create = classmethod(_create)


def _create(cls) -> TokenManager:
    # Reflex's own TokenManager.create, with our managers.
    if prerequisites.check_redis_used() and (redis := prerequisites.get_redis()) is not None:
        return WorkerAwareTokenManager(redis)
    return LocalTabTokenManager()
