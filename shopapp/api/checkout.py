"""Checkout and the shopper's order page over HTTP."""

from typing import Any

from fastapi import APIRouter, Header, Request
from pydantic import BaseModel

from shopapp.api.deps import bearer_token, jsonable
from shopapp.db import session_scope
from shopapp.services.analytics import tracking
from shopapp.services.checkout import place
from shopapp.services.checkout import quote as checkout_quote
from shopapp.services.marketing import offers
from shopapp.services.shops import shops

router = APIRouter(prefix="/store/{slug}", tags=["storefront"])


class CheckoutRequest(BaseModel):
    # Any: the service checks every field, so the API and the pages answer the same field codes.
    cart_token: str = ""
    email: Any = None
    address: Any = None
    shipping_method_id: Any = None
    note: Any = ""
    coupon_code: Any = None  # a public code or a one-time code, typed by the shopper
    customer_coupon_id: Any = None  # a coupon from the shopper's wallet
    points: Any = 0  # points the shopper spends (积分抵现)
    provider: str | None = None
    device: str = "mobile"  # "desktop" sends Alipay shoppers to the computer (QR) pay page
    visitor_id: str = ""  # the storefront's first-party visitor id (else its `_vid` cookie): the order's visit source


class Cancellation(BaseModel):
    reason: str = ""


@router.post("/checkout", status_code=201)
def place_order(slug: str, body: CheckoutRequest, request: Request, idempotency_key: str | None = Header(default=None)):
    """A logged-in shopper (Authorization: Bearer cs_...) finds the order in their account."""
    visitor = body.visitor_id or request.cookies.get(tracking.VISITOR_COOKIE, "")
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        # The order's visit is written as soon as the order exists, before its units are taken (the hot row is
        # held from then to the commit); the order is new, so no visit can be there yet. The transaction is the
        # checkout alone and rolls back on any error: no savepoint needed.
        return place.place_order(
            session, shop.id, body.cart_token, body.email, body.address, body.shipping_method_id, body.note,
            idempotency_key, provider=body.provider, mobile=body.device != "desktop", customer_token=bearer_token(request),
            choices=offers.checked_choices(body.coupon_code, body.customer_coupon_id, body.points), savepoint=False,
            on_created=lambda order_id: tracking.tag_order(session, shop.id, order_id, visitor, new=True),
        )


@router.get("/carts/{cart_token}/quote")
def quote(
    slug: str, cart_token: str, request: Request, shipping_method_id: int | None = None, province: str | None = None,
    coupon_code: str | None = None, customer_coupon_id: str | None = None, points: str | None = None,
):
    """With a shopper's log-in (bearer), their coupons, points and member level count. Without a choice the
    wallet's coupon that saves most is priced in (`chosen_coupon`); `coupons` lists each with its `saving`,
    or `usable: false` and its `reason` (`missing` 分 for a threshold not reached); `customer_coupon_id=0`
    prices no coupon. A chosen coupon that does not apply is priced out and explained in `coupon_problem`."""
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        return jsonable(checkout_quote.quote(
            session, shop.id, cart_token, shipping_method_id=shipping_method_id, province=province,
            customer_token=bearer_token(request),
            choices=offers.checked_choices(coupon_code, customer_coupon_id, points or 0),
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
