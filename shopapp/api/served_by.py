"""X-Served-By: the id of the backend worker process that answered an /api/ request.

With REDIS_URL set the platform runs several worker processes; this header lets an operator
(and the multi-worker load test) see which one answered. A process id tells an outsider
nothing they could use, so it is safe to show.
"""

import os

from starlette.types import ASGIApp, Message, Receive, Scope, Send


def install(api) -> None:
    api.add_middleware(ServedBy)


class ServedBy:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        # Asked per request, not kept from import time: the app is imported once in the
        # supervisor and the workers are forked from it, so a saved value would be the supervisor's.
        worker = str(os.getpid()).encode()

        async def send_with_worker(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), (b"x-served-by", worker)]}
            await send(message)

        await self.app(scope, receive, send_with_worker)
