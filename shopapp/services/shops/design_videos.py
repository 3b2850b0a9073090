"""Videos for the store design's video sections: uploaded by the owner (MP4 or WebM, told by their bytes,
not by a name or a declared type; at most MAX_VIDEO_BYTES), kept through the media storage like the
design's pictures, and listed so an owner can pick one uploaded before."""

from __future__ import annotations

import hashlib

from sqlmodel import Session

from shopapp.services.catalog import storage, storage_use
from shopapp.services.core.errors import Invalid
from shopapp.services.core.permissions import Actor, require

PERMISSION = "edit_shop"
MAX_VIDEO_BYTES = 30 * 1024 * 1024  # a minute of phone-quality video; the storefront streams it only when played
LISTED = 50
CONTENT_TYPES = {"mp4": "video/mp4", "webm": "video/webm"}
# ISO base media files whose major brand is a video a browser plays as MP4 (HEIC pictures and
# QuickTime .mov share the box layout but not the brand).
_MP4_BRANDS = {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ", b"dash", b"mmp4", b"MSNV"}


def add_video(session: Session, actor: Actor, data: bytes) -> dict[str, str]:
    """Keep an uploaded video; answers `{url, name}`. Refused: too large, or not an MP4/WebM video."""
    require(actor, PERMISSION)
    if len(data) > MAX_VIDEO_BYTES:
        raise Invalid(fields={"file": "video_too_large"})
    kind = video_kind(data)
    if kind is None:
        raise Invalid(fields={"file": "not_a_video"})
    name = f"{hashlib.sha256(data).hexdigest()[:24]}.{kind}"
    key = f"{_folder(actor.shop_id)}/{name}"
    # Videos count against the plan's storage like pictures; the same video again takes no more room.
    if not storage_use.is_recorded(session, actor.shop_id, key):
        storage_use.make_room(session, actor.shop_id, len(data))
        storage.put(key, data, CONTENT_TYPES[kind])
        storage_use.record(session, actor.shop_id, key, "design", len(data))
    return {"url": storage.url(key), "name": name}


def list_videos(session: Session, actor: Actor) -> list[dict[str, str]]:
    """The shop's uploaded videos, newest first, to pick one for a section."""
    require(actor, PERMISSION)
    keys = storage.list_keys(_folder(actor.shop_id), limit=LISTED)
    return [{"url": storage.url(key), "name": key.rsplit("/", 1)[-1]} for key in keys]


def video_kind(data: bytes) -> str | None:
    """"mp4" or "webm" when the bytes start like one, else None."""
    if data[4:8] == b"ftyp" and data[8:12] in _MP4_BRANDS:
        return "mp4"
    # WebM is Matroska (an EBML header) whose DocType element (0x4282, 4 bytes long) says "webm".
    if data[:4] == b"\x1a\x45\xdf\xa3" and b"\x42\x82\x84webm" in data[:64]:
        return "webm"
    return None


def is_video_url(url: str) -> bool:
    return url.rsplit(".", 1)[-1] in CONTENT_TYPES and "/design/videos/" in url


def _folder(shop_id: int) -> str:
    return f"shops/{shop_id}/design/videos"
