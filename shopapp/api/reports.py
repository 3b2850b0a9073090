"""The shop's reports for its staff and API keys: /api/v1/reports/overview|funnel|sources|products|regions|hours.

Every report takes `?range=today|yesterday|7d|30d` or `?from=&to=` (dates, inclusive, on the shop's clock);
a reversed range or one longer than a year is refused (422) with the field named."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request

from shopapp.api.deps import acting, jsonable
from shopapp.services.analytics import ranges, reports

router = APIRouter(prefix="/reports", tags=["reports"])


def _period(actor, range_: str | None, from_: str | None, to: str | None) -> ranges.Period:
    return ranges.period(range_, from_, to, shop_id=actor.shop_id)


@router.get("/overview")
def overview(request: Request, range_: str | None = Query(None, alias="range"), from_: str | None = Query(None, alias="from"), to: str | None = None):
    """`{visitors, page_views, orders, paid_orders, buyers, gmv, refunds, net_sales, aov, conversion_rate, from, to, previous: {...}}`."""
    with acting(request) as (session, actor):
        return jsonable(reports.overview(session, actor, _period(actor, range_, from_, to)))


@router.get("/funnel")
def funnel(request: Request, range_: str | None = Query(None, alias="range"), from_: str | None = Query(None, alias="from"), to: str | None = None):
    """`{visitors, product_viewers, cart_adders, checkout_starters, buyers}`."""
    with acting(request) as (session, actor):
        return jsonable(reports.funnel(session, actor, _period(actor, range_, from_, to)))


@router.get("/sources")
def sources(request: Request, range_: str | None = Query(None, alias="range"), from_: str | None = Query(None, alias="from"), to: str | None = None):
    """`{items: [{source, medium, campaign, visitors, page_views, buyers, orders, gmv}]}`."""
    with acting(request) as (session, actor):
        return jsonable(reports.sources(session, actor, _period(actor, range_, from_, to)))


@router.get("/products")
def products(request: Request, range_: str | None = Query(None, alias="range"), from_: str | None = Query(None, alias="from"), to: str | None = None, sort: str = "views"):
    """`{items: [{product_id, title, views, viewers, add_to_cart, add_to_cart_rate, orders, units, gmv, conversion_rate}]}`;
    `?sort=` views, viewers, add_to_cart, add_to_cart_rate, units, gmv or conversion_rate (highest first)."""
    with acting(request) as (session, actor):
        return jsonable(reports.products(session, actor, _period(actor, range_, from_, to), sort=sort))


@router.get("/regions")
def regions(request: Request, range_: str | None = Query(None, alias="range"), from_: str | None = Query(None, alias="from"), to: str | None = None):
    """`{items: [{province, buyers, orders, gmv}]}` from the paid orders' shipping addresses."""
    with acting(request) as (session, actor):
        return jsonable(reports.regions(session, actor, _period(actor, range_, from_, to)))


@router.get("/hours")
def hours(request: Request, range_: str | None = Query(None, alias="range"), from_: str | None = Query(None, alias="from"), to: str | None = None):
    """`{hours: [{hour, page_views, orders}] × 24, weekdays: [{weekday (1 = Monday), page_views, orders}] × 7}`."""
    with acting(request) as (session, actor):
        return jsonable(reports.hours(session, actor, _period(actor, range_, from_, to)))
