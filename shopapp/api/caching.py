"""How the platform's responses travel: compressed when worth it, and built assets cached for a year.

Reflex names its built JavaScript and CSS by their content (`/assets/x-3f9a.js`), so a file at
a given address never changes and browsers may keep it; everything else is revalidated.
"""

from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

IMMUTABLE = b"public, max-age=31536000, immutable"


def install(api) -> None:
    api.add_middleware(GZipMiddleware, minimum_size=1024)
    api.add_middleware(CacheBuiltAssets)


class CacheBuiltAssets:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/assets/"):
            await self.app(scope, receive, send)
            return

        async def send_with_cache(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"cache-control"]
                message = {**message, "headers": [*headers, (b"cache-control", IMMUTABLE)]}
            await send(message)

        await self.app(scope, receive, send_with_cache)
