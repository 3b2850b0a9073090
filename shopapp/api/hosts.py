"""Requests by Host: a shop's own site (`{slug}.{PLATFORM_DOMAIN}` or a verified custom domain) serves that
shop's storefront at `/`; a Host nobody verified is a plain 404, never another shop.

One ASGI middleware in front of everything. On a shop's site it rewrites the path before routing:
`/` is the shop's home, `/p/<id>` a product, `/sitemap.xml` the shop's sitemap, `/s/<its slug>/...` the
storefront's own paths (the pages link there), assets and the API as they are; any other shop's
`/s/<slug>` is a 404. The page shell the site answers carries the shop's canonical address, Open Graph
tags and sitemap on that host (api/seo.py), and a tiny script (assets/site-path.js) that puts the
storefront's own path in the address bar before the client-side router starts, since Reflex routes in
the browser from location.pathname.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from anyio import to_thread

from shopapp.api.security import public_origin
from shopapp.db import session_scope
from shopapp.services.platform import domains
from shopapp.settings import get_settings

SITE_KEY = "shopapp.site"  # the scope entry api/seo.py reads: {"slug", "origin"}
SITE_SHELL = "/_site"  # any other page of a shop's site: the shell, routed in the browser
_PASS_PREFIXES = ("/_", "/api/", "/assets/", "/media/")
_NOT_FOUND = b"Not Found"


class ShopHostMiddleware:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        host = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1").strip().lower()
        name = _without_port(host)
        if not name or domains.platform_host(name):
            await self.app(scope, receive, send)
            return
        site = await to_thread.run_sync(_site, name)
        if site.kind == "platform" or (site.kind == "shop" and scope["type"] == "websocket"):
            await self.app(scope, receive, send)
            return
        if site.kind == "unknown":
            await _not_found(scope, send)
            return
        path = _site_path(scope.get("path") or "/", site.slug)
        if path is None:
            await _not_found(scope, send)
            return
        scheme = "https" if get_settings().public_url.startswith("https://") else scope.get("scheme", "http")
        scope = {**scope, "path": path, "raw_path": path.encode(), SITE_KEY: {"slug": site.slug, "origin": f"{scheme}://{host}"}}
        await self.app(scope, receive, send)


def _site(name: str) -> domains.Site:
    with session_scope() as session:
        return domains.site_for_host(session, name)


def _site_path(path: str, slug: str) -> str | None:
    """Where a path of the shop's site is served from; None for another shop's pages."""
    own = f"/s/{slug}"
    if path == own or path.startswith(own + "/"):
        return path
    if path.startswith("/s/"):
        return None
    if path == "/sitemap.xml":
        return own + path
    if path.startswith(_PASS_PREFIXES) or "." in path.rsplit("/", 1)[-1]:
        return path  # the app's code, pictures, the API and Reflex's own endpoints
    if path == "/":
        return own
    if path.startswith("/p/"):
        return own + path
    return SITE_SHELL + path


def _without_port(host: str) -> str:
    if host.startswith("["):
        return host.split("]", 1)[0] + "]"
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


async def _not_found(scope, send) -> None:
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1008})
        return
    await send({"type": "http.response.start", "status": 404,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(_NOT_FOUND)).encode())]})
    await send({"type": "http.response.body", "body": _NOT_FOUND if scope.get("method") != "HEAD" else b""})


def install(api) -> None:
    api.add_middleware(ShopHostMiddleware)


def websocket_origin_allowed(origin: str | None, environ=None) -> bool:
    """Who may open the live websocket (at PUBLIC_URL): the platform's own pages, and the pages of a shop's
    own site (its storefront talks to the same backend). Any other origin is refused, as before."""
    if not origin:
        return True  # not a browser page (Reflex's own tools, the load bench)
    if origin == public_origin():
        return True
    parts = urlsplit(origin)
    name = (parts.hostname or "").lower()
    if not name or domains.platform_host(name):
        return False
    return _site(name).kind == "shop"


def allow_shop_sites_on_websocket(sio) -> None:
    """Reflex hands socket.io a fixed list of origins (rxconfig's cors_allowed_origins): widen it to shops' sites."""
    eio = getattr(sio, "eio", None)
    if eio is not None:
        eio.cors_allowed_origins = websocket_origin_allowed
