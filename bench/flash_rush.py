"""秒杀 through the UI (issue 17's "Done when"): SHOPPERS logged-in shoppers wait on a product page for a flash sale
of UNITS units, each over its own websocket speaking Reflex's protocol, and press 立即抢购 as its button opens.

    REDIS_URL=redis://127.0.0.1:6379/11 .venv/bin/python bench/flash_rush.py --shoppers 100 --units 20   # development
    createdb -h 127.0.0.1 -U postgres shopapp_flash_rush     # once: each run opens a shop of its own
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/shopapp_flash_rush REDIS_URL=redis://127.0.0.1:6379/11 \\
        flock /tmp/bench.lock .venv/bin/python bench/flash_rush.py --workers 2 --shoppers 1000 --units 100

Starts the production backend (tests/live_backend.py) with Redis and --workers workers, opens a shop with one
product and a sale of --units units (limit 1) starting --connect-budget + --lead seconds later, and writes
--shoppers logged-in shoppers straight to the database (bench/flash_sale_bench.py's setup: not timed). Then:
1. connect: every shopper opens the product page (bench/storefront_scale.py's Shopper, its shop's log-in token in
   the LocalStorage vars of its hydrate, as a browser that logged in earlier sends it), 50 at a time; the block
   must say phase "coming";
2. the wait: server CPU (% of the machine's cores), Redis commands/s and CPU, updates pushed per shopper and the
   whole machine's busy share for --wait seconds while everyone sits on "coming" (before 618af91: what
   FlashSaleBlockState.watch_start's 0.2 s ticks cost), and the same once the rush is over, for comparison;
3. the open: per shopper, the sale's start to its button opening. Before 618af91 the server opened it (the
   delta saying phase "open", from watch_start); since, the page does (assets/countdown.js: at the start on the
   server's clock, `data-countdown-now` giving the skew, on its 0.5 s tick), which this client imitates; the
   bench tells which from the code. A shopper whose button has not opened --open-timeout s after the start is
   counted, with when its last update came and whether it was shown the "service degraded" banner
   (shopapp/ui/degraded.py: an event that failed on Redis, e.g. its watch_start);
4. the rush: each presses 立即抢购 (FlashSaleBlockState.buy with the address form) 0-`--jitter` s after its
   button opened (again, up to 5 times, when refused before the start); the time from its first press to its
   answer: a winner's `_redirect` to its order's page (not followed), a loser's `problem`; from the start until
   every shopper has an answer, with the server's CPU until then, and this client's longest event-loop stall;
5. checks (exit 1 when wrong): exactly --units winners and orders, no shopper with two, sold + left ==
   quantity, every shopper answered; Redis locks held over 1 s and tracebacks from the server's log (copied to
   --server-log).
The client runs in this one process on the same machine: its own CPU is printed beside the server's.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import resource
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.flash_sale_bench import open_shop, shoppers  # noqa: E402
from bench.storefront_scale import (  # noqa: E402
    STORE,
    Figures,
    Shopper,
    compiled_defaults,
    connect_many,
    cpu_seconds,
    line,
    lock_warnings,
    product_path,
    redis_commands,
)
from tests.live_backend import live_children, production_backend  # noqa: E402
from tests.shopping import ADDRESS  # noqa: E402

FLASH = f"{STORE}.shopapp___ui___store___flash_sale____flash_sale_block_state"
SHOPPER_TOKENS = f"{STORE}.shopper_tokens_rx_state_"
PHASE, PROBLEM = "phase_rx_state_", "problem_rx_state_"
STARTS_AT, CLOCK_NOW = "starts_at_rx_state_", "clock_now_rx_state_"
EARLY_PRESSES = 5  # presses of a shopper whose press came before the start (refused, the block still "coming")


class RushShopper(Shopper):
    """A logged-in shopper's tab on the sale's product page: when its block's phase changes, and its answer."""

    def __init__(self, base: str, slug: str, boot, login: str):
        super().__init__(base, slug, boot)
        # StoreState.shopper_tokens: one log-in token per shop slug, JSON in LocalStorage, sent with the hydrate.
        self.storage[SHOPPER_TOKENS] = json.dumps({slug: login})
        self.phase = ""
        self.updates = 0  # socket "event" messages received (deltas and frontend events)
        self.opened_at = 0.0  # wall clock: the delta saying phase "open"
        self.opened = asyncio.Event()
        self.pressed_at = 0.0  # monotonic
        self.answered_at = 0.0  # monotonic
        self.answered_wall = 0.0
        self.outcome = ""  # "won" or the problem shown
        self.order_path = ""
        self.answered = asyncio.Event()
        self.last_update: dict = {}
        self.last_update_at = 0.0  # wall clock
        self.degraded_at = 0.0  # wall clock: the first "service degraded" banner (a failed event)
        self.starts_at, self.skew = 0.0, 0.0
        self.early = 0  # presses refused before the sale had started (the block still "coming")

    async def _on_update(self, update):
        await super()._on_update(update)
        self.updates += 1
        self.last_update, self.last_update_at = update, time.time()
        block = (update.get("delta") or {}).get(FLASH, {})
        if block.get(CLOCK_NOW):  # countdown.js's skew: the server's clock the page read, minus this tab's clock
            self.skew = _moment(block[CLOCK_NOW]) - time.time()
        if block.get(STARTS_AT):
            self.starts_at = _moment(block[STARTS_AT])
        if PHASE in block:
            self.phase = block[PHASE]
            if self.phase == "open" and not self.opened_at:
                self.opened_at = time.time()
                self.opened.set()
        for event in update.get("events") or []:
            # shopapp/ui/degraded.py: an event that failed on Redis answers with the banner's flag set (rx.set_value)
            if event.get("name") == "_set_value" and not self.degraded_at:
                self.degraded_at = time.time()
        if self.pressed_at and not self.answered.is_set():
            for event in update.get("events") or []:  # rx.redirect arrives as the frontend event "_redirect"
                if event.get("name") == "_redirect":
                    won = "/orders/" in event["payload"]["path"]
                    self._answer("won" if won else "redirected to " + event["payload"]["path"].split("/")[-1])
                    self.order_path = event["payload"]["path"]
            if block.get(PROBLEM) and not self.answered.is_set():
                self._answer(block[PROBLEM])

    def _answer(self, outcome: str):
        self.answered_at, self.answered_wall, self.outcome = time.monotonic(), time.time(), outcome
        self.answered.set()

    async def rush(self, path: str, params: dict[str, str], opens_by: float, jitter: float, timeout: float,
                   in_browser: bool):
        """Wait for the button (until `opens_by`, wall clock), a thumb's delay, press it, wait for the answer;
        pressed again when refused before the start (as a thumb would). `in_browser`: the button opens in the
        page, as assets/countdown.js opens it (its 0.5 s tick, at the start on the server's clock), not by a delta."""
        if in_browser:
            if not self.starts_at:
                self.outcome = "page without the sale's start"
                return
            await asyncio.sleep(max(0.0, self.starts_at - self.skew - time.time()) + random.uniform(0, 0.5))
            self.opened_at = time.time()
            self.opened.set()
        try:
            await asyncio.wait_for(self.opened.wait(), max(0.1, opens_by - time.time()))
        except TimeoutError:
            self.outcome = "button never opened"
            return
        await asyncio.sleep(random.uniform(0, jitter))
        self.pressed_at = time.monotonic()
        for _ in range(EARLY_PRESSES):
            self.answered.clear()
            await self.emit(f"{FLASH}.buy", {"form": dict(ADDRESS)}, path, params)
            try:
                await asyncio.wait_for(self.answered.wait(), timeout)
            except TimeoutError:
                self.outcome, self.answered_at = "no answer (timeout)", 0.0
                return
            if self.outcome == "won" or self.phase != "coming":
                return
            self.early += 1
            await asyncio.sleep(0.3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--shoppers", type=int, default=1000)
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--lead", type=float, default=20, help="seconds from everyone connected to the sale's start")
    parser.add_argument("--connect-budget", type=float, default=None,
                        help="seconds allowed for connecting everyone (the sale's start is fixed before they connect; "
                             "default 20 + 0.15 s per shopper)")
    parser.add_argument("--wait", type=float, default=10, help="seconds the waiting costs are measured")
    parser.add_argument("--jitter", type=float, default=0.3, help="a thumb's delay after the button opens: 0 to this (s)")
    parser.add_argument("--open-timeout", type=float, default=30, help="seconds after the start a shopper waits for its button")
    parser.add_argument("--timeout", type=float, default=120, help="seconds a shopper waits for its answer")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL"))
    parser.add_argument("--server-log", type=Path, default=Path("/tmp/flash_rush_server.log"),
                        help="where the server's log is copied at the end (its data folder is removed)")
    args = parser.parse_args()
    if args.connect_budget is None:
        args.connect_budget = 20 + 0.15 * args.shoppers
    sys.stdout.reconfigure(line_buffering=True)
    if not args.redis_url:
        sys.exit("the rush runs on Redis (several workers): set REDIS_URL or --redis-url")
    import redis

    redis.Redis.from_url(args.redis_url).flushdb()  # our own database number
    database_url = os.environ.get("DATABASE_URL")
    print(f"database {'PostgreSQL' if database_url else 'SQLite (temporary)'}, Redis {args.redis_url}, "
          f"{args.workers} worker(s), {args.shoppers} shoppers, {args.units} units; {_uptime()}")
    with production_backend(workers=args.workers, database_url=database_url, redis_url=args.redis_url) as backend:
        # This process writes the shoppers and reads the orders in the backend's own database (its SQLite file).
        os.environ["DATA_DIR"] = str(backend.data_dir)
        from shopapp.db import get_engine
        from shopapp.settings import get_settings

        get_settings.cache_clear()
        get_engine.cache_clear()
        fine = asyncio.run(run(args, backend.url, backend.process.pid))
        log = (backend.data_dir / "server.log").read_text(errors="replace")
        args.server_log.write_text(log)
        print(lock_warnings(log))
        print(_errors(log) + f" (log: {args.server_log})")
    print(_uptime())
    if not fine:
        sys.exit(1)


async def run(args, base: str, pid: int) -> bool:
    boot = await compiled_defaults()
    from shopapp.ui.store.flash_sale import FlashSaleBlockState

    # Before 618af91 the server opened the button (watch_start's delta); since, the page does (countdown.js).
    in_browser = not hasattr(FlashSaleBlockState, "watch_start")
    print(f"the button opens {'in the browser (countdown.js)' if in_browser else 'by the server (watch_start)'}")
    print(f"server pid {pid}, workers {' '.join(map(str, sorted(live_children(pid))))}")
    async with httpx.AsyncClient(base_url=base + "/api/v1", timeout=60) as owner:
        slug, headers, shop_id, _variant, sale_id = await open_shop(owner, args.units,
                                                                     starts_in=args.connect_budget + args.lead)
        sale = (await owner.get(f"/flash-sales/{sale_id}", headers=headers)).raise_for_status().json()
        starts = datetime.fromisoformat(sale["starts_at"].replace("Z", "+00:00")).timestamp()
        logins = shoppers(shop_id, args.shoppers)
        path, params = product_path(slug, sale["product_id"])

        # 1. Everyone on the product page, 50 at a time.
        connect = Figures()
        began = time.monotonic()
        crowd: list[RushShopper] = await connect_many(
            base, slug, [sale["product_id"]], boot, args.shoppers, connect,
            make=lambda number: RushShopper(base, slug, boot, logins[number]))
        connected = time.monotonic() - began
        lead = starts - time.time()
        phases = Counter(s.phase for s in crowd)
        print(f"{len(crowd)} shoppers connected in {connected:.1f} s ({connect.errors} failed); the sale starts "
              f"{lead:.1f} s later; their blocks: {dict(phases)}")
        print(line("page load while connecting", connect.page_ms))
        if phases.get("coming", 0) != len(crowd) or lead < 2:
            print("WRONG: not everyone is waiting for the start: give more --connect-budget")
            await _close(crowd)
            return False

        # This client's 1 000 sockets outlive every collection: out of the collector's way, or a full collection
        # in the rush stalls every shopper's timers at once.
        gc.collect()
        gc.freeze()

        # 2. The wait: what the ticking costs.
        waiting = await _costs(crowd, pid, args.redis_url, min(args.wait, max(1.0, lead - 2)))
        tick = crowd[0].last_update

        # 3-4. The open and the rush.
        opens_by = starts + args.open_timeout
        stalls: list[float] = []
        watching = asyncio.create_task(_watch_loop(stalls))
        rushing = asyncio.gather(*(s.rush(path, params, opens_by, args.jitter, args.timeout, in_browser) for s in crowd))
        await asyncio.sleep(max(0.0, starts - time.time()))
        samples: list[tuple] = []  # (wall clock, server CPU s, Redis commands, client CPU s, machine jiffies)
        sampling = asyncio.create_task(_sample(samples, pid, args.redis_url))
        await rushing
        sampling.cancel()
        watching.cancel()
        await asyncio.sleep(1)
        after = await _costs(crowd, pid, args.redis_url, min(args.wait, 5))

        sale = (await owner.get(f"/flash-sales/{sale_id}", headers=headers)).raise_for_status().json()
        await _close(crowd)

    opened = [1000 * (s.opened_at - starts) for s in crowd if s.opened_at]
    winners = [s for s in crowd if s.outcome == "won"]
    losers = [s for s in crowd if s.answered_at and s.outcome != "won"]
    unanswered = Counter(s.outcome or "?" for s in crowd if not s.answered_at)
    last = max((s.answered_wall for s in crowd if s.answered_wall), default=starts)
    print(f"the wait ({waiting['seconds']:.0f} s, all on 'coming'): {_costs_line(waiting)}")
    print(f"    a waiting tab's last update: {str(tick)[:300]}")
    print(f"after the rush ({after['seconds']:.0f} s, nobody ticking): {_costs_line(after)}")
    print(line("sale's start -> button open" + (" (page)" if in_browser else " (delta)"), opened)
          + f" ({len(opened)} of {len(crowd)})")
    print(line("press -> winner's redirect", [1000 * (s.answered_at - s.pressed_at) for s in winners]))
    print(line("press -> loser's answer", [1000 * (s.answered_at - s.pressed_at) for s in losers]))
    # The rush's costs from its first sample to the first one after the last answer.
    first, end = samples[0], next((sample for sample in samples if sample[0] >= last), samples[-1])
    took, cores = max(end[0] - first[0], 1e-3), os.cpu_count()
    print(f"the last answer came {last - starts:.1f} s after the start; until then: server CPU "
          f"{(end[1] - first[1]) / took / cores * 100:.0f} %, Redis {(end[2] - first[2]) / took:.0f} commands/s, "
          f"this client {(end[3] - first[3]) / took / cores * 100:.0f} % of the machine; the machine busy {_busy(first[4], end[4]):.0f} %")
    print(f"this client's event loop, longest stall from the end of the wait to the last answer: "
          f"{1000 * max(stalls, default=0):.0f} ms; skew (server clock - this one) p50 "
          f"{1000 * sorted(s.skew for s in crowd)[len(crowd) // 2]:.0f} ms")
    print(f"answers: {dict(Counter(s.outcome for s in winners + losers))}; without one: {dict(unanswered) or 0}; "
          f"presses refused as too early: {sum(s.early for s in crowd)} (by {sum(1 for s in crowd if s.early)} shoppers)")
    if shut := [s for s in crowd if not s.opened_at]:  # when their ticks stopped coming
        print(line("never opened: last update before start", [1000 * (starts - s.last_update_at) for s in shut])
              + f"; updates received p50 {sorted(s.updates for s in shut)[len(shut) // 2]}")
    if banners := [s for s in crowd if s.degraded_at]:
        print(line("'service degraded' banner, before start", [1000 * (starts - s.degraded_at) for s in banners])
              + f"; of them never opened: {sum(1 for s in banners if not s.opened_at)}")

    # 5. Checks.
    from sqlmodel import select

    from shopapp.db import session_scope
    from shopapp.models.orders import Order

    with session_scope() as session:
        orders = list(session.exec(select(Order.customer_id, Order.order_no).where(Order.shop_id == shop_id)))
    buyers = [customer for customer, _ in orders]
    checks = {
        f"winners {len(winners)} == units {args.units}": len(winners) == args.units,
        f"orders {len(orders)} == units": len(orders) == args.units,
        f"distinct buyers {len(set(buyers))} == orders": len(set(buyers)) == len(orders) and None not in buyers,
        f"distinct order pages {len({s.order_path for s in winners})} == winners": len({s.order_path for s in winners}) == len(winners),
        f"sold {sale['sold']} + left {sale['left']} == quantity {sale['quantity']}": sale["sold"] + sale["left"] == sale["quantity"],
        f"every shopper answered ({len(winners) + len(losers)} of {args.shoppers})": len(winners) + len(losers) == args.shoppers,
    }
    for check, ok in checks.items():
        print(f"{'OK   ' if ok else 'WRONG'} {check}")
    return all(checks.values())


async def _sample(samples: list, pid: int, redis_url: str, every: float = 0.25):
    while True:
        samples.append((time.time(), cpu_seconds(pid), redis_commands(redis_url), _client_cpu(), _machine_cpu()))
        await asyncio.sleep(every)


async def _watch_loop(stalls: list[float], every: float = 0.01):
    """This client's own event loop: how late a 10 ms sleep wakes (a stall delays every shopper's timers)."""
    while True:
        began = time.monotonic()
        await asyncio.sleep(every)
        stalls.append(time.monotonic() - began - every)


async def _costs(crowd: list[RushShopper], pid: int, redis_url: str, seconds: float) -> dict:
    """Server CPU (% of the machine), Redis commands/s, updates pushed per shopper per second, over `seconds`."""
    cpu0, commands0, client0, updates0 = cpu_seconds(pid), redis_commands(redis_url), _client_cpu(), sum(s.updates for s in crowd)
    redis0, machine0 = _redis_cpu(redis_url), _machine_cpu()
    began = time.monotonic()
    await asyncio.sleep(seconds)
    took = time.monotonic() - began
    cores = os.cpu_count()
    return {"seconds": took, "cpu": (cpu_seconds(pid) - cpu0) / took / cores * 100,
            "commands": (redis_commands(redis_url) - commands0) / took,
            "client": (_client_cpu() - client0) / took / cores * 100,
            "redis": (_redis_cpu(redis_url) - redis0) / took / cores * 100,
            "machine": _busy(machine0, _machine_cpu()),
            "updates": (sum(s.updates for s in crowd) - updates0) / took / max(1, len(crowd))}


def _costs_line(costs: dict) -> str:
    return (f"server CPU {costs['cpu']:.0f} % of the machine, Redis {costs['commands']:.0f} commands/s, "
            f"Redis server CPU {costs['redis']:.0f} %, {costs['updates']:.2f} updates/s per shopper, this client {costs['client']:.0f} %; "
            f"the machine busy {costs['machine']:.0f} % (everything on it)")


def _moment(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def _errors(server_log: str) -> str:
    """Tracebacks in the server's log, by their last line (the exception)."""
    lines = server_log.splitlines()
    found = Counter()
    for number, text in enumerate(lines):
        if text.startswith("Traceback"):
            end = next((n for n in range(number + 1, len(lines)) if lines[n] and not lines[n].startswith((" ", "Traceback"))), None)
            found[lines[end][:160] if end is not None else "?"] += 1
    if not found:
        return "server tracebacks: none"
    return "server tracebacks: " + "; ".join(f"{count} x {last}" for last, count in found.most_common(5))


def _redis_cpu(redis_url: str) -> float:
    import redis

    info = redis.Redis.from_url(redis_url).info("cpu")
    return info["used_cpu_user"] + info["used_cpu_sys"]


def _machine_cpu() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine so far, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


def _busy(before: tuple[int, int], after: tuple[int, int]) -> float:
    return 100 * (after[0] - before[0]) / max(1, after[1] - before[1])


def _client_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _uptime() -> str:
    return "uptime:" + subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip().split("up", 1)[-1]


async def _close(crowd: list[RushShopper]):
    await asyncio.gather(*(s.close() for s in crowd), return_exceptions=True)


if __name__ == "__main__":
    main()
