"""Reflex's Redis pools: capped from the worker count by our server's start, and the connections a
burst leaves idle closed again (issue 17 item 3)."""

from __future__ import annotations

import asyncio
import os
from types import SimpleNamespace

import pytest
import redis
from redis.asyncio import BlockingConnectionPool, Redis

from shopapp import redis_watch, server
from tests.loops import run_coroutine


def test_the_pool_cap_shares_the_connections_between_the_workers():
    assert server.redis_pool_size(1) == server.REDIS_CONNECTIONS // 2 == 64
    assert server.redis_pool_size(2) == 32
    assert server.redis_pool_size(5) == 12
    assert server.redis_pool_size(64) == server.MIN_REDIS_POOL  # never so small the pub/sub listeners starve


def test_serve_passes_the_cap_to_reflex_with_redis_and_leaves_an_operators_own_alone():
    with_redis = SimpleNamespace(redis_url="redis://127.0.0.1:6379/26")
    environ: dict[str, str] = {}
    server.reflex_redis_pool(with_redis, environ, workers=4)
    assert environ == {"REFLEX_REDIS_MAX_CONNECTIONS": "16"}
    chosen = {"REFLEX_REDIS_MAX_CONNECTIONS": "200"}
    server.reflex_redis_pool(with_redis, chosen, workers=4)
    assert chosen == {"REFLEX_REDIS_MAX_CONNECTIONS": "200"}
    without = {}
    server.reflex_redis_pool(SimpleNamespace(redis_url=None), without, workers=1)
    assert without == {}


def test_reflex_makes_its_client_with_a_pool_of_that_size(monkeypatch):
    from reflex.utils import prerequisites

    monkeypatch.setenv("REFLEX_REDIS_URL", "redis://127.0.0.1:6379/26")
    monkeypatch.setenv("REFLEX_REDIS_MAX_CONNECTIONS", str(server.redis_pool_size(2)))
    monkeypatch.setattr(prerequisites, "get_config", lambda: SimpleNamespace(
        redis_url=os.environ["REFLEX_REDIS_URL"], redis_lock_expiration=10_000))
    pool = prerequisites.get_redis().connection_pool
    assert isinstance(pool, BlockingConnectionPool) and pool.max_connections == 32


def _clients(url: str) -> int:
    return redis.Redis.from_url(url).info("clients")["connected_clients"]


@pytest.mark.parametrize("keep", [0, 2])
def test_the_connections_a_burst_left_idle_are_closed(own_redis, keep):
    async def burst_then_release() -> tuple[int, int, int, bytes]:
        client = Redis.from_pool(BlockingConnectionPool.from_url(own_redis.url, max_connections=20, timeout=2))
        before = _clients(own_redis.url)
        await asyncio.gather(*(client.blpop([f"nothing-{n}"], timeout=0.2) for n in range(20)))  # 20 at once
        after_burst = _clients(own_redis.url)
        closed = await redis_watch.release_idle_connections(client, keep=keep)
        await client.set("still", "works")  # the pool opens a connection again when asked
        answer = await client.get("still")
        await client.aclose()
        return before, after_burst, closed, answer

    before, after_burst, closed, answer = run_coroutine(burst_then_release())
    assert after_burst == before + 20
    assert closed == 20 - keep
    assert _clients(own_redis.url) == before  # every connection of the client gone after aclose
    assert answer == b"works"


def test_connections_in_use_are_not_closed(own_redis):
    async def release_during_a_command() -> tuple[list, int]:
        client = Redis.from_pool(BlockingConnectionPool.from_url(own_redis.url, max_connections=5, timeout=2))
        waiting = [asyncio.create_task(client.blpop([f"list-{n}"], timeout=1)) for n in range(3)]
        await asyncio.sleep(0.2)
        closed = await redis_watch.release_idle_connections(client, keep=0)
        await redis.asyncio.Redis.from_url(own_redis.url).rpush("list-0", "x")
        answers = await asyncio.gather(*waiting)
        await client.aclose()
        return answers, closed

    answers, closed = run_coroutine(release_during_a_command())
    assert closed == 0
    assert answers == [(b"list-0", b"x"), None, None]
