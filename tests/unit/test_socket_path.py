"""The live websocket's short way in (shopapp/socket_path.py): what it takes from Reflex is still there under
these names, a tab's socket skips the HTTP middlewares, and everything else still goes through them."""

from __future__ import annotations

from types import SimpleNamespace

from starlette.routing import Mount

from shopapp import socket_path
from tests.loops import run_coroutine


def test_reflex_still_mounts_its_socket_app_at_the_event_path_behind_its_subprotocol_echo():
    from shopapp.shopapp import app

    mounted = socket_path.event_socket_app(app)
    assert type(mounted).__name__ == "HeaderMiddleware"  # reflex.app App._setup_state's subprotocol echo
    assert mounted.app.engineio_server is app.sio  # socket.io's ASGI app, on the app's socket.io server
    assert socket_path.event_path() == "/_event"


def test_reflex_context_middleware_is_still_there_and_sets_the_contexts():
    from reflex.app import _ContextMiddleware

    calls = []

    async def inner(scope, receive, send):
        calls.append("inner")

    reflex_app = SimpleNamespace(_set_contexts_internal=lambda: calls.append("contexts"))
    run_coroutine(_ContextMiddleware(inner, reflex_app=reflex_app)({"type": "websocket"}, None, None))
    assert calls == ["contexts", "inner"]


def test_a_tab_socket_skips_the_http_stack_and_every_other_request_goes_through_it():
    served = []

    async def socket_app(scope, receive, send):
        served.append(("socket", scope["type"], scope["path"]))

    async def full_app(scope, receive, send):
        served.append(("full", scope["type"], scope["path"]))

    reflex_app = SimpleNamespace(_api=SimpleNamespace(routes=[Mount("/_event", app=socket_app)]),
                                 _set_contexts_internal=lambda: None)
    route = socket_path.with_short_socket_path(full_app, reflex_app)
    platform = [(b"host", b"127.0.0.1:8000")]
    for scope in ({"type": "websocket", "path": "/_event/", "headers": platform},
                  {"type": "websocket", "path": "/_event", "headers": platform},
                  {"type": "http", "path": "/_event/", "headers": platform},
                  {"type": "websocket", "path": "/_events", "headers": platform},
                  {"type": "http", "path": "/api/v1/health", "headers": platform}):
        run_coroutine(route(scope, None, None))
    assert served == [("socket", "websocket", "/_event/"), ("socket", "websocket", "/_event"),
                      ("full", "http", "/_event/"), ("full", "websocket", "/_events"), ("full", "http", "/api/v1/health")]
