"""Sign-up, log-in, log-out and the sessions behind them."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from sqlalchemy import func, update
from sqlmodel import Session, select

from shopapp.models import ApiKey, AuthSession, LoginAttempt, Shop, StaffMember, User
from shopapp.models.base import utcnow
from shopapp.services.core import plan_limits, shop_status
from shopapp.services.core.errors import RateLimited, Unauthorized, require_fields
from shopapp.services.core.outbox import queue_bilingual
from shopapp.services.core.permissions import Actor, role_at_least
from shopapp.services.core.tokens import new_token, token_hash
from shopapp.services.core.validation import checked_email
from shopapp.services.shops import shops as shop_service
from shopapp.settings import get_settings

# Password guessing is slowed down, never locked out (OWASP's authentication cheat sheet: a
# lock-out lets anyone who knows an e-mail keep its owner out). Failures are counted over
# LOGIN_WINDOW; each failure past the free ones makes the next try wait twice as long:
# - per e-mail and client address: after CLIENT_FREE_FAILURES, 1 s, 2 s, 4 s ... up to CLIENT_MAX_DELAY;
# - per e-mail from every address (guessing spread over many machines): after ACCOUNT_FREE_FAILURES,
#   a delay that grows up to ACCOUNT_MAX_DELAY, which an address the account signed in from lately
#   (KNOWN_ADDRESS_DAYS) skips: the owner at their usual desk is never slowed by someone else.
# The owner is e-mailed when ALERT_AFTER failures from anywhere meet in the window.
LOGIN_WINDOW = timedelta(minutes=15)
CLIENT_FREE_FAILURES = 3
CLIENT_MAX_DELAY = timedelta(minutes=15)
ACCOUNT_FREE_FAILURES = 10
ACCOUNT_MAX_DELAY = timedelta(minutes=1)
KNOWN_ADDRESS_DAYS = 30
ALERT_AFTER = 5

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
    plan_limits.start_trial(session, shop.id)
    return SignedIn(token=start_session(session, user.id, shop.id), user_id=user.id, shop=shop)


def login(session: Session, *, email: str, password: str, ip: str = "") -> SignedIn:
    """A session in the user's first shop; repeated failures slow further tries down (see check_attempts)."""
    email = (email or "").strip().lower()
    check_attempts(session, email, ip)
    user = user_by_email(session, email)
    if user is None or not password_matches(user.password_hash, password or ""):
        # The failure is recorded even though the caller rolls back: it commits on its own.
        alert = None
        if user is not None:
            def alert(failures: int) -> None:
                queue_bilingual(session, None, user.email, "email.login_guessing", account=email, failures=failures,
                                minutes=_window_minutes(), ip=ip or "?", site="开店宝 shopapp")
        record_failure(session, email, ip, alert=alert)
        raise Unauthorized("wrong_credentials")
    record_success(session, email, ip)
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
        return Actor(shop_id=key.shop_id, role="admin", api_key_id=key.id,
                     suspended=shop_status.is_suspended(session, key.shop_id))
    row = session.exec(
        select(AuthSession, StaffMember)
        .join(StaffMember, (StaffMember.user_id == AuthSession.user_id) & (StaffMember.shop_id == AuthSession.shop_id))
        .where(AuthSession.token_hash == hashed, AuthSession.revoked_at.is_(None), AuthSession.expires_at > utcnow())
    ).first()
    if row is None:
        raise Unauthorized("invalid_token")
    auth, member = row
    return Actor(shop_id=auth.shop_id, role=member.role, user_id=auth.user_id,
                 suspended=shop_status.is_suspended(session, auth.shop_id))


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


def check_attempts(session: Session, key: str, ip: str = "") -> None:
    """RateLimited(seconds=…) while the latest failures of this log-in key (an e-mail) ask this
    client to wait; see the rules at the top. Never a lock-out: the wait is at most minutes."""
    since = utcnow() - LOGIN_WINDOW
    failures = session.exec(
        select(LoginAttempt.ip, LoginAttempt.at)
        .where(LoginAttempt.email == key, LoginAttempt.succeeded.is_(False), LoginAttempt.at > since)
        .order_by(LoginAttempt.at)
    ).all()
    if not failures:
        return
    ip = ip[:64]
    mine = [at for address, at in failures if address == ip]
    waits = []
    if len(mine) >= CLIENT_FREE_FAILURES:
        waits.append(_until(mine[-1], _doubling(len(mine) - CLIENT_FREE_FAILURES, CLIENT_MAX_DELAY)))
    if len(failures) >= ACCOUNT_FREE_FAILURES and not _known_address(session, key, ip):
        waits.append(_until(failures[-1][1], _doubling(len(failures) - ACCOUNT_FREE_FAILURES, ACCOUNT_MAX_DELAY)))
    wait = max(waits, default=0)
    if wait > 0:
        raise RateLimited("too_many_attempts", seconds=wait)


def record_failure(session: Session, key: str, ip: str, alert: Callable[[int], None] | None = None) -> None:
    """Count a failed log-in; `alert(failures)` queues the owner's warning when the failures in the
    window reach ALERT_AFTER. Commits on its own (the caller rolls its own work back)."""
    session.add(LoginAttempt(email=key, ip=ip[:64], succeeded=False))
    session.flush()
    if alert is not None:
        failures = session.exec(select(func.count()).select_from(LoginAttempt).where(
            LoginAttempt.email == key, LoginAttempt.succeeded.is_(False), LoginAttempt.at > utcnow() - LOGIN_WINDOW,
        )).one()
        if failures == ALERT_AFTER:
            alert(failures)
    session.commit()


def record_success(session: Session, key: str, ip: str) -> None:
    """Remember the address a log-in succeeded from: guessing from elsewhere never slows it down."""
    session.add(LoginAttempt(email=key, ip=ip[:64], succeeded=True))


def _known_address(session: Session, key: str, ip: str) -> bool:
    since = utcnow() - timedelta(days=KNOWN_ADDRESS_DAYS)
    return session.exec(select(LoginAttempt.id).where(
        LoginAttempt.email == key, LoginAttempt.ip == ip, LoginAttempt.succeeded.is_(True), LoginAttempt.at > since,
    ).limit(1)).first() is not None


def _doubling(extra_failures: int, limit: timedelta) -> float:
    """1 s for the first failure past the free ones, then 2, 4, 8 … seconds, never above `limit`."""
    return min(2.0 ** min(extra_failures, 30), limit.total_seconds())


def _until(last_failure, delay_seconds: float) -> int:
    """Whole seconds left of a delay that started at the last failure (0 when it is over)."""
    if last_failure.tzinfo is None:  # SQLite gives some drivers' times back naive
        last_failure = last_failure.replace(tzinfo=UTC)
    left = (last_failure + timedelta(seconds=delay_seconds) - utcnow()).total_seconds()
    return max(0, math.ceil(left))


def _window_minutes() -> int:
    return int(LOGIN_WINDOW.total_seconds() // 60)
