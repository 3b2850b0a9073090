"""Shipping methods: the shop's own (console, API keys) and the ones a shopper may choose."""

from fastapi import APIRouter, Request

from shopapp.api.deps import acting, bearer_token
from shopapp.db import session_scope
from shopapp.services.checkout import quote as checkout_quote
from shopapp.services.checkout import shipping
from shopapp.services.shops import shops

router = APIRouter(tags=["shipping"])


@router.get("/store/{slug}/shipping-methods")
def store_methods(request: Request, slug: str, province: str | None = None, cart_token: str | None = None):
    """Active methods serving `province`; with `cart_token`, each `fee` is for that cart (its free-over
    threshold measured on the merchandise after its savings, as the checkout charges it)."""
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        weight = merchandise = 0
        if cart_token:
            view = checkout_quote.cart_view(session, shop.id, cart_token, customer_token=bearer_token(request))
            weight, merchandise = view["weight_grams"], view["total"]
        items = shipping.store_methods(session, shop.id, province=province, weight_grams=weight, subtotal=merchandise)
        return {"items": items, "total": len(items)}


@router.get("/shipping-methods")
def list_methods(request: Request):
    with acting(request) as (session, actor):
        items = shipping.list_methods(session, actor)
        return {"items": items, "total": len(items)}


@router.post("/shipping-methods", status_code=201)
def create_method(data: dict, request: Request):
    with acting(request) as (session, actor):
        return shipping.create_method(session, actor, data)


@router.patch("/shipping-methods/{method_id}")
def update_method(method_id: int, changes: dict, request: Request):
    with acting(request) as (session, actor):
        return shipping.update_method(session, actor, method_id, changes)
