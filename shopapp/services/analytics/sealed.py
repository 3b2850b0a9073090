"""Which days of a shop are rolled up (sealed): a day is, once its totals row is in analytics_day. Every rollup
(analytics_day, the visitor days, finance_day, the hours, the regions) is written for a day in the one
transaction of rollups.roll_up_day, so that one row tells all the reports and finance which days to read from
the rollups and which (today at least) to compute live from the raw rows."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlmodel import Session, select

from shopapp.models import AnalyticsDay
from shopapp.services.core.clock import start_of_day


def rolled_days(session: Session, shop_id: int, first: date, last: date, today: date) -> set[date]:
    """The days of first..last (before today) whose rollup is written: their totals row is there."""
    return set(session.exec(
        select(AnalyticsDay.day).where(
            AnalyticsDay.shop_id == shop_id, AnalyticsDay.day >= first, AnalyticsDay.day <= last,
            AnalyticsDay.day < today, AnalyticsDay.product_id == 0, AnalyticsDay.source == "",
        )
    ).all())


def live_runs(first: date, last: date, rolled: set[date]) -> list[tuple[date, date]]:
    """The days of first..last not rolled up, joined into runs of (first, last) days, inclusive."""
    runs: list[tuple[date, date]] = []
    day = first
    while day <= last:
        if day in rolled:
            day += timedelta(days=1)
            continue
        begin = day
        while day <= last and day not in rolled:
            day += timedelta(days=1)
        runs.append((begin, day - timedelta(days=1)))
    return runs


def live_spans(first: date, last: date, rolled: set[date], shop_id: int) -> list[tuple[datetime, datetime]]:
    """The days not rolled up, joined into runs, as [start, end) moments on the shop's clock."""
    return [(start_of_day(begin, shop_id), start_of_day(end + timedelta(days=1), shop_id))
            for begin, end in live_runs(first, last, rolled)]
