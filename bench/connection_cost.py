"""What one connected shopper costs the server, layer by layer (issue 17 item 1).

    .venv/bin/python bench/connection_cost.py --connections 500
    REDIS_URL=redis://127.0.0.1:16826/0 .venv/bin/python bench/connection_cost.py --workers 2 --connections 500

Starts the production backend (tests/live_backend.py) and opens `--connections` sockets in three
layers, measuring the server's RSS (supervisor + workers, from /proc) after each, per connection:

1. the websocket alone: the server's upgrade of `/_event/?EIO=4&transport=websocket` and python-engineio's
   session (its OPEN packet read), nothing more sent;
2. the socket.io namespace on it: the CONNECT packet to `/_event` without a token or boot event, so
   python-socketio's session and Reflex's on_connect run but no page state is made;
3. a whole shopper (bench/storefront_scale.Shopper): the CONNECT with the token and the page's
   hydrate event, served a product page: page state, Reflex's token <-> sid records and router data;
4. with `--second-wave S`: those shoppers leave, and S seconds later as many new ones come: what the
   server still keeps of tabs that are gone shows as the growth the second crowd adds.

Also says whether the server negotiated permessage-deflate (a zlib window pair, ~300 KB, per socket when
a browser asks for it, as Chromium always does): the upgrade's answer headers are printed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.storefront_scale import NAMESPACE, Figures, compiled_defaults, connect_many, open_shop, server_rss_kb  # noqa: E402
from tests.live_backend import production_backend  # noqa: E402


async def open_engineio(session: aiohttp.ClientSession, base: str, token: str | None):
    """A websocket to /_event with engine.io's OPEN read: what a tab holds before socket.io speaks."""
    query = f"EIO=4&transport=websocket{f'&token={token}' if token else ''}"
    ws = await session.ws_connect(f"{base}/_event/?{query}", headers={"Origin": base}, autoping=True,
                                  compress=15)  # ask for permessage-deflate as a browser does
    opened = await ws.receive()
    assert opened.type == aiohttp.WSMsgType.TEXT and opened.data.startswith("0"), opened
    return ws


async def socketio_connect(ws) -> None:
    """socket.io's CONNECT to Reflex's namespace, no auth: the namespace session and on_connect."""
    await ws.send_str(f"40{NAMESPACE},{json.dumps({})}")
    while True:
        message = await ws.receive()
        if message.type != aiohttp.WSMsgType.TEXT:
            raise RuntimeError(f"socket closed: {message}")
        if message.data == "2":  # engine.io ping
            await ws.send_str("3")
        elif message.data.startswith(f"40{NAMESPACE}"):
            return


async def run(args, base: str, pid: int) -> None:
    boot = await compiled_defaults()
    slug, products = await open_shop(base + "/api/v1", 2)
    warm = await connect_many(base, slug, products, boot, 2 * args.workers, Figures())
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        probe = await session.ws_connect(f"{base}/_event/?EIO=4&transport=websocket", compress=15,
                                         headers={"Origin": base})
        print(f"permessage-deflate asked for, the server answered: compress={probe.compress} "
              f"(0 = not negotiated)")
        await probe.close()
        await asyncio.sleep(1)
        rss0 = server_rss_kb(pid)
        sockets = []
        for start in range(0, args.connections, 50):
            sockets += await asyncio.gather(*(open_engineio(session, base, None)
                                              for _ in range(start, min(start + 50, args.connections))))
        await asyncio.sleep(2)
        rss1 = server_rss_kb(pid)
        print(f"1. websocket + engine.io session:  {(rss1 - rss0) / len(sockets):6.1f} KB per connection")
        for start in range(0, len(sockets), 50):
            await asyncio.gather(*(socketio_connect(ws) for ws in sockets[start:start + 50]))
        await asyncio.sleep(2)
        rss2 = server_rss_kb(pid)
        print(f"2. + socket.io namespace session:  {(rss2 - rss1) / len(sockets):6.1f} KB per connection")
        figures = Figures()
        shoppers = await connect_many(base, slug, products, boot, args.connections, figures)
        await asyncio.sleep(2)
        rss3 = server_rss_kb(pid)
        print(f"3. a whole shopper on a product page: {(rss3 - rss2) / max(len(shoppers), 1):6.1f} KB per shopper "
              f"({len(shoppers)} connected, {figures.errors} failed)")
        await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
        await asyncio.gather(*(s.close() for s in shoppers), return_exceptions=True)
        if args.second_wave:
            # The shoppers of layer 3 have left; a second crowd as large comes after `--second-wave` s.
            # What the server keeps of tabs that are gone shows as growth the second crowd adds.
            await asyncio.sleep(args.second_wave)
            rss4 = server_rss_kb(pid)
            again = await connect_many(base, slug, products, boot, args.connections, Figures())
            await asyncio.sleep(2)
            rss5 = server_rss_kb(pid)
            print(f"4. {len(shoppers)} shoppers gone for {args.second_wave:.0f} s: RSS {rss3 / 1024:.0f} -> "
                  f"{rss4 / 1024:.0f} MB; {len(again)} new ones then add {(rss5 - rss4) / max(len(again), 1):6.1f} KB "
                  f"per shopper (server RSS {rss0 / 1024:.0f} MB before any)")
            await asyncio.gather(*(s.close() for s in again), return_exceptions=True)
        await asyncio.gather(*(s.close() for s in warm), return_exceptions=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--connections", type=int, default=500)
    parser.add_argument("--second-wave", type=float, default=0,
                        help="after the shoppers leave, wait this many seconds and connect as many again (0: not)")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    redis_url = os.environ.get("REDIS_URL")
    if redis_url:
        import redis

        redis.Redis.from_url(redis_url).flushdb()
    print(f"redis {'yes' if redis_url else 'no'}, {args.workers} worker(s); load average {os.getloadavg()[0]:.1f}")
    with production_backend(workers=args.workers, redis_url=redis_url) as backend:
        asyncio.run(run(args, backend.url, backend.process.pid))


if __name__ == "__main__":
    main()
