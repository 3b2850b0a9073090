"""The REST API at /api/v1: one FastAPI app, one router per resource, mounted in front of Reflex."""

from __future__ import annotations

from fastapi import Depends, FastAPI

from shopapp.api import (
    account,
    aftersales,
    ai,
    api_keys,
    caching,
    carts,
    checkout,
    coupons,
    customer_list,
    customers,
    design,
    errors,
    finance,
    fulfillment,
    group_buys,
    health,
    input_limits,
    loyalty,
    media,
    orders,
    payments,
    products,
    promotions,
    refunds,
    reports,
    reviews,
    security,
    seo,
    served_by,
    session,
    shipping,
    shop,
    staff,
    stock_alerts,
    storefront,
    support,
    tickets,
    tracking,
)


def create_api() -> FastAPI:
    api = FastAPI(
        title="shopapp API",
        version="1",
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
        dependencies=[Depends(input_limits.refuse_unstorable_input)],
    )
    errors.install(api)
    caching.install(api)
    served_by.install(api)
    security.install(api)
    tracking.install(api)
    for module in (health, session, account, shop, api_keys, staff, products, storefront, stock_alerts, carts, customers, checkout, coupons, payments, orders, shipping, support, ai, fulfillment, refunds, aftersales, loyalty, promotions, group_buys, reviews, customer_list, tickets, design, finance, tracking, reports):
        api.include_router(module.router, prefix="/api/v1")
    api.include_router(media.router)
    api.include_router(seo.router)
    errors.install_fallback(api)
    return api
