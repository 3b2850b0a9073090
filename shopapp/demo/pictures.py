"""Product pictures drawn with Pillow: a soft background, a tea leaf or a cup, and the name where a CJK font exists."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

SIZE = 1200
CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)


def product_picture(title: str, colour: str, *, teaware: bool, variant: int = 0) -> bytes:
    """A square JPEG, like a photo from a phone, so the demo goes through the real upload path."""
    base = _hex(colour)
    image = Image.new("RGB", (SIZE, SIZE), _mix(base, (250, 248, 240), 0.82))
    draw = ImageDraw.Draw(image)
    for y in range(SIZE // 2, SIZE):  # a table top, darker towards the front
        draw.line([(0, y), (SIZE, y)], fill=_mix(base, (255, 255, 255), 0.6 - 0.3 * (y - SIZE / 2) / SIZE))
    (_draw_cup if teaware else _draw_leaves)(draw, _mix(base, (0, 0, 0), 0.1 * variant))
    font = _font(64)
    if font is not None:
        short = title.split(" ")[0]
        width = draw.textlength(short, font=font)
        draw.text(((SIZE - width) / 2, SIZE - 160), short, fill=(40, 40, 40), font=font)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def _draw_leaves(draw: ImageDraw.ImageDraw, colour: tuple[int, int, int]) -> None:
    draw.ellipse((300, 420, 900, 820), fill=_mix(colour, (255, 255, 255), 0.35))  # a dish
    for dx, dy, tilt in ((-120, 0, 0), (60, -40, 40), (150, 60, -30), (-20, 90, 15)):
        x, y = 600 + dx, 600 + dy
        draw.ellipse((x - 110 + tilt, y - 45, x + 110 - tilt, y + 45), fill=colour, outline=_mix(colour, (0, 0, 0), 0.3), width=4)
        draw.line((x - 90 + tilt, y, x + 90 - tilt, y), fill=_mix(colour, (0, 0, 0), 0.35), width=4)


def _draw_cup(draw: ImageDraw.ImageDraw, colour: tuple[int, int, int]) -> None:
    draw.ellipse((330, 780, 870, 860), fill=(150, 140, 125))  # shadow
    draw.rounded_rectangle((380, 420, 820, 820), radius=120, fill=colour)
    draw.ellipse((380, 380, 820, 470), fill=_mix(colour, (255, 255, 255), 0.25))
    draw.ellipse((410, 395, 790, 455), fill=(150, 110, 50))  # the tea
    draw.arc((760, 500, 900, 680), start=-80, end=80, fill=colour, width=28)  # handle


@lru_cache(maxsize=1)
def _font_path() -> str | None:
    return next((path for path in CJK_FONTS if Path(path).exists()), None)


def _font(size: int):
    path = _font_path()
    return ImageFont.truetype(path, size) if path else None


def _hex(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return tuple(int(colour[i : i + 2], 16) for i in (0, 2, 4))


def _mix(a, b, share_of_b: float) -> tuple[int, int, int]:
    share_of_b = max(0.0, min(1.0, share_of_b))
    return tuple(round(x * (1 - share_of_b) + y * share_of_b) for x, y in zip(a, b))
