"""The shop's address to give out: its storefront link, and the same link as a QR code to print or post."""

from __future__ import annotations

import segno

from shopapp.models import Shop
from shopapp.settings import get_settings


def storefront_link(shop: Shop) -> str:
    """The full address shoppers open (PUBLIC_URL + /s/<slug>)."""
    return f"{get_settings().public_url}/s/{shop.slug}"


def qr_code_png(link: str) -> str:
    """The link as a QR code, a PNG data URI big enough to print (error correction M: still reads when creased)."""
    return segno.make(link, error="m", micro=False).png_data_uri(scale=8, border=2)
