"""Shop and product pages as first sent by the server: the app's page shell with that page's title,
description, Open Graph tags, canonical link and JSON-LD, so link previews and crawlers see them
without running JavaScript (Reflex 0.10 renders dynamic routes only in the browser)."""

from __future__ import annotations

import html
import json
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from shopapp.db import session_scope
from shopapp.services import seo
from shopapp.services.errors import NotFound

router = APIRouter(include_in_schema=False)
SHELL = Path(__file__).resolve().parents[2] / ".web" / "build" / "client" / "__spa-fallback.html"
BARE_SHELL = '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"/></head><body></body></html>'


@router.get("/s/{slug}")
@router.get("/s/{slug}/")
def shop_page(slug: str):
    return _page(lambda session: seo.shop_page_tags(session, slug))


@router.get("/s/{slug}/p/{product_id}")
@router.get("/s/{slug}/p/{product_id}/")
def product_page(slug: str, product_id: int):
    return _page(lambda session: seo.product_page_tags(session, slug, product_id))


@router.get("/s/{slug}/sitemap.xml")
def sitemap(slug: str):
    try:
        with session_scope() as session:
            return Response(seo.sitemap(session, slug), media_type="application/xml")
    except NotFound:
        return Response(status_code=404)


def _page(tags_for) -> HTMLResponse:
    try:
        with session_scope() as session:
            tags = tags_for(session)
    except NotFound:
        # The app still renders its friendly "not found" page; crawlers get the right status.
        return HTMLResponse(_shell(), status_code=404)
    return HTMLResponse(_shell().replace("</head>", _head(tags) + "</head>", 1))


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
    # "</" inside JSON would end the script element early: escape it.
    payload = json.dumps(tags["json_ld"], ensure_ascii=False).replace("</", "<\\/")
    parts.append(f'<script type="application/ld+json">{payload}</script>')
    return "".join(parts)


@lru_cache(maxsize=1)
def _cached_shell(mtime: float) -> str:
    return SHELL.read_text()


def _shell() -> str:
    """The built app's page shell (re-read after a rebuild); a bare page when there is no build (API tests)."""
    try:
        return _cached_shell(SHELL.stat().st_mtime)
    except FileNotFoundError:
        return BARE_SHELL
