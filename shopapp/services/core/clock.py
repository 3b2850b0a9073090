"""One clock: moments are stored in UTC (models.base.utcnow); people see them on the shop's clock, China time today.

Every place that turns a moment into a day or a time of day asks here: order numbers, the order list's date
filters, the sales figures, waybills, pre-sale dates, and every page. A per-shop time zone changes `shop_zone`
alone. China has kept UTC+8 without daylight saving since 1991, so a fixed offset is exact.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone, tzinfo

from shopapp.models.base import utcnow

# Beijing time: the shops' clock today, and the clock Alipay and the parcel carriers write in (their protocols).
CHINA_TIME = timezone(timedelta(hours=8), "CST")


def shop_zone(shop_id: int | None = None) -> tzinfo:
    """The time zone the shop's people and shoppers read times in (every shop is in China today)."""
    return CHINA_TIME


def shop_time(moment: datetime, shop_id: int | None = None) -> datetime:
    """A stored moment on the shop's clock."""
    return moment.astimezone(shop_zone(shop_id))


def shop_today(shop_id: int | None = None) -> date:
    """Today on the shop's clock (the console's "today", a pre-sale's earliest day)."""
    return shop_time(utcnow(), shop_id).date()


def start_of_day(day: date, shop_id: int | None = None) -> datetime:
    """Midnight of the shop's day, as an aware moment: a day filter's bound."""
    return datetime.combine(day, time(), tzinfo=shop_zone(shop_id))


def typed_moment(typed, shop_id: int | None = None) -> datetime | None:
    """A moment as a person or a client typed it: ISO 8601, read on the shop's clock when it names no zone
    (a datetime-local field); None when empty. ValueError when it is not a time."""
    text = str(typed or "").strip()
    if not text:
        return None
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=shop_zone(shop_id))
