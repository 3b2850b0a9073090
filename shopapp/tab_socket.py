"""A connected tab's engine.io socket with one task instead of four, and no queue (issue 17, memory per shopper).

python-engineio 4.15 (`AsyncSocket._websocket_handler`) keeps, for every connected tab, besides the socket's
own task reading from the websocket:
- a writer task draining an asyncio.Queue into the websocket, itself waiting in `wait_for(queue.get())`, a
  task of its own (the queue alone, with its deques and its Event, is 3.2 KB);
- one more task per message read (`ensure_future(websocket_wait())` under `wait_for`);
- a ping task sleeping 25 s (`_send_ping`), made again after every pong.
With tracemalloc (bench/storefront_scale.py --heap) those were ~8 KB of a connected shopper's ~36 KB of Python
objects in the worker; and each message in or out paid a task and a timer.

Here, for a websocket (all Reflex uses: `transports=["websocket"]`, no upgrades), packets are written to the
websocket as they are sent (uvicorn writes a frame whole, without yielding, so frames never interleave); the
read waits under `asyncio.timeout` in the socket's own task; the ping is a timer (`loop.call_later`) that
starts a short task only when it is due. What a tab sees is the same protocol, frame for frame. The OPEN
packet, sent before the websocket handler starts, waits in a list until it does. A socket that polls (not
Reflex's) gets python-engineio's own code and queue.

Under it, uvicorn's websocket (websockets-sansio) keeps its messages in for the app in an asyncio.Queue, four
deques and an Event; `TabWebSocket` (shopapp/server.py serves with it) keeps them in a `Mailbox`, one deque.

tests/unit/test_tab_socket.py speaks engine.io to it over a real websocket and fails if an upgrade of
python-engineio renames what this replaces.
"""

from __future__ import annotations

import asyncio
import collections
import time

import engineio.async_socket
from engineio import exceptions, packet
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

_STOCK_SOCKET = engineio.async_socket.AsyncSocket


class TabSocket(_STOCK_SOCKET):
    """engine.io's server socket for one tab; see the module's docstring."""

    def __init__(self, server, sid):  # BaseSocket's fields, without its queue (made only if the tab polls)
        self.server = server
        self.sid = sid
        self.last_ping = time.time()
        self.connected = False
        self.upgrading = False
        self.upgraded = False
        self.closing = False
        self.closed = False
        self.session = {}
        self._queue = None
        self._websocket = None
        self._before_websocket: list[packet.Packet] | None = []
        self._ping_timer: asyncio.TimerHandle | None = None

    @property
    def queue(self):
        """python-engineio's queue, for a socket that polls (and close's join): made when first asked for."""
        if self._queue is None:
            self._queue = self.server.create_queue()
            for pkt in self._before_websocket or ():
                self._queue.put_nowait(pkt)
            self._before_websocket = None
        return self._queue

    async def send(self, pkt):
        if self._websocket is None and self._before_websocket is not None:
            self._before_websocket.append(pkt)  # the OPEN packet, before the handler has the websocket
            return
        if self._websocket is None:
            await super().send(pkt)  # polling: the stock queue
            return
        if not await self.check_ping_timeout():
            return
        try:
            await self._websocket.send(pkt.encode())
        except Exception:  # noqa: BLE001 - the tab went away: the read loop sees it and closes the socket
            pass

    async def _websocket_handler(self, ws):
        if self.connected or self._queue is not None:  # an upgrade from polling: python-engineio's own way
            await super()._websocket_handler(ws)
            return
        self.connected = self.upgraded = True
        self._websocket = ws
        early, self._before_websocket = self._before_websocket or [], None
        try:
            for pkt in early:
                await ws.send(pkt.encode())
            await self._read(ws)
        finally:
            self._websocket = None
            await ws.close()
            await self.close(wait=False, abort=True, reason=self.server.reason.TRANSPORT_CLOSE)

    async def _read(self, ws) -> None:
        """Each message in, handled in this task, until the tab leaves or is silent past ping + timeout."""
        silence = self.server.ping_interval + self.server.ping_timeout
        while True:
            try:
                async with asyncio.timeout(silence):
                    data = await ws.wait()
            except (Exception, asyncio.CancelledError):  # noqa: BLE001 - gone, silent or shut down: as the stock loop
                return
            if data is None or len(data) > self.server.max_http_buffer_size:
                return
            try:
                await self.receive(packet.Packet(encoded_packet=data))
            except exceptions.UnknownPacketError:
                pass
            except exceptions.SocketIsClosedError:
                return
            except Exception:  # noqa: BLE001 - as the stock loop: log it, keep the tab
                self.server.logger.exception("Unknown receive error")

    # The ping: a timer, not a task asleep for the interval --------------------------------------------------

    def schedule_ping(self):
        if self.last_ping:  # only once the last ping was answered (or at the start), as the stock socket
            self.last_ping = None
            self._stop_ping()
            self._ping_timer = asyncio.get_running_loop().call_later(self.server.ping_interval, self._ping_due)

    def _ping_due(self) -> None:
        self._ping_timer = None
        if not self.closing and not self.closed:
            self.server.start_background_task(self._send_ping_now)

    async def _send_ping_now(self) -> None:
        if not self.closing and not self.closed:
            self.last_ping = time.time()
            await self.send(packet.Packet(packet.PING))

    def _stop_ping(self) -> None:
        if self._ping_timer is not None:
            self._ping_timer.cancel()
            self._ping_timer = None

    async def close(self, wait=True, abort=False, reason=None):
        self._stop_ping()  # the timer would keep the socket alive for a whole interval after it closed
        await super().close(wait=wait, abort=abort, reason=reason)


# uvicorn's side of the tab's websocket -------------------------------------------------------------------------

class Mailbox:
    """What uvicorn's websocket asks of its asyncio.Queue of messages in (put_nowait, get, empty), in one deque
    and at most one waiting reader (there is one: the ASGI app's receive). An asyncio.Queue keeps four deques
    and an Event, ~3 KB per connected tab."""

    __slots__ = ("_messages", "_reader")

    def __init__(self):
        self._messages: collections.deque = collections.deque()
        self._reader: asyncio.Future | None = None

    def put_nowait(self, message) -> None:
        self._messages.append(message)
        if self._reader is not None and not self._reader.done():
            self._reader.set_result(None)

    async def get(self):
        while not self._messages:
            self._reader = asyncio.get_running_loop().create_future()
            try:
                await self._reader
            finally:
                self._reader = None
        return self._messages.popleft()

    def empty(self) -> bool:
        return not self._messages


class TabWebSocket(WebSocketsSansIOProtocol):
    """uvicorn's websockets-sansio websocket with the Mailbox for its queue, which lets go of the handshake's
    request and response once the handshake is done: uvicorn keeps both for the connection's life, though it
    reads them only until it answers (the ASGI scope has its own copy of the headers, which the app reads).
    The request's headers are emptied in place: websockets' parser keeps the request in its generator's frame
    for as long as the connection lasts."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.queue = Mailbox()

    async def send(self, message) -> None:
        await super().send(message)
        if self.handshake_complete and self.response is not None:
            self.request.headers.clear()
            self.request = self.response = None


def install() -> None:
    """python-engineio makes each connection's socket as `async_socket.AsyncSocket(server, sid)`, looked up at
    call time (engineio/async_server.py, `_handle_connect`)."""
    engineio.async_socket.AsyncSocket = TabSocket
