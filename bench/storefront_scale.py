"""Connected shoppers at scale: memory and Redis per shopper, event latency idle and busy, bursts.

    .venv/bin/python bench/storefront_scale.py --shoppers 200 --active 20 --burst 100      # embedded default
    REDIS_URL=redis://127.0.0.1:6379/3 .venv/bin/python bench/storefront_scale.py --workers 2 \\
        --shoppers 200 --active 20 --burst 100                                              # Redis, 2 workers
    .venv/bin/python bench/storefront_scale.py --compare http://localhost:8740/s/demo/p/1   # check the client
    ... --shoppers 500 --active 0 --burst 0 --heap /tmp/heap    # where the shoppers' memory went (bench/heap_diff.py)

Starts the production backend (tests/live_backend.py: `python -m shopapp.server --backend-only`,
the workers `make run` serves with: uvicorn, or Granian with WEB_SERVER=granian), opens a shop with a few products over the API, then
connects shoppers that speak Reflex's own websocket protocol from Python (python-socketio), as
the built page does (.web/utils/state.js, context.jsx):

- the socket.io connection at /_event with `?token=<tab token>` and the Reflex version as the
  websocket subprotocol; the page's first event, `hydrate_and_load` with the hashes of the
  compiled default state, rides in the CONNECT packet's auth (`{"event": …, "state_schema": …}`);
  the backend answers with the state delta and runs the page's on_load events, the last of which
  sets `is_hydrated`: the page is served when a delta says `is_hydrated: true`;
- a client-side navigation (another product page, the cart) sends `on_load_internal` with the new
  path's router_data and, as its payload's `vars`, the LocalStorage values (the cart token): one event
  where Reflex sends two (`update_vars_internal` first; shopapp/ui/page_events.py);
- a button sends its handler's event, e.g. ProductPageState.add_to_cart.

`--compare URL` opens URL in Chromium (Playwright), prints the websocket frames the real tab
sends, and the frames this client sends for the same page, for checking one against the other.

Prints: RSS of the server processes and Redis memory/keys before and after connecting N
shoppers (per shopper); ping and page-load p50/p95 with everyone idle; the same while K active
shoppers each load a product page, add to cart and view the cart in a loop; and the time for a
burst of M shoppers connecting at once until every one has its page.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import socketio

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.live_backend import live_children, production_backend  # noqa: E402

NAMESPACE = "/_event"
ROOT_STATE = "reflex___state____state"
HYDRATE = f"{ROOT_STATE}.hydrate_and_load"
ON_LOAD = f"{ROOT_STATE}.reflex___state____on_load_internal_state.on_load_internal"
STORE = f"{ROOT_STATE}.shopapp___ui___state____lang_state.shopapp___ui___store___state____store_state"
PRODUCT_PAGE = f"{STORE}.shopapp___ui___store___product____product_page_state"
# The LocalStorage vars the page keeps (context.jsx clientStorage): sent back on every hydrate/navigation.
LOCAL_STORAGE = {f"{STORE}.cart_tokens_rx_state_", f"{STORE}.shopper_tokens_rx_state_"}


async def compiled_defaults() -> tuple[list[str], str, str]:
    """What the built page sends on its first connect: the hashes of its compiled default state
    (context.jsx initialStateHashes), the state schema, and the Reflex version (the subprotocol),
    computed as the compiler does."""
    from reflex.state import _resolve_delta
    from reflex_base.constants import Reflex

    from shopapp.shopapp import app

    app._apply_decorated_pages()
    import reflex as rx
    from reflex.state import state_snapshot_hashes

    root = rx.State
    snapshot = await _resolve_delta(root(_reflex_internal_init=True).dict(initial=True))
    return list(state_snapshot_hashes(snapshot)), root._to_frontend_schema(), Reflex.VERSION


@dataclass
class Figures:
    page_ms: list[float] = field(default_factory=list)
    add_ms: list[float] = field(default_factory=list)
    cart_ms: list[float] = field(default_factory=list)
    ping_ms: list[float] = field(default_factory=list)
    errors: int = 0


class Shopper:
    """One phone's tab: a websocket speaking Reflex's protocol, its token, its LocalStorage."""

    def __init__(self, base: str, slug: str, boot: tuple[list[str], str, str]):
        self.base, self.slug = base, slug
        self.hashes, self.schema, self.version = boot
        self.token = str(uuid.uuid4())
        self.storage: dict[str, str] = {}
        self.sio = socketio.AsyncClient(reconnection=False)
        # The page's io(".../_event", {path: "/_event"}): socket.io takes the URL's path as the namespace.
        self.sio.on("event", self._on_update, namespace=NAMESPACE)
        # Reflex answers the page's "ping" with a "ping" event carrying "pong".
        self.sio.on("ping", self._on_pong, namespace=NAMESPACE)
        self._waiting: list[tuple[callable, asyncio.Future]] = []
        self._pong: asyncio.Future | None = None
        self.sent: list[tuple[str, object]] = []  # what went out, for --compare

    # What comes in ------------------------------------------------------------------------------

    async def _on_update(self, update):
        delta = update.get("delta") or {}
        for state, changes in delta.items():
            for name, value in changes.items():
                if f"{state}.{name}" in LOCAL_STORAGE:
                    self.storage[f"{state}.{name}"] = value
        for check, future in list(self._waiting):
            if not future.done() and check(delta):
                future.set_result(delta)
                self._waiting.remove((check, future))

    async def _on_pong(self, *_):
        if self._pong and not self._pong.done():
            self._pong.set_result(True)

    def _expect(self, check) -> asyncio.Future:
        future = asyncio.get_running_loop().create_future()
        self._waiting.append((check, future))
        return future

    # What goes out ------------------------------------------------------------------------------

    def _router_data(self, path: str, params: dict[str, str]) -> dict:
        return {"pathname": path, "asPath": path, "query": params}

    def _vars(self) -> dict:
        return {"vars": dict(self.storage)} if self.storage else {}

    async def open(self, path: str, params: dict[str, str], timeout: float = 60) -> float:
        """A page load: the socket connects with the hydrate event in its CONNECT packet; ms until served."""
        boot = {"name": HYDRATE, "payload": {**self._vars(), "hashes": self.hashes},
                "router_data": self._router_data(path, params)}
        auth = {"event": boot, "state_schema": self.schema}
        self.sent.append(("connect auth", auth))
        hydrated = self._expect(_is_hydrated)
        began = time.monotonic()
        await self.sio.connect(f"{self.base}/_event?token={self.token}", transports=["websocket"],
                               socketio_path="/_event", auth=auth, namespaces=[NAMESPACE], wait_timeout=timeout,
                               headers={"Origin": self.base, "Sec-WebSocket-Protocol": self.version})
        await asyncio.wait_for(hydrated, timeout)
        return (time.monotonic() - began) * 1000

    async def emit(self, name: str, payload: dict | None = None, path: str = "", params: dict | None = None):
        event = {"name": name, **({"payload": payload} if payload else {})}
        event["router_data"] = self._router_data(path, params or {})
        self.sent.append(("event", event))
        await self.sio.emit("event", event, namespace=NAMESPACE)

    async def navigate(self, path: str, params: dict[str, str], timeout: float = 60) -> float:
        """A client-side navigation: on_load_internal with the LocalStorage vars (shopapp/ui/page_events.py);
        ms until served."""
        hydrated = self._expect(_is_hydrated)
        began = time.monotonic()
        await self.emit(ON_LOAD, self._vars() or None, path, params)
        await asyncio.wait_for(hydrated, timeout)
        return (time.monotonic() - began) * 1000

    async def add_to_cart(self, path: str, params: dict[str, str], timeout: float = 60) -> float:
        answered = self._expect(lambda delta: "cart_message_rx_state_" in delta.get(PRODUCT_PAGE, {})
                                or "cart_problem_rx_state_" in delta.get(PRODUCT_PAGE, {}))
        began = time.monotonic()
        await self.emit(f"{PRODUCT_PAGE}.add_to_cart", {"then_checkout": False}, path, params)
        await asyncio.wait_for(answered, timeout)
        return (time.monotonic() - began) * 1000

    async def empty_event(self, path: str, params: dict[str, str], timeout: float = 60) -> float:
        """An event that reads nothing and changes nothing (the quantity stepped by 0 on the product page):
        what Reflex itself costs per event, its lock, state load and save, delta."""
        answered = self._expect(lambda delta: "qty_rx_state_" in delta.get(PRODUCT_PAGE, {}))
        began = time.monotonic()
        await self.emit(f"{PRODUCT_PAGE}.change_qty", {"step": 0}, path, params)
        await asyncio.wait_for(answered, timeout)
        return (time.monotonic() - began) * 1000

    async def ping(self, timeout: float = 60) -> float:
        self._pong = asyncio.get_running_loop().create_future()
        began = time.monotonic()
        await self.sio.emit("ping", namespace=NAMESPACE)
        await asyncio.wait_for(self._pong, timeout)
        return (time.monotonic() - began) * 1000

    async def close(self):
        await self.sio.disconnect()


def _is_hydrated(delta: dict) -> bool:
    return delta.get(ROOT_STATE, {}).get("is_hydrated_rx_state_") is True


# The shop --------------------------------------------------------------------------------------

async def open_shop(api: str, products: int) -> tuple[str, list[int]]:
    async with httpx.AsyncClient(base_url=api, timeout=60) as owner:
        slug = f"scale-{uuid.uuid4().hex[:8]}"
        signed = await owner.post("/auth/signup", json={
            "email": f"{slug}@example.com", "password": "secret-pass", "shop_name": "秒杀茶铺", "shop_slug": slug,
        })
        signed.raise_for_status()
        headers = {"Authorization": f"Bearer {signed.json()['token']}"}
        ids = []
        for number in range(products):
            created = await owner.post("/products", headers=headers, json={
                "title": f"明前龙井 {number + 1}", "status": "active", "description_html": "<p>西湖龙井，明前采摘。</p>",
                "variants": [{"sku": f"LJ-{number}-{size}", "price": 3800 + 100 * size, "stock": 100_000,
                              "option_values": [f"{size * 50} 克"]} for size in (1, 2, 3)],
                "options": [{"name": "规格", "values": [f"{size * 50} 克" for size in (1, 2, 3)]}],
            })
            created.raise_for_status()
            ids.append(created.json()["id"])
        return slug, ids


def product_path(slug: str, product_id: int) -> tuple[str, dict[str, str]]:
    return f"/s/{slug}/p/{product_id}", {"slug": slug, "product_id": str(product_id)}


def cart_path(slug: str) -> tuple[str, dict[str, str]]:
    return f"/s/{slug}/cart", {"slug": slug}


# What is measured ------------------------------------------------------------------------------

def server_rss_kb(pid: int) -> int:
    """Resident memory of the supervisor and its workers (what the server costs the machine)."""
    return _summed_kb(pid, "status", "VmRSS:")


def server_pss_kb(pid: int) -> int:
    """Proportional set size of the supervisor and its workers: pages the forked workers still share
    with the supervisor counted once, not once per process as in the RSS sum (what the machine pays)."""
    return _summed_kb(pid, "smaps_rollup", "Pss:")


def _summed_kb(pid: int, proc_file: str, field: str) -> int:
    """One /proc/<pid>/<proc_file> field (in kB), summed over the supervisor and its workers."""
    total = 0
    for process in {pid, *live_children(pid)}:
        try:
            for line in Path(f"/proc/{process}/{proc_file}").read_text().splitlines():
                if line.startswith(field):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def heap_snapshots(pid: int, folder: Path, number: int, timeout: float = 120) -> None:
    """Each worker writes snapshot `number` (shopapp/heap_probe.py, SIGUSR1); wait until all have."""
    import signal

    workers = live_children(pid)
    for worker in workers:
        os.kill(worker, signal.SIGUSR1)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all((folder / f"{worker}-{number}.json").exists() for worker in workers):
            return
        time.sleep(0.2)
    print(f"  heap snapshots {number}: not all workers wrote one within {timeout:.0f} s")


def redis_figures(redis_url: str | None) -> tuple[int, int]:
    """(used_memory bytes of the whole Redis, keys in our database) or (0, 0) without Redis."""
    if not redis_url:
        return 0, 0
    import redis

    client = redis.Redis.from_url(redis_url)
    return int(client.info("memory")["used_memory"]), int(client.dbsize())


def _state_names() -> dict[str, str]:
    """A state key's short name (shopapp/state_keys.py) -> the state's full name, for the app's states."""
    from reflex.state import State

    import shopapp.shopapp  # noqa: F401 - defines every state
    from shopapp.hydrate_states import state_tree
    from shopapp.state_keys import short_name

    return {short_name(cls): cls.get_full_name() for cls in state_tree(State)}


def redis_keys_bytes(redis_url: str | None) -> tuple[int, dict[str, list[int]]]:
    """MEMORY USAGE of every key in our database (the whole server's used_memory moves with other
    databases' traffic), and the sizes by kind of key (a state's name, the token manager's record)."""
    if not redis_url:
        return 0, {}
    import redis

    client = redis.Redis.from_url(redis_url)
    names = list(client.scan_iter(count=1000))
    pipe = client.pipeline(transaction=False)
    for name in names:
        pipe.memory_usage(name, samples=0)
    sizes = pipe.execute()
    kinds: dict[str, list[int]] = {}
    state_names = _state_names()
    for name, size in zip(names, sizes):
        kind = re.sub(r"^[0-9a-f-]{36}_?|[0-9a-f-]{36}$", "", name.decode(errors="replace"))
        kinds.setdefault(state_names.get(kind, kind).rsplit(".", 1)[-1], []).append(size or 0)
    return sum(size or 0 for size in sizes), kinds


def cpu_seconds(pid: int) -> float:
    """User + system CPU of the server's processes so far (for CPU per event)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for process in {pid, *live_children(pid)}:
        try:
            fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except OSError:
            continue
    return total


def p(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def line(label: str, values: list[float]) -> str:
    return (f"{label:<34} n={len(values):<5} p50 {p(values, 0.5):7.1f} ms  p95 {p(values, 0.95):7.1f} ms  "
            f"max {max(values, default=float('nan')):7.1f} ms")


async def connect_many(base: str, slug: str, products: list[int], boot, count: int, figures: Figures,
                       at_once: int = 50, make=None) -> list[Shopper]:
    """`count` shoppers each opening a product page, `at_once` connecting at a time; `make(number)` builds
    shopper `number` (a Shopper of another kind, or one with a log-in in its LocalStorage)."""
    shoppers: list[Shopper] = []
    gate = asyncio.Semaphore(at_once)

    async def one(number: int):
        shopper = make(number) if make else Shopper(base, slug, boot)
        async with gate:
            try:
                figures.page_ms.append(await shopper.open(*product_path(slug, products[number % len(products)])))
                shoppers.append(shopper)
            except Exception as exc:  # noqa: BLE001 - counted and reported, the run goes on
                figures.errors += 1
                if figures.errors <= 3:
                    print(f"  a shopper failed to connect: {exc!r}", flush=True)

    await asyncio.gather(*(one(n) for n in range(count)))
    return shoppers


async def idle_probe(shoppers: list[Shopper], slug: str, products: list[int], samples: int, figures: Figures):
    """A few shoppers, one after another: a ping and a product page load each."""
    for number in range(samples):
        shopper = shoppers[number % len(shoppers)]
        try:
            figures.ping_ms.append(await shopper.ping())
            figures.page_ms.append(await shopper.navigate(*product_path(slug, products[number % len(products)])))
        except Exception:  # noqa: BLE001
            figures.errors += 1


async def cpu_per_kind(shopper: Shopper, slug: str, products: list[int], pid: int, count: int,
                       redis_url: str | None = None):
    """Server CPU per event of each kind: one shopper doing `count` of them one after another
    (the others connected and idle), CPU of the server's processes before and after."""
    path, params = product_path(slug, products[0])
    kinds = {
        "empty event": lambda: shopper.empty_event(path, params),
        "home page load": lambda: shopper.navigate(f"/s/{slug}", {"slug": slug}),
        "product page load": lambda: shopper.navigate(path, params),
        "add to cart": lambda: shopper.add_to_cart(path, params),
        "cart page load": lambda: shopper.navigate(*cart_path(slug)),
    }
    for kind, action in kinds.items():
        if kind in ("add to cart", "empty event"):
            await shopper.navigate(path, params)  # the button is on the product page
        before, commands, stats = cpu_seconds(pid), redis_commands(redis_url), event_stats_mark()
        for _ in range(count):
            await action()
        await asyncio.sleep(0.2)  # a chained event's line may come just after the delta that answered
        cpu = f"CPU per {kind:<20} {1000 * (cpu_seconds(pid) - before) / count:5.1f} ms (server, {count} in a row)"
        if redis_url:  # the Redis round trips, a figure the machine's load does not move
            cpu += f"; Redis commands per event {(redis_commands(redis_url) - commands) / count:.1f}"
        print(cpu)
        if stats is not None:
            print(event_stats_since(stats, count))


# Reflex events per action and each one's CPU (--event-stats: the workers log each event, event_gate.py) --

def event_stats_mark() -> dict[str, int] | None:
    """Where each worker's event log ends now (None without --event-stats)."""
    folder = os.environ.get("SHOPAPP_EVENT_STATS")
    if not folder:
        return None
    return {name: (Path(folder) / name).stat().st_size for name in os.listdir(folder)}


def event_stats_since(mark: dict[str, int], actions: int) -> str:
    """The events logged since `mark`, per action: how many of each and the worker CPU of each."""
    folder = Path(os.environ["SHOPAPP_EVENT_STATS"])
    cpu: dict[str, list[float]] = {}
    for name in os.listdir(folder):
        with open(folder / name, "rb") as log:
            log.seek(mark.get(name, 0))
            for row in log.read().decode().splitlines():
                event, _, ms = row.rpartition("\t")
                cpu.setdefault(event.rsplit(".", 1)[-1], []).append(float(ms))
    total = sum(len(values) for values in cpu.values())
    parts = [f"{event} {len(values) / actions:.1f} x {sum(values) / len(values):.2f} ms" for event, values in cpu.items()]
    return f"    {total / actions:.1f} events each (worker CPU per event): " + ", ".join(parts)


def redis_commands(redis_url: str | None) -> int:
    """Commands the Redis server has processed (all its clients: ours alone on a Redis of the bench's own)."""
    if not redis_url:
        return 0
    import redis

    return redis.Redis.from_url(redis_url).info("stats")["total_commands_processed"]


async def active_loop(shopper: Shopper, slug: str, products: list[int], until: float, figures: Figures, pause: float):
    """An active shopper: a product page, add to cart, the cart, again, a short pause between clicks."""
    number = 0
    while time.monotonic() < until:
        path, params = product_path(slug, products[number % len(products)])
        number += 1
        try:
            figures.page_ms.append(await shopper.navigate(path, params))
            await asyncio.sleep(pause)
            figures.add_ms.append(await shopper.add_to_cart(path, params))
            await asyncio.sleep(pause)
            figures.cart_ms.append(await shopper.navigate(*cart_path(slug)))
            await asyncio.sleep(pause)
        except Exception:  # noqa: BLE001
            figures.errors += 1


async def run(args, base: str, pid: int, redis_url: str | None) -> None:
    boot = await compiled_defaults()
    slug, products = await open_shop(base + "/api/v1", args.products)
    # Warm up: the first page load of a worker imports and compiles what it needs.
    warm = Figures()
    # Every product page in every worker, so the workers' one-time caches (SQLAlchemy's compiled statements,
    # mappers) are filled before the memory is measured, not counted as the shoppers'.
    warm_shoppers = await connect_many(base, slug, products, boot, 2 * len(products) * args.workers, warm)
    await asyncio.sleep(1)
    if args.heap:
        heap_snapshots(pid, args.heap, 0)
    rss0, pss0, (redis0, keys0) = server_rss_kb(pid), server_pss_kb(pid), redis_figures(redis_url)
    ours0, _ = redis_keys_bytes(redis_url)

    connect = Figures()
    began = time.monotonic()
    shoppers = await connect_many(base, slug, products, boot, args.shoppers, connect)
    print(f"{len(shoppers)} shoppers connected in {time.monotonic() - began:.1f} s ({connect.errors} failed)")
    print(line("page load while connecting", connect.page_ms))
    await asyncio.sleep(2)
    rss1, pss1, (redis1, keys1) = server_rss_kb(pid), server_pss_kb(pid), redis_figures(redis_url)
    count = max(1, len(shoppers))
    print(f"server RSS {rss0 / 1024:.0f} -> {rss1 / 1024:.0f} MB: {(rss1 - rss0) / count:.1f} KB per shopper "
          f"(PSS {pss0 / 1024:.0f} -> {pss1 / 1024:.0f} MB: {(pss1 - pss0) / count:.1f} KB)")
    if args.heap:
        from bench.heap_diff import report

        heap_snapshots(pid, args.heap, 1)
        print(report(args.heap, count // max(args.workers, 1)))
    if redis_url:
        print(f"Redis used_memory {redis0 / 1e6:.1f} -> {redis1 / 1e6:.1f} MB: {(redis1 - redis0) / count / 1024:.1f} KB "
              f"per shopper; keys {keys0} -> {keys1}: {(keys1 - keys0) / count:.1f} per shopper")
        ours1, kinds = redis_keys_bytes(redis_url)
        print(f"Redis MEMORY USAGE of our keys {ours0 / 1e6:.2f} -> {ours1 / 1e6:.2f} MB: "
              f"{(ours1 - ours0) / count / 1024:.2f} KB per shopper; by key, mean bytes (keys):")
        for kind, sizes in sorted(kinds.items(), key=lambda kv: -sum(kv[1])):
            print(f"    {sum(sizes) / len(sizes):7.0f} B ({len(sizes)})  {kind}")

    idle = Figures()
    await idle_probe(shoppers or warm_shoppers, slug, products, args.samples, idle)
    print(line("idle: ping", idle.ping_ms))
    print(line("idle: product page load", idle.page_ms))

    await cpu_per_kind(shoppers[0] if shoppers else warm_shoppers[0], slug, products, pid, args.samples, redis_url)

    busy, probe = Figures(), Figures()
    cpu0, began = cpu_seconds(pid), time.monotonic()
    until = began + args.seconds
    active = shoppers[:args.active]
    loops = [asyncio.create_task(active_loop(s, slug, products, until, busy, args.pause)) for s in active]
    await idle_probe(shoppers[args.active:] or warm_shoppers, slug, products, args.samples, probe)
    await asyncio.gather(*loops)
    seconds, cpu = time.monotonic() - began, cpu_seconds(pid) - cpu0
    events = len(busy.page_ms) + len(busy.add_ms) + len(busy.cart_ms) + len(probe.page_ms)
    print(f"{len(active)} active for {seconds:.0f} s: {events / seconds:.0f} page events/s, server CPU "
          f"{cpu:.1f} s = {1000 * cpu / max(events, 1):.1f} ms per page event ({busy.errors} failed)")
    print(line("busy: product page load", busy.page_ms))
    print(line("busy: add to cart", busy.add_ms))
    print(line("busy: cart page load", busy.cart_ms))
    print(line("busy: others' ping", probe.ping_ms))
    print(line("busy: others' product page load", probe.page_ms))

    if args.burst:
        burst = Figures()
        began = time.monotonic()
        crowd = await connect_many(base, slug, products, boot, args.burst, burst, at_once=args.burst)
        print(f"burst of {args.burst} at once on top of {len(shoppers)}: all served in {time.monotonic() - began:.1f} s "
              f"({burst.errors} failed)")
        print(line("burst: page load", burst.page_ms))
        shoppers += crowd
    if redis_url:
        import redis

        def clients() -> int:
            return redis.Redis.from_url(redis_url).info("clients")["connected_clients"]

        print(f"Redis connected_clients after the run: {clients()}")
        await asyncio.sleep(args.settle)
        print(f"Redis connected_clients {args.settle:.0f} s later, {len(shoppers)} shoppers idle: {clients()}")
    await asyncio.gather(*(s.close() for s in shoppers + warm_shoppers), return_exceptions=True)


async def compare(url: str) -> None:
    """A real Chromium tab on URL (a product page) and this client on the same page, frame by frame:
    the socket.io CONNECT packet's auth (the hydrate event), then pressing 加入购物车 (add to cart)."""
    from playwright.async_api import async_playwright

    split = httpx.URL(url)
    base = f"{split.scheme}://{split.host}:{split.port}"
    parts = split.path.strip("/").split("/")  # s/<slug>/p/<id>
    sent: list[str] = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path="/usr/bin/chromium")
        page = await browser.new_page()

        def on_socket(ws):
            print(f"chromium websocket: {ws.url}")
            ws.on("framesent", lambda payload: sent.append(payload if isinstance(payload, str) else repr(payload)))

        page.on("websocket", on_socket)
        await page.goto(url)
        await page.get_by_role("button", name="加入购物车").click()
        await page.wait_for_timeout(2000)
        await browser.close()
    # socket.io frames: "40/_event,{auth}" (CONNECT), "42/_event,["event",{...}]" (EVENT); pings are "3".
    chromium = [(frame[:2], json.loads(frame.split(",", 1)[1])) for frame in sent if frame[:2] in ("40", "42")]
    shopper = Shopper(base, parts[1], await compiled_defaults())
    path, params = product_path(parts[1], int(parts[3]))
    await shopper.open(path, params)
    await shopper.add_to_cart(path, params)
    await shopper.close()
    ours = [("40" if kind == "connect auth" else "42", frame if kind == "connect auth" else ["event", frame])
            for kind, frame in shopper.sent]
    for number, ((kind, theirs), (_, mine)) in enumerate(zip(chromium, ours)):
        same = "identical" if theirs == mine else "DIFFERENT"
        print(f"frame {number} ({'CONNECT' if kind == '40' else 'EVENT'}): {same}")
        if theirs != mine:
            print("   chromium:", json.dumps(theirs, ensure_ascii=False)[:1500])
            print("   client:  ", json.dumps(mine, ensure_ascii=False)[:1500])
    print(f"chromium sent {len(chromium)} socket.io frames, this client {len(ours)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=1, help="backend workers (more than 1 needs REDIS_URL)")
    parser.add_argument("--shoppers", type=int, default=200, help="shoppers connected (each on a product page)")
    parser.add_argument("--active", type=int, default=20, help="of them, shoppers clicking while the rest idle")
    parser.add_argument("--seconds", type=float, default=20, help="how long the active shoppers click")
    parser.add_argument("--pause", type=float, default=0.5, help="an active shopper's pause between clicks (s)")
    parser.add_argument("--burst", type=int, default=100, help="shoppers connecting at once at the end (0: none)")
    parser.add_argument("--samples", type=int, default=30, help="idle probes (ping + page load)")
    parser.add_argument("--products", type=int, default=5)
    parser.add_argument("--settle", type=float, default=20, help="seconds after the burst before Redis clients are counted again")
    parser.add_argument("--event-stats", action="store_true",
                        help="count the Reflex events of each action and the worker CPU of each (event_gate.py)")
    parser.add_argument("--heap", metavar="FOLDER", type=Path,
                        help="the workers trace their allocations (shopapp/heap_probe.py); print where the "
                             "shoppers' memory went, from snapshots before and after they connect (FOLDER keeps them)")
    parser.add_argument("--compare", metavar="URL", help="only compare this client's frames with Chromium's on URL")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # figures as they come, also through a pipe
    if args.compare:
        asyncio.run(compare(args.compare))
        return
    database_url, redis_url = os.environ.get("DATABASE_URL"), os.environ.get("REDIS_URL")
    if args.workers > 1 and not redis_url:
        sys.exit("several workers share their state through Redis: set REDIS_URL")
    if args.event_stats:  # read by the workers at import (event_gate.EVENT_STATS)
        import tempfile

        os.environ["SHOPAPP_EVENT_STATS"] = tempfile.mkdtemp(prefix="event-stats-")
    if args.heap:  # read by each worker as it starts (shopapp/heap_probe.py)
        args.heap = args.heap.resolve()
        args.heap.mkdir(parents=True, exist_ok=True)
        os.environ["SHOPAPP_HEAP_PROBE"] = str(args.heap)
    if redis_url:
        import redis

        redis.Redis.from_url(redis_url).flushdb()  # our own database number: per-shopper keys from zero
    print(f"database {'PostgreSQL' if database_url else 'SQLite (temporary)'}, redis {'yes' if redis_url else 'no'}, "
          f"{args.workers} worker(s), {os.environ.get('WEB_SERVER', 'uvicorn')}, events at once "
          f"{os.environ.get('SHOPAPP_EVENTS_AT_ONCE', '8')}; load average {os.getloadavg()[0]:.1f} (machine shared with other work)")
    with production_backend(workers=args.workers, database_url=database_url, redis_url=redis_url) as backend:
        asyncio.run(run(args, backend.url, backend.process.pid, redis_url))
        print(lock_warnings((backend.data_dir / "server.log").read_text(errors="replace")))


def lock_warnings(server_log: str) -> str:
    """Reflex's "Lock for token … was held too long time_taken=1.23s" warnings in the server's log
    (Redis only: over redis_lock_warning_threshold, 1 s by default): how many, and the longest."""
    held = [float(found) for found in re.findall(r"held too long time_taken=([0-9.]+)s", server_log)]
    if not held:
        return "Redis locks held too long (over 1 s): none"
    return f"Redis locks held too long (over 1 s): {len(held)}, longest {max(held):.2f} s"


if __name__ == "__main__":
    main()
