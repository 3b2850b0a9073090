"""The reports' date ranges: 今天, 昨天, 近 7 天, 近 30 天 or from..to, whole days on the shop's clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from shopapp.services.core.clock import shop_today, start_of_day
from shopapp.services.core.errors import Invalid

PRESETS = ("today", "yesterday", "7d", "30d")
MAX_DAYS = 366


@dataclass(frozen=True)
class Period:
    first: date
    last: date  # inclusive

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def start(self) -> datetime:
        return start_of_day(self.first)

    @property
    def end(self) -> datetime:
        return start_of_day(self.last + timedelta(days=1))

    def previous(self) -> Period:
        """The same number of days just before: the figures shown beside this period's."""
        return Period(self.first - timedelta(days=self.days), self.first - timedelta(days=1))

    def dates(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range(self.days)]


def period(range_: str | None = None, from_: str | date | None = None, to: str | date | None = None,
           today: date | None = None, shop_id: int | None = None) -> Period:
    """A preset (`range_`) or a custom from..to (both dates, inclusive). A reversed range, one longer than a
    year, or an unreadable date → Invalid naming the field; no range at all means 近 7 天."""
    today = today or shop_today(shop_id)
    if from_ or to:
        errors: dict[str, str] = {}
        first, last = _day(from_, "from", errors), _day(to, "to", errors)
        if not errors and last < first:
            errors["to"] = "range_reversed"
        elif not errors and (last - first).days + 1 > MAX_DAYS:
            errors["to"] = "range_too_long"
        if errors:
            raise Invalid(fields=errors)
        return Period(first, last)
    preset = range_ or "7d"
    if preset not in PRESETS:
        raise Invalid(fields={"range": "range_unknown"})
    if preset == "today":
        return Period(today, today)
    if preset == "yesterday":
        return Period(today - timedelta(days=1), today - timedelta(days=1))
    days = 7 if preset == "7d" else 30
    return Period(today - timedelta(days=days - 1), today)


def _day(value, field: str, errors: dict[str, str]) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        errors[field] = "date_invalid"
        return date.min
