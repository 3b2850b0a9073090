"""Moments and days as the pages show them, written once for the console, the desk and the storefront."""

from datetime import date, datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8))
MINUTE = "%Y-%m-%d %H:%M"


def china_time(moment: datetime | None, fmt: str = MINUTE) -> str:
    """A stored (UTC) moment on China's clock, as the console and the support desk show it; "" for none."""
    return moment.astimezone(CHINA).strftime(fmt) if moment else ""


def stored_time(moment: datetime | None, fmt: str = MINUTE) -> str:
    """A moment on the clock it was stored in (UTC), as the storefront shows it today; "" for none."""
    return moment.strftime(fmt) if moment else ""


def day_text(day: date | None) -> str:
    """A calendar day (a pre-sale's shipping day): 2026-05-01; "" for none."""
    return day.isoformat() if day else ""
