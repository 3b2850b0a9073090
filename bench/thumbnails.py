"""Time to turn a 12-megapixel phone photo (4000×3000 JPEG) into the WebP renditions the pages use.

    .venv/bin/python bench/thumbnails.py
"""

import io
import time

from PIL import Image, ImageDraw

from shopapp.services.catalog.media import process_image


def photo() -> bytes:
    image = Image.new("RGB", (4000, 3000), (200, 210, 190))
    draw = ImageDraw.Draw(image)
    for i in range(0, 4000, 40):  # texture, so the encoder has real work
        draw.line([(i, 0), (4000 - i, 3000)], fill=(i % 255, 120, 90), width=7)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


if __name__ == "__main__":
    data = photo()
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        processed = process_image(data)
        timings.append(time.perf_counter() - started)
    print(f"12 MP JPEG ({len(data) // 1024} KiB) -> renditions {sorted(processed.renditions)}: "
          f"best {min(timings):.2f} s, median {sorted(timings)[2]:.2f} s")
