"""Forgotten passwords: an e-mailed link that sets a new one, for owners and for shoppers.

Asking never tells whether an e-mail has an account (the answer is the same either way); a link
works once, for an hour; a new password ends every session made with the old one. At most a few
links an hour go to one account, so the form cannot be used to flood someone's inbox.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from shopapp.models import Customer, PasswordReset, User
from shopapp.models.base import utcnow
from shopapp.services.core.errors import NotFound, require_fields
from shopapp.services.core.outbox import queue_bilingual
from shopapp.services.core.permissions import shop_row
from shopapp.services.core.tokens import new_token, token_hash
from shopapp.services.core.validation import checked_email
from shopapp.services.customers import shoppers
from shopapp.services.shops import accounts, shops
from shopapp.settings import get_settings

LINK_LIFETIME = timedelta(hours=1)
MAX_LINKS_PER_HOUR = 3


def request_owner_reset(session: Session, email: str) -> None:
    """E-mail a reset link to the owner or staff member with this address, if there is one."""
    address = _checked(email)
    user = accounts.user_by_email(session, address)
    if user is None or _too_many(session, PasswordReset.user_id == user.id):
        return
    token = _new_link(session, user_id=user.id)
    link = f"{get_settings().public_url}/reset-password/{token}"
    queue_bilingual(session, None, user.email, "email.password_reset", shop="开店宝", link=link, minutes=_minutes())


def request_shopper_reset(session: Session, shop_id: int, email: str) -> None:
    """E-mail a reset link to this shop's customer with this address, if there is one."""
    shop = shops.get_shop(session, shop_id)
    address = _checked(email)
    customer = shoppers.customer_by_email(session, shop_id, address)
    if customer is None or _too_many(session, PasswordReset.customer_id == customer.id):
        return
    token = _new_link(session, customer_id=customer.id)
    link = f"{get_settings().public_url}/s/{shop.slug}/account/reset/{token}"
    queue_bilingual(session, shop_id, customer.email, "email.password_reset", shop=shop.name, link=link, minutes=_minutes())


def reset_owner_password(session: Session, token: str, password: str) -> accounts.SignedIn:
    """Set the new password from a link and sign the owner in."""
    reset = _usable(session, token, PasswordReset.user_id.is_not(None))
    user = session.get(User, reset.user_id)
    accounts.change_password(session, user, password)
    reset.used_at = utcnow()
    session.add(reset)
    return accounts.sign_in(session, user)


def reset_shopper_password(session: Session, shop_id: int, token: str, password: str) -> shoppers.LoggedIn:
    """Set the new password from a link and log the shopper in (links of another shop do nothing here)."""
    reset = _usable(session, token, PasswordReset.customer_id.is_not(None))
    customer = shop_row(session, Customer, shop_id, reset.customer_id, "reset_link_invalid")
    shoppers.change_password(session, customer, password)
    reset.used_at = utcnow()
    session.add(reset)
    return shoppers.sign_in(session, customer)


# Helpers ---------------------------------------------------------------------------------------

def _checked(email: str) -> str:
    errors: dict[str, str] = {}
    address = checked_email(email, errors)
    require_fields(errors)
    return address


def _too_many(session: Session, whose) -> bool:
    since = utcnow() - timedelta(hours=1)
    sent = session.exec(select(func.count()).select_from(PasswordReset).where(whose, PasswordReset.created_at > since)).one()
    return sent >= MAX_LINKS_PER_HOUR


def _new_link(session: Session, **whose) -> str:
    token = new_token("pr")
    session.add(PasswordReset(token_hash=token_hash(token), expires_at=utcnow() + LINK_LIFETIME, **whose))
    session.flush()
    return token


def _usable(session: Session, token: str, kind) -> PasswordReset:
    reset = session.exec(select(PasswordReset).where(PasswordReset.token_hash == token_hash(token or ""), kind)).first()
    if reset is None or reset.used_at is not None or reset.expires_at <= utcnow():
        raise NotFound("reset_link_invalid")
    return reset


def _minutes() -> int:
    return int(LINK_LIFETIME.total_seconds() // 60)
