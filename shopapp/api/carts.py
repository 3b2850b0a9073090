"""The shopper's cart over HTTP: create, add, change, remove, read.

Every answer is the cart priced by the checkout's pipeline (quote.cart_view): the same savings
and per-line `paid` the checkout will show; with a shopper's log-in (bearer) their offers count.
"""

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel

from shopapp.api.deps import bearer_token, jsonable
from shopapp.db import read_scope, session_scope
from shopapp.services.checkout import cart
from shopapp.services.checkout import quote as checkout_quote
from shopapp.services.shops import shops

router = APIRouter(prefix="/store/{slug}/carts", tags=["storefront"])


class NewCart(BaseModel):
    email: str = ""


class NewItem(BaseModel):
    # Any: the service checks them, so every door answers the same field codes. A price sent here is ignored.
    variant_id: Any = None
    qty: Any = 1


class QtyChange(BaseModel):
    qty: Any = None


@router.post("", status_code=201)
def create_cart(slug: str, body: NewCart | None = None):
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        return {"cart_token": cart.create_cart(session, shop.id, (body or NewCart()).email)}


@router.get("/{cart_token}")
def view_cart(slug: str, cart_token: str, request: Request):
    """The cart as the checkout will price it: `subtotal` at list prices, `discounts` (one per saving),
    `discount_total`, `total` (the goods after their savings; shipping is chosen at checkout), and per
    item `unit_price`, `paid` and `discounts`. Adding, changing and removing answer the same."""
    with read_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        return _priced(session, shop.id, cart_token, request)


@router.post("/{cart_token}/items")
def add_item(slug: str, cart_token: str, body: NewItem, request: Request):
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        cart.add_item(session, shop.id, cart_token, body.variant_id, body.qty, view=False)
        return _priced(session, shop.id, cart_token, request)


@router.patch("/{cart_token}/items/{variant_id}")
def change_item(slug: str, cart_token: str, variant_id: int, body: QtyChange, request: Request):
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        cart.update_item(session, shop.id, cart_token, variant_id, body.qty, view=False)
        return _priced(session, shop.id, cart_token, request)


@router.delete("/{cart_token}/items/{variant_id}")
def remove_item(slug: str, cart_token: str, variant_id: int, request: Request):
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        cart.remove_item(session, shop.id, cart_token, variant_id, view=False)
        return _priced(session, shop.id, cart_token, request)


def _priced(session, shop_id: int, cart_token: str, request: Request) -> dict:
    return jsonable(checkout_quote.cart_view(session, shop_id, cart_token, customer_token=bearer_token(request)))
