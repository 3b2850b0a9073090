"""Shopper accounts in a shop over HTTP: register, log in (the guest cart comes along), log out, order history.

The shopper's token (cs_...) goes in `Authorization: Bearer`; it is good in its own shop only.
"""

from fastapi import APIRouter, Request
from pydantic import BaseModel

from shopapp.api.deps import bearer_token, client_ip, jsonable
from shopapp.db import session_scope
from shopapp.services.checkout import shopper_sign_in
from shopapp.services.customers import email_verification, password_resets, shoppers
from shopapp.services.orders import listing
from shopapp.services.shops import shops

router = APIRouter(prefix="/store/{slug}/customers", tags=["customers"])


class Registration(BaseModel):
    email: str = ""
    password: str = ""
    name: str = ""
    cart_token: str | None = None
    ref: str | None = None  # a promoter's code (分销): the new account is bound to them


class ResetRequest(BaseModel):
    email: str = ""


class NewPassword(BaseModel):
    token: str = ""
    password: str = ""


class Verification(BaseModel):
    token: str = ""


class Credentials(BaseModel):
    email: str = ""
    password: str = ""
    cart_token: str | None = None
    ref: str | None = None  # a promoter's link the shopper came by (分销)


@router.post("", status_code=201)
def register(slug: str, body: Registration, ref: str | None = None):
    """→ 201 `{token, customer: {id, email, name}, cart_token}`; `"ref": "CODE"` (or `?ref=CODE`) binds the
    new account to that promoter."""
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        fields = body.model_dump()
        fields["ref"] = fields["ref"] or ref
        return _answer(shopper_sign_in.register(session, shop.id, **fields))


@router.post("/login")
def log_in(slug: str, body: Credentials, request: Request):
    """→ `{token, customer, cart_token}`: keep `cart_token`, the guest cart merged into the account's."""
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        return _answer(shopper_sign_in.log_in(session, shop.id, **body.model_dump(), ip=client_ip(request)))


@router.post("/logout", status_code=204)
def log_out(slug: str, request: Request):
    with session_scope() as session:
        shops.shop_by_slug(session, slug)
        shoppers.log_out(session, bearer_token(request))


@router.get("/me")
def me(slug: str, request: Request):
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        return jsonable(shoppers.customer_dict(shoppers.customer_for_token(session, shop.id, bearer_token(request))))


@router.get("/me/orders")
def my_orders(slug: str, request: Request, page: int = 1, per_page: int = 20):
    """The shopper's order history, newest first: `{items, total}`."""
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        items, total = listing.customer_orders(session, shop.id, bearer_token(request), page=page, per_page=per_page)
        return jsonable({"items": items, "total": total})


@router.post("/verify-email")
def verify_email(slug: str, body: Verification):
    """`{token}` from the sign-up e-mail's link → `{customer_id, email, orders_joined}`: the address is
    proven, and the shop's guest orders placed with it join the account."""
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        return email_verification.verify_email(session, shop.id, body.token)


@router.post("/me/verification-email", status_code=202)
def send_verification_email(slug: str, request: Request):
    """*shopper* → 202: the verification link again (429 within a minute of the last one)."""
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        customer = shoppers.customer_for_token(session, shop.id, bearer_token(request))
        email_verification.send_verification(session, shop.id, customer)
        return {"status": "sent" if customer.email_verified_at is None else "already_verified"}


@router.post("/password-reset", status_code=202)
def ask_for_password_reset(slug: str, body: ResetRequest):
    """E-mails a reset link when the address has an account in this shop; the answer is the same either way."""
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        password_resets.request_shopper_reset(session, shop.id, body.email)
        return {"status": "sent_if_known"}


@router.post("/password-reset/confirm")
def reset_password(slug: str, body: NewPassword):
    """`{token, password}` from the e-mailed link → `{token, customer, cart_token}`: logged in."""
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        return _answer(password_resets.reset_shopper_password(session, shop.id, body.token, body.password))


def _answer(logged_in: shoppers.LoggedIn) -> dict:
    return jsonable({"token": logged_in.token, "customer": logged_in.customer, "cart_token": logged_in.cart_token})
