"""Shopper accounts in one shop: register, log in (bringing the guest cart along), log out.

A shopper's token starts with "cs_" and is only ever good in its own shop. Passwords follow the
owners' rules (services.accounts), and failed log-ins are counted per shop and e-mail, and slow
guessing down the same way (never a lock-out; the shopper is e-mailed when someone guesses).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from shopapp.models import Customer, CustomerSession
from shopapp.models.base import utcnow
from shopapp.services.core.errors import Unauthorized, require_fields
from shopapp.services.core.outbox import queue_bilingual
from shopapp.services.core.tokens import new_token, token_hash
from shopapp.services.core.validation import checked_email, checked_text
from shopapp.services.customers import profiles
from shopapp.services.shops import accounts, shops
from shopapp.settings import get_settings

TOKEN_PREFIX = "cs_"
MAX_NAME = 40


@dataclass(frozen=True)
class LoggedIn:
    token: str
    customer: dict
    cart_token: str | None  # the cart the browser should keep from now on (None: no cart yet)


def register(session: Session, shop_id: int, *, email: str, password: str, name: str = "") -> LoggedIn:
    """A new account in this shop, logged in at once (checkout/shopper_sign_in.py brings the guest cart along)."""
    shops.get_shop(session, shop_id)
    errors: dict[str, str] = {}
    email = checked_email(email, errors)
    accounts.check_password(password, errors)
    name = checked_text(name, errors, "name", limit=MAX_NAME)
    require_fields(errors)
    if _by_email(session, shop_id, email) is not None:
        errors["email"] = "email_taken"
    require_fields(errors)
    customer = Customer(shop_id=shop_id, email=email, password_hash=accounts.hash_password(password), name=name)
    session.add(customer)
    session.flush()
    profiles.account_registered(session, customer)  # a guest who bought with this e-mail is now this account
    return _logged_in(session, customer)


def log_in(session: Session, shop_id: int, *, email: str, password: str, ip: str = "") -> LoggedIn:
    """A session for the shopper (checkout/shopper_sign_in.py merges the guest cart into the account's)."""
    shops.get_shop(session, shop_id)
    email = (email or "").strip().lower()
    attempts_key = f"shop{shop_id}:{email}"
    accounts.check_attempts(session, attempts_key, ip)
    customer = _by_email(session, shop_id, email)
    if customer is None or not accounts.password_matches(customer.password_hash, password or ""):
        alert = None
        if customer is not None:
            shop_name = shops.get_shop(session, shop_id).name

            def alert(failures: int) -> None:
                queue_bilingual(session, shop_id, customer.email, "email.login_guessing", account=email,
                                failures=failures, minutes=accounts.LOGIN_WINDOW.seconds // 60, ip=ip or "?", site=shop_name)
        accounts.record_failure(session, attempts_key, ip, alert=alert)
        raise Unauthorized("wrong_credentials")
    accounts.record_success(session, attempts_key, ip)
    return _logged_in(session, customer)


def log_out(session: Session, token: str) -> None:
    session.exec(
        update(CustomerSession)
        .where(CustomerSession.token_hash == token_hash(token or ""), CustomerSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def change_password(session: Session, customer: Customer, password: str) -> None:
    """A new password; every log-in made with the old one ends."""
    errors: dict[str, str] = {}
    accounts.check_password(password, errors)
    require_fields(errors)
    customer.password_hash = accounts.hash_password(password)
    session.add(customer)
    session.exec(
        update(CustomerSession)
        .where(CustomerSession.customer_id == customer.id, CustomerSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def sign_in(session: Session, customer: Customer) -> LoggedIn:
    """A new log-in for the shopper (after a password reset: no cart to bring along)."""
    return _logged_in(session, customer)


def customer_by_email(session: Session, shop_id: int, email: str) -> Customer | None:
    return _by_email(session, shop_id, (email or "").strip().lower())


def customer_for_token(session: Session, shop_id: int, token: str | None) -> Customer:
    """The shopper behind a log-in token in this shop; Unauthorized when unknown, expired, revoked or another shop's."""
    if not token or not is_customer_token(token):
        raise Unauthorized("login_required")
    row = session.exec(
        select(Customer).join(CustomerSession, CustomerSession.customer_id == Customer.id).where(
            CustomerSession.token_hash == token_hash(token), CustomerSession.shop_id == shop_id,
            CustomerSession.revoked_at.is_(None), CustomerSession.expires_at > utcnow(),
        )
    ).first()
    if row is None:
        raise Unauthorized("invalid_token")
    return row


def is_customer_token(token: str | None) -> bool:
    return bool(token) and token.startswith(TOKEN_PREFIX)


def customer_dict(customer: Customer) -> dict:
    return {
        "id": customer.id, "email": customer.email, "name": customer.name, "created_at": customer.created_at,
        "email_verified": customer.email_verified_at is not None,
    }


# Helpers ---------------------------------------------------------------------------------------

def _by_email(session: Session, shop_id: int, email: str) -> Customer | None:
    return session.exec(select(Customer).where(Customer.shop_id == shop_id, Customer.email == email)).first()


def _logged_in(session: Session, customer: Customer) -> LoggedIn:
    token = new_token(TOKEN_PREFIX.rstrip("_"))
    expires = utcnow() + timedelta(seconds=get_settings().session_ttl_seconds)
    session.add(CustomerSession(
        shop_id=customer.shop_id, customer_id=customer.id, token_hash=token_hash(token), expires_at=expires,
    ))
    customer.last_login_at = utcnow()
    session.add(customer)
    session.flush()
    return LoggedIn(token=token, customer=customer_dict(customer), cart_token=None)
