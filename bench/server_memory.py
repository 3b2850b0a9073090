"""What a websocket costs in each ASGI server, whatever the app (issue 17, third pass).

    .venv/bin/python bench/server_memory.py --connections 500
    .venv/bin/python bench/server_memory.py --connections 500 --servers uvicorn-wsproto granian

Serves a tiny ASGI app under each server in turn (one process, loopback, a free port) and opens
`--connections` websockets to it with aiohttp, 50 at a time; prints the server's RSS growth per
connection for two apps:

- bare: accepts the websocket and waits for it to close (the server's own cost);
- engineio: python-socketio's ASGI app at /_event, as Reflex mounts it, the client reading
  engine.io's OPEN packet: the server plus python-engineio's session, layer 1 of
  bench/connection_cost.py.

Servers: Granian, uvicorn with each websocket implementation it offers (websockets,
websockets-sansio, wsproto; its HTTP parser is h11 here; permessage-deflate refused, as
shopapp/server.py runs it), uvicorn's default that grants it, and Hypercorn (wsproto under the
hood). `--deflate`: the client asks for permessage-deflate, as Chromium does on every websocket.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.storefront_scale import server_rss_kb  # noqa: E402  - the server's RSS with its workers

ROOT = Path(__file__).resolve().parent.parent

# uvicorn as shopapp/server.py runs it: permessage-deflate refused (a browser asks for it on every socket).
NO_DEFLATE = ["--ws-per-message-deflate", "false"]
SERVERS = {
    "granian": ["-m", "granian", "--interface", "asgi", "--workers", "1", "--log-level", "warning"],
    "uvicorn-websockets": ["-m", "uvicorn", "--ws", "websockets", *NO_DEFLATE, "--log-level", "warning"],
    "uvicorn-websockets-sansio": ["-m", "uvicorn", "--ws", "websockets-sansio", *NO_DEFLATE, "--log-level", "warning"],
    "uvicorn-wsproto": ["-m", "uvicorn", "--ws", "wsproto", *NO_DEFLATE, "--log-level", "warning"],
    # uvicorn's default grants permessage-deflate: what refusing it saves when the client asks (--deflate)
    "uvicorn-websockets-sansio-deflate": ["-m", "uvicorn", "--ws", "websockets-sansio", "--log-level", "warning"],
    "hypercorn": ["-m", "hypercorn", "--log-level", "warning"],
}


# The apps the servers serve -------------------------------------------------------------------

async def bare(scope, receive, send):
    """Accept a websocket and wait until it closes; nothing else."""
    if scope["type"] == "lifespan":
        while (message := await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    if scope["type"] != "websocket":
        await send({"type": "http.response.start", "status": 404, "headers": []})
        await send({"type": "http.response.body", "body": b""})
        return
    await receive()  # websocket.connect
    await send({"type": "websocket.accept"})
    while (message := await receive())["type"] != "websocket.disconnect":
        del message


def _engineio_app():
    import socketio

    server = socketio.AsyncServer(async_mode="asgi", cors_allowed_origins="*")
    return socketio.ASGIApp(server, socketio_path="/_event")


engineio = _engineio_app() if os.environ.get("SERVER_MEMORY_APP") == "engineio" else None


# Measuring ------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(server: str, app: str, port: int) -> subprocess.Popen:
    target = f"bench.server_memory:{app}"
    where = ["--port", str(port)] if server == "granian" else []
    where += ["--host", "127.0.0.1"] if server == "granian" else []
    if server.startswith("uvicorn"):
        where = ["--host", "127.0.0.1", "--port", str(port)]
    if server == "hypercorn":
        where = ["--bind", f"127.0.0.1:{port}"]
    env = {**os.environ, "SERVER_MEMORY_APP": app, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, *SERVERS[server], *where, target], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


async def wait_listening(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.2)
    raise RuntimeError(f"nothing listens on {port}")


async def open_one(session: aiohttp.ClientSession, url: str, app: str, deflate: bool):
    ws = await session.ws_connect(url, autoping=True, heartbeat=None, compress=15 if deflate else 0)
    if app == "engineio":
        opened = await ws.receive()
        assert opened.type == aiohttp.WSMsgType.TEXT and opened.data.startswith("0"), opened
    return ws


async def measure(server: str, app: str, connections: int, deflate: bool) -> float:
    port = free_port()
    process = start(server, app, port)
    try:
        await wait_listening(port)
        path = "/_event/?EIO=4&transport=websocket" if app == "engineio" else "/ws"
        url = f"http://127.0.0.1:{port}{path}"
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
            warm = [await open_one(session, url, app, deflate) for _ in range(5)]  # first-use allocations
            await asyncio.sleep(1)
            before = server_rss_kb(process.pid)
            sockets = []
            for begin in range(0, connections, 50):
                sockets += await asyncio.gather(*(open_one(session, url, app, deflate)
                                                  for _ in range(begin, min(begin + 50, connections))))
            await asyncio.sleep(2)
            after = server_rss_kb(process.pid)
            await asyncio.gather(*(ws.close() for ws in sockets + warm), return_exceptions=True)
        return (after - before) / connections
    finally:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=500)
    parser.add_argument("--servers", nargs="*", default=list(SERVERS), choices=list(SERVERS))
    parser.add_argument("--apps", nargs="*", default=["bare", "engineio"], choices=["bare", "engineio"])
    parser.add_argument("--deflate", action="store_true", help="ask for permessage-deflate, as a browser does")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    print(f"{args.connections} websockets each, permessage-deflate {'asked for' if args.deflate else 'not asked'}; load average {os.getloadavg()[0]:.1f}")
    for server in args.servers:
        for app in args.apps:
            per = asyncio.run(measure(server, app, args.connections, args.deflate))
            print(f"{server:<27} {app:<9} {per:7.1f} KB per connection")


if __name__ == "__main__":
    main()
