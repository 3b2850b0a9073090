"""Shop and product pages as first sent by the server: the app's page shell with that page's title,
description, Open Graph tags, canonical link and JSON-LD, so link previews and crawlers see them
without running JavaScript (Reflex 0.10 renders dynamic routes only in the browser).

The shell also carries the page's first screen as HTML (api/first_screen.py), painted before the app's
JavaScript has run, and names what the page needs first (its route's code and its largest picture), so
the browser fetches them alongside the app's code instead of after it has run."""

from __future__ import annotations

import html
import json
import re
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from shopapp.api import first_screen as first_screen_html
from shopapp.api.hosts import SITE_KEY, SITE_SHELL
from shopapp.db import session_scope
from shopapp.i18n import pick_lang
from shopapp.services.core.errors import NotFound
from shopapp.services.core.validation import id_from_text
from shopapp.services.marketing import first_screen
from shopapp.services.shops import seo

router = APIRouter(include_in_schema=False)
SHELL = Path(__file__).resolve().parents[2] / ".web" / "build" / "client" / "__spa-fallback.html"
ASSETS = SHELL.parent / "assets"
# React Router's paths of the two pages (routes.STORE_HOME and routes.STORE_PRODUCT in its notation).
SHOP_ROUTE, PRODUCT_ROUTE = "s/:slug", "s/:slug/p/:product_id"
LANG_COOKIE = "shopapp_lang"  # ui/state.LangState's cookie: the shopper's language
BARE_SHELL = '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"/></head><body></body></html>'


@router.get("/s/{slug}")
@router.get("/s/{slug}/")
def shop_page(slug: str, request: Request):
    site, lang, preview = _site_origin(request), _lang(request), request.query_params.get("preview", "")
    return _page(lambda session: (seo.shop_page_tags(session, slug, site),
                                  first_screen_html.home_html(first_screen.home(session, slug, preview), lang)),
                 SHOP_ROUTE, request, f"/s/{slug}")


@router.get("/s/{slug}/p/{product_id}")
@router.get("/s/{slug}/p/{product_id}/")
def product_page(slug: str, product_id: str, request: Request):
    # Any text: an id no product could have is the friendly not-found page, like a deleted product.
    site, lang, preview = _site_origin(request), _lang(request), request.query_params.get("preview", "")
    def read(session):
        pid = id_from_text(product_id)
        return (seo.product_page_tags(session, slug, pid, site),
                first_screen_html.product_html(first_screen.product(session, slug, pid, preview), lang))

    return _page(read, PRODUCT_ROUTE, request, f"/s/{slug}/p/{product_id}")


@router.get("/s/{slug}/sitemap.xml")
def sitemap(slug: str, request: Request):
    try:
        with session_scope() as session:
            return Response(seo.sitemap(session, slug, _site_origin(request)), media_type="application/xml")
    except NotFound:
        return Response(status_code=404)


@router.get(SITE_SHELL + "/{rest:path}")
def site_page(rest: str, request: Request):
    """Any other page of a shop's own site (api/hosts.py sends it here): the shell, routed in the browser."""
    site = request.scope.get(SITE_KEY)
    if not site:
        return Response(status_code=404)
    return HTMLResponse(_shell().replace("</head>", _site_script(f"/s/{site['slug']}/{rest}".rstrip("/")) + "</head>", 1))


def _site_origin(request: Request) -> str | None:
    return (request.scope.get(SITE_KEY) or {}).get("origin")


def _site_script(path: str) -> str:
    """On a shop's own site the address bar says `/` while the storefront's route is /s/<slug>: this script
    (classic, so it runs before the app's modules) shows the router the storefront's path."""
    return f'<script src="/site-path.js" data-path="{html.escape(path)}"></script>'


def _lang(request: Request) -> str:
    return pick_lang(request.cookies.get(LANG_COOKIE))


def _page(read, route: str, request: Request | None = None, path: str = "") -> HTMLResponse:
    """`read(session)`: the page's (tags, first screen's HTML)."""
    try:
        with session_scope() as session:
            tags, screen = read(session)
    except NotFound:
        # The app still renders its friendly "not found" page; crawlers get the right status.
        return HTMLResponse(_shell(), status_code=404)
    extra = _site_script(path) if request is not None and _site_origin(request) else ""
    page = _shell().replace("</head>", extra + _preloads(route, tags["first_image"]) + _head(tags) + "</head>", 1)
    # The first screen paints as soon as it has arrived, before any of the app's JavaScript has run.
    return HTMLResponse(page.replace("<body>", "<body>" + screen, 1))


def _preloads(route: str, first_image: str) -> str:
    """Without these the browser learns of the route's code only once React Router has started, and of
    the picture only once the page's data has arrived over the websocket."""
    links = [f'<link rel="modulepreload" href="{html.escape(src)}"/>' for src in _route_modules(route)]
    if first_image:
        links.append(f'<link rel="preload" as="image" href="{html.escape(first_image)}" fetchpriority="high"/>')
    return "".join(links)


def _head(tags: dict) -> str:
    e = html.escape
    parts = [
        f"<title>{e(tags['title'])}</title>",
        f'<meta name="description" content="{e(tags["description"])}"/>',
        f'<link rel="canonical" href="{e(tags["url"])}"/>',
        f'<meta property="og:title" content="{e(tags["title"])}"/>',
        f'<meta property="og:description" content="{e(tags["description"])}"/>',
        f'<meta property="og:url" content="{e(tags["url"])}"/>',
        f'<meta property="og:type" content="{e(tags["type"])}"/>',
    ]
    if tags["image"]:
        parts.append(f'<meta property="og:image" content="{e(tags["image"])}"/>')
    if tags.get("icon"):  # after the app's own favicon link: the last one wins
        parts.append(f'<link rel="icon" href="{e(tags["icon"])}"/>')
    # "</" inside JSON would end the script element early: escape it.
    payload = json.dumps(tags["json_ld"], ensure_ascii=False).replace("</", "<\\/")
    parts.append(f'<script type="application/ld+json">{payload}</script>')
    return "".join(parts)


@lru_cache(maxsize=1)
def _cached_shell(path: Path, mtime: float) -> str:
    return path.read_text()


def _shell() -> str:
    """The built app's page shell (re-read after a rebuild); a bare page when there is no build (API tests)."""
    try:
        return _cached_shell(SHELL, SHELL.stat().st_mtime)
    except FileNotFoundError:
        return BARE_SHELL


def _route_modules(route: str) -> list[str]:
    """The route's module and its imports, less those the shell already preloads; none without a build."""
    shell = _shell()
    manifest = re.search(r'href="/assets/(manifest-[\w-]+\.js)"', shell)
    if not manifest:
        return []
    try:
        modules = _manifest_routes(ASSETS / manifest.group(1)).get(route, [])
    except (OSError, ValueError, KeyError):  # a build being replaced: the page works without the hints
        return []
    return [src for src in modules if f'href="{src}"' not in shell]


@lru_cache(maxsize=4)
def _manifest_routes(manifest: Path) -> dict[str, list[str]]:
    """{route path: [module, *imports]} from React Router's build manifest, `window.__reactRouterManifest={...};`
    (a rebuild writes a new file name, so caching by path is safe)."""
    text = manifest.read_text()
    routes = json.loads(text[text.index("{"):text.rindex("}") + 1])["routes"]
    return {r["path"]: [r["module"], *r.get("imports", [])] for r in routes.values() if r.get("path") is not None and r.get("module")}
