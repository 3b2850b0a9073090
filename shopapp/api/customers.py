"""Shopper accounts in a shop over HTTP: register, log in (the guest cart comes along), log out, order history.

The shopper's token (cs_...) goes in `Authorization: Bearer`; it is good in its own shop only.
"""

from fastapi import APIRouter, Request
from pydantic import BaseModel

from shopapp.api.deps import bearer_token, client_ip, jsonable
from shopapp.db import session_scope
from shopapp.services import customers, orders, shops

router = APIRouter(prefix="/store/{slug}/customers", tags=["customers"])


class Registration(BaseModel):
    email: str = ""
    password: str = ""
    name: str = ""
    cart_token: str | None = None


class Credentials(BaseModel):
    email: str = ""
    password: str = ""
    cart_token: str | None = None


@router.post("", status_code=201)
def register(slug: str, body: Registration):
    """→ 201 `{token, customer: {id, email, name}, cart_token}`"""
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        return _answer(customers.register(session, shop.id, **body.model_dump()))


@router.post("/login")
def log_in(slug: str, body: Credentials, request: Request):
    """→ `{token, customer, cart_token}`: keep `cart_token`, the guest cart merged into the account's."""
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        return _answer(customers.log_in(session, shop.id, **body.model_dump(), ip=client_ip(request)))


@router.post("/logout", status_code=204)
def log_out(slug: str, request: Request):
    with session_scope() as session:
        shops.shop_by_slug(session, slug)
        customers.log_out(session, bearer_token(request))


@router.get("/me")
def me(slug: str, request: Request):
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        return jsonable(customers.customer_dict(customers.customer_for_token(session, shop.id, bearer_token(request))))


@router.get("/me/orders")
def my_orders(slug: str, request: Request, page: int = 1, per_page: int = 20):
    """The shopper's order history, newest first: `{items, total}`."""
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        items, total = orders.customer_orders(session, shop.id, bearer_token(request), page=page, per_page=per_page)
        return jsonable({"items": items, "total": total})


def _answer(logged_in: customers.LoggedIn) -> dict:
    return jsonable({"token": logged_in.token, "customer": logged_in.customer, "cart_token": logged_in.cart_token})
