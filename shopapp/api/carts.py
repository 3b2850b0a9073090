"""The shopper's cart over HTTP: create, add, change, remove, read."""

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from shopapp.api.deps import jsonable
from shopapp.db import read_scope, session_scope
from shopapp.services.checkout import cart
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
def view_cart(slug: str, cart_token: str):
    with read_scope() as session:
        return jsonable(cart.view_cart(session, shops.shop_by_slug(session, slug).id, cart_token))


@router.post("/{cart_token}/items")
def add_item(slug: str, cart_token: str, body: NewItem):
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        return jsonable(cart.add_item(session, shop.id, cart_token, body.variant_id, body.qty))


@router.patch("/{cart_token}/items/{variant_id}")
def change_item(slug: str, cart_token: str, variant_id: int, body: QtyChange):
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        return jsonable(cart.update_item(session, shop.id, cart_token, variant_id, body.qty))


@router.delete("/{cart_token}/items/{variant_id}")
def remove_item(slug: str, cart_token: str, variant_id: int):
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        return jsonable(cart.remove_item(session, shop.id, cart_token, variant_id))
