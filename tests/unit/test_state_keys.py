"""A tab's states in Redis under short keys, and no key for a state at its defaults (shopapp/state_keys.py):
every state of the app has a key of its own, the same in every worker; a state is blank only when it holds
what a fresh one holds; with Redis an event that leaves a state at its defaults deletes its key, and the
next event reads it back as it was.

The Redis part runs when REDIS_URL is set (the Redis passes of .ci/run), skipped otherwise."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest
from redis.asyncio import Redis
from reflex.istate.manager.token import BaseStateToken
from reflex.state import State

import shopapp.shopapp  # noqa: F401 - defines every state and installs the short keys
from shopapp import redis_states, state_keys
from shopapp.hydrate_states import state_tree
from shopapp.ui.state import LangState
from shopapp.ui.store.chat_widget import ChatState
from shopapp.ui.store.coupons import CouponBlockState
from shopapp.ui.store.product import ProductPageState
from tests.loops import run_coroutine

needs_redis = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL: the states live in Redis")


def _fresh(cls):
    return cls(init_substates=False, _reflex_internal_init=True)


def test_every_state_of_the_app_has_a_short_key_of_its_own():
    names = [state_keys.short_name(cls) for cls in state_tree(State)]
    assert len(names) > 50 and len(set(names)) == len(names)
    tab = str(uuid.uuid4())
    key = str(BaseStateToken(ident=tab, cls=CouponBlockState))
    assert key == f"{tab}_{state_keys.short_name(CouponBlockState)}" and len(key) == 36 + 1 + 8
    assert len(CouponBlockState.get_full_name()) > 150  # what Reflex keyed it by


def test_every_worker_keys_a_state_alike():
    script = ("import shopapp.shopapp; from shopapp.state_keys import short_name; "
              "from shopapp.ui.store.coupons import CouponBlockState; print(short_name(CouponBlockState))")
    other = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": "7"})
    assert other.stdout.strip() == state_keys.short_name(CouponBlockState)


def test_a_state_is_blank_only_while_it_holds_what_a_fresh_one_holds():
    coupons = _fresh(CouponBlockState)
    assert state_keys.is_blank(coupons)
    coupons.problem = "已领完"
    assert not state_keys.is_blank(coupons)
    coupons.problem = ""
    assert state_keys.is_blank(coupons)
    assert state_keys.is_blank(_fresh(LangState))  # a zh-CN shopper's language
    english = _fresh(LangState)
    english.lang = "en"
    assert not state_keys.is_blank(english)


def test_a_computed_vars_cache_does_not_make_a_state_worth_keeping():
    chat = _fresh(ChatState)
    vars(chat)["__cached_link_rx_state_"] = "/s/shop/support"  # what the page's delta leaves behind
    assert state_keys.is_blank(chat)


@needs_redis
def test_an_event_that_leaves_a_state_at_its_defaults_deletes_its_key_and_the_next_reads_it_back():
    run_coroutine(_blank_round_trip())


async def _blank_round_trip() -> None:
    manager = redis_states.LeanStateManagerRedis(redis=Redis.from_url(os.environ["REDIS_URL"]))
    token = BaseStateToken(ident=str(uuid.uuid4()), cls=ProductPageState)
    page_key = token._state_key(ProductPageState)
    async with manager.modify_state(token) as root:
        (await root.get_state(ProductPageState)).qty = 3
    assert await manager.redis.exists(page_key)
    async with manager.modify_state(token) as root:
        page = await root.get_state(ProductPageState)
        assert page.qty == 3
        page.qty = 1  # back to its default
    assert not await manager.redis.exists(page_key)
    async with manager.modify_state(token) as root:
        assert (await root.get_state(ProductPageState)).qty == 1
    await manager.close()
