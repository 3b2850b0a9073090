"""Redis stops and comes back: the platform says it is degraded, carries on, and recovers without a restart.

Only Reflex's page state lives in Redis; these tests prove that nothing else waits for it.
"""

from __future__ import annotations

import pytest
from reflex.istate.manager.redis import NOTIFY_KEYSPACE_EVENTS as REFLEX_KEYSPACE_EVENTS
from sqlmodel import select

from shopapp import jobs, redis_watch
from shopapp.db import session_scope
from shopapp.models import OutboxEmail
from shopapp.services.checkout.place import place_order
from shopapp.services.core import outbox
from shopapp.services.core.errors import RateLimited, Unauthorized
from shopapp.services.shops import accounts
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


def test_without_redis_url_health_says_redis_is_unused(monkeypatch):
    from shopapp.settings import get_settings

    monkeypatch.delenv("REDIS_URL", raising=False)
    get_settings.cache_clear()
    try:
        assert redis_watch.redis_status() == "unused"
    finally:
        get_settings.cache_clear()


def test_a_down_redis_is_asked_again_only_after_the_retry_interval(own_redis, monkeypatch):
    monkeypatch.setattr(redis_watch, "RETRY_SECONDS", 5.0)
    clock = FakeClock()
    watch = redis_watch.RedisWatch(own_redis.url, clock=clock)
    own_redis.stop()
    assert watch.status() == "degraded"
    own_redis.start()
    clock.now += 4.9
    assert watch.status() == "degraded"  # nobody waits on a dead Redis twice within the interval
    clock.now += 0.1
    assert watch.status() == "ok"


def test_going_down_and_coming_back_are_logged_once_each(own_redis, caplog):
    watch = redis_watch.RedisWatch(own_redis.url)
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
    watch = redis_watch.RedisWatch(own_redis.url)
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
