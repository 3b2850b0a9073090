"""The REST API at /api/v1: one FastAPI app, one router per resource, mounted in front of Reflex."""

from __future__ import annotations

from fastapi import Depends, FastAPI

from shopapp.api import (
    abuse_reports,
    account,
    affiliates,
    aftersales,
    ai,
    api_keys,
    bargains,
    caching,
    campaigns,
    carts,
    checkout,
    coupons,
    customer_list,
    customers,
    design,
    domains,
    errors,
    finance,
    flash_sales,
    fulfillment,
    group_buys,
    health,
    hosts,
    input_limits,
    insights,
    loyalty,
    media,
    ops,
    ops_session,
    orders,
    payments,
    plans,
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
    shop_money,
    staff,
    stock_alerts,
    storefront,
    subscription,
    support,
    suspended_shops,
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
    suspended_shops.install(api)  # inside the security headers: the paused page carries them too
    security.install(api)
    tracking.install(api)
    hosts.install(api)  # outermost: a shop's own site is routed before anything else looks at the path
    # First, as routes are matched in order: the one path a flash sale's rush sends thousands of tries a second to.
    api.include_router(flash_sales.rush_router, prefix="/api/v1")
    # One line per router, in the order they were added: a new one is a line of its own.
    for module in (
        health,
        session,
        account,
        shop,
        api_keys,
        staff,
        products,
        storefront,
        stock_alerts,
        carts,
        customers,
        checkout,
        coupons,
        payments,
        orders,
        shipping,
        support,
        ai,
        fulfillment,
        refunds,
        aftersales,
        loyalty,
        promotions,
        reviews,
        customer_list,
        tickets,
        design,
        finance,
        tracking,
        reports,
        campaigns,
        insights,
        bargains,
        affiliates,
        flash_sales,
        plans,
        ops,
        ops_session,
        domains,
        subscription,
        shop_money,
        group_buys,
        abuse_reports,
    ):
        api.include_router(module.router, prefix="/api/v1")
    api.include_router(shop_money.ops_router, prefix="/api/v1")
    api.include_router(abuse_reports.ops_router, prefix="/api/v1")
    api.include_router(media.router)
    api.include_router(seo.router)
    errors.install_fallback(api)
    return api
