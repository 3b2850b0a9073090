"""Moments and days as the pages show them, written once for the console, the desk and the storefront."""

from datetime import date, datetime

from shopapp.services.core.clock import shop_time

MINUTE = "%Y-%m-%d %H:%M"


def shown_time(moment: datetime | None, fmt: str = MINUTE) -> str:
    """A stored (UTC) moment on the shop's clock, as every page shows it; "" for none."""
    return shop_time(moment).strftime(fmt) if moment else ""


def day_text(day: date | None) -> str:
    """A calendar day (a pre-sale's shipping day): 2026-05-01; "" for none."""
    return day.isoformat() if day else ""
