"""Request bodies read with a limit: too big is refused before, or while, it is read."""

from __future__ import annotations

from fastapi import Request
from starlette.datastructures import FormData

from shopapp.services.core.errors import TooLarge as DomainTooLarge


class TooLarge(DomainTooLarge):
    """A request body over the limit; refused without reading the rest of it."""

    code = "upload_too_large"


def refuse_declared_size(request: Request, limit: int) -> None:
    """Refuse at once a body that says it is over `limit` bytes (before anything else is done)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise TooLarge(limit_mb=limit // (1024 * 1024))


async def bounded_body(request: Request, limit: int) -> bytes:
    """The body, read only until it passes `limit` bytes (a chunked upload declares no length)."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise TooLarge(limit_mb=limit // (1024 * 1024))
    return bytes(body)


async def form_in(request: Request, body: bytes, *, max_files: int, max_fields: int) -> FormData:
    """The multipart form in a body already read (and measured) by bounded_body."""
    sent = False

    async def receive() -> dict:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return await Request(request.scope, receive).form(max_files=max_files, max_fields=max_fields)
