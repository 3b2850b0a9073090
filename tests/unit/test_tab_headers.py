"""A connected tab keeps only the headers the app reads (shopapp/tab_headers.py): what it replaces in Reflex and
python-engineio is still there under these names, the cookie, origin and host still reach the router,
and the rest is gone from the router data and from engine.io's environ."""

from __future__ import annotations

import inspect

from engineio.async_drivers import asgi as engineio_asgi
from reflex.app import EventNamespace
from reflex_base import constants

from shopapp import tab_headers
from tests.loops import run_coroutine

BROWSER = [(b"host", b"shop.example:8000"), (b"origin", b"http://shop.example:8000"), (b"cookie", b"shopapp_visitor=v1"),
           (b"user-agent", b"Mozilla/5.0 (iPhone) " + b"x" * 120), (b"accept-language", b"zh-CN,zh;q=0.9"),
           (b"sec-websocket-key", b"00PppZy5/lflNk1aEBXZZg=="), (b"sec-websocket-protocol", b"0.10.1")]


def test_the_replaced_reflex_method_is_still_there_and_ours_once_installed():
    assert tab_headers._reflex_build_static_router_data.__qualname__ == "EventNamespace._build_static_router_data"
    assert list(inspect.signature(tab_headers._reflex_build_static_router_data).parameters) == ["self", "sid", "environ"]
    tab_headers.install()
    assert EventNamespace._build_static_router_data is tab_headers._build_static_router_data


def test_a_tab_keeps_the_headers_the_app_reads_and_engineio_forgets_its_copies():
    environ = run_coroutine(_engineio_environ())
    assert "wsgi.input" in environ and environ["HTTP_USER_AGENT"].startswith("Mozilla")  # engine.io's own, as before
    namespace = object.__new__(EventNamespace)
    data = tab_headers._build_static_router_data(namespace, "sid-1", environ)
    assert data[constants.RouteVar.HEADERS] == {"host": "shop.example:8000", "origin": "http://shop.example:8000",
                                                "cookie": "shopapp_visitor=v1"}
    assert data[constants.RouteVar.SESSION_ID] == "sid-1" and data[constants.RouteVar.CLIENT_IP] == "10.0.0.7"
    assert not [key for key in environ if key.startswith("HTTP_")] and "wsgi.input" not in environ
    assert environ["QUERY_STRING"] == "EIO=4&transport=websocket&token=t1" and environ["asgi.scope"]["headers"] == BROWSER[:3]


def test_the_router_reads_the_cookie_and_origin_from_the_kept_headers():
    from reflex.istate.data import RouterData

    router = RouterData.from_router_data({constants.RouteVar.HEADERS: tab_headers.kept_headers(
        {name.decode(): value.decode() for name, value in BROWSER})})
    assert router.headers.cookie == "shopapp_visitor=v1" and router.headers.origin == "http://shop.example:8000"
    assert router.headers.user_agent == ""


async def _engineio_environ() -> dict:
    """The environ python-engineio makes for a websocket (its asgi driver's translate_request)."""
    scope = {"type": "websocket", "path": "/_event/", "query_string": b"EIO=4&transport=websocket&token=t1",
             "headers": BROWSER, "client": ("10.0.0.7", 50000)}

    async def receive():
        return {"type": "websocket.connect"}

    return await engineio_asgi.translate_request(scope, receive, None)


def test_uvicorn_still_keeps_the_handshake_where_it_is_forgotten_and_reads_it_only_before_accepting():
    from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

    connect = inspect.getsource(WebSocketsSansIOProtocol.handle_connect)
    assert "self.request = event" in connect and "self.response = self.conn.accept(event)" in connect
    send = inspect.getsource(WebSocketsSansIOProtocol.send)
    assert "if not self.handshake_complete" in send.split("self.response", 1)[0]  # read only while accepting


def test_an_accepted_socket_forgets_its_handshake_and_the_headers_nobody_reads():
    from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

    protocol = object.__new__(WebSocketsSansIOProtocol)
    protocol.handshake_complete, protocol.request, protocol.response = True, "request", "response"
    environ = {"asgi.receive": protocol.receive, "asgi.scope": {"headers": list(BROWSER)}}
    tab_headers.forget_handshake(environ)
    assert protocol.request is None and protocol.response is None
    assert environ["asgi.scope"]["headers"] == BROWSER[:3]  # host, origin, cookie
    protocol.handshake_complete, protocol.request = False, "request"
    tab_headers.forget_handshake(environ)
    assert protocol.request == "request"  # not accepted yet: left alone
