"""The live websocket's short way in: a tab's socket at /_event goes straight to socket.io, not through
the whole HTTP middleware stack, which it would otherwise keep open for as long as the tab stays.

An ASGI call lasts as long as its connection, so every layer it passes through keeps a suspended
coroutine (and its locals, closures, an exit stack) for the tab's whole life. Through Reflex's app, our
FastAPI app (its middlewares) and Reflex's own Starlette app, a websocket waited 49 coroutines deep:
~35 of them middlewares that do nothing for a websocket (CORS, gzip, security headers, error pages,
the visitor cookie: all HTTP-only). The socket now takes what a websocket needs from that stack, in
the same order: Reflex's contexts (its _ContextMiddleware), the shop-site check of the Host
(api/hosts.ShopHostMiddleware: an unknown host is refused), and Reflex's subprotocol echo in front of
socket.io (the app Reflex mounts at /_event). Everything else goes the usual way.

tests/unit/test_socket_path.py fails if a Reflex upgrade moves what this takes from it.
"""

from __future__ import annotations

from reflex.app import _ContextMiddleware
from reflex_base import constants
from reflex_base.config import get_config
from starlette.routing import Mount

from shopapp.api.hosts import ShopHostMiddleware


def asgi_app():
    """The factory the server runs: Reflex's ASGI app, with the websocket's short way in front of it."""
    from shopapp.shopapp import app

    return with_short_socket_path(app(), app)


def with_short_socket_path(full_app, reflex_app):
    """`full_app` (what Reflex built) for everything but a websocket at the event path, which goes to
    the socket app Reflex mounted there, through the few layers a websocket needs."""
    socket_app = _ContextMiddleware(ShopHostMiddleware(event_socket_app(reflex_app)), reflex_app=reflex_app)
    path = event_path()

    async def route(scope, receive, send):
        if scope["type"] == "websocket" and (scope["path"] == path or scope["path"].startswith(path + "/")):
            await socket_app(scope, receive, send)
        else:
            await full_app(scope, receive, send)

    return route


def event_path() -> str:
    return get_config().prepend_backend_path(str(constants.Endpoint.EVENT))


def event_socket_app(reflex_app):
    """What Reflex mounted at the event path of its own Starlette app: socket.io's ASGI app behind the
    subprotocol echo (reflex.app App._setup_state's HeaderMiddleware)."""
    path = event_path()
    for route in reflex_app._api.routes:
        if isinstance(route, Mount) and route.path == path:
            return route.app
    raise LookupError(f"Reflex mounted no socket app at {path}")
