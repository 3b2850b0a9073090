"""Daily rollups (issue 21 item 4): the additive figures of a shop-day, kept in analytics_day.

One function, `day_figures`, computes them from the raw events and orders; the rollup job stores its answer for
days that are over and the reports call it live for today (and for any day not rolled up yet), so a report reads
the same numbers whether a day comes from the rollup or from the raw rows: `rebuild` proves it (tests).

Keys: (0, "", "", "") the shop's totals; (product_id, "", "", "") a product; (0, source, medium, campaign) a
visit source (an event's source is never "": "direct" when nothing is known). Distinct counts cannot be added
up over days: for visitors, the funnel and visitors per source a day that is over also keeps one row per
visitor and source with the steps reached (analytics_visitor_day), which the reports count distinct instead
of every event; product viewers and the overview's buyers are read from the raw rows.

The same transaction writes the day's other rollups, each from the function the reports call live: finance_day
(finance.day_groups, per payment provider), analytics_hour (hour_figures) and analytics_region_day
(region_figures, one row per province and buyer so buyers count once over a range) and analytics_sketch_day
(analytics.sketches: the day's distinct counts as mergeable sketches, which the reports use for big ranges).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import Date, Integer, case, cast, delete, extract, func, insert, literal
from sqlmodel import Session, select

from shopapp.models import (
    AnalyticsDay,
    AnalyticsHour,
    AnalyticsRegionDay,
    AnalyticsVisitorDay,
    Order,
    OrderItem,
    OrderVisit,
    Shop,
    VisitEvent,
)
from shopapp.models.analytics import PAGE_TYPES
from shopapp.services.analytics import finance, reconciliation, sketches
from shopapp.services.analytics.keys import STEPS, buyer_of, province_of, visit_source, visitor_key
from shopapp.services.analytics.sealed import live_spans, rolled_days
from shopapp.services.core.clock import shop_time, shop_today, shop_zone, start_of_day

# The sealed days' bookkeeping and who is counted once, read by the reports through this module.
__all__ = ["STEPS", "live_spans", "rolled_days", "visit_source", "visitor_key"]

METRICS = ("page_views", "product_views", "add_to_cart", "checkout_start", "orders", "units", "gmv")
TOTAL = (0, "", "", "")
Key = tuple[int, str, str, str]


def day_figures(session: Session, shop_id: int, start: datetime, end: datetime) -> dict[Key, dict[str, int]]:
    """{key: {metric: n}} for events and paid orders in [start, end)."""
    figures: dict[Key, dict[str, int]] = defaultdict(lambda: dict.fromkeys(METRICS, 0))
    for kind, product_id, source, medium, campaign, count in session.exec(
        select(VisitEvent.type, VisitEvent.product_id, VisitEvent.source, VisitEvent.medium, VisitEvent.campaign,
               func.count())
        .where(VisitEvent.shop_id == shop_id, VisitEvent.at >= start, VisitEvent.at < end)
        .group_by(VisitEvent.type, VisitEvent.product_id, VisitEvent.source, VisitEvent.medium, VisitEvent.campaign)
    ).all():
        keys = [TOTAL, (0, source, medium, campaign)] + ([(product_id, "", "", "")] if product_id else [])
        metric = {"page_view": "page_views", "product_view": "product_views"}.get(kind, kind)
        for key in keys:
            figures[key][metric] += count
            if kind != "page_view" and kind in PAGE_TYPES:  # a product or the checkout page is a page too
                figures[key]["page_views"] += count
    for source, medium, campaign, orders, gmv in session.exec(
        select(OrderVisit.source, OrderVisit.medium, OrderVisit.campaign, func.count(), func.sum(Order.total))
        .select_from(Order).outerjoin(OrderVisit, OrderVisit.order_id == Order.id)
        .where(Order.shop_id == shop_id, Order.paid_at >= start, Order.paid_at < end)
        .group_by(OrderVisit.source, OrderVisit.medium, OrderVisit.campaign)
    ).all():
        for key in (TOTAL, (0, *visit_source(source, medium, campaign))):
            figures[key]["orders"] += orders
            figures[key]["gmv"] += int(gmv or 0)
    for product_id, orders, units, paid in session.exec(
        select(OrderItem.product_id, func.count(func.distinct(OrderItem.order_id)), func.sum(OrderItem.qty),
               func.sum(OrderItem.paid))
        .join(Order, Order.id == OrderItem.order_id)
        .where(Order.shop_id == shop_id, OrderItem.shop_id == shop_id, Order.paid_at >= start, Order.paid_at < end)
        .group_by(OrderItem.product_id)
    ).all():
        figures[(product_id, "", "", "")].update(orders=orders, units=int(units or 0), gmv=int(paid or 0))
        figures[TOTAL]["units"] += int(units or 0)
    return dict(figures)


def roll_up_day(session: Session, shop_id: int, day: date, month: bool = True) -> int:
    """(Re)write the shop-day's rows from the raw events and orders — analytics_day, the visitor days, finance_day,
    the hours, the regions, the day's reconciliation and the distinct counts' sketches (and its month's merged
    sketches, unless `month` is False: a rebuild merges each month once), in one transaction; a totals row is always written, so a day without
    any activity is known to be rolled up (sealed.rolled_days). Returns the rows written."""
    session.exec(delete(AnalyticsDay).where(AnalyticsDay.shop_id == shop_id, AnalyticsDay.day == day))
    start, end = start_of_day(day, shop_id), start_of_day(day + timedelta(days=1), shop_id)
    _roll_up_visitors(session, shop_id, day, start, end)
    written = finance.roll_up_day(session, shop_id, day) + _roll_up_hours(session, shop_id, day, start, end)
    regions = region_figures(session, shop_id, start, end)
    written += _roll_up_regions(session, shop_id, day, regions)
    written += sketches.roll_up_day(session, shop_id, day, start, end, regions, month=month)
    reconciliation.check_day(session, shop_id, day)
    figures = day_figures(session, shop_id, start, end)
    figures.setdefault(TOTAL, dict.fromkeys(METRICS, 0))
    for (product_id, source, medium, campaign), values in figures.items():
        session.add(AnalyticsDay(shop_id=shop_id, day=day, product_id=product_id, source=source, medium=medium,
                                 campaign=campaign, **values))
    session.flush()
    return written + len(figures)


def rebuild(session: Session, shop_id: int, first: date, last: date) -> int:
    """Roll up every day from first to last again (only days that are over: today stays live), then merge the
    sketches of each month they touch once."""
    last = min(last, shop_today(shop_id) - timedelta(days=1))
    days = (last - first).days + 1
    written = sum(roll_up_day(session, shop_id, first + timedelta(days=n), month=False) for n in range(max(days, 0)))
    return written + (sketches.roll_up_months(session, shop_id, first, last) if days > 0 else 0)


def roll_up_recent(session: Session, days_back: int = 2, catch_up: int = 31) -> int:
    """The job: seal the last `days_back` days that are over, for every shop (yesterday's late events and
    payments included), and up to `catch_up` older days of the last year never sealed (a new install, an
    upgrade that asked for the rollups again, a day sealed before the sketches were kept). A day rolled up again
    gives the same rows, so running it twice changes nothing."""
    written = 0
    for shop_id, opened in session.exec(select(Shop.id, Shop.created_at).order_by(Shop.id)).all():
        today = shop_today(shop_id)
        for back in range(days_back, 0, -1):
            written += roll_up_day(session, shop_id, today - timedelta(days=back))
        first = max(today - timedelta(days=366), shop_time(opened, shop_id).date())
        # a day sealed before sketches or before reconciliation was stored: again
        sealed = sketches.sketched_days(session, shop_id, first, today, today) & reconciliation.checked_days(
            session, shop_id, first, today)
        missing = [first + timedelta(days=n) for n in range((today - first).days)]
        for day in [day for day in reversed(missing) if day not in sealed][:catch_up]:
            written += roll_up_day(session, shop_id, day)
        reconciliation.recheck_open_days(session, shop_id, since=today - timedelta(days=catch_up))
        session.commit()
    return written


def figures_for(session: Session, shop_id: int, first: date, last: date, today: date) -> dict[Key, dict[str, int]]:
    """The additive figures of first..last: rolled-up days from analytics_day, the others (today at least)
    computed live from the raw rows by day_figures."""
    rolled = rolled_days(session, shop_id, first, last, today)
    total: dict[Key, dict[str, int]] = defaultdict(lambda: dict.fromkeys(METRICS, 0))
    if rolled:
        columns = [func.sum(getattr(AnalyticsDay, metric)) for metric in METRICS]
        for row in session.exec(
            select(AnalyticsDay.product_id, AnalyticsDay.source, AnalyticsDay.medium, AnalyticsDay.campaign, *columns)
            .where(AnalyticsDay.shop_id == shop_id, AnalyticsDay.day.in_(sorted(rolled)))
            .group_by(AnalyticsDay.product_id, AnalyticsDay.source, AnalyticsDay.medium, AnalyticsDay.campaign)
        ).all():
            _add(total[tuple(row[:4])], dict(zip(METRICS, row[4:])))
    for start, end in live_spans(first, last, rolled, shop_id):
        for key, values in day_figures(session, shop_id, start, end).items():
            _add(total[key], values)
    return dict(total)


def hour_figures(session: Session, shop_id: int, start: datetime, end: datetime) -> dict[tuple[int, int], dict[str, int]]:
    """{(hour 0-23, weekday 1 Monday .. 7 Sunday): {page_views, orders}} of [start, end) on the shop's clock, grouped
    by the database: what the hours report computes live and the rollup stores per day."""
    figures: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: {"page_views": 0, "orders": 0})
    for column, where, metric in (
        (VisitEvent.at, (VisitEvent.shop_id == shop_id, VisitEvent.at >= start, VisitEvent.at < end,
                         VisitEvent.type.in_(PAGE_TYPES)), "page_views"),
        (Order.paid_at, (Order.shop_id == shop_id, Order.paid_at >= start, Order.paid_at < end), "orders"),
    ):
        hour, weekday = _local_hour_and_weekday(session, column, shop_id)
        for at_hour, on_day, count in session.exec(select(hour, weekday, func.count()).where(*where).group_by(hour, weekday)).all():
            figures[(int(at_hour), (int(on_day) - 1) % 7 + 1)][metric] += count  # SQLite's Sunday is 0, PostgreSQL's 7
    return dict(figures)


def region_figures(session: Session, shop_id: int, start: datetime, end: datetime) -> dict[tuple[str, str], list[int]]:
    """{(province, buyer): [paid orders, GMV]} of the orders paid in [start, end): the province is the shipping
    address's ("未知" when it has none), the buyer their account id, else their e-mail in lower case."""
    rows: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for address, customer_id, email, total in session.exec(
        select(Order.address, Order.customer_id, Order.email, Order.total)
        .where(Order.shop_id == shop_id, Order.paid_at >= start, Order.paid_at < end)
    ).all():
        row = rows[(province_of(address), buyer_of(customer_id, email))]
        row[0] += 1
        row[1] += total
    return dict(rows)


# Helpers ---------------------------------------------------------------------------------------

def _add(into: dict[str, int], values: dict) -> None:
    for metric in METRICS:
        into[metric] += int(values.get(metric) or 0)


def _roll_up_visitors(session: Session, shop_id: int, day: date, start: datetime, end: datetime) -> None:
    """The day's visitor rows, computed and written by the database (INSERT … SELECT): no event leaves it."""
    session.exec(delete(AnalyticsVisitorDay).where(AnalyticsVisitorDay.shop_id == shop_id, AnalyticsVisitorDay.day == day))
    reached = [func.max(case((VisitEvent.type == step, 1), else_=0)) for step in STEPS]
    rows = (
        select(literal(shop_id), literal(day, Date()), VisitEvent.visitor_id, visitor_key(VisitEvent.visitor_id),
               VisitEvent.source, VisitEvent.medium, VisitEvent.campaign, *reached)
        .where(VisitEvent.shop_id == shop_id, VisitEvent.at >= start, VisitEvent.at < end, VisitEvent.visitor_id != "")
        .group_by(VisitEvent.visitor_id, VisitEvent.source, VisitEvent.medium, VisitEvent.campaign)
    )
    session.exec(insert(AnalyticsVisitorDay).from_select(
        ["shop_id", "day", "visitor_id", "visitor_key", "source", "medium", "campaign", *STEPS], rows))


def _roll_up_hours(session: Session, shop_id: int, day: date, start: datetime, end: datetime) -> int:
    session.exec(delete(AnalyticsHour).where(AnalyticsHour.shop_id == shop_id, AnalyticsHour.day == day))
    by_hour: dict[int, dict[str, int]] = defaultdict(lambda: {"page_views": 0, "orders": 0})
    for (hour, _weekday), values in hour_figures(session, shop_id, start, end).items():
        _add_counts(by_hour[hour], values)
    for hour, values in by_hour.items():
        session.add(AnalyticsHour(shop_id=shop_id, day=day, hour=hour, **values))
    return len(by_hour)


def _roll_up_regions(session: Session, shop_id: int, day: date, rows: dict[tuple[str, str], list[int]]) -> int:
    session.exec(delete(AnalyticsRegionDay).where(AnalyticsRegionDay.shop_id == shop_id, AnalyticsRegionDay.day == day))
    if rows:
        session.execute(insert(AnalyticsRegionDay), [
            {"shop_id": shop_id, "day": day, "province": province, "buyer": buyer, "orders": orders, "gmv": gmv}
            for (province, buyer), (orders, gmv) in rows.items()])
    return len(rows)


def _add_counts(into: dict[str, int], values: dict[str, int]) -> None:
    for name, value in values.items():
        into[name] += value


def _local_hour_and_weekday(session: Session, column, shop_id: int) -> tuple:
    """The hour and the weekday of a stored moment on the shop's clock, computed by the database so a report
    groups rows instead of fetching them. The shop's zone is a fixed offset (China keeps no daylight saving)."""
    minutes = int(shop_zone(shop_id).utcoffset(None).total_seconds() // 60)
    if session.get_bind().dialect.name == "postgresql":
        local = func.timezone("UTC", column) + timedelta(minutes=minutes)
        return extract("hour", local), extract("isodow", local)
    shift = f"{minutes:+d} minutes"
    return cast(func.strftime("%H", column, shift), Integer), cast(func.strftime("%w", column, shift), Integer)
