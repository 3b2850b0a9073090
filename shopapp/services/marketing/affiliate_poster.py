"""A promoter's share poster: a PNG with the shop's name, a QR code of the promoter's link and their code.

Drawn with Pillow and the `qrcode` package; Chinese text needs a CJK font (Noto CJK on Debian): without one
the poster shows the shop's address name instead, so it is never a row of empty boxes.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont
from sqlmodel import Session

from shopapp.models import Shop
from shopapp.services.marketing import affiliates

WIDTH, HEIGHT = 600, 860
CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)


def poster_png(session: Session, shop_id: int, code: str) -> bytes:
    """The poster of promoter `code` of this shop (NotFound for an unknown code or another shop's)."""
    promoter = affiliates.promoter_by_code(session, shop_id, code)
    shop = session.get(Shop, shop_id)
    return draw_poster(shop.name, shop.slug, promoter.code, affiliates.link_for(shop.slug, promoter.code))


def draw_poster(shop_name: str, slug: str, code: str, link: str) -> bytes:
    cjk = _cjk_font_path()
    image = Image.new("RGB", (WIDTH, HEIGHT), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 200), fill=(4, 120, 87))
    title = shop_name if cjk else slug
    draw.text((WIDTH // 2, 80), title[:16], font=_font(cjk, 44), fill=(255, 255, 255), anchor="mm")
    draw.text((WIDTH // 2, 150), "扫码进店 · 好物推荐" if cjk else "Scan to visit", font=_font(cjk, 26),
              fill=(220, 252, 231), anchor="mm")
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=10, border=2)
    qr.add_data(link)
    qr.make(fit=True)
    code_image = qr.make_image(fill_color="black", back_color="white").get_image().convert("RGB").resize((400, 400))
    image.paste(code_image, ((WIDTH - 400) // 2, 240))
    draw.text((WIDTH // 2, 690), ("推广码 " if cjk else "Code ") + code, font=_font(cjk, 34), fill=(17, 24, 39), anchor="mm")
    draw.text((WIDTH // 2, 760), link[-60:], font=_font(None, 16), fill=(107, 114, 128), anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


@lru_cache(maxsize=1)
def _cjk_font_path() -> str | None:
    return next((path for path in CJK_FONTS if Path(path).exists()), None)


def _font(path: str | None, size: int):
    if path:
        return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)
