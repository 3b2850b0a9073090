"""Reflex's Redis state manager with an event's lock and state read in one round trip, and its save and
unlock in another: two per event instead of four.

Reflex 0.10.1 (StateManagerRedis, opportunistic locking off, its default) sends four commands one after
another for every event: SET NX (the tab's lock), MGET (the states), the fenced EVAL save, GETDEL (the
unlock). On this kind of machine each costs some 130 µs of the worker's CPU, most of it the socket send
and redis-py's bookkeeping around it, not Redis: a quarter of an empty event's CPU in a py-spy profile
(bench/README.md, session 10). Here the lock and the read go out in one pipeline, and the save and the
unlock are one script. What each step guarantees is Reflex's:

- the MGET runs after the SET NX on the same connection, so once the lock is ours the states read are
  the last ones saved under it; when the lock is someone else's the read is thrown away and the event
  waits Reflex's way (`_wait_lock`: keyspace notifications, its local queue of waiters);
- the save writes only while the lock is still ours (same check as Reflex's fenced save), and only then
  deletes it; a lock that expired or changed hands is left alone and LockExpiredError is raised, as
  Reflex does; the "held too long" warning reads the lock's PTTL as Reflex's does;
- an event that fails saves nothing and unlocks (Reflex deletes with GETDEL; here only a lock that is
  still ours is deleted, so a late unlock cannot free another event's lock).

Installed at start-up (`install`) in place of Reflex's class, which StateManager.create looks up by name
when it makes the app's manager; tests/unit/test_redis_states.py fails if an upgrade renames what this
relies on.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import uuid
from collections.abc import AsyncIterator, Iterable
from typing import Any

import reflex.istate.manager.redis as reflex_redis
from reflex.istate.manager.redis import StateManagerRedis
from reflex.istate.manager.token import BaseStateToken
from reflex.state import BaseState, all_base_state_classes
from reflex_base.utils.exceptions import LockExpiredError, StateSchemaMismatchError

from shopapp.hydrate_states import hydrate_reads, is_default_hydrate
from shopapp.state_keys import is_blank

logger = logging.getLogger("reflex.istate.manager.redis")  # Reflex's own logger: the same warnings, same place

# KEYS: the lock, then the state keys; ARGV: the lock id, the states' expiry (s), the pickles in KEYS order, an
# empty one for a state at its defaults (deleted: state_keys.is_blank). Writes and unlocks only while the lock is
# ARGV[1]'s; returns the PTTL it had, nil when it was not ours.
_SAVE_AND_UNLOCK = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
    return nil
end
for i = 2, #KEYS do
    if ARGV[i + 1] == '' then
        redis.call('DEL', KEYS[i])
    else
        redis.call('SET', KEYS[i], ARGV[i + 1], 'EX', ARGV[2])
    end
end
local pttl = redis.call('PTTL', KEYS[1])
redis.call('DEL', KEYS[1])
return pttl
"""

# KEYS: the lock; ARGV: the lock id. Deletes the lock only if it is still ours; 1 if it was.
_UNLOCK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0
"""


@dataclasses.dataclass
class LeanStateManagerRedis(StateManagerRedis):
    """StateManagerRedis with two round trips per locked event (see the module's docstring)."""

    # The states an event of a class reads, parents first, worked out once per class (Reflex walks the tree
    # for every event: 28 µs for a product page event, 0.8 ms for a page opened, which reads all 95 states).
    # Keyed by how many state classes exist, so a class defined later is never missed.
    _reads: dict[tuple, tuple[type[BaseState], ...]] = dataclasses.field(default_factory=dict, init=False)

    def _event_states(self, cls: type[BaseState], handler: str = "") -> tuple[type[BaseState], ...]:
        """What an event of `cls` reads, with the states its `handler` declares it also reads (`reads_too`)."""
        key = (cls, handler, len(all_base_state_classes))
        if (found := self._reads.get(key)) is None:
            wanted = set(self._get_required_state_classes(cls, subclasses=True))
            for other in _declared_reads(cls, handler):
                wanted |= self._get_required_state_classes(other, subclasses=True)
            found = self._reads[key] = tuple(sorted(wanted, key=lambda each: each.get_full_name()))
        return found

    @contextlib.asynccontextmanager
    async def _try_modify_state(self, token, **context) -> AsyncIterator[Any]:
        if self._oplock_enabled or not isinstance(token, BaseStateToken):
            # Reflex's lease protocol (REFLEX_OPLOCK_ENABLED) and non-state tokens: Reflex's own way.
            async with super()._try_modify_state(token, **context) as state:
                yield state
            return
        event = context.get("event")
        lock_key = self._lock_key(token)
        lock_id = (f"{event.name}:{uuid.uuid4().hex}" if event is not None else uuid.uuid4().hex).encode()
        state = await self._lock_and_read(token, lock_key, lock_id, event)
        try:
            yield state
        except LockExpiredError:
            raise  # not ours any more: nothing to unlock
        except BaseException:
            await self._unlock(lock_key, lock_id)
            raise
        await self._save_and_unlock(token, state, lock_key, lock_id, event)

    async def _lock_and_read(self, token: BaseStateToken, lock_key: bytes, lock_id: bytes, event) -> BaseState:
        """The tab's lock and its states, in one round trip when the lock is free and nobody here waits; for a
        tab's first hydrate, only the states it needs (hydrate_states)."""
        classes = self._event_states(token.cls, event.name.rpartition(".")[2] if event is not None else "")
        if not self._n_lock_waiters(lock_key):  # others of this worker queued first: no jumping the queue
            pipeline = self.redis.pipeline(transaction=False)
            pipeline.set(lock_key, lock_id, px=self.lock_expiration, nx=True)
            pipeline.mget([token._state_key(cls) for cls in classes])
            locked, stored = await pipeline.execute()
            if locked:
                tree: dict[str, BaseState] = {}
                reads = hydrate_reads(classes, stored) if is_default_hydrate(token.cls, event) else zip(classes, stored, strict=True)
                attach_stored_states(tree, reads)
                return tree[token.cls.get_root_state().get_full_name()]
        await self._wait_lock(lock_key, lock_id)  # Reflex's wait: notifications, the local queue, expiry
        return await self.get_state(token)

    async def _save_and_unlock(self, token, state: BaseState, lock_key: bytes, lock_id: bytes, event) -> None:
        writes = self._tab_writes(token, state)
        pttl = await self.redis.eval(
            _SAVE_AND_UNLOCK, 1 + len(writes), lock_key, *(key for key, _ in writes),
            lock_id, self.token_expiration, *(pickled for _, pickled in writes),
        )
        suffix = f" Happened in event: {event.name}" if event is not None else ""
        if pttl is None:
            held_by = await self.redis.get(lock_key)
            raise LockExpiredError(
                f"Lock expired for token {token} while processing. Consider increasing "
                f"`app.state_manager.lock_expiration` (currently {self.lock_expiration}) "
                "or use `@rx.event(background=True)` decorator for long-running tasks. "
                f"Current lock id: {held_by!r}, expected lock id: {lock_id!r}." + suffix
            )
        self._notify_next_waiter(lock_key)
        time_taken = (self.lock_expiration - pttl) / 1000
        if time_taken > self.lock_warning_threshold / 1000:
            # Reflex's wording: bench/storefront_scale.py counts these lines.
            logger.warning(
                f"Lock for token {token} was held too long {time_taken=}s, use `@rx.event(background=True)` "
                f"decorator for long-running tasks.{suffix}",
                extra={"dedupe": True},
            )

    @staticmethod
    def _tab_writes(token: BaseStateToken, root: BaseState) -> list[tuple[str, bytes]]:
        """Reflex's `_collect_state_writes` (each touched state of the tree, pickled), with an empty pickle for a
        state at its defaults: its key is deleted rather than written."""
        writes = []
        stack = [root]
        while stack:
            state = stack.pop()
            if state._was_touched:
                if is_blank(state):
                    writes.append((token._state_key(type(state)), b""))
                elif pickled := state._serialize():  # empty when it cannot be pickled: Reflex skips it too
                    writes.append((token._state_key(type(state)), pickled))
            stack.extend(state.substates.values())
        return writes

    async def _unlock(self, lock_key: bytes, lock_id: bytes) -> None:
        if not await self.redis.eval(_UNLOCK, 1, lock_key, lock_id):
            logger.warning(f"{lock_key.decode()} was not held by {lock_id.decode()} any more when it was released.")
        self._notify_next_waiter(lock_key)


_READS_TOO = "_shopapp_reads_too"  # where reads_too leaves its classes on the handler


def reads_too(*classes: type[BaseState]):
    """Mark an event handler that reaches other states (`await self.get_state(Other)`): with Redis they are
    read in its event's own MGET, not in a round trip each while it runs (a product page's load reaches
    its six blocks' states). Not for a state shared through Reflex's links (none here): that one is read
    through its link. Put it under `@rx.event` (and `@hydrating`)."""
    def mark(handler):
        handler.__dict__[_READS_TOO] = classes  # functools.wraps (hydrating) carries it to the wrapper
        return handler
    return mark


def _declared_reads(cls: type[BaseState], handler: str) -> tuple[type[BaseState], ...]:
    found = cls.event_handlers.get(handler) if handler else None
    return getattr(found.fn, _READS_TOO, ()) if found is not None else ()


def attach_stored_states(tree: dict[str, BaseState], reads: Iterable[tuple[type[BaseState], bytes | None]]) -> None:
    """Unpickle each state class's pickle in `reads` (from an MGET; parents before their substates) into
    `tree` (full name -> state), linked to its parent there, as Reflex's get_state does."""
    for cls, data in reads:
        state = stored_state(cls, data)
        full_name = state.get_full_name()
        tree[full_name] = state
        if state.get_parent_state() is not None:
            parent_name, _, name = full_name.rpartition(".")
            parent = tree[parent_name]
            parent.substates[name] = state
            state.parent_state = parent


def stored_state(cls: type[BaseState], data: bytes | None) -> BaseState:
    """The state Redis held (`data`, its pickle), or a fresh one when it was never saved, was deleted at its
    defaults (state_keys.is_blank) or was saved by another version of the app, as Reflex's get_state does."""
    if data is not None:
        with contextlib.suppress(StateSchemaMismatchError):
            return BaseState._deserialize(data=data)
    return cls(init_substates=False, _reflex_internal_init=True)


def install() -> None:
    """Make the app's Redis state manager ours: StateManager.create imports the class by this name when it
    makes the manager (reflex.istate.manager.StateManager.create, at the app's start in each worker)."""
    reflex_redis.StateManagerRedis = LeanStateManagerRedis
