"""Coupons (优惠券 / 优惠码) over HTTP: the owner's coupons, codes, issuing and numbers, and the storefront's
claimable coupons and the shopper's wallet (a shopper's `Authorization: Bearer cs_…`)."""

from fastapi import APIRouter, Request

from shopapp.api.deps import acting, bearer_token, jsonable
from shopapp.db import read_scope, session_scope
from shopapp.services.marketing import coupons
from shopapp.services.shops import shops

router = APIRouter(tags=["coupons"])


@router.post("/coupons", status_code=201)
def create_coupon(data: dict, request: Request):
    """`{name, kind: amount|percent|free_shipping, amount_off?, percent_off?, max_off?, min_amount?, product_ids?,
    category_ids?, starts_at, ends_at | valid_days, total_quantity?, per_customer_limit?, code?, claimable?,
    combines_with_promotions?}` → 201 coupon `{id, …, issued, used, status}`"""
    with acting(request) as (session, actor):
        return jsonable(coupons.create_coupon(session, actor, data))


@router.get("/coupons")
def list_coupons(request: Request, status: str | None = None):
    """`?status=scheduled|active|ended` → `{items, total}`, newest first."""
    with acting(request) as (session, actor):
        items = coupons.list_coupons(session, actor, status=status)
        return jsonable({"items": items, "total": len(items)})


@router.get("/coupons/{coupon_id}")
def get_coupon(coupon_id: int, request: Request):
    with acting(request) as (session, actor):
        return jsonable(coupons.get_coupon(session, actor, coupon_id))


@router.post("/coupons/{coupon_id}/end")
def end_coupon(coupon_id: int, request: Request):
    """Ends the coupon now: no more claims, and no order uses it from now on."""
    with acting(request) as (session, actor):
        return jsonable(coupons.end_coupon(session, actor, coupon_id))


@router.post("/coupons/{coupon_id}/codes", status_code=201)
def generate_codes(coupon_id: int, data: dict, request: Request):
    """`{count}` (≤ 10 000) → 201 `{codes}`: unique one-time codes, each good for one order."""
    with acting(request) as (session, actor):
        return coupons.generate_codes(session, actor, coupon_id, data)


@router.post("/coupons/{coupon_id}/issue")
def issue_coupon(coupon_id: int, data: dict, request: Request):
    """`{emails}` or `{customer_ids}` → `{issued, skipped: [{who, reason}]}`"""
    with acting(request) as (session, actor):
        return coupons.issue(session, actor, coupon_id, data)


@router.get("/coupons/{coupon_id}/report")
def coupon_report(coupon_id: int, request: Request):
    """→ `{orders, paid_orders, units, revenue, discount_total, customers, new_customers, order_list}`
    (paid orders, net of refunds)."""
    with acting(request) as (session, actor):
        return jsonable(coupons.coupon_report(session, actor, coupon_id))


@router.get("/store/{slug}/coupons")
def store_coupons(slug: str):
    """→ `{items}`: the coupons a shopper may claim now."""
    with read_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        return jsonable({"items": coupons.claimable_coupons(session, shop.id)})


@router.post("/store/{slug}/coupons/{coupon_id}/claim", status_code=201)
def claim_coupon(slug: str, coupon_id: int, request: Request):
    """*shopper* → 201 `{id, coupon_id, expires_at}`; 409 `coupon_sold_out` / `coupon_limit_reached`."""
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        return jsonable(coupons.claim(session, shop.id, bearer_token(request), coupon_id))


@router.get("/store/{slug}/customers/me/coupons")
def my_coupons(slug: str, request: Request):
    """*shopper* → `{items: [{id, coupon_id, name, description, status: unused|used|expired, expires_at}]}`"""
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        return jsonable(coupons.wallet(session, shop.id, bearer_token(request)))
