"""A tab's engine.io socket (shopapp/tab_socket.py) over a real websocket: uvicorn as the platform runs it,
python-socketio on both ends, engine.io's pings short so their cycles show within a test."""

import asyncio
import inspect
import json
import re
import time

import aiohttp
import engineio.async_socket
import engineio.base_socket
import pytest
import socketio
import uvicorn
from uvicorn.protocols.websockets import websockets_sansio_impl
from websockets.http11 import Request

from shopapp import tab_socket
from shopapp.server import _listener, _websocket_protocol
from tests.loops import run_coroutine

PING_INTERVAL, PING_TIMEOUT = 0.2, 0.3


@pytest.fixture
def lean_sockets(monkeypatch):
    monkeypatch.setattr(engineio.async_socket, "AsyncSocket", tab_socket.TabSocket)


class Platform:
    """A socket.io server under uvicorn that answers "hello" with "echo" and notes who left."""

    def __init__(self):
        self.sio = socketio.AsyncServer(async_mode="asgi", transports=["websocket"], allow_upgrades=False,
                                        ping_interval=PING_INTERVAL, ping_timeout=PING_TIMEOUT, async_handlers=False)
        self.left: list[str] = []
        self.sio.on("hello", self._hello)
        self.sio.on("disconnect", self._left)

    async def _hello(self, sid, data):
        await self.sio.emit("echo", {"got": data}, to=sid)

    async def _left(self, sid, *_):
        self.left.append(sid)

    async def __aenter__(self):
        listener = _listener("127.0.0.1", 0, 64)
        self.url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        config = uvicorn.Config(socketio.ASGIApp(self.sio), ws=_websocket_protocol(), lifespan="off", log_level="warning")
        self.server = uvicorn.Server(config)
        self.task = asyncio.create_task(self.server.serve(sockets=[listener]))
        while not self.server.started:
            await asyncio.sleep(0.01)
        return self

    async def __aexit__(self, *_):
        self.server.should_exit = True
        await self.task

    def sockets(self) -> list:
        return list(self.sio.eio.sockets.values())


async def until(check, seconds: float = 5) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"not within {seconds:.0f} s"
        await asyncio.sleep(0.02)


def test_a_tab_is_answered_stays_through_its_pings_and_is_let_go_when_it_leaves(lean_sockets):
    async def journey():
        async with Platform() as platform:
            tab = socketio.AsyncClient(reconnection=False)
            answers: asyncio.Queue = asyncio.Queue()
            tab.on("echo", answers.put_nowait)
            await tab.connect(platform.url, transports=["websocket"])
            [server_side] = platform.sockets()
            assert isinstance(server_side, tab_socket.TabSocket)
            [websocket] = [conn for conn in platform.server.server_state.connections if hasattr(conn, "queue")]
            assert isinstance(websocket.queue, tab_socket.Mailbox)
            assert websocket.request is None and websocket.response is None  # the handshake's, let go once done
            # websockets' parser still holds the request (a local of its generator): its headers are emptied
            kept = websocket.conn.parser.gi_frame.f_locals["request"]
            assert isinstance(kept, Request) and not kept.headers

            await tab.emit("hello", "你好")
            assert await asyncio.wait_for(answers.get(), 5) == {"got": "你好"}

            await asyncio.sleep(5 * PING_INTERVAL)  # several pings sent and answered: the tab stays
            assert tab.connected and not platform.left
            await tab.emit("hello", "again")
            assert await asyncio.wait_for(answers.get(), 5) == {"got": "again"}
            assert server_side._queue is None  # never needed one

            await tab.disconnect()
            await until(lambda: platform.left)
            await until(lambda: not platform.sockets())
            assert server_side._ping_timer is None  # no timer keeps the gone tab's socket alive
    run_coroutine(journey())


def test_a_tab_that_stops_answering_pings_is_closed(lean_sockets):
    async def journey():
        async with Platform() as platform, aiohttp.ClientSession() as session:
            ws = await session.ws_connect(platform.url + "/socket.io/?EIO=4&transport=websocket")
            opened = await ws.receive()
            assert opened.data.startswith("0") and "pingTimeout" in json.loads(opened.data[1:])  # OPEN
            await ws.send_str("40")  # socket.io's CONNECT; then silence: no pong
            connected = await ws.receive()
            assert connected.data.startswith("40")
            ping = await ws.receive(timeout=5)
            assert ping.data == "2"
            await until(lambda: platform.left, seconds=5 * (PING_INTERVAL + PING_TIMEOUT))
            await ws.close()
    run_coroutine(journey())


def test_what_it_replaces_in_python_engineio_is_still_there():
    """Fails when an upgrade of python-engineio renames or reshapes what TabSocket stands in for."""
    stock = tab_socket._STOCK_SOCKET
    for name in ("_websocket_handler", "schedule_ping", "_send_ping", "send", "close", "check_ping_timeout", "receive"):
        assert callable(getattr(stock, name)), name

    class Server:
        def create_queue(self):
            return asyncio.Queue()

    stock_fields = set(vars(engineio.base_socket.BaseSocket(Server(), "sid")))
    assert stock_fields == {"server", "sid", "queue", "last_ping", "connected", "upgrading", "upgraded", "closing",
                            "closed", "session"}
    ours = set(vars(tab_socket.TabSocket(Server(), "sid")))
    assert stock_fields - {"queue"} <= ours


def test_the_websockets_mailbox_hands_messages_in_order_to_the_one_reader():
    async def journey():
        box = tab_socket.Mailbox()
        assert box.empty()
        box.put_nowait("connect")
        assert await box.get() == "connect" and box.empty()
        reader = asyncio.create_task(box.get())
        await asyncio.sleep(0)  # the reader waits
        box.put_nowait("one")
        box.put_nowait("two")
        assert await reader == "one" and await box.get() == "two"
        waiting = asyncio.create_task(box.get())
        await asyncio.sleep(0)
        waiting.cancel()  # the app's receive cancelled (a timeout): nothing lost, the next reader gets it
        await asyncio.gather(waiting, return_exceptions=True)
        box.put_nowait("three")
        assert await box.get() == "three"
    run_coroutine(journey())


def test_what_the_mailbox_stands_in_for_in_uvicorn_is_still_all_it_asks():
    source = inspect.getsource(websockets_sansio_impl.WebSocketsSansIOProtocol)
    assert set(re.findall(r"self\.queue\.(\w+)", source)) == {"put_nowait", "get", "empty"}
    # The handshake's request and response are read only while it is answered (handle_connect, and send's
    # branch for a handshake not complete yet): TabWebSocket lets go of them once it is complete.
    uses = {line.strip() for line in re.findall(r".*self\.(?:request|response)\b.*", source)}
    assert uses == {"self.request = event", "self.response = self.conn.accept(event)",
                    "if self.response.status_code != 101:", "self.conn.send_response(self.response)",
                    'del self.response.headers["Date"]', "self.response.headers.update(headers)"}
    assert issubclass(_websocket_protocol(), websockets_sansio_impl.WebSocketsSansIOProtocol)
