"""Uploaded images: checking them, turning them into safe WebP renditions, and product images."""

from __future__ import annotations

import io
import logging
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageOps
from sqlalchemy import bindparam, event, func
from sqlmodel import Session, select

from shopapp.models import Product, ProductImage
from shopapp.services.catalog import storage, storage_use
from shopapp.services.core.errors import Invalid, NotFound, RateLimited, require_fields
from shopapp.services.core.permissions import Actor, require

log = logging.getLogger("shopapp.media")

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# Checked from the header, before decoding. Pillow's own Image.MAX_IMAGE_PIXELS is left alone
# (it is process-wide); it still refuses the wildest bombs while the header is read.
# 25 MP is a full-frame camera's photo; a 5 KB PNG can declare 40 MP, which takes seconds and ~150 MB to decode.
MAX_PIXELS = 25_000_000
# Decoding is the costly part (memory as well as CPU): this many at once per process, a few more
# waiting their turn; a burst beyond that is told to try again rather than exhausting memory.
DECODES_AT_ONCE = 2
DECODES_WAITING = 8
DECODE_WAIT_SECONDS = 60
RENDITION_WIDTHS = (160, 480, 960, 1600)
THUMB_WIDTH = 480
WEBP_QUALITY = 82
ALT_MAX_LENGTH = 200
# Where a session keeps the storage keys to delete once it commits.
_PENDING_FILES = "media_files_to_delete"

# The formats we accept, told apart by their first bytes (never by the file name or the browser's word).
_SIGNATURES = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
)
_SRGB = ImageCms.createProfile("sRGB")


@dataclass(frozen=True)
class ProcessedImage:
    width: int
    height: int
    renditions: dict[int, bytes]  # width -> WebP bytes, smallest first


def add_product_image(session: Session, actor: Actor, product_id: int, data: bytes, alt: str = "") -> ProductImage:
    """Store an uploaded picture of a product as WebP renditions and add it after the product's other images."""
    require(actor, "manage_catalog")
    alt = (alt or "").strip()
    if len(alt) > ALT_MAX_LENGTH:
        raise Invalid(fields={"alt": "too_long"})
    # Decode before touching the database: on SQLite a transaction holds the write lock
    # (BEGIN IMMEDIATE), so seconds of image work inside one would stall every other writer.
    processed = process_image(data)
    product = session.exec(
        select(Product).where(Product.id == product_id, Product.shop_id == actor.shop_id)
    ).first()
    if product is None:
        raise NotFound()
    key = f"shops/{actor.shop_id}/products/{product_id}/{uuid.uuid4().hex}"
    size = sum(len(webp) for webp in processed.renditions.values())
    storage_use.make_room(session, actor.shop_id, size)
    try:
        for width, webp in processed.renditions.items():
            storage.put(f"{key}/{width}.webp", webp, "image/webp")
        image = ProductImage(
            shop_id=actor.shop_id,
            product_id=product_id,
            key=key,
            alt=alt,
            width=processed.width,
            height=processed.height,
            position=_next_position(session, actor.shop_id, product_id),
        )
        session.add(image)
        session.flush()
        storage_use.record(session, actor.shop_id, key, "product_image", size)
    except BaseException:
        # Undo the files already written, so a failed upload leaves nothing behind.
        storage.delete_prefix(key)
        raise
    return image


def update_image(
    session: Session, actor: Actor, image_id: int, *, alt: str | None = None, position: int | None = None,
    product_id: int | None = None,
) -> ProductImage:
    """Change an image's alt text and/or move it among its product's images; position 0 is the main image.

    `product_id`, when given, must be the image's product (the API's path names both).
    """
    require(actor, "manage_catalog")
    image = _own_image(session, actor.shop_id, image_id, product_id)
    errors: dict[str, str] = {}
    if alt is not None:
        if not isinstance(alt, str):
            errors["alt"] = "must_be_text"
        elif len(alt.strip()) > ALT_MAX_LENGTH:
            errors["alt"] = "too_long"
    if position is not None:
        if not isinstance(position, int) or isinstance(position, bool):
            errors["position"] = "must_be_whole_number"
        elif position < 0:
            errors["position"] = "must_not_be_negative"
    require_fields(errors)
    if alt is not None:
        image.alt = alt.strip()
        session.add(image)
    if position is not None:
        images = [other for other in _images(session, actor.shop_id, image.product_id) if other.id != image.id]
        images.insert(min(position, len(images)), image)
        _renumber(session, images)
    session.flush()
    return image


def delete_image(session: Session, actor: Actor, image_id: int, *, product_id: int | None = None) -> None:
    """Remove an image; the next one becomes the main image. Its files go once the deletion is committed."""
    require(actor, "manage_catalog")
    image = _own_image(session, actor.shop_id, image_id, product_id)
    session.delete(image)
    session.flush()
    _renumber(session, _images(session, actor.shop_id, image.product_id))
    storage_use.forget(session, actor.shop_id, [image.key])
    _delete_files_after_commit(session, [image.key])


def forget_product_images(session: Session, shop_id: int, product_id: int) -> None:
    """Drop the rows of a product that is being deleted; the files follow once that is committed."""
    images = _images(session, shop_id, product_id)
    for image in images:
        session.delete(image)
    session.flush()
    storage_use.forget(session, shop_id, [image.key for image in images])
    _delete_files_after_commit(session, [image.key for image in images])


def image_urls(image: ProductImage) -> dict[str, str]:
    """The largest rendition, a thumbnail (480 wide or the nearest smaller) and a srcset of them all."""
    urls = {width: storage.url(f"{image.key}/{width}.webp") for width in rendition_widths(image.width)}
    thumb = max(width for width in urls if width <= THUMB_WIDTH)
    return {
        "url": urls[max(urls)],
        "thumb_url": urls[thumb],
        "srcset": ", ".join(f"{link} {width}w" for width, link in urls.items()),
    }


def first_images(session: Session, shop_id: int, product_ids) -> dict[int, ProductImage]:
    """Each product's first picture (the one lists and carts show), in one query for them all."""
    ids = list(product_ids)
    first: dict[int, ProductImage] = {}
    if not ids:
        return first
    for image in session.scalars(_IMAGES_OF, {"shop_id": shop_id, "product_ids": ids}).all():
        first.setdefault(image.product_id, image)
    return first


# Built once (every cart page and product list asks): building the select again cost more than running it.
_IMAGES_OF = (
    select(ProductImage)
    .where(ProductImage.shop_id == bindparam("shop_id"), ProductImage.product_id.in_(bindparam("product_ids", expanding=True)))
    .order_by(ProductImage.product_id, ProductImage.position, ProductImage.id)
)


def rendition_widths(original_width: int) -> list[int]:
    """The widths we make for an image this wide: never wider than the original, always at least one.

    Both the writer (process_image) and the reader (image_urls) use this, so they always agree.
    """
    widths = [width for width in RENDITION_WIDTHS if width <= original_width]
    return widths or [original_width]


def process_image(data: bytes) -> ProcessedImage:
    """Check an upload and make its renditions; Invalid(fields={"file": ...}) when it is not a usable image,
    RateLimited("images_busy") when too many are being decoded already."""
    image = _open_checked(data)
    with _DECODING.slot():
        return _renditions(image)


class _DecodeQueue:
    """At most `at_once` decodes run together; up to `waiting` more wait for a turn, others are refused."""

    def __init__(self, at_once: int, waiting: int, wait_seconds: float):
        self.at_once, self.waiting_max, self.wait_seconds = at_once, waiting, wait_seconds
        self._slots = threading.BoundedSemaphore(at_once)
        self._lock = threading.Lock()
        self.waiting = 0

    @contextmanager
    def slot(self) -> Iterator[None]:
        with self._lock:
            if self.waiting >= self.waiting_max:
                raise RateLimited("images_busy")
            self.waiting += 1
        try:
            acquired = self._slots.acquire(timeout=self.wait_seconds)
        finally:
            with self._lock:
                self.waiting -= 1
        if not acquired:
            raise RateLimited("images_busy")
        try:
            yield
        finally:
            self._slots.release()


_DECODING = _DecodeQueue(DECODES_AT_ONCE, DECODES_WAITING, DECODE_WAIT_SECONDS)


def _renditions(image: Image.Image) -> ProcessedImage:
    try:
        image.load()
        # In place: a copy of a 25-megapixel image costs as much as decoding it.
        ImageOps.exif_transpose(image, in_place=True)
        image = _to_rgb(image)
        renditions = {width: _webp(image, width) for width in rendition_widths(image.width)}
    except (OSError, SyntaxError, ValueError, EOFError):
        # Pillow reports broken data as any of these, depending on the format and where it breaks.
        raise Invalid(fields={"file": "image_corrupt"}) from None
    return ProcessedImage(width=image.width, height=image.height, renditions=renditions)


def _open_checked(data: bytes) -> Image.Image:
    """Open the image reading its header only, refusing anything too big before a pixel is decoded."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise Invalid(fields={"file": "image_too_large"})
    image_format = _sniff(data)
    if image_format is None:
        raise Invalid(fields={"file": "image_type"})
    try:
        # formats=[...]: Pillow must not fall back to another of its many decoders.
        image = Image.open(io.BytesIO(data), formats=[image_format])
    except Image.DecompressionBombError:
        # Pillow's own guard (twice Image.MAX_IMAGE_PIXELS) fires while reading the header.
        raise Invalid(fields={"file": "image_too_many_pixels"}) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise Invalid(fields={"file": "image_corrupt"}) from None
    # Image.open is lazy: size comes from the header, the pixels are decoded only by load().
    if image.width * image.height > MAX_PIXELS:
        raise Invalid(fields={"file": "image_too_many_pixels"})
    return image


def _sniff(data: bytes) -> str | None:
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    for signature, image_format in _SIGNATURES:
        if data.startswith(signature):
            return image_format
    return None


def _to_rgb(image: Image.Image) -> Image.Image:
    """RGBA when the image has any transparency, else RGB, with colours moved into sRGB."""
    mode = "RGBA" if image.has_transparency_data else "RGB"
    icc_profile = image.info.get("icc_profile")
    if icc_profile and image.mode in ("RGB", "RGBA", "CMYK"):
        # The renditions carry no profile, so wide-gamut photos (e.g. Display P3) would look dull otherwise.
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
            return ImageCms.profileToProfile(image, source, _SRGB, outputMode=mode)
        except (ImageCms.PyCMSError, OSError):
            pass  # an unreadable profile: keep the colours as they are
    return image if image.mode == mode else image.convert(mode)


def _webp(image: Image.Image, width: int) -> bytes:
    if width != image.width:
        height = max(1, round(image.height * width / image.width))
        image = image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
    buffer = io.BytesIO()
    # WebP carries EXIF, XMP or a colour profile only when asked to (exif=, xmp=, icc_profile=),
    # and we never ask: GPS positions and camera serial numbers stay out of public files.
    image.save(buffer, "WEBP", quality=WEBP_QUALITY)
    return buffer.getvalue()


def _next_position(session: Session, shop_id: int, product_id: int) -> int:
    last = session.exec(
        select(func.max(ProductImage.position)).where(
            ProductImage.shop_id == shop_id, ProductImage.product_id == product_id
        )
    ).one()
    return 0 if last is None else last + 1


def _own_image(session: Session, shop_id: int, image_id: int, product_id: int | None) -> ProductImage:
    image = session.get(ProductImage, image_id)
    if image is None or image.shop_id != shop_id or (product_id is not None and image.product_id != product_id):
        raise NotFound()
    return image


def _images(session: Session, shop_id: int, product_id: int) -> list[ProductImage]:
    return list(session.exec(
        select(ProductImage).where(ProductImage.shop_id == shop_id, ProductImage.product_id == product_id)
        .order_by(ProductImage.position, ProductImage.id)
    ).all())


def _renumber(session: Session, images: list[ProductImage]) -> None:
    for position, image in enumerate(images):
        if image.position != position:
            image.position = position
            session.add(image)
    session.flush()


def _delete_files_after_commit(session: Session, keys: list[str]) -> None:
    """A rolled-back deletion must keep its pictures, so the files go only after the commit."""
    if not keys:
        return
    if not event.contains(session, "after_commit", _delete_pending_files):
        event.listen(session, "after_commit", _delete_pending_files)
        event.listen(session, "after_rollback", _forget_pending_files)
    session.info.setdefault(_PENDING_FILES, []).extend(keys)



def _delete_pending_files(session: Session) -> None:
    for key in session.info.pop(_PENDING_FILES, []):
        try:
            storage.delete_prefix(key)
        except Exception:  # noqa: BLE001 - the rows are gone for good; a leftover file only costs space
            log.exception("could not delete the files of image %s", key)


def _forget_pending_files(session: Session) -> None:
    session.info.pop(_PENDING_FILES, None)
