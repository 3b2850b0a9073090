"""Sign-up, log-in, log-out and the sessions behind them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from sqlalchemy import func, update
from sqlmodel import Session, select

from shopapp.models import ApiKey, AuthSession, LoginAttempt, Shop, StaffMember, User
from shopapp.models.base import utcnow
from shopapp.services.core.errors import RateLimited, Unauthorized, require_fields
from shopapp.services.core.permissions import Actor, role_at_least
from shopapp.services.core.tokens import new_token, token_hash
from shopapp.services.core.validation import checked_email
from shopapp.services.shops import shops as shop_service
from shopapp.settings import get_settings

MAX_FAILED_LOGINS = 5
LOGIN_WINDOW = timedelta(minutes=15)

_hasher = PasswordHasher()


@dataclass(frozen=True)
class SignedIn:
    token: str
    user_id: int
    shop: Shop


def signup(session: Session, *, email: str, password: str, shop_name: str, shop_slug: str) -> SignedIn:
    """A new owner and their new shop, in one step; nothing is created if any field is wrong."""
    errors: dict[str, str] = {}
    email = checked_email(email, errors)
    check_password(password, errors)
    shop_name = shop_service.check_name(shop_name, errors)
    shop_slug = shop_service.check_slug(shop_slug, errors)
    require_fields(errors)
    if user_by_email(session, email):
        errors["email"] = "email_taken"
    if shop_service.slug_taken(session, shop_slug):
        errors["shop_slug"] = "slug_taken"
    require_fields(errors)

    user = User(email=email, password_hash=_hasher.hash(password))
    shop = Shop(name=shop_name, slug=shop_slug, contact_email=email)
    session.add_all([user, shop])
    session.flush()
    session.add(StaffMember(shop_id=shop.id, user_id=user.id, role="owner"))
    return SignedIn(token=start_session(session, user.id, shop.id), user_id=user.id, shop=shop)


def login(session: Session, *, email: str, password: str, ip: str = "") -> SignedIn:
    """A session in the user's first shop; too many failures lock the e-mail for a while."""
    email = (email or "").strip().lower()
    check_attempts(session, email)
    user = user_by_email(session, email)
    if user is None or not password_matches(user.password_hash, password or ""):
        # The failure is recorded even though the caller rolls back: it commits on its own.
        record_failure(session, email, ip)
        raise Unauthorized("wrong_credentials")
    return sign_in(session, user)


def sign_in(session: Session, user: User) -> SignedIn:
    """A new session for the user in their first shop."""
    membership = session.exec(
        select(StaffMember).where(StaffMember.user_id == user.id).order_by(StaffMember.id)
    ).first()
    if membership is None:
        raise Unauthorized("no_shop")
    shop = session.get(Shop, membership.shop_id)
    return SignedIn(token=start_session(session, user.id, shop.id), user_id=user.id, shop=shop)


def change_password(session: Session, user: User, password: str) -> None:
    """A new password; every session signed in with the old one ends."""
    errors: dict[str, str] = {}
    check_password(password, errors)
    require_fields(errors)
    user.password_hash = _hasher.hash(password)
    session.add(user)
    session.exec(
        update(AuthSession).where(AuthSession.user_id == user.id, AuthSession.revoked_at.is_(None)).values(revoked_at=utcnow())
    )


def start_session(session: Session, user_id: int, shop_id: int) -> str:
    token = new_token("ss")
    expires = utcnow() + timedelta(seconds=get_settings().session_ttl_seconds)
    session.add(AuthSession(user_id=user_id, shop_id=shop_id, token_hash=token_hash(token), expires_at=expires))
    session.flush()
    return token


def logout(session: Session, token: str) -> None:
    session.exec(
        update(AuthSession)
        .where(AuthSession.token_hash == token_hash(token or ""), AuthSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def authenticate(session: Session, token: str | None) -> Actor:
    """The actor behind a session token or an API key; Unauthorized when it is unknown, expired or revoked."""
    if not token:
        raise Unauthorized("login_required")
    hashed = token_hash(token)
    if token.startswith("sk_"):
        found = session.exec(
            select(ApiKey, StaffMember.role)
            .outerjoin(StaffMember, (StaffMember.user_id == ApiKey.created_by) & (StaffMember.shop_id == ApiKey.shop_id))
            .where(ApiKey.key_hash == hashed, ApiKey.revoked_at.is_(None))
        ).first()
        if found is None:
            raise Unauthorized("invalid_token")
        key, maker_role = found
        # A key works only while its maker could still make it (api_keys.py revokes it when that ends).
        if key.created_by is not None and not role_at_least(maker_role or "", "admin"):
            raise Unauthorized("invalid_token")
        return Actor(shop_id=key.shop_id, role="admin", api_key_id=key.id)
    row = session.exec(
        select(AuthSession, StaffMember)
        .join(StaffMember, (StaffMember.user_id == AuthSession.user_id) & (StaffMember.shop_id == AuthSession.shop_id))
        .where(AuthSession.token_hash == hashed, AuthSession.revoked_at.is_(None), AuthSession.expires_at > utcnow())
    ).first()
    if row is None:
        raise Unauthorized("invalid_token")
    auth, member = row
    return Actor(shop_id=auth.shop_id, role=member.role, user_id=auth.user_id)


def user_email(session: Session, user_id: int) -> str:
    user = session.get(User, user_id)
    return user.email if user else ""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(password: str, errors: dict[str, str], field: str = "password") -> None:
    if not password:
        errors[field] = "required"
    elif len(password) < 8:
        errors[field] = "password_too_short"
    elif password.isdigit():
        errors[field] = "password_all_digits"
    elif len(password) > 128:
        errors[field] = "password_too_long"


def user_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email)).first()


def password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, InvalidHashError):
        return False


def check_attempts(session: Session, email: str) -> None:
    """Too many recent failures for this e-mail (or any log-in key): RateLimited."""
    since = utcnow() - LOGIN_WINDOW
    failures = session.exec(
        select(func.count()).select_from(LoginAttempt).where(LoginAttempt.email == email, LoginAttempt.at > since)
    ).one()
    if failures >= MAX_FAILED_LOGINS:
        raise RateLimited("too_many_attempts", minutes=int(LOGIN_WINDOW.total_seconds() // 60))


def record_failure(session: Session, email: str, ip: str) -> None:
    session.add(LoginAttempt(email=email, ip=ip[:64], succeeded=False))
    session.commit()

