"""Forgotten passwords: an e-mailed link that sets a new one; owners and staff here, shoppers in customers/password_resets.py.

Asking never tells whether an e-mail has an account (the answer is the same either way); a link
works once, for an hour; a new password ends every session made with the old one. At most a few
links an hour go to one account, so the form cannot be used to flood someone's inbox.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from shopapp.models import PasswordReset, User
from shopapp.models.base import utcnow
from shopapp.services.core.errors import NotFound, require_fields
from shopapp.services.core.outbox import queue_bilingual
from shopapp.services.core.tokens import new_token, token_hash
from shopapp.services.core.validation import checked_email
from shopapp.services.shops import accounts, api_keys
from shopapp.settings import get_settings

LINK_LIFETIME = timedelta(hours=1)
MAX_LINKS_PER_HOUR = 3


def request_owner_reset(session: Session, email: str) -> None:
    """E-mail a reset link to the owner or staff member with this address, if there is one."""
    address = checked_address(email)
    user = accounts.user_by_email(session, address)
    if user is None or too_many_links(session, PasswordReset.user_id == user.id):
        return
    token = new_link(session, user_id=user.id)
    link = f"{get_settings().public_url}/reset-password/{token}"
    queue_bilingual(session, None, user.email, "email.password_reset", shop="开店宝", link=link, minutes=link_minutes())


def reset_owner_password(session: Session, token: str, password: str, *, revoke_api_keys: bool = False) -> accounts.SignedIn:
    """Set the new password from a link and sign the owner in; `revoke_api_keys` also revokes every
    API key the account made (someone who knew the old password may have made one)."""
    reset = usable_link(session, token, PasswordReset.user_id.is_not(None))
    user = session.get(User, reset.user_id)
    accounts.change_password(session, user, password)
    if revoke_api_keys:
        api_keys.revoke_keys_made_by(session, user.id)
    reset.used_at = utcnow()
    session.add(reset)
    return accounts.sign_in(session, user)


def live_keys_for_link(session: Session, token: str) -> int:
    """How many API keys the account behind a reset link made and are still live: the page offers to revoke them."""
    reset = usable_link(session, token, PasswordReset.user_id.is_not(None))
    return api_keys.live_keys_made_by(session, reset.user_id)


# The links, for owners and shoppers alike ------------------------------------------------------

def checked_address(email: str) -> str:
    errors: dict[str, str] = {}
    address = checked_email(email, errors)
    require_fields(errors)
    return address


def too_many_links(session: Session, whose) -> bool:
    since = utcnow() - timedelta(hours=1)
    sent = session.exec(select(func.count()).select_from(PasswordReset).where(whose, PasswordReset.created_at > since)).one()
    return sent >= MAX_LINKS_PER_HOUR


def new_link(session: Session, **whose) -> str:
    token = new_token("pr")
    session.add(PasswordReset(token_hash=token_hash(token), expires_at=utcnow() + LINK_LIFETIME, **whose))
    session.flush()
    return token


def usable_link(session: Session, token: str, kind) -> PasswordReset:
    reset = session.exec(select(PasswordReset).where(PasswordReset.token_hash == token_hash(token or ""), kind)).first()
    if reset is None or reset.used_at is not None or reset.expires_at <= utcnow():
        raise NotFound("reset_link_invalid")
    return reset


def link_minutes() -> int:
    return int(LINK_LIFETIME.total_seconds() // 60)
