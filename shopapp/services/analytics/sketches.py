"""Distinct counts of big ranges, estimated (issue 21, reports at 10 M events / 1 M orders).

A distinct count — visitors, a funnel step, a product's viewers, buyers — cannot be added up over days: the exact
reports read every visitor- or buyer-day of the range again, which takes seconds for a year of a big shop. So the
roll-up also keeps, per shop-day, each such count as a HyperLogLog sketch (Apache DataSketches, analytics_sketch_day)
and the day's exact figure beside it. Sketches of any days merge into the count of the range, within about 1.6 %
(lg_k 12: 1.04 / √4096; three times that at most, nearly always). Each month's days are also kept merged (span
"month", written again with each of its days), so a year of 200 products merges ~2 600 sketches, not 73 000.

The reports stay exact while a range is small: `worth_estimating` adds up the days' exact figures — the rows an exact
count would read — and only above REPORTS_EXACT_ROWS do they merge sketches, saying so (`approximate`). Days without
sketches (today, a day not rolled up) are read from the raw rows by the same `day_keys` the roll-up stores, and fed
into the merge, so a visitor of today and of last week counts once.

Kinds, each with its dims:
- "visitors" and each funnel step (keys.STEPS): the visitors of the shop's day, dim "";
- "source_visitors": visitors per visit source, dim a JSON list [source, medium, campaign];
- "product_viewers": the visitors who viewed a product, dim its id;
- "buyers": the overview's buyers (account, else e-mail), dim ""; "paid_visitors": the funnel's last step, the
  visitor ids of the paid orders' visits, dim ""; "source_buyers": buyers per visit source; "region_buyers": buyers
  per shipping province, whose rows also keep the province's paid orders and GMV (`region_sales`).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from datasketches import hll_sketch, hll_union, tgt_hll_type
from sqlalchemy import and_, delete, func, insert, or_
from sqlmodel import Session, select

from shopapp.models import AnalyticsSketchDay, Order, OrderVisit, VisitEvent
from shopapp.services.analytics.keys import STEPS, buyer_of, province_of, visit_source, visitor_key
from shopapp.services.analytics.sealed import live_spans
from shopapp.settings import get_settings

LG_K = 12
EVENT_KINDS = ("visitors", *STEPS, "source_visitors", "product_viewers")
ORDER_KINDS = ("buyers", "paid_visitors", "source_buyers", "region_buyers")
KINDS = EVENT_KINDS + ORDER_KINDS
SHOP_WIDE = ("visitors", *STEPS, "buyers", "paid_visitors")  # written every day, even empty: the day is sketched
Counted = tuple[str, str]  # (kind, dim)


def source_dim(source: str, medium: str, campaign: str) -> str:
    return json.dumps([source, medium, campaign], ensure_ascii=False)


def day_keys(session: Session, shop_id: int, start: datetime, end: datetime,
             kinds: Iterable[str] = KINDS) -> dict[Counted, set]:
    """{(kind, dim): the distinct keys} of the events and paid orders in [start, end): what the roll-up sketches
    for a day, and what a report feeds into its merge for the days without sketches."""
    kinds = set(kinds)
    keys: dict[Counted, set] = defaultdict(set)
    if kinds & set(EVENT_KINDS):
        _event_keys(session, shop_id, start, end, keys)
    if kinds & set(ORDER_KINDS):
        _order_keys(session, shop_id, start, end, keys)
    return {counted: values for counted, values in keys.items() if counted[0] in kinds}


def roll_up_day(session: Session, shop_id: int, day: date, start: datetime, end: datetime,
                regions: dict[tuple[str, str], list[int]], month: bool = True) -> int:
    """(Re)write the day's sketches, one row per (kind, dim) with the day's exact count, and (`month`) its month's
    rows again. `regions` is the day's rollups.region_figures: each province's row keeps its paid orders and GMV too, so the
    regions report of a long range reads one row a province and month. Returns the rows written."""
    row = AnalyticsSketchDay
    session.exec(delete(row).where(row.shop_id == shop_id, row.kind.in_(KINDS), row.span == "day", row.day == day))
    keys = day_keys(session, shop_id, start, end)
    for kind in SHOP_WIDE:
        keys.setdefault((kind, ""), set())
    sales: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for (province, _buyer), (orders, gmv) in regions.items():
        sales[province][0] += orders
        sales[province][1] += gmv
    session.execute(insert(row), [
        {"shop_id": shop_id, "day": day, "span": "day", "kind": kind, "dim": dim, "count": len(values),
         "sketch": _sketch(values), **_sales(sales, kind, dim)} for (kind, dim), values in keys.items()])
    return len(keys) + (_roll_up_month(session, shop_id, day.replace(day=1)) if month else 0)


def roll_up_months(session: Session, shop_id: int, first: date, last: date) -> int:
    """Merge again the month rows of every month that first..last touches. Returns the rows written."""
    written, month = 0, first.replace(day=1)
    while month <= last:
        written += _roll_up_month(session, shop_id, month)
        month = _next_month(month)
    return written


def sketched_days(session: Session, shop_id: int, first: date, last: date, today: date) -> set[date]:
    """The days of first..last (before today) with sketches: a day's roll-up writes its "visitors" row always."""
    row = AnalyticsSketchDay
    return set(session.exec(select(row.day).where(
        row.shop_id == shop_id, row.kind == "visitors", row.span == "day", row.dim == "", row.day >= first,
        row.day <= last, row.day < today)).all())


def worth_estimating(session: Session, shop_id: int, first: date, last: date, today: date, kinds: Iterable[str]) -> bool:
    """True when the exact counts of `kinds` would read more than REPORTS_EXACT_ROWS rows: the sum of the sketched
    days' exact counts (each a visitor-, buyer- or viewer-day), read from the rollup without touching a sketch."""
    rows = session.exec(select(func.coalesce(func.sum(AnalyticsSketchDay.count), 0)).where(
        *_rows_of(shop_id, kinds, first, last, today))).one()
    return int(rows) > get_settings().reports_exact_rows


def region_sales(session: Session, shop_id: int, first: date, last: date, today: date) -> dict[str, list[int]]:
    """{province: [paid orders, GMV]} of the sketched days of first..last, from the region_buyers rows."""
    row = AnalyticsSketchDay
    return {province: [int(orders), int(gmv)] for province, orders, gmv in session.exec(
        select(row.dim, func.sum(row.orders), func.sum(row.gmv))
        .where(*_rows_of(shop_id, ("region_buyers",), first, last, today)).group_by(row.dim)).all()}


def estimate(session: Session, shop_id: int, first: date, last: date, today: date, kinds: Iterable[str]) -> dict[Counted, int]:
    """{(kind, dim): estimated distinct count over first..last}: the sketches of the sketched days merged (a whole
    month's at once), the other days (today at least) fed in from their raw rows. A (kind, dim) nobody was counted
    under is absent."""
    kinds = list(kinds)
    sketched = sketched_days(session, shop_id, first, last, today)
    unions: dict[Counted, hll_union] = defaultdict(lambda: hll_union(LG_K))
    row = AnalyticsSketchDay
    for kind, dim, blob in session.exec(select(row.kind, row.dim, row.sketch).where(
            *_rows_of(shop_id, kinds, first, last, today), row.count > 0)).all():
        unions[(kind, dim)].update(hll_sketch.deserialize(blob))
    for start, end in live_spans(first, last, sketched, shop_id):
        for counted, values in day_keys(session, shop_id, start, end, kinds).items():
            unions[counted].update(_sketch_of(values))
    return {counted: round(union.get_estimate()) for counted, union in unions.items() if not union.is_empty()}


# Helpers ---------------------------------------------------------------------------------------

def _roll_up_month(session: Session, shop_id: int, month: date) -> int:
    """The month's rows: its days' sketches merged per (kind, dim), their exact counts added up (the rows an exact
    count of the month would read), so a year merges 12 sketches a product instead of 365."""
    row = AnalyticsSketchDay
    unions: dict[Counted, hll_union] = defaultdict(lambda: hll_union(LG_K))
    counts: dict[Counted, list[int]] = defaultdict(lambda: [0, 0, 0])
    for kind, dim, count, orders, gmv, blob in session.exec(select(row.kind, row.dim, row.count, row.orders, row.gmv, row.sketch).where(
        row.shop_id == shop_id, row.kind.in_(KINDS), row.span == "day", row.day >= month, row.day < _next_month(month),
        row.count > 0,
    )).all():
        unions[(kind, dim)].update(hll_sketch.deserialize(blob))
        added = counts[(kind, dim)]
        added[0], added[1], added[2] = added[0] + count, added[1] + orders, added[2] + gmv
    session.exec(delete(row).where(row.shop_id == shop_id, row.kind.in_(KINDS), row.span == "month", row.day == month))
    if unions:
        session.execute(insert(row), [
            {"shop_id": shop_id, "day": month, "span": "month", "kind": kind, "dim": dim, "count": counts[(kind, dim)][0],
             "orders": counts[(kind, dim)][1], "gmv": counts[(kind, dim)][2],
             "sketch": union.get_result(tgt_hll_type.HLL_4).serialize_compact()} for (kind, dim), union in unions.items()])
    return len(unions)


def _rows_of(shop_id: int, kinds: Iterable[str], first: date, last: date, today: date) -> tuple:
    """Where the sketches of first..last (before today) are: the month rows of the months the range holds whole
    (up to yesterday), the day rows of the days around them."""
    row = AnalyticsSketchDay
    last = min(last, today - timedelta(days=1))
    months = _whole_months(first, last, today)
    on_days = and_(row.span == "day", row.day >= first, row.day <= last)
    if months:
        on_days = or_(and_(on_days, or_(row.day < months[0], row.day >= _next_month(months[-1]))),
                      and_(row.span == "month", row.day.in_(months)))
    return row.shop_id == shop_id, row.kind.in_(list(kinds)), on_days


def _whole_months(first: date, last: date, today: date) -> list[date]:
    """The first days of the months that lie in first..last whole, last being yesterday at the latest: the month
    still running counts when the range reaches yesterday (its month row holds its days so far)."""
    months, month = [], first.replace(day=1)
    while month <= last:
        if month >= first and (_next_month(month) <= last + timedelta(days=1) or last == today - timedelta(days=1)):
            months.append(month)
        month = _next_month(month)
    return months


def _next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)

def _event_keys(session: Session, shop_id: int, start: datetime, end: datetime, keys: dict[Counted, set]) -> None:
    event = VisitEvent
    for key, kind, product_id, source, medium, campaign in session.exec(
        select(visitor_key(event.visitor_id), event.type, event.product_id, event.source, event.medium, event.campaign)
        .where(event.shop_id == shop_id, event.at >= start, event.at < end, event.visitor_id != "").distinct()
    ).all():
        keys[("visitors", "")].add(key)
        keys[("source_visitors", source_dim(source, medium, campaign))].add(key)
        if kind in STEPS:
            keys[(kind, "")].add(key)
        if kind == "product_view" and product_id:
            keys[("product_viewers", str(product_id))].add(key)


def _order_keys(session: Session, shop_id: int, start: datetime, end: datetime, keys: dict[Counted, set]) -> None:
    for customer_id, email, address, visitor_id, source, medium, campaign in session.exec(
        select(Order.customer_id, Order.email, Order.address, OrderVisit.visitor_id, OrderVisit.source, OrderVisit.medium,
               OrderVisit.campaign)
        .select_from(Order).outerjoin(OrderVisit, OrderVisit.order_id == Order.id)
        .where(Order.shop_id == shop_id, Order.paid_at >= start, Order.paid_at < end)
    ).all():
        buyer = buyer_of(customer_id, email)
        keys[("buyers", "")].add(buyer)
        keys[("region_buyers", province_of(address))].add(buyer)
        keys[("source_buyers", source_dim(*visit_source(source, medium, campaign)))].add(buyer)
        if visitor_id:
            keys[("paid_visitors", "")].add(visitor_id)


def _sales(sales: dict[str, list[int]], kind: str, dim: str) -> dict[str, int]:
    orders, gmv = sales.get(dim, (0, 0)) if kind == "region_buyers" else (0, 0)
    return {"orders": orders, "gmv": gmv}


def _sketch_of(values: Iterable) -> hll_sketch:
    sketch = hll_sketch(LG_K, tgt_hll_type.HLL_4)  # 4 bits a bucket: the smallest of a day's big sketches (~2.1 kB)
    for value in values:
        sketch.update(value)
    return sketch


def _sketch(values: Iterable) -> bytes:
    return _sketch_of(values).serialize_compact()
