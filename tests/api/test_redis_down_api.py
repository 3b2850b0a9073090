"""Over HTTP, with a Redis of the test's own that stops mid-test: the API answers throughout, health says
"degraded" while Redis is down and "ok" once it is back, with no restart of the server."""

from __future__ import annotations

import httpx

from shopapp import redis_watch
from tests.api.test_checkout_api import _cart, _checkout, _product, _stock, checkouts_at_once_over_http
from tests.live_backend import production_backend


def test_the_api_keeps_answering_while_redis_is_down_and_health_follows_it(client, shop, own_redis):
    slug = shop["shop"]["slug"]
    tea = _product(shop, stock=5, price=3800)
    assert client.get("/health").json() == {"status": "ok", "redis": "ok"}

    own_redis.stop()
    health = client.get("/health")
    assert health.status_code == 200 and health.json() == {"status": "ok", "redis": "degraded"}
    catalogue = client.get(f"/store/{slug}/products")
    assert catalogue.status_code == 200 and catalogue.json()["total"] == 1
    token = _cart(client, slug, (tea, 2))
    placed = _checkout(client, slug, token, key="while-redis-is-down")
    assert placed.status_code == 201, placed.text
    assert _stock(tea) == 3
    again = _checkout(client, slug, token, key="while-redis-is-down")  # idempotency lives in the database
    assert again.json()["order_no"] == placed.json()["order_no"] and _stock(tea) == 3
    login = client.post("/auth/login", json={"email": "tea-house@example.com", "password": "secret-pass"})
    assert login.status_code == 200
    for _ in range(3):
        client.post("/auth/login", json={"email": "tea-house@example.com", "password": "not-my-pass"})
    slowed = client.post("/auth/login", json={"email": "tea-house@example.com", "password": "not-my-pass"})
    assert slowed.status_code == 429  # log-in throttling counts in the database, Redis or not
    assert client.get("/orders", headers=shop["headers"]).json()["total"] == 1

    own_redis.start()
    assert client.get("/health").json() == {"status": "ok", "redis": "ok"}
    assert client.get(f"/store/{slug}/products").status_code == 200


def test_checkouts_at_once_while_redis_is_down_never_oversell(client, shop, api_url, own_redis):
    tea = _product(shop, stock=3)
    slug = shop["shop"]["slug"]
    assert client.get(f"/store/{slug}/shipping-methods").status_code == 200  # as in test_checkout_api: no shop-row queue
    tokens = [_cart(client, slug, (tea, 1)) for _ in range(8)]
    own_redis.stop()
    answers = checkouts_at_once_over_http(api_url, slug, tokens)  # the database's conditional update guards stock
    assert answers.count((201, "")) == 3 and answers.count((409, "sold_out")) == 5
    assert _stock(tea) == 0


def test_the_real_backend_with_two_workers_serves_the_api_while_redis_is_down_and_recovers(own_redis):
    with production_backend(workers=2, redis_url=own_redis.url) as backend:
        api = backend.url + "/api/v1"
        own_redis.stop()
        for _ in range(6):  # both workers, each with its own watch
            health = httpx.get(api + "/health", timeout=10)
            assert health.status_code == 200 and health.json() == {"status": "ok", "redis": "degraded"}
        signed = httpx.post(api + "/auth/signup", timeout=10, json={
            "email": "li@example.com", "password": "secret-pass", "shop_name": "李记", "shop_slug": "li-ji"})
        assert signed.status_code == 201, signed.text
        owner = {"Authorization": f"Bearer {signed.json()['token']}"}
        made = httpx.post(api + "/products", headers=owner, timeout=10, json={
            "title": "龙井", "status": "active", "variants": [{"sku": "TEA-1", "price": 3800, "stock": 3, "weight_grams": 250}]})
        assert made.status_code == 201, made.text
        assert httpx.get(api + "/store/li-ji/products", timeout=10).json()["total"] == 1
        with httpx.Client(base_url=api, timeout=30) as shopper:
            cart = _cart(shopper, "li-ji", (made.json()["variants"][0]["id"], 2))
            assert _checkout(shopper, "li-ji", cart).status_code == 201

        own_redis.start()
        answers = {httpx.get(api + "/health", timeout=10).json()["redis"] for _ in range(6)}
        assert answers == {"ok"}
        flags = own_redis.client().config_get("notify-keyspace-events")["notify-keyspace-events"]
        assert set(redis_watch.NOTIFY_KEYSPACE_EVENTS) <= set(flags)  # given back to the new server


def test_the_real_backend_starts_while_redis_is_down_and_says_it_runs_degraded(own_redis):
    own_redis.stop()
    with production_backend(workers=2, redis_url=own_redis.url) as backend:
        assert httpx.get(backend.url + "/api/v1/health", timeout=10).json() == {"status": "ok", "redis": "degraded"}
        assert len(backend.worker_pids()) == 1  # page state in memory: one worker only
        own_redis.start()
        # Reflex chose its state manager at start: degraded until the next start, not a false "ok".
        assert httpx.get(backend.url + "/api/v1/health", timeout=10).json()["redis"] == "degraded"
