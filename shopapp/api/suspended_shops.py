"""A suspended shop's storefront: every /s/<slug> page answers a neutral "店铺暂停营业" page and every
/api/v1/store/<slug>/… call a JSON error, both HTTP 503, before Reflex or a router sees the request.

The shop's data is untouched; restoring the shop brings the same pages back. (The console and the admin
API refuse writes elsewhere: services/core/permissions.require and api/deps.acting, 423 shop_suspended.)"""

from __future__ import annotations

import html
import json
import re

import anyio

from shopapp.db import read_scope
from shopapp.i18n import error_message, t
from shopapp.services.core import shop_status

_STOREFRONT = re.compile(r"^/s/([^/?#]+)")
_STORE_API = re.compile(r"^/api/v1/store/([^/?#]+)")


def paused_page() -> bytes:
    """The neutral page, in both languages (no shop name, no reason: the operator's reason is not the public's)."""
    title_zh, title_en = t("ops.paused.title", "zh-CN"), t("ops.paused.title", "en")
    body_zh, body_en = t("ops.paused.body", "zh-CN"), t("ops.paused.body", "en")
    page = f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>{html.escape(title_zh)}</title>
<style>body{{font-family:system-ui,sans-serif;margin:0;display:flex;min-height:100vh;align-items:center;
justify-content:center;background:#f6f6f4;color:#333;text-align:center}}main{{padding:24px;max-width:340px}}
h1{{font-size:22px;margin:0 0 12px}}p{{margin:6px 0;color:#666;line-height:1.5}}</style></head>
<body><main id="shop-paused"><h1>{html.escape(title_zh)}</h1><p>{html.escape(body_zh)}</p>
<p lang="en">{html.escape(title_en)} · {html.escape(body_en)}</p></main></body></html>"""
    return page.encode()


def _suspended(slug: str) -> bool:
    with read_scope() as session:
        return shop_status.slug_suspended(session, slug)


class SuspendedShopsMiddleware:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        page, api = _STOREFRONT.match(path), _STORE_API.match(path)
        match = page or api
        if match is None:
            await self.app(scope, receive, send)
            return
        slug = match.group(1)
        suspended = shop_status.remembered_slug(slug)  # asked a moment ago: no thread, no query
        if suspended is None:
            suspended = await anyio.to_thread.run_sync(_suspended, slug)
        if not suspended:
            await self.app(scope, receive, send)
            return
        if api:
            lang = "en" if b"en" in dict(scope.get("headers") or []).get(b"accept-language", b"")[:2] else "zh-CN"
            body = json.dumps({"error": {"code": "shop_suspended", "message": error_message("shop_suspended", lang),
                                         "fields": {}}}, ensure_ascii=False).encode()
            kind = b"application/json"
        else:
            body, kind = paused_page(), b"text/html; charset=utf-8"
        await send({"type": "http.response.start", "status": 503, "headers": [
            (b"content-type", kind), (b"content-length", str(len(body)).encode()), (b"cache-control", b"no-store"),
        ]})
        await send({"type": "http.response.body", "body": body})


def install(api) -> None:
    api.add_middleware(SuspendedShopsMiddleware)
