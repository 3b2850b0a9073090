"""秒杀 under a rush (issue 18, Speed): SHOPPERS logged-in shoppers at once for UNITS units (limit 1 each),
against the same server's `GET /api/v1/health` rate, and a plain checkout of the same SKU for comparison.

    createdb -h 127.0.0.1 -U postgres shopapp_flash_bench
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/shopapp_flash_bench REDIS_URL=redis://127.0.0.1:6379/12 \\
        .venv/bin/python bench/flash_sale_bench.py --workers 2

Starts the production backend (tests/live_backend.py: Granian, WORKERS processes, no front end), opens a shop
with one product, a flash sale of --units units and --shoppers shoppers (written straight to the database: not
timed). Then, with --clients kept connections:
1. health: GET /api/v1/health in a loop for --seconds seconds;
2. the rush: every shopper presses "buy" --tries times (the first try of each in random order, then again):
   answers per second over the rush, the losers' rate against the health rate (target ≥ 80 %), p50 / p95 of
   a loser's answer (target p95 < 50 ms) and of a winner's order (target p95 < 500 ms);
3. plain checkouts of the same SKU (--units carts) for comparison: p50 / p95.
Checks that exactly --units orders were won, each shopper at most one, and that sold + left == quantity.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.checkout_bench import percentile  # noqa: E402
from bench.checkout_ratio_bench import health_rate, make_carts  # noqa: E402
from tests.live_backend import production_backend  # noqa: E402
from tests.shopping import ADDRESS  # noqa: E402

PRICE, FLASH_PRICE = 3800, 990


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=50, help="kept connections at once")
    parser.add_argument("--shoppers", type=int, default=1000)
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--tries", type=int, default=3, help="presses per shopper")
    parser.add_argument("--seconds", type=float, default=8.0, help="how long the health rate is measured")
    args = parser.parse_args()
    database_url, redis_url = os.environ.get("DATABASE_URL"), os.environ.get("REDIS_URL")
    if args.workers > 1 and not redis_url:
        sys.exit("several workers share their state through Redis: set REDIS_URL")
    print(f"database {'PostgreSQL' if database_url else 'SQLite (temporary)'}, redis {'yes' if redis_url else 'no'}, "
          f"{args.workers} worker(s), {args.clients} clients, {args.shoppers} shoppers x {args.tries} tries, {args.units} units; "
          f"load {os.getloadavg()[0]:.1f}")
    with production_backend(workers=args.workers, database_url=database_url, redis_url=redis_url) as backend:
        asyncio.run(run(backend.url + "/api/v1", args))


async def run(api: str, args) -> None:
    async with httpx.AsyncClient(base_url=api, timeout=60) as owner:
        slug, headers, shop_id, variant_id, sale_id = await open_shop(owner, args.units)
        tokens = shoppers(shop_id, args.shoppers)
        health = await health_rate(api, args.clients, args.seconds)
        took, winners, losers, codes, shoppers_won, sold_out_rate, selling = await rush(f"{api}/store/{slug}", sale_id, tokens, args)
        carts = await make_carts(f"{api}/store/{slug}", variant_id, args.units)
        plain = await plain_checkouts(f"{api}/store/{slug}", carts, args.clients)
        sale = (await owner.get(f"/flash-sales/{sale_id}", headers=headers)).json()
    answered = len(winners) + len(losers)
    print(f"health             {health:.0f} requests/s")
    print(f"rush               {answered / took:.0f} answers/s over {took:.2f} s ({answered} answers: {codes})")
    print(f"losers, whole rush {len(losers) / took:.0f} answers/s = {len(losers) / took / health * 100:.0f} % of health (target ≥ 80 %)"
          f"   p50 {percentile(losers, 50):.1f} ms   p95 {percentile(losers, 95):.1f} ms (target < 50)")
    print(f"after the last win {sold_out_rate:.0f} answers/s = {sold_out_rate / health * 100:.0f} % of health "
          f"(the units went in the first {selling:.2f} s)")
    print(f"winners' orders    p50 {percentile(winners, 50):.0f} ms   p95 {percentile(winners, 95):.0f} ms (target < 500)")
    print(f"plain checkout     p50 {percentile(plain, 50):.0f} ms   p95 {percentile(plain, 95):.0f} ms ({len(plain)} orders)")
    print(f"load average       {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    fine = len(winners) == args.units == len(shoppers_won) == len(set(shoppers_won)) and sale["sold"] + sale["left"] == sale["quantity"]
    print(f"won {len(winners)}, distinct shoppers {len(set(shoppers_won))}, sold {sale['sold']} + left {sale['left']} "
          f"= {sale['quantity']}: {'OK' if fine else 'WRONG'}")
    if not fine:
        sys.exit(1)


async def open_shop(owner: httpx.AsyncClient, units: int, starts_in: float = -60):
    """A shop with one product and a sale of `units` on it starting `starts_in` seconds from now (running already
    by default), its default shipping method made: (slug, owner's headers, shop id, variant id, sale id)."""
    slug = f"flash-{uuid.uuid4().hex[:8]}"
    signed = (await owner.post("/auth/signup", json={
        "email": f"{slug}@example.com", "password": "secret-pass", "shop_name": "秒杀茶铺", "shop_slug": slug,
    })).raise_for_status().json()
    headers = {"Authorization": f"Bearer {signed['token']}"}
    product = (await owner.post("/products", headers=headers, json={
        "title": "限量龙井", "status": "active", "variants": [{"sku": "HOT-1", "price": PRICE, "stock": units * 3}],
    })).raise_for_status().json()
    variant_id = product["variants"][0]["id"]
    now = datetime.now(UTC)
    sale = (await owner.post("/flash-sales", headers=headers, json={
        "name": "整点秒杀", "variant_id": variant_id, "price": FLASH_PRICE, "quantity": units, "per_customer_limit": 1,
        "starts_at": (now + timedelta(seconds=starts_in)).isoformat(), "ends_at": (now + timedelta(hours=1)).isoformat(),
    })).raise_for_status().json()
    (await owner.get(f"/store/{slug}/shipping-methods")).raise_for_status()  # the default method, made on a first visit
    return slug, headers, signed["shop"]["id"], variant_id, sale["id"]


def shoppers(shop_id: int, count: int) -> list[str]:
    """Logged-in shoppers written straight to the database (the bench's setup, not timed)."""
    from shopapp.db import session_scope
    from tests.flash_sale_shop import shoppers_of
    with session_scope() as session:
        return shoppers_of(session, shop_id, count, prefix=f"fan{uuid.uuid4().hex[:6]}-")


async def rush(store: str, sale_id: int, tokens: list[str], args):
    presses = [t for _ in range(args.tries) for t in random.sample(tokens, len(tokens))]
    winners: list[float] = []
    losers: list[float] = []
    answered_at: list[tuple[float, bool]] = []  # (when, won)
    codes: dict[str, int] = {}
    won: list[str] = []
    queue = list(reversed(presses))

    async def one() -> None:
        async with httpx.AsyncClient(base_url=store, timeout=60) as client:
            await client.get("/flash-sales")  # the connection opened before the clock starts
            await go.wait()
            while queue:
                token = queue.pop()
                began = time.monotonic()
                answer = await client.post(f"/flash-sales/{sale_id}/orders", json={"qty": 1, "address": ADDRESS},
                                           headers={"Authorization": f"Bearer {token}"})
                spent = (time.monotonic() - began) * 1000
                answered_at.append((time.monotonic(), answer.status_code == 201))
                if answer.status_code == 201:
                    winners.append(spent)
                    won.append(token)
                    code = "won"
                else:
                    losers.append(spent)
                    code = answer.json().get("error", {}).get("code", str(answer.status_code))
                codes[code] = codes.get(code, 0) + 1

    go = asyncio.Event()
    tasks = [asyncio.create_task(one()) for _ in range(args.clients)]
    await asyncio.sleep(1.0)
    began = time.monotonic()
    go.set()
    await asyncio.gather(*tasks)
    ended = time.monotonic()
    last_win = max((at for at, win in answered_at if win), default=began)
    after = sum(1 for at, win in answered_at if at > last_win and not win)
    sold_out_rate = after / (ended - last_win) if ended > last_win else 0.0
    return ended - began, winners, losers, codes, won, sold_out_rate, last_win - began


async def plain_checkouts(store: str, carts: list[str], clients: int) -> list[float]:
    times: list[float] = []
    queue = list(carts)

    async def one() -> None:
        async with httpx.AsyncClient(base_url=store, timeout=60) as client:
            while queue:
                cart = queue.pop()
                began = time.monotonic()
                answer = await client.post("/checkout", json={"cart_token": cart, "email": "buyer@example.com", "address": ADDRESS})
                if answer.status_code == 201:
                    times.append((time.monotonic() - began) * 1000)

    await asyncio.gather(*(one() for _ in range(min(clients, 20))))
    return times


if __name__ == "__main__":
    main()
