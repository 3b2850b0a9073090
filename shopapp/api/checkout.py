"""Checkout and the shopper's order page over HTTP."""

from typing import Any

from fastapi import APIRouter, Header, Request
from pydantic import BaseModel

from shopapp.api.deps import bearer_token, jsonable
from shopapp.db import session_scope
from shopapp.services.checkout import place
from shopapp.services.checkout import quote as checkout_quote
from shopapp.services.shops import shops

router = APIRouter(prefix="/store/{slug}", tags=["storefront"])


class CheckoutRequest(BaseModel):
    # Any: the service checks every field, so the API and the pages answer the same field codes.
    cart_token: str = ""
    email: Any = None
    address: Any = None
    shipping_method_id: Any = None
    note: Any = ""
    coupon_code: str | None = None  # accepted by the contract; coupons are not built yet
    provider: str | None = None
    device: str = "mobile"  # "desktop" sends Alipay shoppers to the computer (QR) pay page


class Cancellation(BaseModel):
    reason: str = ""


@router.post("/checkout", status_code=201)
def place_order(slug: str, body: CheckoutRequest, request: Request, idempotency_key: str | None = Header(default=None)):
    """A logged-in shopper (Authorization: Bearer cs_...) finds the order in their account."""
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        return place.place_order(
            session, shop.id, body.cart_token, body.email, body.address, body.shipping_method_id, body.note,
            idempotency_key, provider=body.provider, mobile=body.device != "desktop", customer_token=bearer_token(request),
        )


@router.get("/carts/{cart_token}/quote")
def quote(slug: str, cart_token: str, shipping_method_id: int | None = None, province: str | None = None):
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        return jsonable(checkout_quote.quote(
            session, shop.id, cart_token, shipping_method_id=shipping_method_id, province=province,
        ))


@router.get("/orders/{order_no}")
def order_page(slug: str, order_no: str, request: Request, token: str = "", device: str = "mobile"):
    """By the order link's `token`, or by the shopper's log-in (bearer) for an order in their account."""
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        token = token or bearer_token(request)
        return jsonable(place.order_page(session, shop.id, order_no, token, mobile=device != "desktop"))


@router.post("/orders/{order_no}/cancel")
def cancel_order(slug: str, order_no: str, request: Request, body: Cancellation | None = None, token: str = ""):
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        token = token or bearer_token(request)
        return jsonable(place.cancel_my_order(session, shop.id, order_no, token, (body or Cancellation()).reason))
