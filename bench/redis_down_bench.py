"""The API with Redis up, stopped and back: request latency in each phase, and how soon health sees it back.

    .venv/bin/python bench/redis_down_bench.py                 # 2 workers, 200 requests per kind and phase

Starts a Redis of its own (tests/redis_server.py) and the production backend with two workers on it
(tests/live_backend.py, SQLite), opens a shop with one product over the API, then for each phase
(Redis up, Redis stopped, Redis started again) times --requests of each: the storefront
catalogue, a shopper's cart with one item added, and health. Then prints how long after Redis started again
every worker's health said "ok" (REDIS_RETRY_SECONDS as set, 5 by default).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.live_backend import production_backend  # noqa: E402
from tests.redis_server import own_redis_server  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--requests", type=int, default=200, help="requests of each kind in each phase")
    args = parser.parse_args()
    with own_redis_server() as redis_server, production_backend(workers=args.workers, redis_url=redis_server.url) as backend:
        with httpx.Client(base_url=backend.url + "/api/v1", timeout=30) as client:
            variant_id = _open_shop(client)
            print(f"{'phase':<16}{'request':<12}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}  answers")
            _phase("redis up", client, variant_id, args.requests)
            redis_server.stop()
            _phase("redis stopped", client, variant_id, args.requests)
            redis_server.start()
            started = time.monotonic()
            while {client.get("/health").json()["redis"] for _ in range(args.workers * 4)} != {"ok"}:
                time.sleep(0.1)
            print(f"health said ok on every worker {time.monotonic() - started:.1f} s after Redis started again")
            _phase("redis back", client, variant_id, args.requests)


def _open_shop(client: httpx.Client) -> int:
    signed = client.post("/auth/signup", json={
        "email": "bench@example.com", "password": "secret-pass", "shop_name": "Bench", "shop_slug": "bench-shop"})
    owner = {"Authorization": f"Bearer {signed.json()['token']}"}
    made = client.post("/products", headers=owner, json={
        "title": "龙井", "status": "active", "variants": [{"sku": "TEA-1", "price": 3800, "stock": 10**6, "weight_grams": 250}]})
    return made.json()["variants"][0]["id"]


def _phase(name: str, client: httpx.Client, variant_id: int, count: int) -> None:
    def cart() -> httpx.Response:
        token = client.post("/store/bench-shop/carts").json()["cart_token"]
        return client.post(f"/store/bench-shop/carts/{token}/items", json={"variant_id": variant_id, "qty": 1})

    # Health last: the watches' latest ask is then just before Redis starts again, the slowest case.
    for label, request in (("catalogue", lambda: client.get("/store/bench-shop/products")),
                           ("cart", cart),
                           ("health", lambda: client.get("/health"))):
        times, answers = [], {}
        for _ in range(count):
            start = time.perf_counter()
            answer = request()
            times.append((time.perf_counter() - start) * 1000)
            shown = f"{answer.status_code} {answer.json().get('redis', '')}".strip()
            answers[shown] = answers.get(shown, 0) + 1
        times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        print(f"{name:<16}{label:<12}{statistics.median(times):>8.1f}{p95:>8.1f}{times[-1]:>8.1f}  {answers}")


if __name__ == "__main__":
    main()
