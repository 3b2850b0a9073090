"""Distinct counts of big ranges, estimated (issue 21, reports at 10 M events / 1 M orders).

A distinct count — visitors, a funnel step, a product's viewers, buyers — cannot be added up over days: the exact
reports read every visitor- or buyer-day of the range again, which takes seconds for a year of a big shop. So the
roll-up also keeps, per shop-day, each such count as a HyperLogLog sketch (Apache DataSketches, analytics_sketch_day)
and the day's exact figure beside it. Sketches of any days merge into the count of the range, within about 1.6 %
(lg_k 12: 1.04 / √4096; three times that at most, nearly always).

The reports stay exact while a range is small: `worth_estimating` adds up the days' exact figures — the rows an exact
count would read — and only above REPORTS_EXACT_ROWS do they merge sketches, saying so (`approximate`). Days without
sketches (today, a day not rolled up) are read from the raw rows by the same `day_keys` the roll-up stores, and fed
into the merge, so a visitor of today and of last week counts once.

Kinds, each with its dims:
- "visitors" and each funnel step (rollups.STEPS): the visitors of the shop's day, dim "";
- "source_visitors": visitors per visit source, dim a JSON list [source, medium, campaign];
- "product_viewers": the visitors who viewed a product, dim its id;
- "buyers": the overview's buyers (account, else e-mail), dim ""; "paid_visitors": the funnel's last step, the
  visitor ids of the paid orders' visits, dim ""; "source_buyers": buyers per visit source; "region_buyers": buyers
  per shipping province.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime

from datasketches import hll_sketch, hll_union, tgt_hll_type
from sqlalchemy import delete, func, insert
from sqlmodel import Session, select

from shopapp.models import AnalyticsSketchDay, Order, OrderVisit, VisitEvent
from shopapp.services.analytics.keys import STEPS, buyer_of, province_of, visit_source, visitor_key
from shopapp.services.analytics.sealed import live_spans
from shopapp.settings import get_settings

LG_K = 12
EVENT_KINDS = ("visitors", *STEPS, "source_visitors", "product_viewers")
ORDER_KINDS = ("buyers", "paid_visitors", "source_buyers", "region_buyers")
SHOP_WIDE = ("visitors", *STEPS, "buyers", "paid_visitors")  # written every day, even empty: the day is sketched
Counted = tuple[str, str]  # (kind, dim)


def source_dim(source: str, medium: str, campaign: str) -> str:
    return json.dumps([source, medium, campaign], ensure_ascii=False)


def day_keys(session: Session, shop_id: int, start: datetime, end: datetime,
             kinds: Iterable[str] = EVENT_KINDS + ORDER_KINDS) -> dict[Counted, set]:
    """{(kind, dim): the distinct keys} of the events and paid orders in [start, end): what the roll-up sketches
    for a day, and what a report feeds into its merge for the days without sketches."""
    kinds = set(kinds)
    keys: dict[Counted, set] = defaultdict(set)
    if kinds & set(EVENT_KINDS):
        _event_keys(session, shop_id, start, end, keys)
    if kinds & set(ORDER_KINDS):
        _order_keys(session, shop_id, start, end, keys)
    return {counted: values for counted, values in keys.items() if counted[0] in kinds}


def roll_up_day(session: Session, shop_id: int, day: date, start: datetime, end: datetime) -> int:
    """(Re)write the day's sketches, one row per (kind, dim), with the day's exact count. Returns the rows written."""
    session.exec(delete(AnalyticsSketchDay).where(
        AnalyticsSketchDay.shop_id == shop_id, AnalyticsSketchDay.kind.in_(EVENT_KINDS + ORDER_KINDS),
        AnalyticsSketchDay.day == day))
    keys = day_keys(session, shop_id, start, end)
    for kind in SHOP_WIDE:
        keys.setdefault((kind, ""), set())
    session.execute(insert(AnalyticsSketchDay), [
        {"shop_id": shop_id, "day": day, "kind": kind, "dim": dim, "count": len(values), "sketch": _sketch(values)}
        for (kind, dim), values in keys.items()])
    return len(keys)


def sketched_days(session: Session, shop_id: int, first: date, last: date, today: date) -> set[date]:
    """The days of first..last (before today) with sketches: a day's roll-up writes its "visitors" row always."""
    day = AnalyticsSketchDay
    return set(session.exec(select(day.day).where(
        day.shop_id == shop_id, day.kind == "visitors", day.dim == "", day.day >= first, day.day <= last,
        day.day < today)).all())


def worth_estimating(session: Session, shop_id: int, first: date, last: date, today: date, kinds: Iterable[str]) -> bool:
    """True when the exact counts of `kinds` would read more than REPORTS_EXACT_ROWS rows: the sum of the sketched
    days' exact counts (each a visitor-, buyer- or viewer-day), read from the rollup without touching a sketch."""
    day = AnalyticsSketchDay
    rows = session.exec(select(func.coalesce(func.sum(day.count), 0)).where(
        day.shop_id == shop_id, day.kind.in_(list(kinds)), day.day >= first, day.day <= last, day.day < today)).one()
    return int(rows) > get_settings().reports_exact_rows


def estimate(session: Session, shop_id: int, first: date, last: date, today: date, kinds: Iterable[str]) -> dict[Counted, int]:
    """{(kind, dim): estimated distinct count over first..last}: the sketched days' sketches merged, the other days
    (today at least) fed in from their raw rows. A (kind, dim) nobody was counted under is absent."""
    kinds = list(kinds)
    sketched = sketched_days(session, shop_id, first, last, today)
    unions: dict[Counted, hll_union] = defaultdict(lambda: hll_union(LG_K))
    if sketched:
        day = AnalyticsSketchDay
        for kind, dim, blob in session.exec(select(day.kind, day.dim, day.sketch).where(
            day.shop_id == shop_id, day.kind.in_(kinds), day.day >= min(sketched), day.day <= max(sketched),
            day.day < today, day.count > 0,
        )).all():
            unions[(kind, dim)].update(hll_sketch.deserialize(blob))
    for start, end in live_spans(first, last, sketched, shop_id):
        for counted, values in day_keys(session, shop_id, start, end, kinds).items():
            unions[counted].update(_sketch_of(values))
    return {counted: round(union.get_estimate()) for counted, union in unions.items() if not union.is_empty()}


# Helpers ---------------------------------------------------------------------------------------

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


def _sketch_of(values: Iterable) -> hll_sketch:
    sketch = hll_sketch(LG_K, tgt_hll_type.HLL_4)  # 4 bits a bucket: the smallest of a day's big sketches (~2.1 kB)
    for value in values:
        sketch.update(value)
    return sketch


def _sketch(values: Iterable) -> bytes:
    return _sketch_of(values).serialize_compact()
