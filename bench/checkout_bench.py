"""Checkout throughput on one hot SKU: orders/s and latency while shoppers race for its stock.

    .venv/bin/python bench/checkout_bench.py                                   # SQLite (temporary), 1 worker
    createdb -h 127.0.0.1 -U postgres shopapp_checkout_bench
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/shopapp_checkout_bench REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/checkout_bench.py --workers 2

Starts the production backend (tests/live_backend.py, the same start-up as the multi-worker
test), opens a shop over the API with one product of --stock units, then --shoppers
concurrent shoppers each loop: create a cart, add one unit, check out, until the stock runs
out. Prints orders/s, p50/p95 of the checkout request and of the whole journey, the sold-out
answers, which workers answered, and checks that orders == units sold and stock == 0.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.live_backend import production_backend  # noqa: E402
from tests.shopping import ADDRESS  # noqa: E402


@dataclass
class Tally:
    checkout_ms: list[float] = field(default_factory=list)  # checkouts that placed an order
    journey_ms: list[float] = field(default_factory=list)  # new cart + add + checkout, for those orders
    browse_ms: list[float] = field(default_factory=list)  # a product page or a search, while the race runs
    sold_out_at_checkout: int = 0
    sold_out_at_add: int = 0
    errors: Counter = field(default_factory=Counter)
    workers: Counter = field(default_factory=Counter)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=1, help="backend worker processes (more than 1 needs REDIS_URL)")
    parser.add_argument("--shoppers", type=int, default=20, help="shoppers buying at the same time")
    parser.add_argument("--stock", type=int, default=500, help="units of the hot SKU; the run ends when they are gone")
    parser.add_argument("--browsers", type=int, default=10, help="shoppers only looking (product, search) meanwhile")
    parser.add_argument("--look-every", type=float, default=0.2, help="seconds between one browser's looks")
    args = parser.parse_args()
    database_url, redis_url = os.environ.get("DATABASE_URL"), os.environ.get("REDIS_URL")
    if args.workers > 1 and not redis_url:
        sys.exit("several workers share their state through Redis: set REDIS_URL")

    print(f"database {'PostgreSQL' if database_url else 'SQLite (temporary)'}, "
          f"redis {'yes' if redis_url else 'no'}, {args.workers} worker(s), {args.shoppers} shoppers, "
          f"{args.browsers} browsers, {args.stock} units")
    started = time.monotonic()
    with production_backend(workers=args.workers, database_url=database_url, redis_url=redis_url) as backend:
        print(f"backend serving after {time.monotonic() - started:.1f} s, worker pids {sorted(backend.worker_pids())}")
        asyncio.run(run(backend.url + "/api/v1", args.shoppers, args.browsers, args.look_every, args.stock))


async def run(api: str, shoppers: int, browsers: int, look_every: float, stock: int) -> None:
    async with httpx.AsyncClient(base_url=api, timeout=60) as owner:
        slug, headers, product_id, variant_id = await open_shop(owner, stock)
        store = f"{api}/store/{slug}"
        tally = Tally()
        began, sold_out = time.monotonic(), asyncio.Event()
        lookers = [asyncio.create_task(browser(store, product_id, look_every, tally, sold_out)) for _ in range(browsers)]
        await asyncio.gather(*(shopper(store, variant_id, tally) for _ in range(shoppers)))
        seconds = time.monotonic() - began
        sold_out.set()
        await asyncio.gather(*lookers)
        left = (await owner.get(f"/products/{product_id}", headers=headers)).json()["variants"][0]["stock"]
        orders = (await owner.get("/orders", headers=headers)).json()["total"]
    report(tally, seconds, stock, left, orders)


async def open_shop(owner: httpx.AsyncClient, stock: int) -> tuple[str, dict, int, int]:
    slug = f"hot-{uuid.uuid4().hex[:8]}"
    signed = await owner.post("/auth/signup", json={
        "email": f"{slug}@example.com", "password": "secret-pass", "shop_name": "爆款茶铺", "shop_slug": slug,
    })
    signed.raise_for_status()
    headers = {"Authorization": f"Bearer {signed.json()['token']}"}
    created = await owner.post("/products", headers=headers, json={
        "title": "限量龙井", "status": "active", "variants": [{"sku": "HOT-1", "price": 3800, "stock": stock}],
    })
    created.raise_for_status()
    product = created.json()
    # The shop's default shipping method is made on its first visit; make it now, as for any
    # shop that has had visitors, so the run measures checkouts and not that first-visit lock.
    (await owner.get(f"/store/{slug}/shipping-methods")).raise_for_status()
    return slug, headers, product["id"], product["variants"][0]["id"]


async def shopper(store: str, variant_id: int, tally: Tally) -> None:
    """One shopper on their own connection, buying one unit after another until sold out."""
    async with httpx.AsyncClient(base_url=store, timeout=60) as client:
        number = 0
        while True:
            number += 1
            began = time.monotonic()
            cart = (await client.post("/carts")).json()["cart_token"]
            added = await client.post(f"/carts/{cart}/items", json={"variant_id": variant_id, "qty": 1})
            if added.status_code == 409 and added.json()["error"]["code"] == "sold_out":
                tally.sold_out_at_add += 1
                return
            pressed = time.monotonic()
            answer = await client.post("/checkout", json={
                "cart_token": cart, "email": f"buyer{number}@example.com", "address": ADDRESS,
            })
            done = time.monotonic()
            tally.workers[answer.headers.get("x-served-by", "?")] += 1
            if answer.status_code == 201:
                tally.checkout_ms.append((done - pressed) * 1000)
                tally.journey_ms.append((done - began) * 1000)
            elif answer.status_code == 409 and answer.json()["error"]["code"] == "sold_out":
                tally.sold_out_at_checkout += 1
                return
            else:
                tally.errors[f"{answer.status_code} {answer.text[:80]}"] += 1
                return


async def browser(store: str, product_id: int, look_every: float, tally: Tally, sold_out: asyncio.Event) -> None:
    """Someone who only looks, one look every `look_every` seconds: the product page's data, then
    a search, and again (paced, as people are: a look that waits does not bring the next one sooner)."""
    async with httpx.AsyncClient(base_url=store, timeout=60) as client:
        while not sold_out.is_set():
            for path in (f"/products/{product_id}", "/products?q=龙井"):
                began = time.monotonic()
                answer = await client.get(path)
                if answer.status_code != 200:
                    tally.errors[f"{answer.status_code} {answer.text[:80]}"] += 1
                    return
                took = time.monotonic() - began
                tally.browse_ms.append(took * 1000)
                await asyncio.sleep(max(0.0, look_every - took))


def report(tally: Tally, seconds: float, stock: int, left: int, orders: int) -> None:
    placed = len(tally.checkout_ms)
    print(f"orders placed      {placed} in {seconds:.2f} s  ->  {placed / seconds:.1f} orders/s")
    print(f"checkout request   p50 {percentile(tally.checkout_ms, 50):.0f} ms   p95 {percentile(tally.checkout_ms, 95):.0f} ms")
    print(f"whole journey      p50 {percentile(tally.journey_ms, 50):.0f} ms   p95 {percentile(tally.journey_ms, 95):.0f} ms"
          "   (new cart + add + checkout)")
    if tally.browse_ms:
        print(f"a look meanwhile   p50 {percentile(tally.browse_ms, 50):.0f} ms   p95 {percentile(tally.browse_ms, 95):.0f} ms"
              f"   ({len(tally.browse_ms)} product pages and searches)")
    print(f"sold-out answers   {tally.sold_out_at_checkout} at checkout, {tally.sold_out_at_add} when adding to the cart")
    print(f"checkouts by worker {dict(tally.workers)}")
    print(f"errors             {dict(tally.errors) or 'none'}")
    print(f"load average       {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    fine = orders == placed == stock - left and left == 0 and not tally.errors
    print(f"final stock {left}, orders in the shop {orders}, units sold {stock - left}: {'OK' if fine else 'WRONG'}")
    if not fine:
        sys.exit(1)


def percentile(values: list[float], pct: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


if __name__ == "__main__":
    main()
