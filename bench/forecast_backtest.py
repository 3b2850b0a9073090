"""Back-tests the restock forecast (issue 22) on the demo shop's history: mean absolute error of the units each
SKU sells in the 7 days after each cut-off, the forecast (services/insights/forecast) against naive ones.

    .venv/bin/python bench/forecast_backtest.py            # seeds the demo shop in a temporary DATA_DIR (~1 min)
    .venv/bin/python bench/forecast_backtest.py --min-history 28   # cut-offs only after four weeks of sales

For every cut-off day from --min-history days after the first sale to 7 days before the last day, each method
sees only the days before the cut-off (as the console would have then) and predicts the next 7; the error is
averaged over SKUs and cut-offs: per SKU-day, and per SKU-week (what a restock decision uses).
"""

from __future__ import annotations

import argparse
import os
import tempfile
from datetime import timedelta

os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="shopapp-forecast-bench-"))
os.environ.setdefault("LOG_LEVEL", "WARNING")

from sqlmodel import SQLModel, select  # noqa: E402

import shopapp.models  # noqa: E402,F401
from shopapp.db import get_engine, session_scope  # noqa: E402
from shopapp.demo import history, seed  # noqa: E402
from shopapp.models import Shop, Variant  # noqa: E402
from shopapp.services.catalog import search  # noqa: E402
from shopapp.services.core.clock import shop_today  # noqa: E402
from shopapp.services.insights import forecast, restock  # noqa: E402

HORIZON = 7


def methods(pattern: forecast.ShopPattern):
    flat = forecast.ShopPattern([1.0] * 7, pattern.lift)
    return {
        "forecast (weekdays + smoothing + promotions)": lambda u, d, a, p: forecast.expected(u, d, a, pattern, p, p),
        "smoothing without weekdays": lambda u, d, a, p: forecast.expected(u, d, a, flat, p, p),
        "mean of the last 28 days": lambda u, d, a, p: [sum(u[-28:]) / max(1, len(u[-28:]))] * len(a),
        "last 7 days repeated": lambda u, d, a, p: [sum(u[-7:]) / max(1, len(u[-7:]))] * len(a),
        "seasonal naive (same weekday last week)": lambda u, d, a, p: [u[-7 + (i % 7)] if len(u) >= 7 else 0.0 for i in range(len(a))],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--min-history", type=int, default=21, help="days of history before the first cut-off")
    args = parser.parse_args()
    engine = get_engine()
    SQLModel.metadata.create_all(engine)
    search.ensure_search_objects(engine)
    seed.seed_demo()
    with session_scope() as session:
        shop_id = session.exec(select(Shop.id).where(Shop.slug == seed.DEMO_SLUG)).one()
        today = shop_today(shop_id)
        first, last = today - timedelta(days=history.DAYS), today - timedelta(days=1)
        series = restock.daily_units(session, shop_id, first, last)
        variants = session.exec(select(Variant).where(Variant.shop_id == shop_id)).all()
        promoted = restock.promoted_days(session, shop_id, list(variants), first, last)
    days = forecast.days_between(first, last)
    start = next(i for i in range(len(days)) if any(u[i] for u in series.values()))
    errors: dict[str, list[float]] = {}
    weekly: dict[str, list[float]] = {}
    shop_daily: dict[str, list[float]] = {}  # the whole shop's units per day: where a weekday pattern shows
    cutoffs = range(start + args.min_history, len(days) - HORIZON + 1)
    for cut in cutoffs:
        seen = {sku: units[start:cut] for sku, units in series.items()}
        pattern = forecast.shop_pattern(seen, days[start:cut], promoted)
        for name, predict in methods(pattern).items():
            guessed_total = [0.0] * HORIZON
            actual_total = [0.0] * HORIZON
            for sku, units in series.items():
                ahead = days[cut:cut + HORIZON]
                guess = predict(units[start:cut], days[start:cut], ahead, promoted.get(sku, set()))
                actual = units[cut:cut + HORIZON]
                errors.setdefault(name, []).extend(abs(g - a) for g, a in zip(guess, actual, strict=True))
                weekly.setdefault(name, []).append(abs(sum(guess) - sum(actual)))
                guessed_total = [t + g for t, g in zip(guessed_total, guess, strict=True)]
                actual_total = [t + a for t, a in zip(actual_total, actual, strict=True)]
            shop_daily.setdefault(name, []).extend(abs(g - a) for g, a in zip(guessed_total, actual_total, strict=True))
    skus = len(series)
    mean_week = sum(sum(u[start:]) for u in series.values()) / skus / ((len(days) - start) / 7)
    print(f"demo shop: {history.DAYS} days of history, {skus} SKUs sold, {len(cutoffs)} cut-offs, horizon {HORIZON} days")
    print(f"mean units per SKU-week: {mean_week:.2f}")
    print(f"{'method':45} {'MAE/SKU-day':>12} {'MAE/SKU-week':>13} {'MAE/shop-day':>13}")
    for name in errors:
        print(f"{name:45} {sum(errors[name]) / len(errors[name]):12.3f} {sum(weekly[name]) / len(weekly[name]):13.3f}"
              f" {sum(shop_daily[name]) / len(shop_daily[name]):13.2f}")


if __name__ == "__main__":
    main()
