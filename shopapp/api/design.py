"""店铺装修 over HTTP: the draft the editor saves, publishing it, the versions and restoring one, and
pictures for sections. Shoppers never reach any of this: the storefront reads only what was published."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from shopapp.api.bodies import bounded_body, form_in, refuse_declared_size
from shopapp.api.deps import acting, bearer_token
from shopapp.db import session_scope
from shopapp.services.catalog import media
from shopapp.services.core.errors import Invalid
from shopapp.services.shops import accounts, design, design_videos

router = APIRouter(tags=["store design"])
MAX_PICTURE_REQUEST_BYTES = media.MAX_UPLOAD_BYTES + 64 * 1024
MAX_VIDEO_REQUEST_BYTES = design_videos.MAX_VIDEO_BYTES + 64 * 1024


@router.get("/store-design")
def get_design(request: Request):
    """`{draft: {theme, pages}, published, published_at, version, preview_token}`; open
    `/s/{slug}?preview=<preview_token>` to see the draft as a shopper would."""
    with acting(request) as (session, actor):
        return design.get_design(session, actor)


@router.put("/store-design/draft")
def save_draft(data: dict, request: Request):
    """`{theme?, pages?}`: each page named replaces that page (null removes a 微页面); checked whole,
    422 with the field paths and nothing saved when one is wrong. Answers the draft `{theme, pages,
    warnings}` (warnings: colour pairs under WCAG AA that are allowed, e.g. a pale accent)."""
    with acting(request) as (session, actor):
        return _draft(design.save_draft(session, actor, data))


@router.post("/store-design/publish", status_code=201)
def publish(request: Request):
    with acting(request) as (session, actor):
        return design.publish(session, actor)


@router.get("/store-design/versions")
def versions(request: Request):
    with acting(request) as (session, actor):
        return {"items": design.list_versions(session, actor)}


@router.post("/store-design/versions/{version}/restore")
def restore(version: int, request: Request):
    """That version becomes the draft (answered like PUT draft); shoppers see it once it is published."""
    with acting(request) as (session, actor):
        return _draft(design.restore(session, actor, version))


@router.post("/store-design/pictures", status_code=201)
async def add_picture(request: Request):
    """Multipart `file` (JPEG, PNG, WebP or GIF, at most 10 MB) → `{url}` to put in a section or the theme."""
    data = await _one_file(request, MAX_PICTURE_REQUEST_BYTES)
    return {"url": await run_in_threadpool(_add_picture, bearer_token(request), data)}


@router.get("/store-design/videos")
def videos(request: Request):
    """The shop's uploaded videos, newest first: `{items: [{url, name}]}`, to put a url in a video section."""
    with acting(request) as (session, actor):
        return {"items": design_videos.list_videos(session, actor)}


@router.post("/store-design/videos", status_code=201)
async def add_video(request: Request):
    """Multipart `file` (an MP4 or WebM video, told by its bytes, at most 30 MB) → `{url, name}`."""
    data = await _one_file(request, MAX_VIDEO_REQUEST_BYTES)
    return await run_in_threadpool(_add_video, bearer_token(request), data)


async def _one_file(request: Request, limit: int) -> bytes:
    """The multipart form's `file`, the request refused past `limit` bytes."""
    refuse_declared_size(request, limit)
    form = await form_in(request, await bounded_body(request, limit), max_files=1, max_fields=2)
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise Invalid(fields={"file": "required"})
        return await upload.read()
    finally:
        await form.close()


def _draft(saved: dict) -> dict:
    return {**saved["draft"], "warnings": saved["warnings"]}


def _add_picture(token: str, data: bytes) -> str:
    with session_scope() as session:
        actor = accounts.authenticate(session, token)
    # Decoded outside any transaction: on SQLite one would hold the write lock meanwhile.
    with session_scope() as session:
        return design.add_picture(session, actor, data)


def _add_video(token: str, data: bytes) -> dict[str, str]:
    with session_scope() as session:
        actor = accounts.authenticate(session, token)
        return design_videos.add_video(session, actor, data)
