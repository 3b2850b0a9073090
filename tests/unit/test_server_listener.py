"""A worker's listening socket: what the kernel and asyncio make of the connections it accepts."""

import asyncio
import socket

from shopapp.server import _listener
from tests.loops import run_coroutine


def test_a_tabs_small_messages_leave_at_once_nagle_off():
    """A navigation sends two deltas back to back (on_load_internal's, then the page's load). With Nagle on,
    the second waited for the browser's delayed ACK of the first, 40 ms on every navigation: asyncio turns
    Nagle off on accepted sockets only when the listener says its protocol is TCP."""
    listener = _listener("127.0.0.1", 0, 8)
    port = listener.getsockname()[1]
    seen: list[int] = []

    async def accept_one():
        accepted = asyncio.Event()

        def on_connection(reader, writer):
            sock = writer.get_extra_info("socket")
            seen.append(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()
            accepted.set()

        server = await asyncio.start_server(on_connection, sock=listener)
        async with server:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            await asyncio.wait_for(accepted.wait(), 10)
            writer.close()

    run_coroutine(accept_one())
    assert seen and seen[0] != 0
