"""Moments and days as the pages show them, written once for the console, the desk and the storefront."""

from datetime import UTC, date, datetime

import reflex as rx

from shopapp.services.core.clock import shop_time, utcnow

MINUTE = "%Y-%m-%d %H:%M"


def shown_time(moment: datetime | None, fmt: str = MINUTE) -> str:
    """A stored (UTC) moment on the shop's clock, as every page shows it; "" for none."""
    return shop_time(moment).strftime(fmt) if moment else ""


def day_text(day: date | None) -> str:
    """A calendar day (a pre-sale's shipping day): 2026-05-01; "" for none."""
    return day.isoformat() if day else ""


def server_clock() -> str:
    """The server's clock now, to the millisecond, for a countdown to count from (countdown_clock)."""
    return utcnow().astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def iso_moment(moment: datetime | None) -> str:
    """A stored (UTC) moment as a countdown reads it (ISO, Z); "" for none."""
    if moment is None:
        return ""
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def countdown_clock(ends, now, day_label=None, **props):
    """The time left until `ends` (ISO), ticked in the browser by assets/countdown.js from the server's
    clock `now` (server_clock, read when the page's data was), never from the phone's own: HH:MM:SS, or
    "2天 03:05:10" with a `day_label`. One mechanism for every storefront countdown."""
    extra = {"data_countdown_day": day_label} if day_label is not None else {}
    return rx.el.span("", data_countdown_ends=ends, data_countdown_now=now, role="timer", **extra, **props)
