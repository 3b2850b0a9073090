"""A shopper registers or logs in at a shop's storefront: the account (customers/shoppers.py), and the guest cart
coming along into it (cart.bring_into_account). The cart is the checkout's, so the account never imports it."""

from __future__ import annotations

import dataclasses

from sqlmodel import Session

from shopapp.services.checkout import cart
from shopapp.services.customers import email_verification, shoppers
from shopapp.services.marketing import affiliates


def register(
    session: Session, shop_id: int, *, email: str, password: str, name: str = "", cart_token: str | None = None,
    ref: str | None = None,
) -> shoppers.LoggedIn:
    """A new account in this shop, logged in at once; a guest cart comes along. A link to verify the
    e-mail goes out: once opened, the orders placed as a guest with it join the account. Signed up through a
    promoter's link (`ref`): bound to that promoter (分销; a code not of this shop is ignored)."""
    logged_in = shoppers.register(session, shop_id, email=email, password=password, name=name)
    affiliates.bind(session, shop_id, logged_in.customer["id"], ref, "signup")
    email_verification.send_verification(session, shop_id, shoppers.customer_by_email(session, shop_id, logged_in.customer["email"]))
    return _with_cart(session, shop_id, logged_in, cart_token)


def log_in(
    session: Session, shop_id: int, *, email: str, password: str, cart_token: str | None = None, ip: str = "",
    ref: str | None = None,
) -> shoppers.LoggedIn:
    """A session for the shopper; the guest cart merges into the account's cart. A promoter's link they came
    by (`ref`, 分销) binds them unless a binding still holds."""
    logged_in = shoppers.log_in(session, shop_id, email=email, password=password, ip=ip)
    affiliates.bind(session, shop_id, logged_in.customer["id"], ref, "login")
    # Guest orders placed with the verified address since the last visit join the account.
    email_verification.join_guest_orders(session, shop_id, shoppers.customer_by_email(session, shop_id, email))
    return _with_cart(session, shop_id, logged_in, cart_token)


def _with_cart(session: Session, shop_id: int, logged_in: shoppers.LoggedIn, cart_token: str | None) -> shoppers.LoggedIn:
    kept = cart.bring_into_account(session, shop_id, logged_in.customer["id"], cart_token)
    session.flush()
    return dataclasses.replace(logged_in, cart_token=kept)
