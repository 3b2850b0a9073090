"""拼团 group buys: the owner's activities (create, list, one, end, report) and the shopper's groups (open, join, look)."""

from typing import Any

from fastapi import APIRouter, Header, Request

from shopapp.api.deps import acting, bearer_token, jsonable
from shopapp.db import session_scope
from shopapp.services.checkout import group_orders
from shopapp.services.core.validation import id_from_text
from shopapp.services.marketing import group_buys
from shopapp.services.shops import shops

router = APIRouter(tags=["group-buys"])


@router.post("/group-buys", status_code=201)
def create_group_buy(data: dict, request: Request):
    with acting(request) as (session, actor):
        return group_buys.create_group_buy(session, actor, data)


@router.get("/group-buys")
def list_group_buys(request: Request, status: str | None = None):
    with acting(request) as (session, actor):
        items = group_buys.list_group_buys(session, actor, status=status)
        return {"items": items, "total": len(items)}


@router.get("/group-buys/{group_buy_id}")
def get_group_buy(group_buy_id: str, request: Request):
    with acting(request) as (session, actor):
        return group_buys.get_group_buy(session, actor, group_buy_id)


@router.post("/group-buys/{group_buy_id}/end")
def end_group_buy(group_buy_id: str, request: Request):
    """End it now: its forming groups fail and their paid members are refunded in full; formed groups stay."""
    with acting(request) as (session, actor):
        return group_orders.end_group_buy(session, actor, group_buy_id)


@router.get("/group-buys/{group_buy_id}/report")
def group_buy_report(group_buy_id: str, request: Request):
    with acting(request) as (session, actor):
        return group_buys.group_buy_report(session, actor, group_buy_id)


@router.get("/store/{slug}/products/{product_id}/group-buy")
def product_group_buy(slug: str, product_id: str, request: Request):
    """The product's running group buy and the groups open to join now ({"group_buy": null} when none runs)."""
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        found = group_buys.storefront_offer(session, shop.id, id_from_text(product_id))
        return {"group_buy": found}


@router.post("/store/{slug}/group-buys/{group_buy_id}/groups", status_code=201)
def open_group(slug: str, group_buy_id: str, body: dict[str, Any], request: Request, idempotency_key: str | None = Header(default=None)):
    """*shopper* `{variant_id, qty, address, shipping_method_id?}` → {group_id, order_no, total, payment}."""
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        return jsonable(group_orders.open_group(session, shop.id, group_buy_id, bearer_token(request), body,
                                                mobile=body.get("device") != "desktop", idempotency_key=idempotency_key))


@router.post("/store/{slug}/groups/{group_id}/join", status_code=201)
def join_group(slug: str, group_id: str, body: dict[str, Any], request: Request, idempotency_key: str | None = Header(default=None)):
    """*shopper*, same body → {order_no, total, payment}; 409 group_full / already_joined / group_closed."""
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        return jsonable(group_orders.join_group(session, shop.id, group_id, bearer_token(request), body,
                                                mobile=body.get("device") != "desktop", idempotency_key=idempotency_key))


@router.get("/store/{slug}/groups/{group_id}")
def group_status(slug: str, group_id: str):
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        return group_buys.group_view(session, shop.id, group_id)
