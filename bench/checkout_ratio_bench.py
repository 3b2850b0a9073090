"""Checkouts per second on one hot SKU against the same server's `GET /api/v1/health` rate (issue 16: the
ratio must reach 25 %), with a 满减 and a coupon active.

    createdb -h 127.0.0.1 -U postgres shopapp_ratio_bench
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/shopapp_ratio_bench REDIS_URL=redis://127.0.0.1:6379/7 \\
        .venv/bin/python bench/checkout_ratio_bench.py --workers 2

Starts the production backend (tests/live_backend.py: Granian, WORKERS processes, no front end), opens
a shop with one product of --orders units, a 满减 on the whole shop (满¥30减¥3) and a coupon (¥2 off)
given out as one-time codes, one per order. Then, with --clients clients that keep their connections:
1. health: each client asks GET /api/v1/health in a loop for --seconds seconds;
2. (not timed) one cart per order, each holding one unit of the hot SKU;
3. checkouts: the clients check those carts out, each with its own code, until every unit is sold.
Prints both rates, the ratio, checkout p50 / p95, and checks that every order carries both savings
and that orders == units sold.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.checkout_bench import percentile  # noqa: E402
from tests.live_backend import production_backend  # noqa: E402
from tests.shopping import ADDRESS  # noqa: E402

PRICE, MANJIAN, COUPON = 3800, 300, 200


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=20, help="clients at once, each on its own kept connection")
    parser.add_argument("--orders", type=int, default=600, help="units of the hot SKU, one order each")
    parser.add_argument("--seconds", type=float, default=10.0, help="how long the health rate is measured")
    args = parser.parse_args()
    database_url, redis_url = os.environ.get("DATABASE_URL"), os.environ.get("REDIS_URL")
    if args.workers > 1 and not redis_url:
        sys.exit("several workers share their state through Redis: set REDIS_URL")
    print(f"database {'PostgreSQL' if database_url else 'SQLite (temporary)'}, redis {'yes' if redis_url else 'no'}, "
          f"{args.workers} worker(s), {args.clients} clients, {args.orders} orders; load {os.getloadavg()[0]:.1f}")
    with production_backend(workers=args.workers, database_url=database_url, redis_url=redis_url) as backend:
        asyncio.run(run(backend.url + "/api/v1", args))


async def run(api: str, args) -> None:
    async with httpx.AsyncClient(base_url=api, timeout=60) as owner:
        slug, headers, product_id, variant_id, codes = await open_shop(owner, args.orders)
        health = await health_rate(api, args.clients, args.seconds)
        carts = await make_carts(f"{api}/store/{slug}", variant_id, args.orders)
        rate, times, errors = await checkouts(f"{api}/store/{slug}", list(zip(carts, codes)), args.clients)
        left = (await owner.get(f"/products/{product_id}", headers=headers)).json()["variants"][0]["stock"]
        orders = (await owner.get("/orders", headers=headers, params={"per_page": 1})).json()
        sample = (await owner.get(f"/orders/{orders['items'][0]['id']}", headers=headers)).json()
    sources = sorted(saving["source"] for saving in sample["discounts"])
    print(f"health             {health:.0f} requests/s")
    print(f"checkouts          {rate:.1f} orders/s   p50 {percentile(times, 50):.0f} ms   p95 {percentile(times, 95):.0f} ms")
    print(f"ratio              {rate / health * 100:.1f} %   (target 25 %)")
    print(f"load average       {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    fine = not errors and left == 0 and orders["total"] == args.orders == len(times) and sources == ["coupon", "tiered"]
    print(f"errors {errors or 'none'}; stock left {left}; orders {orders['total']}; an order's savings {sources}; "
          f"total {sample['total']}: {'OK' if fine else 'WRONG'}")
    if not fine:
        sys.exit(1)


async def open_shop(owner: httpx.AsyncClient, units: int) -> tuple[str, dict, int, int, list[str]]:
    slug = f"ratio-{uuid.uuid4().hex[:8]}"
    signed = await owner.post("/auth/signup", json={
        "email": f"{slug}@example.com", "password": "secret-pass", "shop_name": "爆款茶铺", "shop_slug": slug,
    })
    signed.raise_for_status()
    headers = {"Authorization": f"Bearer {signed.json()['token']}"}
    product = (await owner.post("/products", headers=headers, json={
        "title": "限量龙井", "status": "active", "variants": [{"sku": "HOT-1", "price": PRICE, "stock": units}],
    })).raise_for_status().json()
    now = datetime.now(UTC)
    times = {"starts_at": (now - timedelta(hours=1)).isoformat(), "ends_at": (now + timedelta(days=1)).isoformat()}
    (await owner.post("/promotions", headers=headers, json={
        "kind": "tiered", "name": "满30减3", **times, "tiers": [{"min_amount": 3000, "amount_off": MANJIAN}],
    })).raise_for_status()
    coupon = (await owner.post("/coupons", headers=headers, json={
        "name": "爆款券", "kind": "amount", "amount_off": COUPON, "min_amount": 0, **times,
    })).raise_for_status().json()
    codes = (await owner.post(f"/coupons/{coupon['id']}/codes", headers=headers, json={"count": units})).raise_for_status().json()["codes"]
    (await owner.get(f"/store/{slug}/shipping-methods")).raise_for_status()  # the default method, made on a first visit
    return slug, headers, product["id"], product["variants"][0]["id"], codes


async def health_rate(api: str, clients: int, seconds: float, warm_up: float = 3.0) -> float:
    """Requests per second once every client has been answered for `warm_up` seconds: a worker that was
    still starting (Granian starts them one after the other) made the first runs' rate a third of the
    real one."""
    count = 0
    began = time.monotonic() + warm_up
    stop = began + seconds

    async def one() -> None:
        nonlocal count
        async with httpx.AsyncClient(base_url=api, timeout=60) as client:
            while (now := time.monotonic()) < stop:
                (await client.get("/health")).raise_for_status()
                if now >= began:
                    count += 1

    await asyncio.gather(*(one() for _ in range(clients)))
    return count / seconds


async def make_carts(store: str, variant_id: int, count: int) -> list[str]:
    async with httpx.AsyncClient(base_url=store, timeout=60) as client:
        async def one() -> str:
            cart = (await client.post("/carts")).json()["cart_token"]
            (await client.post(f"/carts/{cart}/items", json={"variant_id": variant_id, "qty": 1})).raise_for_status()
            return cart
        carts = []
        for start in range(0, count, 20):
            carts += await asyncio.gather(*(one() for _ in range(min(20, count - start))))
        return carts


async def checkouts(store: str, work: list[tuple[str, str]], clients: int) -> tuple[float, list[float], dict]:
    times: list[float] = []
    errors: dict[str, int] = {}
    queue = list(reversed(work))

    async def one() -> None:
        async with httpx.AsyncClient(base_url=store, timeout=60) as client:
            await client.get("/shipping-methods")  # the connection opened before the clock starts
            await go.wait()
            while queue:
                cart, code = queue.pop()
                began = time.monotonic()
                answer = await client.post("/checkout", json={
                    "cart_token": cart, "email": "buyer@example.com", "address": ADDRESS, "coupon_code": code,
                })
                if answer.status_code == 201:
                    times.append((time.monotonic() - began) * 1000)
                else:
                    key = f"{answer.status_code} {answer.text[:80]}"
                    errors[key] = errors.get(key, 0) + 1

    go = asyncio.Event()
    tasks = [asyncio.create_task(one()) for _ in range(clients)]
    await asyncio.sleep(1.0)
    began = time.monotonic()
    go.set()
    await asyncio.gather(*tasks)
    return len(times) / (time.monotonic() - began), times, errors


if __name__ == "__main__":
    main()
