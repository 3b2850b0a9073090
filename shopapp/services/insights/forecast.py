"""Expected sales of one SKU, day by day: exponential smoothing of its daily units after taking out the shop's
weekday pattern and its promotions' lift, then put back for the days ahead.

Plain arithmetic over lists (no database, no clock): restock.py feeds it, bench/forecast_backtest.py measures it.
Daily units of one SKU are small and lumpy, so the weekday pattern and the promotion lift are learned from the
whole shop (every SKU together) and only the level is the SKU's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

ALPHA = 0.1  # smoothing: a low weight per day, since one SKU sells a unit every few days
DEFAULT_LIFT = 1.3  # a promotion's lift until the shop's own history has enough promoted days to say
MIN_PROMOTED_DAYS = 14
MIN_UNITS_FOR_WEEKDAYS = 50
WARM_UP_DAYS = 14


@dataclass
class ShopPattern:
    """What every SKU of the shop shares: a factor per weekday (Monday first, averaging 1) and the promotions' lift."""

    weekday: list[float]
    lift: float


def shop_pattern(series: dict[int, list[float]], days: list[date], promoted: dict[int, set[date]]) -> ShopPattern:
    """`series`: SKU → units per day of `days`; `promoted`: SKU → the days a promotion covered it."""
    totals = [0.0] * 7
    counts = [0] * 7
    for day_index, day in enumerate(days):
        counts[day.weekday()] += 1
        totals[day.weekday()] += sum(units[day_index] for units in series.values())
    overall = sum(totals) / max(1, sum(counts))
    if sum(totals) >= MIN_UNITS_FOR_WEEKDAYS and overall > 0:
        raw = [(totals[k] / counts[k]) / overall if counts[k] else 1.0 for k in range(7)]
        mean = sum(raw) / 7
        weekday = [r / mean for r in raw]
    else:
        weekday = [1.0] * 7
    return ShopPattern(weekday, _lift(series, days, promoted, weekday))


def expected(units: list[float], days: list[date], ahead: list[date], pattern: ShopPattern,
             promoted_before: set[date] = frozenset(), promoted_ahead: set[date] = frozenset()) -> list[float]:
    """Units expected on each day of `ahead`, from `units` sold on each of `days` (oldest first)."""
    level = smoothed_level(units, days, pattern, promoted_before)
    return [level * pattern.weekday[day.weekday()] * (pattern.lift if day in promoted_ahead else 1.0) for day in ahead]


def smoothed_level(units: list[float], days: list[date], pattern: ShopPattern, promoted: set[date] = frozenset()) -> float:
    """The SKU's usual daily units on an average weekday without a promotion."""
    plain = [u / (pattern.weekday[d.weekday()] * (pattern.lift if d in promoted else 1.0)) for u, d in zip(units, days, strict=True)]
    if not plain:
        return 0.0
    warm = plain[:WARM_UP_DAYS]
    level = sum(warm) / len(warm)
    for value in plain[len(warm):]:
        level = ALPHA * value + (1 - ALPHA) * level
    return level


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _lift(series, days, promoted, weekday) -> float:
    """Units per promoted SKU-day over units per plain SKU-day (weekdays taken out), shrunk towards DEFAULT_LIFT."""
    on = off = 0.0
    on_days = off_days = 0
    for sku, units in series.items():
        covered = promoted.get(sku, set())
        for day_index, day in enumerate(days):
            value = units[day_index] / weekday[day.weekday()]
            if day in covered:
                on, on_days = on + value, on_days + 1
            else:
                off, off_days = off + value, off_days + 1
    if on_days < MIN_PROMOTED_DAYS or off <= 0:
        return DEFAULT_LIFT
    measured = (on / on_days) / (off / off_days)
    share = on_days / (on_days + MIN_PROMOTED_DAYS)
    return max(1.0, min(4.0, share * measured + (1 - share) * DEFAULT_LIFT))
