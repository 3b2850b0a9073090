"""Reflex's own cost per event: one shopper sends one kind of event in a loop, each worker's CPU per event.

    REDIS_URL=redis://127.0.0.1:6379/3 .venv/bin/python bench/event_floor.py --events 400
    REDIS_URL=redis://127.0.0.1:6379/3 .venv/bin/python bench/event_floor.py --events 400 --profile /tmp/floor

Starts the production backend (one worker unless --workers; with REDIS_URL page state in Redis), opens a shop
and one shopper (bench/storefront_scale.py's client, which speaks Reflex's websocket protocol), then runs, one
kind at a time: connects (a page opened: hydrate_and_load, on_load_internal, the page's load), empty events (the
product page's quantity stepped by 0: Reflex's floor, nothing of ours), product page navigations
(on_load_internal + load) and, with a cart token in LocalStorage, cart page navigations (on_load_internal with
the token + load; update_vars_internal + on_load_internal + load before session 14). Prints per kind the workers' CPU per action, the Redis commands per action (the whole
server's: run it on a quiet Redis) and, per Reflex event, the worker thread's CPU during it (median and mean,
shopapp/event_gate.py's --event-stats log). `--profile DIR` records each kind with py-spy on each worker
(`--format raw`, 500 Hz) into DIR/<kind>-<pid>.txt, for reading where the time goes.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import storefront_scale as scale  # noqa: E402

from tests.live_backend import live_children, production_backend  # noqa: E402

PY_SPY = str(Path(sys.executable).parent / "py-spy")


async def run(args, base: str, supervisor: int) -> None:
    boot = await scale.compiled_defaults()
    slug, products = await scale.open_shop(base + "/api/v1", 2)
    shopper = scale.Shopper(base, slug, boot)
    path, params = scale.product_path(slug, products[0])
    await shopper.open(path, params)
    workers = sorted(live_children(supervisor))

    async def connect():
        tab = scale.Shopper(base, slug, boot)
        await tab.open(path, params)
        await tab.close()

    kinds = [("connect", connect, max(1, args.events // 10)),
             ("empty", lambda: shopper.empty_event(path, params), args.events),
             ("product", lambda: shopper.navigate(path, params), args.events // 2)]
    for name, action, count in kinds:
        await measure(args, name, workers, action, count)
    await shopper.add_to_cart(path, params)  # LocalStorage now holds a cart token: navigations send update_vars
    await measure(args, "cart", workers, lambda: shopper.navigate(*scale.cart_path(slug)), args.events // 2)
    await shopper.close()


async def measure(args, name: str, workers: list[int], action, count: int) -> None:
    for _ in range(10):  # warm: the first events of a kind import and compile what they need
        await action()
    spies = [subprocess.Popen([PY_SPY, "record", "--pid", str(pid), "--format", "raw", "--rate", "500", "--nonblocking",
                               "-o", str(Path(args.profile) / f"{name}-{pid}.txt")],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for pid in workers] if args.profile else []
    if spies:
        await asyncio.sleep(1)  # py-spy attached
    commands, mark = scale.redis_commands(os.environ.get("REDIS_URL")), log_sizes()
    cpu = sum(scale.cpu_seconds(pid) for pid in workers)
    began = time.monotonic()
    for _ in range(count):
        await action()
    wall = time.monotonic() - began
    await asyncio.sleep(0.2)  # a chained event's line may come just after the delta that answered
    cpu = sum(scale.cpu_seconds(pid) for pid in workers) - cpu
    commands = scale.redis_commands(os.environ.get("REDIS_URL")) - commands
    for spy in spies:
        spy.send_signal(2)
        spy.wait()
    events = ", ".join(f"{event} {len(ms) / count:.1f} x median {statistics.median(ms):.2f} mean {statistics.fmean(ms):.2f} ms"
                       for event, ms in events_since(mark).items())
    print(f"{name:<8} {1000 * cpu / count:6.2f} ms worker CPU, {1000 * wall / count:6.1f} ms wall, "
          f"{commands / count:5.1f} Redis commands per action; {events}")


def log_sizes() -> dict[str, int]:
    folder = Path(os.environ["SHOPAPP_EVENT_STATS"])
    return {log.name: log.stat().st_size for log in folder.iterdir()}


def events_since(mark: dict[str, int]) -> dict[str, list[float]]:
    """Each Reflex event's worker-thread CPU (ms) logged since `mark`, by the handler's short name."""
    events: dict[str, list[float]] = {}
    for log in Path(os.environ["SHOPAPP_EVENT_STATS"]).iterdir():
        with open(log, "rb") as rows:
            rows.seek(mark.get(log.name, 0))
            for row in rows.read().decode().splitlines():
                event, _, ms = row.rpartition("\t")
                events.setdefault(event.rsplit(".", 1)[-1], []).append(float(ms))
    return events


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=400, help="empty events; half as many navigations of each page")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--profile", metavar="DIR", help="record each kind with py-spy on every worker into DIR")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    redis_url = os.environ.get("REDIS_URL")
    if args.workers > 1 and not redis_url:
        sys.exit("several workers share their state through Redis: set REDIS_URL")
    if args.profile:
        Path(args.profile).mkdir(parents=True, exist_ok=True)
    os.environ["SHOPAPP_EVENT_STATS"] = tempfile.mkdtemp(prefix="event-floor-")  # read by the workers at import
    if redis_url:
        import redis

        redis.Redis.from_url(redis_url).flushdb()  # our own database number
    print(f"redis {'yes' if redis_url else 'no'}, {args.workers} worker(s); load average {os.getloadavg()[0]:.1f}")
    with production_backend(workers=args.workers, redis_url=redis_url) as backend:
        asyncio.run(run(args, backend.url, backend.process.pid))


if __name__ == "__main__":
    main()
