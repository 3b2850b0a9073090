"""Redis stops and comes back: the platform says it is degraded, carries on, and recovers without a restart.

Only Reflex's page state lives in Redis; these tests prove that nothing else waits for it.
"""

from __future__ import annotations

import pytest
import redis
from reflex.istate.manager.redis import NOTIFY_KEYSPACE_EVENTS as REFLEX_KEYSPACE_EVENTS
from reflex_base.event import Event
from sqlmodel import select

from shopapp import cli, jobs, redis_watch, server
from shopapp.db import session_scope
from shopapp.models import OutboxEmail
from shopapp.services.checkout.place import place_order
from shopapp.services.core import outbox
from shopapp.services.core.errors import RateLimited, Unauthorized
from shopapp.services.shops import accounts
from shopapp.settings import get_settings
from shopapp.ui import degraded
from tests.shopping import ADDRESS, cart_with, product_on_sale, stock_of


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_health_says_degraded_while_redis_is_down_and_ok_once_it_is_back(own_redis):
    assert redis_watch.redis_status() == "ok"
    own_redis.stop()
    assert redis_watch.redis_status() == "degraded"
    assert redis_watch.watch_for(own_redis.url).down_since is not None
    own_redis.start()
    assert redis_watch.redis_status() == "ok"
    assert redis_watch.watch_for(own_redis.url).down_since is None


def test_a_hung_redis_is_degraded_after_the_timeout_not_a_hung_health_check(own_redis):
    assert redis_watch.redis_status() == "ok"
    own_redis.freeze()
    try:
        assert redis_watch.redis_status() == "degraded"  # within TIMEOUT_SECONDS (0.5 s), not forever
    finally:
        own_redis.thaw()
    assert redis_watch.redis_status() == "ok"


def test_without_redis_url_health_says_redis_is_unused(monkeypatch):
    from shopapp.settings import get_settings

    monkeypatch.delenv("REDIS_URL", raising=False)
    get_settings.cache_clear()
    try:
        assert redis_watch.redis_status() == "unused"
    finally:
        get_settings.cache_clear()


def test_a_down_redis_is_asked_again_only_after_the_retry_interval(own_redis):
    clock = FakeClock()
    watch = redis_watch.RedisWatch(own_redis.url, retry_seconds=5, clock=clock)
    own_redis.stop()
    assert watch.status() == "degraded"
    own_redis.start()
    clock.now += 4.9
    assert watch.status() == "degraded"  # nobody waits on a dead Redis twice within the interval
    clock.now += 0.1
    assert watch.status() == "ok"


def test_going_down_and_coming_back_are_logged_once_each(own_redis, caplog):
    watch = redis_watch.RedisWatch(own_redis.url, retry_seconds=0)
    own_redis.stop()
    with caplog.at_level("WARNING", logger="shopapp.redis_watch"):
        for _ in range(5):
            watch.status()
        own_redis.start()
        for _ in range(5):
            watch.status()
    said = [record.getMessage() for record in caplog.records]
    assert len(said) == 2 and "does not answer" in said[0] and "answers again" in said[1]


def test_a_restarted_redis_gets_back_the_keyspace_notifications_reflex_needs(own_redis):
    watch = redis_watch.RedisWatch(own_redis.url, retry_seconds=0)
    assert watch.status() == "ok"
    own_redis.stop()
    own_redis.start()  # a new, empty server: CONFIG SET of the old one is forgotten
    assert own_redis.client().config_get("notify-keyspace-events")["notify-keyspace-events"] == ""
    assert watch.status() == "ok"
    flags = own_redis.client().config_get("notify-keyspace-events")["notify-keyspace-events"]
    assert set(REFLEX_KEYSPACE_EVENTS) <= set(flags)


def test_our_keyspace_flags_are_the_ones_reflex_sets():
    assert set(redis_watch.NOTIFY_KEYSPACE_EVENTS) == set(REFLEX_KEYSPACE_EVENTS)


def test_an_owner_logs_in_and_a_shopper_checks_out_while_redis_is_down(own_redis, session, owner):
    own_redis.stop()
    assert redis_watch.redis_status() == "degraded"
    assert accounts.login(session, email="owner@example.com", password="secret-pass").token
    with pytest.raises(Unauthorized):
        accounts.login(session, email="owner@example.com", password="wrong-pass", ip="10.0.0.9")
    session.commit()
    for _ in range(5):  # log-in throttling counts in the database, Redis or not
        try:
            accounts.login(session, email="owner@example.com", password="wrong-pass", ip="10.0.0.9")
        except (Unauthorized, RateLimited):
            session.commit()
    with pytest.raises(RateLimited):
        accounts.login(session, email="owner@example.com", password="wrong-pass", ip="10.0.0.9")
    variant_id = product_on_sale(session, owner, stock=3)
    placed = place_order(session, owner.shop_id, cart_with(session, owner.shop_id, (variant_id, 2)),
                         "buyer@example.com", ADDRESS)
    session.commit()
    assert placed["order_no"] and stock_of(session, variant_id) == 1


def test_the_jobs_deliver_mail_while_redis_is_down(own_redis):
    with session_scope() as session:
        outbox.queue_email(session, to="fan@example.com", subject="到货啦", body="白毫银针到货")
    own_redis.stop()
    assert redis_watch.redis_status() == "degraded"
    assert "deliver_email" in jobs.run_due_jobs([job for job in jobs.JOBS if job.name == "deliver_email"])
    with session_scope() as session:
        assert session.exec(select(OutboxEmail)).one().sent_at is not None


def test_serve_starts_the_pages_without_redis_when_it_does_not_answer(own_redis, monkeypatch):
    settings = get_settings()
    answering = cli.reflex_environment(settings, {})
    assert answering["REFLEX_REDIS_URL"] == redis_watch.reflex_redis_url(own_redis.url)
    assert server.worker_count(settings, answering) == settings.workers
    own_redis.stop()
    down = cli.reflex_environment(settings, {"REFLEX_REDIS_URL": own_redis.url})
    assert "REFLEX_REDIS_URL" not in down and server.worker_count(settings, down) == 1
    monkeypatch.setenv(redis_watch.STARTED_WITHOUT_REDIS, down[redis_watch.STARTED_WITHOUT_REDIS])
    own_redis.start()
    assert redis_watch.redis_status() == "degraded"  # until a restart puts page state back in Redis


def _sent_to_the_page(spec) -> list[tuple[str, dict]]:
    """What the browser receives for the handler's answer: (event name, payload) each."""
    return [(event.name, event.payload) for event in Event.from_event_type(spec)]


def test_a_page_event_failing_on_redis_shows_the_degraded_banner(own_redis):
    flag = {"ref": "ref_service_degraded_flag", "value": "redis"}
    assert _sent_to_the_page(degraded.on_backend_error(redis.ConnectionError("Error 111 connecting"))) == [("_set_value", flag)]
    own_redis.stop()
    # Reflex's lock subscription gives up with a plain TimeoutError: Redis is asked whether it is to blame.
    assert _sent_to_the_page(degraded.on_backend_error(TimeoutError())) == [("_set_value", flag)]


def test_other_page_errors_still_go_to_reflexs_own_handler(own_redis):
    assert _sent_to_the_page(degraded.on_backend_error(ValueError("a bug")))[0][0] != "_set_value"
    assert _sent_to_the_page(degraded.on_backend_error(TimeoutError()))[0][0] != "_set_value"  # Redis answers



def test_reflex_gives_up_connecting_to_redis_after_a_few_seconds_not_minutes():
    url = redis_watch.reflex_redis_url("redis://cache.internal:6379/0")
    assert url == f"redis://cache.internal:6379/0?socket_connect_timeout={redis_watch.REFLEX_CONNECT_TIMEOUT_SECONDS}"
    assert reflex_redis_client(url).connection_pool.connection_kwargs["socket_connect_timeout"] == 2
    assert "socket_timeout" not in reflex_redis_client(url).connection_pool.connection_kwargs  # pub/sub listens idle
    assert redis_watch.reflex_redis_url("redis://h/0?socket_connect_timeout=9") == "redis://h/0?socket_connect_timeout=9"
    assert redis_watch.reflex_redis_url("redis://h/0?ssl_cert_reqs=none").endswith("?ssl_cert_reqs=none&socket_connect_timeout=2")


def reflex_redis_client(url: str):
    """The client Reflex makes from REFLEX_REDIS_URL (reflex.utils.prerequisites.get_redis)."""
    from redis.asyncio import Redis

    return Redis.from_url(url)
