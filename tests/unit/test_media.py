"""Uploaded images: only real JPEG/PNG/WebP/GIF, never a bomb, always clean WebP renditions."""

from __future__ import annotations

import io
import struct
import threading
import time
import zlib

import pytest
from PIL import Image, ImageCms, ImageFile
from sqlmodel import select

from shopapp.i18n.en import MESSAGES as EN
from shopapp.i18n.zh_cn import MESSAGES as ZH_CN
from shopapp.models import Product, ProductImage
from shopapp.services.catalog import media, storage
from shopapp.services.core.errors import Forbidden, Invalid, NotFound, RateLimited
from shopapp.services.core.permissions import Actor
from shopapp.settings import load_settings
from tests.conftest import make_shop

RED, BLUE = (220, 20, 20), (20, 20, 220)


def picture(image_format: str = "JPEG", size=(1200, 800), mode: str = "RGB", color=RED, **save_options) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, image_format, **save_options)
    return buffer.getvalue()


def png_header_claiming(width: int, height: int) -> bytes:
    """A tiny, well-formed PNG whose header claims a huge canvas: what a decompression bomb looks like."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


def refusal(data: bytes) -> str:
    with pytest.raises(Invalid) as refused:
        media.process_image(data)
    return refused.value.fields["file"]


def opened(webp: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(webp))
    assert image.format == "WEBP"
    return image


@pytest.fixture
def never_decode(monkeypatch):
    """Makes decoding pixels fail the test: refusals must come from the header alone."""

    def decode(self):
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", decode)


@pytest.fixture
def media_dir(tmp_path, monkeypatch):
    settings = load_settings({"DATA_DIR": str(tmp_path / "data")})
    monkeypatch.setattr(storage, "get_settings", lambda: settings)
    return settings.media_dir


@pytest.fixture
def product(session, owner) -> Product:
    tea = Product(shop_id=owner.shop_id, title="明前龙井")
    session.add(tea)
    session.flush()
    return tea


def stored_files(folder) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file()) if folder.exists() else []


# Renditions


def test_a_photo_becomes_webp_renditions_at_each_standard_width():
    result = media.process_image(picture("JPEG", size=(2000, 1500)))

    assert (result.width, result.height) == (2000, 1500)
    assert list(result.renditions) == [160, 480, 960, 1600]
    for width, webp in result.renditions.items():
        assert opened(webp).size == (width, width * 3 // 4)


def test_renditions_never_upscale():
    result = media.process_image(picture("JPEG", size=(600, 400)))

    assert list(result.renditions) == [160, 480]
    assert all(opened(webp).width <= 600 for webp in result.renditions.values())


def test_an_image_narrower_than_the_smallest_rendition_keeps_its_own_width():
    result = media.process_image(picture("PNG", size=(90, 60)))

    assert list(result.renditions) == [90]
    assert opened(result.renditions[90]).size == (90, 60)


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP", "GIF"])
def test_jpeg_png_webp_and_gif_are_accepted(image_format):
    result = media.process_image(picture(image_format, size=(500, 500)))

    assert list(result.renditions) == [160, 480]


def test_a_transparent_png_stays_transparent():
    canvas = Image.new("RGBA", (300, 300), (0, 0, 0, 0))
    canvas.paste(RED + (255,), (100, 100, 200, 200))
    buffer = io.BytesIO()
    canvas.save(buffer, "PNG")

    rendition = opened(media.process_image(buffer.getvalue()).renditions[160]).convert("RGBA")

    assert rendition.getpixel((5, 5))[3] == 0
    assert rendition.getpixel((80, 80))[3] == 255


def test_exif_orientation_is_applied_and_metadata_stripped():
    # Stored landscape, left half red, with the camera's note "rotate 90° clockwise to view" (orientation 6).
    stored = Image.new("RGB", (400, 200), BLUE)
    stored.paste(RED, (0, 0, 200, 200))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation
    exif[0x010F] = "SpyCam"  # Make
    exif[0x0131] = "Secret Firmware 1.0"  # Software
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = io.BytesIO()
    stored.save(buffer, "JPEG", exif=exif.tobytes(), icc_profile=icc, quality=95)

    result = media.process_image(buffer.getvalue())

    assert (result.width, result.height) == (200, 400)
    webp = result.renditions[160]
    shown = opened(webp).convert("RGB")
    assert shown.size == (160, 320)
    assert _close_to(shown.getpixel((80, 40)), RED)
    assert _close_to(shown.getpixel((80, 280)), BLUE)
    assert not {"exif", "xmp", "icc_profile"} & set(opened(webp).info)
    assert b"SpyCam" not in webp and b"Secret Firmware" not in webp


def _close_to(pixel, color, tolerance=40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, color))


# Refusals


def test_a_text_file_renamed_png_is_refused():
    assert refusal(b"This is a shopping list, not a picture.\nmilk\neggs\n") == "image_type"


@pytest.mark.parametrize("image_format", ["BMP", "TIFF", "ICO"])
def test_image_types_other_than_jpeg_png_webp_gif_are_refused(image_format):
    assert refusal(picture(image_format, size=(64, 64))) == "image_type"


def test_an_svg_is_refused():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'

    assert refusal(svg) == "image_type"


def test_a_file_over_10_mb_is_refused_before_it_is_opened(monkeypatch):
    monkeypatch.setattr(Image, "open", lambda *args, **kwargs: pytest.fail("the image was opened"))
    oversized = picture("PNG", size=(10, 10)).ljust(10 * 1024 * 1024 + 1, b"\0")

    assert refusal(oversized) == "image_too_large"


def test_an_image_over_25_megapixels_is_refused_before_decoding(never_decode):
    # 8000 x 5000 = 40 megapixels, below Pillow's own bomb limit: our limit must catch it.
    assert refusal(png_header_claiming(8000, 5000)) == "image_too_many_pixels"


def test_a_decompression_bomb_is_refused_before_decoding(never_decode):
    bomb = png_header_claiming(50_000, 50_000)  # 2.5 gigapixels promised by a file of a few dozen bytes

    assert len(bomb) < 100
    assert refusal(bomb) == "image_too_many_pixels"


def test_an_image_of_exactly_25_megapixels_passes_the_header_check(monkeypatch):
    class Decoding(Exception):
        pass

    def decode(self):
        raise Decoding

    monkeypatch.setattr(ImageFile.ImageFile, "load", decode)

    with pytest.raises(Decoding):
        media.process_image(png_header_claiming(6250, 4000))


def test_a_burst_of_uploads_is_decoded_a_few_at_a_time_and_the_rest_told_to_wait(monkeypatch):
    queue = media._DecodeQueue(at_once=2, waiting=3, wait_seconds=5)
    monkeypatch.setattr(media, "_DECODING", queue)
    running, most, lock = [0], [0], threading.Lock()
    release = threading.Event()
    real = media._renditions

    def slow_renditions(image):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        release.wait(5)
        with lock:
            running[0] -= 1
        return real(image)

    monkeypatch.setattr(media, "_renditions", slow_renditions)
    outcomes: list[str] = []

    def upload():
        try:
            media.process_image(picture("PNG", size=(20, 20)))
            outcomes.append("done")
        except RateLimited as busy:
            outcomes.append(busy.code)

    threads = [threading.Thread(target=upload) for _ in range(7)]
    for thread in threads:
        thread.start()
    deadline = time.time() + 5
    while len(outcomes) < 2 and time.time() < deadline:  # 2 decoding, 3 waiting: the other 2 are refused at once
        time.sleep(0.01)
    assert outcomes == ["images_busy", "images_busy"]
    release.set()
    for thread in threads:
        thread.join(10)
    assert most[0] == 2
    assert sorted(outcomes) == ["done"] * 5 + ["images_busy"] * 2


@pytest.mark.parametrize(
    "broken",
    [
        picture("JPEG", size=(800, 600), color=RED)[:2000],  # cut off mid-download
        b"\x89PNG\r\n\x1a\n" + b"garbage" * 50,  # the right first bytes, then nothing valid
        b"RIFF\x10\x00\x00\x00WEBPVP8 junk",
    ],
    ids=["truncated-jpeg", "png-signature-then-garbage", "webp-signature-then-junk"],
)
def test_a_corrupt_image_is_refused(broken):
    assert refusal(broken) == "image_corrupt"


def test_every_image_refusal_has_a_message_in_both_languages():
    for code in ("image_type", "image_too_large", "image_too_many_pixels", "image_corrupt"):
        assert f"field.{code}" in ZH_CN
        assert f"field.{code}" in EN


# Product images


def test_adding_a_product_image_stores_each_rendition_and_a_row(session, owner, product, media_dir):
    image = media.add_product_image(session, owner, product.id, picture("JPEG", size=(1200, 800)), alt=" 一罐龙井 ")

    assert image.id is not None
    assert image.key.startswith(f"shops/{owner.shop_id}/products/{product.id}/")
    assert (image.width, image.height, image.position, image.alt) == (1200, 800, 0, "一罐龙井")
    assert stored_files(media_dir) == [f"{image.key}/{width}.webp" for width in (160, 480, 960)]


def test_a_new_image_goes_after_the_products_other_images(session, owner, product, media_dir):
    first = media.add_product_image(session, owner, product.id, picture("PNG", size=(300, 300)))
    second = media.add_product_image(session, owner, product.id, picture("PNG", size=(300, 300)))

    assert (first.position, second.position) == (0, 1)
    assert first.key != second.key


def test_image_urls_offer_the_largest_a_thumbnail_and_a_srcset(session, owner, product, media_dir):
    image = media.add_product_image(session, owner, product.id, picture("JPEG", size=(1200, 800)))

    urls = media.image_urls(image)

    base = f"/media/{image.key}"
    assert urls["url"] == f"{base}/960.webp"
    assert urls["thumb_url"] == f"{base}/480.webp"
    assert urls["srcset"] == f"{base}/160.webp 160w, {base}/480.webp 480w, {base}/960.webp 960w"


def test_every_url_of_a_small_image_points_at_a_stored_rendition(session, owner, product, media_dir):
    image = media.add_product_image(session, owner, product.id, picture("GIF", size=(120, 90)))

    urls = media.image_urls(image)

    assert urls["url"] == urls["thumb_url"] == f"/media/{image.key}/120.webp"
    assert urls["srcset"] == f"/media/{image.key}/120.webp 120w"
    assert storage.local_path(f"{image.key}/120.webp").is_file()


def test_support_staff_cannot_add_product_images(session, owner, product, media_dir):
    support = Actor(shop_id=owner.shop_id, role="support", user_id=owner.user_id)

    with pytest.raises(Forbidden):
        media.add_product_image(session, support, product.id, picture())
    assert stored_files(media_dir) == []


def test_another_shops_product_is_not_found_and_nothing_is_stored(session, owner, product, media_dir):
    rival = make_shop(session, "rival-tea")

    with pytest.raises(NotFound):
        media.add_product_image(session, rival, product.id, picture())
    assert stored_files(media_dir) == []


def test_a_refused_upload_stores_nothing_and_adds_no_image(session, owner, product, media_dir):
    with pytest.raises(Invalid):
        media.add_product_image(session, owner, product.id, b"not a picture")

    assert stored_files(media_dir) == []
    assert session.exec(select(ProductImage)).all() == []


def test_an_upload_that_fails_halfway_leaves_no_files_behind(session, owner, product, media_dir, monkeypatch):
    real_put = storage.put
    written = []

    def put_until_the_disk_fills(key, data, content_type):
        if written:
            raise OSError("disk full")
        written.append(key)
        real_put(key, data, content_type)

    monkeypatch.setattr(storage, "put", put_until_the_disk_fills)

    with pytest.raises(OSError):
        media.add_product_image(session, owner, product.id, picture("JPEG", size=(1200, 800)))
    assert written and stored_files(media_dir) == []


def test_alt_text_longer_than_200_characters_is_refused(session, owner, product, media_dir):
    with pytest.raises(Invalid) as refused:
        media.add_product_image(session, owner, product.id, picture(), alt="茶" * 201)

    assert refused.value.fields == {"alt": "too_long"}
