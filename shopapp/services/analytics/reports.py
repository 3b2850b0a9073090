"""The shop's reports (issue 21): overview, funnel, sources, products, regions, hours. Each takes a
ranges.Period (whole days on the shop's clock) and reads only this shop's rows.

Definitions, one place:
- visitors: distinct first-party visitor ids with an event in the period (events sent under Do Not Track carry
  no id: they count as page views, never as visitors);
- orders: orders placed in the period; paid orders, GMV: orders paid in the period and their totals (the
  lines' `paid` after every saving plus shipping, as the dashboard); refunds: made in the period;
- buyers: distinct shoppers (the account, else the e-mail) among the paid orders;
- a paid order's source is the source of its visit (analytics.tracking.tag_order, last touch when placed);
- additive figures come from analytics.rollups (rolled-up days + today live); visitors, the funnel and visitors
  per source from its visitor-days (+ today's raw events); regions from its province-buyer days and hours from
  its hour rows (+ today live); product viewers and the overview's buyers from the raw rows.

Big ranges: when a range's distinct counts would read more than REPORTS_EXACT_ROWS visitor-, buyer- or viewer-days,
they are estimated from the days' HyperLogLog sketches instead (analytics.sketches, typically within 1–2 %) and the answer
says `approximate: true`; additive figures (page views, orders, GMV, refunds...) are exact always.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date

from sqlalchemy import String, case, cast, func, union_all
from sqlmodel import Session, select

from shopapp.models import (
    AnalyticsHour,
    AnalyticsRegionDay,
    AnalyticsVisitorDay,
    Order,
    OrderVisit,
    Product,
    VisitEvent,
)
from shopapp.models.aftersales import Refund
from shopapp.services.analytics import rollups, sketches
from shopapp.services.analytics.ranges import Period
from shopapp.services.core import plan_limits
from shopapp.services.core.clock import shop_today
from shopapp.services.core.errors import Invalid
from shopapp.services.core.money import average
from shopapp.services.core.permissions import Actor, require


def _may_read(session: Session, actor: Actor, period: Period) -> None:
    """The reader may see reports, and the shop's plan reaches back to the period's first day."""
    require(actor, "view_reports")
    plan_limits.check_history(session, actor.shop_id, period.first)


PRODUCT_SORTS = ("views", "viewers", "add_to_cart", "add_to_cart_rate", "units", "gmv", "conversion_rate")


def overview(session: Session, actor: Actor, period: Period, today: date | None = None) -> dict:
    """The period's figures with the previous period's (same length, just before) under `previous`."""
    _may_read(session, actor, period)
    today = today or shop_today(actor.shop_id)
    return {**_overview(session, actor.shop_id, period, today), "previous": _overview(session, actor.shop_id, period.previous(), today)}


def funnel(session: Session, actor: Actor, period: Period, today: date | None = None) -> dict:
    """Distinct visitors at each step: any event → a product view → an add to cart → a checkout start → a paid
    order (its visit's visitor id). Each later step counts only visitors of the period."""
    _may_read(session, actor, period)
    shop_id, today = actor.shop_id, today or shop_today(actor.shop_id)
    estimated = _estimated(session, shop_id, period, today, ("visitors", *rollups.STEPS, "paid_visitors"))
    if estimated is None:
        counts = _visitor_counts(session, shop_id, period, today).get((), {})
        buyers = session.exec(
            select(func.count(func.distinct(OrderVisit.visitor_id))).select_from(Order)
            .join(OrderVisit, OrderVisit.order_id == Order.id)
            .where(*_paid(shop_id, period), OrderVisit.visitor_id != "")
        ).one()
    else:
        counts, buyers = _steps_estimated(estimated), estimated.get(("paid_visitors", ""), 0)
    return {
        "visitors": counts.get("visitors", 0), "product_viewers": counts.get("product_view", 0),
        "cart_adders": counts.get("add_to_cart", 0), "checkout_starters": counts.get("checkout_start", 0),
        "buyers": buyers, "approximate": estimated is not None,
    }


def sources(session: Session, actor: Actor, period: Period, today: date | None = None) -> dict:
    """Per (source, medium, campaign): visitors, page views, buyers, paid orders and GMV; most GMV first."""
    _may_read(session, actor, period)
    shop_id, today = actor.shop_id, today or shop_today(actor.shop_id)
    rows: dict[tuple, dict] = defaultdict(lambda: {"visitors": 0, "page_views": 0, "buyers": 0, "orders": 0, "gmv": 0})
    for key, values in rollups.figures_for(session, shop_id, period.first, period.last, today).items():
        if key[0] == 0 and key[1]:
            rows[key[1:]].update(page_views=values["page_views"], orders=values["orders"], gmv=values["gmv"])
    estimated = _estimated(session, shop_id, period, today, ("source_visitors", "source_buyers"))
    if estimated is None:
        for key, counts in _visitor_counts(session, shop_id, period, today, group=("source", "medium", "campaign")).items():
            rows[key]["visitors"] = counts["visitors"]
        for source, medium, campaign, buyers in session.exec(
            select(OrderVisit.source, OrderVisit.medium, OrderVisit.campaign, func.count(func.distinct(_buyer())))
            .select_from(Order).outerjoin(OrderVisit, OrderVisit.order_id == Order.id).where(*_paid(shop_id, period))
            .group_by(OrderVisit.source, OrderVisit.medium, OrderVisit.campaign)
        ).all():
            rows[rollups.visit_source(source, medium, campaign)]["buyers"] += buyers
    else:
        for (kind, dim), count in estimated.items():
            rows[tuple(json.loads(dim))]["visitors" if kind == "source_visitors" else "buyers"] = count
    items = [{"source": s, "medium": m, "campaign": c, **values} for (s, m, c), values in rows.items()]
    items.sort(key=lambda item: (-item["gmv"], -item["visitors"], item["source"], item["medium"], item["campaign"]))
    return {"items": items, "approximate": estimated is not None}


def products(session: Session, actor: Actor, period: Period, sort: str = "views", today: date | None = None,
             limit: int = 100) -> dict:
    """Per product: views, viewers, add to cart (and its rate per view), units, GMV (lines' paid), paid orders
    and conversion (paid orders with it / viewers); sorted by `sort`, highest first."""
    _may_read(session, actor, period)
    if sort not in PRODUCT_SORTS:
        raise Invalid(fields={"sort": "sort_unknown"})
    shop_id, today = actor.shop_id, today or shop_today(actor.shop_id)
    figures = {key[0]: values for key, values in rollups.figures_for(session, shop_id, period.first, period.last, today).items()
               if key[0] and not key[1]}
    estimated = _estimated(session, shop_id, period, today, ("product_viewers",))
    if estimated is None:
        viewers = {key[0]: count for key, count in _distinct_visitors(
            session, (VisitEvent.product_id,), *_events(shop_id, period), VisitEvent.type == "product_view").items()}
    else:
        viewers = {int(dim): count for (_kind, dim), count in estimated.items()}
    titles = dict(session.exec(
        select(Product.id, Product.title).where(Product.shop_id == shop_id, Product.id.in_(list(figures)))
    ).all()) if figures else {}
    items = []
    for product_id, values in figures.items():
        seen = viewers.get(product_id, 0)
        items.append({
            "product_id": product_id, "title": titles.get(product_id, ""), "views": values["product_views"],
            "viewers": seen, "add_to_cart": values["add_to_cart"],
            "add_to_cart_rate": _rate(values["add_to_cart"], values["product_views"]),
            "orders": values["orders"], "units": values["units"], "gmv": values["gmv"],
            "conversion_rate": _rate(values["orders"], seen),
        })
    items.sort(key=lambda item: (-item[sort], item["product_id"]))
    return {"items": items[:limit], "approximate": estimated is not None}


def regions(session: Session, actor: Actor, period: Period, today: date | None = None) -> dict:
    """Paid orders by the shipping address's province: buyers, orders and GMV; most GMV first. Days that are over
    from analytics_region_day (one row per province and buyer a day) — or, for a long range, from the sketches'
    province rows (buyers estimated) —, the others (today at least) live."""
    _may_read(session, actor, period)
    shop_id, today = actor.shop_id, today or shop_today(actor.shop_id)
    estimated = _estimated(session, shop_id, period, today, ("region_buyers",))
    if estimated is None:
        sealed = rollups.rolled_days(session, shop_id, period.first, period.last, today)
        live = _live_regions(session, shop_id, period, sealed)
        sales = _region_sales(session, shop_id, sealed)
        buyers = _region_buyers(session, shop_id, sealed, live)
    else:
        sealed = sketches.sketched_days(session, shop_id, period.first, period.last, today)
        live = _live_regions(session, shop_id, period, sealed)
        sales = sketches.region_sales(session, shop_id, period.first, period.last, today)
        buyers = {dim: count for (_kind, dim), count in estimated.items()}
    rows: dict[str, dict] = defaultdict(lambda: {"buyers": 0, "orders": 0, "gmv": 0})
    for province, (orders, gmv) in sales.items():
        rows[province].update(orders=orders, gmv=gmv)
    for (province, _buyer), (orders, gmv) in live.items():
        rows[province]["orders"] += orders
        rows[province]["gmv"] += gmv
    for province, count in buyers.items():
        rows[province]["buyers"] = count
    items = [{"province": name, **row} for name, row in rows.items()]
    items.sort(key=lambda item: (-item["gmv"], item["province"]))
    return {"items": items, "approximate": estimated is not None}


def hours(session: Session, actor: Actor, period: Period, today: date | None = None) -> dict:
    """Page views and paid orders by hour of the day (0-23) and day of the week (1 Monday .. 7 Sunday), on the
    shop's clock: days that are over from analytics_hour, the others (today at least) live."""
    _may_read(session, actor, period)
    shop_id, today = actor.shop_id, today or shop_today(actor.shop_id)
    by_hour = [{"hour": h, "page_views": 0, "orders": 0} for h in range(24)]
    by_weekday = [{"weekday": d, "page_views": 0, "orders": 0} for d in range(1, 8)]
    rolled = rollups.rolled_days(session, shop_id, period.first, period.last, today)
    if rolled:
        on_rolled = (AnalyticsHour.shop_id == shop_id, AnalyticsHour.day.in_(sorted(rolled)))
        sums = (func.sum(AnalyticsHour.page_views), func.sum(AnalyticsHour.orders))
        for hour, page_views, orders in session.exec(
            select(AnalyticsHour.hour, *sums).where(*on_rolled).group_by(AnalyticsHour.hour)
        ).all():
            by_hour[hour].update(page_views=by_hour[hour]["page_views"] + int(page_views),
                                 orders=by_hour[hour]["orders"] + int(orders))
        for day, page_views, orders in session.exec(
            select(AnalyticsHour.day, *sums).where(*on_rolled).group_by(AnalyticsHour.day)
        ).all():
            row = by_weekday[day.isoweekday() - 1]
            row.update(page_views=row["page_views"] + int(page_views), orders=row["orders"] + int(orders))
    for start, end in rollups.live_spans(period.first, period.last, rolled, shop_id):
        for (hour, weekday), values in rollups.hour_figures(session, shop_id, start, end).items():
            for row in (by_hour[hour], by_weekday[weekday - 1]):
                row.update(page_views=row["page_views"] + values["page_views"], orders=row["orders"] + values["orders"])
    return {"hours": by_hour, "weekdays": by_weekday}


# Helpers ---------------------------------------------------------------------------------------

def _overview(session: Session, shop_id: int, period: Period, today: date) -> dict:
    totals = rollups.figures_for(session, shop_id, period.first, period.last, today).get(rollups.TOTAL, {})
    gmv, paid_orders = totals.get("gmv", 0), totals.get("orders", 0)
    estimated = _estimated(session, shop_id, period, today, ("visitors", "buyers"))
    if estimated is None:
        visitors = _visitor_counts(session, shop_id, period, today).get((), {}).get("visitors", 0)
        buyers = session.exec(select(func.count(func.distinct(_buyer()))).where(*_paid(shop_id, period))).one()
    else:
        visitors, buyers = estimated.get(("visitors", ""), 0), estimated.get(("buyers", ""), 0)
    refunds = session.exec(
        select(func.coalesce(func.sum(Refund.amount), 0))
        .where(Refund.shop_id == shop_id, Refund.created_at >= period.start, Refund.created_at < period.end)
    ).one()
    orders = session.exec(
        select(func.count()).select_from(Order)
        .where(Order.shop_id == shop_id, Order.created_at >= period.start, Order.created_at < period.end)
    ).one()
    return {
        "from": period.first, "to": period.last, "visitors": visitors, "page_views": totals.get("page_views", 0),
        "orders": orders, "paid_orders": paid_orders, "buyers": buyers, "gmv": gmv, "refunds": int(refunds),
        "net_sales": gmv - int(refunds), "aov": average(gmv, paid_orders), "conversion_rate": _rate(buyers, visitors),
        "approximate": estimated is not None,
    }


def _estimated(session: Session, shop_id: int, period: Period, today: date, kinds: tuple[str, ...]) -> dict | None:
    """{(kind, dim): count} estimated from the days' sketches when the period's exact counts of `kinds` would read
    more than REPORTS_EXACT_ROWS rows (analytics.sketches); None when they are counted exactly."""
    if not sketches.worth_estimating(session, shop_id, period.first, period.last, today, kinds):
        return None
    return sketches.estimate(session, shop_id, period.first, period.last, today, kinds)


def _steps_estimated(estimated: dict) -> dict[str, int]:
    """The funnel's visitors and steps from their estimates, each step at most the one before: every estimate is
    off by a percent or two, and a visitor who reached a step reached the ones before it."""
    counts, before = {}, None
    for step in ("visitors", *rollups.STEPS):
        counts[step] = estimated.get((step, ""), 0) if before is None else min(estimated.get((step, ""), 0), before)
        before = counts[step]
    return counts


def _live_regions(session: Session, shop_id: int, period: Period, sealed: set[date]) -> dict[tuple[str, str], list[int]]:
    """{(province, buyer): [paid orders, GMV]} of the period's days not sealed (today at least), from the orders."""
    live: dict[tuple[str, str], list[int]] = {}
    for start, end in rollups.live_spans(period.first, period.last, sealed, shop_id):
        for key, (orders, gmv) in rollups.region_figures(session, shop_id, start, end).items():
            live.setdefault(key, [0, 0])
            live[key][0] += orders
            live[key][1] += gmv
    return live


def _region_sales(session: Session, shop_id: int, rolled: set[date]) -> dict[str, list[int]]:
    """{province: [paid orders, GMV]} of the rolled days, from analytics_region_day."""
    if not rolled:
        return {}
    day = AnalyticsRegionDay
    return {province: [int(orders), int(gmv)] for province, orders, gmv in session.exec(
        select(day.province, func.sum(day.orders), func.sum(day.gmv))
        .where(day.shop_id == shop_id, day.day.in_(sorted(rolled))).group_by(day.province)).all()}


def _region_buyers(session: Session, shop_id: int, rolled: set[date], live: dict[tuple[str, str], list[int]]) -> dict[str, int]:
    """{province: distinct buyers}, exactly: the rolled days' (province, buyer) pairs counted once each, and a live
    buyer already counted on a rolled day not again."""
    buyers: dict[str, int] = defaultdict(int)
    known: set[tuple[str, str]] = set()
    if rolled:
        day = AnalyticsRegionDay
        on_rolled = (day.shop_id == shop_id, day.day.in_(sorted(rolled)))
        pairs = select(day.province, day.buyer).where(*on_rolled).distinct().subquery()
        for province, count in session.exec(select(pairs.c.province, func.count()).group_by(pairs.c.province)).all():
            buyers[province] = count
        live_buyers = sorted({buyer for _province, buyer in live})
        for chunk in range(0, len(live_buyers), 500):
            known.update(session.exec(select(day.province, day.buyer).where(
                *on_rolled, day.buyer.in_(live_buyers[chunk:chunk + 500]))).all())
    for province, buyer in live:
        buyers[province] += (province, buyer) not in known
    return buyers


def _visitor_counts(session: Session, shop_id: int, period: Period, today: date,
                    group: tuple[str, ...] = ()) -> dict[tuple, dict[str, int]]:
    """{group's values: {"visitors": distinct visitors, step: those of them who reached it (rollups.STEPS)}} of the
    period, in one query: days that are over from analytics_visitor_day (a row per visitor and source, not per
    page), the others (today at least) from the raw events, united and then grouped per visitor — on the
    visitor's 64-bit key (rollups.visitor_key), which the database hashes where it sorted the text ids — so a
    visitor of both counts once."""
    rolled = rollups.rolled_days(session, shop_id, period.first, period.last, today)
    parts = []
    if rolled:
        day = AnalyticsVisitorDay
        parts.append(select(*[getattr(day, column) for column in group], day.visitor_key.label("key"),
                            *[getattr(day, step) for step in rollups.STEPS]).where(
            day.shop_id == shop_id, day.day >= period.first, day.day <= period.last, day.day < today))
    for start, end in rollups.live_spans(period.first, period.last, rolled, shop_id):
        event = VisitEvent
        parts.append(select(*[getattr(event, column) for column in group], rollups.visitor_key(event.visitor_id).label("key"),
                            *[case((event.type == step, 1), else_=0).label(step) for step in rollups.STEPS]).where(
            event.shop_id == shop_id, event.at >= start, event.at < end, event.visitor_id != ""))
    if not parts:
        return {}
    rows = (union_all(*parts) if len(parts) > 1 else parts[0]).subquery()
    keys = [rows.c[column] for column in group]
    visitors = select(*keys, rows.c.key, *[func.max(rows.c[step]).label(step) for step in rollups.STEPS]
                      ).group_by(*keys, rows.c.key).subquery()
    keys = [visitors.c[column] for column in group]
    counted = ("visitors", *rollups.STEPS)
    return {tuple(row[:len(keys)]): dict(zip(counted, (int(value or 0) for value in row[len(keys):]))) for row in session.exec(
        select(*keys, func.count(), *[func.sum(visitors.c[step]) for step in rollups.STEPS]).group_by(*keys)).all()}


def _distinct_visitors(session: Session, group: tuple, *where) -> dict[tuple, int]:
    """{group's values: distinct visitor ids}, as SELECT group, count(*) FROM (SELECT DISTINCT group, visitor_id):
    the databases hash those pairs, where count(DISTINCT visitor_id) sorts them (PostgreSQL spilled a month of a
    big shop to disk and took 1.3 s instead of 0.8 s; a year 12 s instead of 1.5 s). Events without an id are
    nobody's."""
    pairs = select(*group, VisitEvent.visitor_id).where(*where, VisitEvent.visitor_id != "").distinct().subquery()
    columns = [pairs.c[column.key] for column in group]
    if not columns:
        return {(): session.exec(select(func.count()).select_from(pairs)).one()}
    return {tuple(row[:-1]): row[-1] for row in session.exec(select(*columns, func.count()).group_by(*columns)).all()}


def _events(shop_id: int, period: Period) -> tuple:
    return (VisitEvent.shop_id == shop_id, VisitEvent.at >= period.start, VisitEvent.at < period.end)


def _paid(shop_id: int, period: Period) -> tuple:
    return (Order.shop_id == shop_id, Order.paid_at >= period.start, Order.paid_at < period.end)


def _buyer():
    """A shopper: their account when they had one, else their e-mail."""
    return func.coalesce(cast(Order.customer_id, String), func.lower(Order.email))


def _rate(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0
