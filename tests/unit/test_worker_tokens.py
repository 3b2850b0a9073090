"""A shopper's tab keeps its page state when the backend worker holding its websocket dies, while a duplicated
tab still gets a token of its own (Reflex's token records in Redis, shopapp/worker_tokens.py).

Needs Redis: runs when REDIS_URL is set (the PostgreSQL + Redis pass of .ci/run), skipped otherwise."""

import contextlib
import os
import socket
import subprocess
import uuid

import pytest

from shopapp.worker_tokens import WorkerAwareTokenManager, alive_key
from tests.loops import run_coroutine

pytestmark = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL: the token records live in Redis")


@pytest.mark.parametrize("death", ["killed beside the worker it reconnects to", "on another machine, gone quiet"])
def test_a_tab_whose_worker_died_keeps_its_token_and_a_duplicated_tab_gets_a_new_one(death):
    run_coroutine(_tabs_and_workers(os.environ["REDIS_URL"], death))


@contextlib.asynccontextmanager
async def _two_workers(url: str):
    """Two workers' token managers on one Redis, closed on the way out."""
    from redis.asyncio import Redis

    first, second = WorkerAwareTokenManager(Redis.from_url(url)), WorkerAwareTokenManager(Redis.from_url(url))
    try:
        yield first, second
    finally:
        for manager in (first, second):
            await manager.close()
            await manager.redis.aclose()


async def _tabs_and_workers(url: str, death: str) -> None:
    tab = f"tab-{uuid.uuid4()}"
    async with _two_workers(url) as (first, second):
        assert await first.link_token_to_sid(tab, "socket-on-first") is None
        # The shopper duplicates the tab: the copy reaches the other worker with the same token while the first lives.
        copy = await second.link_token_to_sid(tab, "copy-on-second")
        assert copy and copy != tab
        # The first worker dies without a goodbye: its record of the tab stays behind.
        first._beat.cancel()
        if death.startswith("killed"):
            gone = subprocess.Popen(["true"])
            gone.wait()
            await second.redis.set(alive_key(first.instance_id), f"{socket.gethostname()}:{gone.pid}")
        else:
            await second.redis.delete(alive_key(first.instance_id))  # what its expiry does
        # The tab reconnects to the second worker and keeps its token, so its page state.
        assert await second.link_token_to_sid(tab, "socket-on-second") is None
        assert await second._get_token_owner(tab, refresh=True) == second.instance_id


def test_a_worker_on_another_machine_that_still_beats_is_alive_so_a_copy_of_its_tab_gets_a_new_token():
    run_coroutine(_other_machine(os.environ["REDIS_URL"]))


async def _other_machine(url: str) -> None:
    tab = f"tab-{uuid.uuid4()}"
    async with _two_workers(url) as (first, second):
        assert await first.link_token_to_sid(tab, "socket-on-first") is None
        first._beat.cancel()
        await second.redis.set(alive_key(first.instance_id), "another-machine:1", ex=15)
        assert await second.link_token_to_sid(tab, "copy-on-second") not in (None, tab)
