"""Reflex's Redis state manager with two round trips per event (shopapp/redis_states.py): what it replaces is
still there under these names, and with Redis two workers' events for one tab still take turns, a failing
event saves nothing and unlocks, and an event whose lock expired saves nothing and frees no other's lock.

The Redis part runs when REDIS_URL is set (the Redis passes of .ci/run), skipped otherwise."""

from __future__ import annotations

import asyncio
import inspect
import os
import types
import uuid

import pytest
import reflex.istate.manager.redis as reflex_redis
from redis.asyncio import Redis
from reflex.istate.manager import StateManager
from reflex.istate.manager.token import BaseStateToken
from reflex_base.utils.exceptions import LockExpiredError

from shopapp import redis_states
from shopapp.ui.store.coupons import CouponBlockState
from shopapp.ui.store.product import ProductPageState
from tests.loops import run_coroutine

needs_redis = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL: the states live in Redis")


def test_what_it_replaces_in_reflex_is_still_there():
    original = redis_states.LeanStateManagerRedis.__mro__[1]
    assert original.__module__ == "reflex.istate.manager.redis" and original.__name__ == "StateManagerRedis"
    for name in ("_try_modify_state", "_lock_key", "_wait_lock", "_n_lock_waiters", "_notify_next_waiter",
                 "_collect_state_writes", "_get_required_state_classes", "_get_populated_states", "get_state"):
        assert callable(getattr(original, name)), name
    assert "_oplock_enabled" in original.__dataclass_fields__
    # StateManager.create looks the class up by name when it makes the app's manager: install relies on it.
    assert "from reflex.istate.manager.redis import StateManagerRedis" in inspect.getsource(StateManager.create)


def test_an_events_states_are_reflexs_own_parents_first_worked_out_once():
    manager = redis_states.LeanStateManagerRedis(redis=Redis.from_url("redis://127.0.0.1:6379/0"))  # never connects
    states = manager._event_states(ProductPageState)
    assert set(states) == reflex_redis.StateManagerRedis._get_required_state_classes(
        manager, ProductPageState, subclasses=True)
    names = [cls.get_full_name() for cls in states]
    assert names == sorted(names)  # a parent's full name sorts before its substates'
    assert manager._event_states(ProductPageState) is states


def test_a_handler_reads_the_states_it_declares_in_its_events_own_read():
    from shopapp.ui.store.product import BLOCKS

    manager = redis_states.LeanStateManagerRedis(redis=Redis.from_url("redis://127.0.0.1:6379/0"))  # never connects
    load, step = manager._event_states(ProductPageState, "load"), manager._event_states(ProductPageState, "change_qty")
    assert set(BLOCKS) <= set(load) and not set(BLOCKS) & set(step)
    assert set(step) < set(load)
    names = [cls.get_full_name() for cls in load]
    assert names == sorted(names)  # parents first


@needs_redis
def test_a_declared_state_is_read_with_the_event_not_on_its_own(monkeypatch):
    run_coroutine(_declared_read(_commands_sent(monkeypatch)))


async def _declared_read(sent: list) -> None:
    manager, tab = _manager(), str(uuid.uuid4())
    await manager.redis.ping()
    await manager._ensure_lock_task_subscribed()
    sent.clear()
    load = types.SimpleNamespace(name=f"{ProductPageState.get_full_name()}.load")
    async with manager.modify_state(_token(tab), event=load) as root:
        page = await root.get_state(ProductPageState)
        (await page.get_state(CouponBlockState)).problem = "seen"
    assert len(sent) == 2  # the coupon block's state came with the event's read; saved with it
    async with manager.modify_state(_token(tab), event=load) as root:
        assert (await root.get_state(CouponBlockState)).problem == "seen"
    await manager.close()


@needs_redis
def test_the_app_makes_ours_once_installed(monkeypatch):
    from reflex.utils import prerequisites

    monkeypatch.setattr(reflex_redis, "StateManagerRedis", reflex_redis.StateManagerRedis)  # undone after the test
    redis_states.install()
    monkeypatch.setenv("REFLEX_REDIS_URL", os.environ["REDIS_URL"])
    monkeypatch.setattr(prerequisites, "parse_redis_url", lambda: os.environ["REDIS_URL"])
    manager = StateManager.create()
    try:
        assert isinstance(manager, redis_states.LeanStateManagerRedis)
    finally:
        run_coroutine(manager.close())


def _commands_sent(monkeypatch) -> list:
    """Every command (or pipeline) sent to Redis from now on, in order."""
    from redis.asyncio.connection import AbstractConnection

    sent = []
    send = AbstractConnection.send_packed_command

    async def counted(self, command, check_health=True):
        sent.append(command)
        return await send(self, command, check_health)

    monkeypatch.setattr(AbstractConnection, "send_packed_command", counted)
    return sent


def _manager(**settings) -> redis_states.LeanStateManagerRedis:
    return redis_states.LeanStateManagerRedis(redis=Redis.from_url(os.environ["REDIS_URL"]), **settings)


def _token(tab: str) -> BaseStateToken:
    return BaseStateToken(ident=tab, cls=ProductPageState)


@needs_redis
def test_two_workers_events_for_one_tab_take_turns():
    run_coroutine(_take_turns())


async def _take_turns() -> None:
    workers = [_manager(), _manager()]
    tab, inside = str(uuid.uuid4()), []

    async def step(manager):
        async with manager.modify_state(_token(tab)) as root:
            inside.append(1)
            assert len(inside) == 1, "two events held the tab's state at once"
            page = await root.get_state(ProductPageState)
            qty = page.qty
            await asyncio.sleep(0.002)  # a handler's await: the other worker's event must not get in
            page.qty = qty + 1
            inside.pop()

    await asyncio.gather(*(step(workers[number % 2]) for number in range(20)))
    async with workers[0].modify_state(_token(tab)) as root:
        assert (await root.get_state(ProductPageState)).qty == 1 + 20
    for manager in workers:
        await manager.close()


@needs_redis
def test_an_event_is_two_round_trips_to_redis(monkeypatch):
    run_coroutine(_one_event(_commands_sent(monkeypatch)))


async def _one_event(sent: list) -> None:
    manager, tab = _manager(), str(uuid.uuid4())
    await manager.redis.ping()  # the connection made before counting
    await manager._ensure_lock_task_subscribed()  # and the lock notifications' subscription, Reflex's own
    sent.clear()
    async with manager.modify_state(_token(tab)) as root:
        (await root.get_state(ProductPageState)).qty = 5
    assert len(sent) == 2  # lock + read, save + unlock (Reflex: four)
    async with manager.modify_state(_token(tab)) as root:
        assert (await root.get_state(ProductPageState)).qty == 5
    assert await manager.redis.get(manager._lock_key(_token(tab))) is None
    await manager.close()


@needs_redis
def test_a_failing_event_saves_nothing_and_unlocks():
    run_coroutine(_fails())


async def _fails() -> None:
    manager, tab = _manager(), str(uuid.uuid4())
    with pytest.raises(ValueError):
        async with manager.modify_state(_token(tab)) as root:
            (await root.get_state(ProductPageState)).qty = 7
            raise ValueError
    assert await manager.redis.get(manager._lock_key(_token(tab))) is None
    async with asyncio.timeout(1):  # not left for the lock to expire
        async with manager.modify_state(_token(tab)) as root:
            assert (await root.get_state(ProductPageState)).qty == 1
    await manager.close()


@needs_redis
def test_an_event_past_its_lock_saves_nothing_and_frees_no_other_lock():
    run_coroutine(_expires())


async def _expires() -> None:
    slow, other = _manager(lock_expiration=300, lock_warning_threshold=200), _manager()
    tab = str(uuid.uuid4())
    lock_key = slow._lock_key(_token(tab))
    with pytest.raises(LockExpiredError):
        async with slow.modify_state(_token(tab)) as root:
            (await root.get_state(ProductPageState)).qty = 9
            await asyncio.sleep(0.4)  # past the lock's 300 ms
            await other.redis.set(lock_key, b"another-event", px=5000)  # another event took the tab meanwhile
    assert await other.redis.get(lock_key) == b"another-event"
    await other.redis.delete(lock_key)
    async with other.modify_state(_token(tab)) as root:
        assert (await root.get_state(ProductPageState)).qty == 1
    for manager in (slow, other):
        await manager.close()


@needs_redis
def test_a_navigation_compares_the_browsers_tokens_with_their_state_alone_and_assigns_only_a_new_one():
    run_coroutine(_navigation_tokens())


async def _navigation_tokens() -> None:
    from reflex.state import UpdateVarsInternalState
    from reflex_base.event.context import EventContext

    from shopapp.ui import page_events
    from shopapp.ui.store.state import StoreState

    manager, tab = _manager(), str(uuid.uuid4())
    EventContext.set(EventContext(token=tab, state_manager=manager, enqueue_impl=None))
    carts = f"{StoreState.get_full_name()}.cart_tokens_rx_state_"

    async def navigation(cart_tokens: str) -> tuple[list, set[str]]:
        async with manager.modify_state(BaseStateToken(ident=tab, cls=UpdateVarsInternalState)) as root:
            root.router_data = root._update_router_vars({"token": tab, "pathname": "/s/demo/cart"}, root.router_data)
            state = await root.get_state(UpdateVarsInternalState)
            applied = await page_events._apply_client_storage_vars(state, {carts: cart_tokens})
            return applied, set(manager._get_populated_states(root))

    applied, read = await navigation('{"demo": "t1"}')  # a new token: assigned, Reflex's way
    assert [(type(owner), name) for owner, name in applied] == [(StoreState, "cart_tokens")]
    applied, read = await navigation('{"demo": "t1"}')  # the same again: nothing assigned, StoreState not in the tree
    assert applied == [] and StoreState.get_full_name() not in read
    async with manager.modify_state(BaseStateToken(ident=tab, cls=StoreState)) as root:
        assert (await root.get_state(StoreState)).cart_tokens == '{"demo": "t1"}'
    await manager.close()
