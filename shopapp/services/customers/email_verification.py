"""A shopper proves their e-mail address: a link sent on sign-up (and again on request); once it is
opened, the orders placed as a guest with that address in this shop join the account.

Why a proof first: anyone can register with any address, and a guest order's page shows the
address it ships to. The link is signed, not stored (HMAC of the account, its address and an
expiry with SECRET_KEY): it stops working when the address changes or the week is over, and
opening it twice does nothing more.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, timedelta

from sqlalchemy import bindparam, func, update
from sqlmodel import Session, select

from shopapp.models import Customer, Order
from shopapp.models.base import utcnow
from shopapp.services.core.errors import NotFound, RateLimited
from shopapp.services.core.outbox import queue_bilingual
from shopapp.services.core.permissions import shop_row
from shopapp.services.shops import shops
from shopapp.settings import get_settings

LINK_LIFETIME = timedelta(days=7)
RESEND_AFTER = timedelta(minutes=1)
TOKEN_PREFIX = "ev"


def send_verification(session: Session, shop_id: int, customer: Customer) -> None:
    """E-mail the link to the account's address (nothing for an address already verified);
    RateLimited when one went out less than a minute ago."""
    if customer.email_verified_at is not None:
        return
    now = utcnow()
    if customer.verification_sent_at is not None and _aware(customer.verification_sent_at) > now - RESEND_AFTER:
        raise RateLimited("too_many_attempts", seconds=int(RESEND_AFTER.total_seconds()))
    shop = shops.get_shop(session, shop_id)
    token = _token(customer, int((now + LINK_LIFETIME).timestamp()))
    link = f"{get_settings().public_url}/s/{shop.slug}/account/verify/{token}"
    guest_orders = len(_guest_orders(session, shop_id, customer.email))
    queue_bilingual(session, shop_id, customer.email, "email.verify_email", shop=shop.name, link=link,
                    days=LINK_LIFETIME.days, orders=guest_orders)
    customer.verification_sent_at = now
    session.add(customer)
    session.flush()


def verify_email(session: Session, shop_id: int, token: str) -> dict:
    """Mark the address as the shopper's and bring its guest orders into the account:
    {customer_id, email, orders_joined}. NotFound("verify_link_invalid") for a wrong, expired or
    other shop's link, or one made for an address the account no longer has."""
    customer_id, expires = _parse(token)
    customer = shop_row(session, Customer, shop_id, customer_id, "verify_link_invalid")
    if expires < utcnow().timestamp() or not hmac.compare_digest(token, _token(customer, expires)):
        raise NotFound("verify_link_invalid")
    if customer.email_verified_at is None:
        customer.email_verified_at = utcnow()
        session.add(customer)
    joined = join_guest_orders(session, shop_id, customer)
    return {"customer_id": customer.id, "email": customer.email, "orders_joined": joined}


def join_guest_orders(session: Session, shop_id: int, customer: Customer) -> int:
    """The shop's guest orders with the verified address of `customer` become theirs; returns how many."""
    if customer.email_verified_at is None:
        return 0
    ids = _guest_orders(session, shop_id, customer.email)
    if ids:
        session.exec(
            update(Order).where(Order.shop_id == shop_id, Order.id.in_(ids), Order.customer_id.is_(None))
            .values(customer_id=customer.id).execution_options(synchronize_session=False)
        )
    return len(ids)


# Built once, a Core statement on the table: every guest checkout asks.
_VERIFIED = select(Customer.__table__.c.id).where(
    Customer.__table__.c.shop_id == bindparam("shop_id"), Customer.__table__.c.email == bindparam("email"),
    Customer.__table__.c.email_verified_at.is_not(None),
)


def verified_customer_id(session: Session, shop_id: int, email: str) -> int | None:
    """The account whose verified address this is, for a guest checkout to join."""
    return session.execute(_VERIFIED, {"shop_id": shop_id, "email": (email or "").strip().lower()}).scalar()


# Helpers ---------------------------------------------------------------------------------------

def _guest_orders(session: Session, shop_id: int, email: str) -> list[int]:
    return list(session.exec(select(Order.id).where(
        Order.shop_id == shop_id, Order.customer_id.is_(None), func.lower(Order.email) == email.lower(),
    )).all())


def _token(customer: Customer, expires: int) -> str:
    message = f"{TOKEN_PREFIX}:{customer.shop_id}:{customer.id}:{customer.email}:{expires}".encode()
    signature = hmac.new(get_settings().secret_key.encode(), message, hashlib.sha256).hexdigest()[:40]
    return f"{TOKEN_PREFIX}_{customer.id}_{expires}_{signature}"


def _parse(token: str) -> tuple[int, int]:
    parts = (token or "").split("_")
    if len(parts) != 4 or parts[0] != TOKEN_PREFIX or not parts[1].isdigit() or not parts[2].isdigit():
        raise NotFound("verify_link_invalid")
    return int(parts[1]), int(parts[2])


def _aware(moment):
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
