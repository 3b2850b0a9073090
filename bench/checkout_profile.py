"""Where one checkout's time goes: the checkout route's function (the API's `place_order`, which calls the
service and tags the order's visit) run in one process, cProfiled, with its SQL statements counted.

    createdb -h 127.0.0.1 -U postgres ratio_profile
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/ratio_profile .venv/bin/python bench/checkout_profile.py

The shop is checkout_ratio_bench's (one product, a 满减 of the whole shop, a coupon given out as one-time
codes), opened over HTTP against the API served in this process; then --orders carts of one unit are
checked out one after the other, each with its own code, in one thread: no lock is ever waited for,
so the figures are the checkout's own work. Prints statements and CPU per checkout (with and without
the profiler) and the profile's top functions by their own time and by cumulative time.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("RUN_JOBS", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from sqlalchemy import event  # noqa: E402
from starlette.requests import Request  # noqa: E402

from bench.checkout_ratio_bench import make_carts, open_shop  # noqa: E402
from shopapp.api import checkout as checkout_api  # noqa: E402
from shopapp.api import create_api  # noqa: E402
from shopapp.db import get_engine  # noqa: E402
from tests.api.conftest import serving  # noqa: E402
from tests.shopping import ADDRESS  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=200, help="checkouts profiled (plus as many timed without it)")
    parser.add_argument("--top", type=int, default=30, help="functions listed")
    parser.add_argument("--statements", action="store_true", help="list the statements of one checkout")
    parser.add_argument("--no-cprofile", action="store_true",
                        help="only the plain run (to sample it from outside: py-spy record -- python bench/checkout_profile.py ...)")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        sys.exit("set DATABASE_URL (PostgreSQL: the bench's database)")
    import subprocess
    subprocess.run([sys.executable, "-m", "shopapp", "migrate"], check=True, stdout=subprocess.DEVNULL)
    with serving(create_api()) as url:
        slug, work = asyncio.run(setup(url + "/api/v1", (1 if args.no_cprofile else 2) * args.orders + 1))
    statements: list[str] = []
    event.listen(get_engine(), "before_cursor_execute", lambda *a: statements.append(a[2]))
    checkout(slug, *work.pop())  # the first one warms the caches (the shop's slug, the promotions)
    statements.clear()
    began, clock = time.process_time(), time.perf_counter()
    for _ in range(args.orders):
        checkout(slug, *work.pop())
    plain_cpu = (time.process_time() - began) * 1000 / args.orders
    wall = (time.perf_counter() - clock) * 1000 / args.orders
    count = len(statements) / args.orders
    one = statements[: round(count)]
    statements.clear()
    if args.no_cprofile:
        print(f"{args.orders} checkouts: {count:.1f} statements each; CPU {plain_cpu:.1f} ms each, {wall:.1f} ms by the clock")
        return
    # Timed by the process's CPU, not the clock: waiting for PostgreSQL's answers costs this process nothing.
    profiler = cProfile.Profile(time.process_time)
    began = time.process_time()
    profiler.enable()
    for _ in range(args.orders):
        checkout(slug, *work.pop())
    profiler.disable()
    profiled_cpu = (time.process_time() - began) * 1000 / args.orders
    print(f"{args.orders} checkouts: {count:.1f} statements each; CPU {plain_cpu:.1f} ms each "
          f"({profiled_cpu:.1f} ms profiled), {wall:.1f} ms by the clock; load {os.getloadavg()[0]:.1f}")
    kinds = Counter(sql.split()[0].upper() for sql in one)
    print("one checkout's statements:", dict(kinds))
    if args.statements:
        for sql in one:
            print("   ", " ".join(sql.split())[:160])
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(args.top)
        print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[:12000])


async def setup(api: str, orders: int) -> tuple[str, list[tuple[str, str]]]:
    import httpx

    async with httpx.AsyncClient(base_url=api, timeout=60) as owner:
        slug, _, _, variant_id, codes = await open_shop(owner, orders)
    carts = await make_carts(f"{api}/store/{slug}", variant_id, orders)
    return slug, list(zip(carts, codes))


def checkout(slug: str, cart: str, code: str) -> None:
    body = checkout_api.CheckoutRequest(cart_token=cart, email="buyer@example.com", address=ADDRESS, coupon_code=code)
    request = Request({"type": "http", "method": "POST", "headers": [], "path": f"/api/v1/store/{slug}/checkout"})
    checkout_api.place_order(slug, body, request, idempotency_key=None)


if __name__ == "__main__":
    main()
