"""Which of a tab's connection headers are kept while it stays connected: the ones the app reads.

Reflex 0.10 copies every request header of a tab's websocket into the connection's router data (kept
per socket in the worker, and in the tab's root state in Redis twice: `router_data` and the router's
`HeaderData` with `raw_headers`), and python-engineio keeps its own copy of each (`HTTP_*` in the
connection's environ) beside the request body reader it made (a class of its own per request). The app
reads the cookie (the session and the visitor id: ui/state.py, ui/store/state.py) and Reflex the origin
and host (the router's URL); user agent, accept headers, the websocket key and version are never read
after the handshake. A browser sends some 15 headers, ~1-2 KB: kept once per tab in the worker and
twice in Redis, for every connected tab; uvicorn keeps them twice more (the scope's list, the handshake's
request) and the handshake's response.

tests/unit/test_tab_headers.py fails if a Reflex or python-engineio upgrade renames what this replaces.
"""

from __future__ import annotations

from reflex.app import EventNamespace
from reflex_base import constants
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol as _UvicornSansIO

# Header names as Reflex keeps them (lower case): what the app and Reflex read from `router.headers`, and
# X-Forwarded-For, from which Reflex finds the shopper's address behind trusted proxies (TRUSTED_PROXY_HOPS)
# should it build a socket's router data again from the scope.
KEPT_HEADERS = frozenset({"host", "origin", "cookie", "x-forwarded-for"})
# What python-engineio's environ keeps that nothing reads once the socket is connected: its request body
# reader (the class engineio.async_drivers.asgi.translate_request defines per request) and the headers.
_ENVIRON_UNREAD = ("wsgi.input",)

_reflex_build_static_router_data = EventNamespace._build_static_router_data


def install() -> None:
    """Make Reflex keep only the headers the app reads for each connected tab (before the app serves)."""
    EventNamespace._build_static_router_data = _build_static_router_data


def _build_static_router_data(self, sid: str, environ: dict) -> dict:
    """Reflex's own, with the headers cut to KEPT_HEADERS and engine.io's environ to what is read later.
    Reflex builds this once per connection, in on_connect, after reading the environ's subprotocol and
    query string: nothing reads the environ's headers after it."""
    data = _reflex_build_static_router_data(self, sid, environ)
    headers = data.get(constants.RouteVar.HEADERS)
    if isinstance(headers, dict):
        data[constants.RouteVar.HEADERS] = kept_headers(headers)
    forget_unread_environ(environ)
    forget_handshake(environ)
    return data


def kept_headers(headers: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in headers.items() if name in KEPT_HEADERS}


def forget_handshake(environ: dict) -> None:
    """uvicorn's websocket (websockets-sansio) keeps the handshake's request and response, two header maps
    of a dozen lists each, for the socket's life, and the ASGI scope its header list: none is read once
    the socket is accepted (it is by now: this runs on socket.io's CONNECT, over the open socket). The
    scope keeps the headers the app reads, as Reflex reads them there again if a socket's router data
    went missing. Under another server (Granian) only the scope is cut."""
    scope = environ.get("asgi.scope")
    if isinstance(scope, dict) and isinstance(scope.get("headers"), list):
        scope["headers"] = [(name, value) for name, value in scope["headers"] if name.lower().decode() in KEPT_HEADERS]
    protocol = getattr(environ.get("asgi.receive"), "__self__", None)
    if isinstance(protocol, _UvicornSansIO) and protocol.handshake_complete:
        protocol.request = protocol.response = None


def forget_unread_environ(environ: dict) -> None:
    """Drop from engine.io's environ (kept for the socket's life) the body reader and the HTTP_* header
    copies; the ASGI scope, the query string, the address stay (Reflex reads the scope's headers again
    only if a socket's router data went missing)."""
    for key in [key for key in environ if key.startswith("HTTP_") or key in _ENVIRON_UNREAD]:
        del environ[key]
