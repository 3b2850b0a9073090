"""A shop's API keys: made, listed (never shown again) and revoked.

A key acts as an admin of its shop, and only while the person who made it could: removing that
member, moving them below admin, or a password reset that asks for it revokes the keys they made
(and accounts.authenticate refuses a key whose maker is no longer an admin, whatever the path)."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, select

from shopapp.models import ApiKey, User
from shopapp.models.base import utcnow
from shopapp.services.core import plan_limits
from shopapp.services.core.errors import require_fields
from shopapp.services.core.permissions import Actor, require, role_at_least, shop_row
from shopapp.services.core.tokens import new_token, token_hash


def create(session: Session, actor: Actor, name: str) -> tuple[ApiKey, str]:
    """A new key; the plain key is returned this once and only its hash is kept."""
    require(actor, "manage_api_keys")
    plan_limits.require_feature(session, actor.shop_id, "api_keys")
    name = (name or "").strip()
    if not name:
        require_fields({"name": "required"})
    if len(name) > 60:
        require_fields({"name": "too_long"})
    key = new_token("sk")
    row = ApiKey(shop_id=actor.shop_id, name=name, prefix=key[:10], key_hash=token_hash(key), created_by=actor.user_id)
    session.add(row)
    session.flush()
    return row, key


# The role a key acts as, and so the least role its maker must keep for it to work.
KEY_ROLE = "admin"


def list_keys(session: Session, actor: Actor) -> list[dict]:
    """The shop's keys, newest first, each with who made it (`created_by`: {user_id, email}, or None)."""
    require(actor, "manage_api_keys")
    rows = session.exec(
        select(ApiKey, User.email).outerjoin(User, User.id == ApiKey.created_by)
        .where(ApiKey.shop_id == actor.shop_id).order_by(ApiKey.id.desc())
    ).all()
    return [
        {"id": r.id, "name": r.name, "prefix": r.prefix, "created_at": r.created_at, "revoked": r.revoked_at is not None,
         "revoked_at": r.revoked_at, "last_used_at": r.last_used_at,
         "created_by": {"user_id": r.created_by, "email": email or ""} if r.created_by else None}
        for r, email in rows
    ]


def maker_may_keep_keys(role: str | None) -> bool:
    """Whether a member with this role (None: no longer a member) may keep the keys they made."""
    return role is not None and role_at_least(role, KEY_ROLE)


def revoke_keys_made_by(session: Session, user_id: int, shop_id: int | None = None) -> int:
    """Revoke the keys this person made, in one shop or (None) in every shop; how many were still live."""
    conditions = [ApiKey.created_by == user_id, ApiKey.revoked_at.is_(None)]
    if shop_id is not None:
        conditions.append(ApiKey.shop_id == shop_id)
    return session.exec(update(ApiKey).where(*conditions).values(revoked_at=utcnow())).rowcount


def live_keys_made_by(session: Session, user_id: int) -> int:
    """How many unrevoked keys this person made, in any shop."""
    return len(session.exec(select(ApiKey.id).where(ApiKey.created_by == user_id, ApiKey.revoked_at.is_(None))).all())


def revoke(session: Session, actor: Actor, key_id: int) -> None:
    require(actor, "manage_api_keys")
    row = shop_row(session, ApiKey, actor.shop_id, key_id)
    row.revoked_at = row.revoked_at or utcnow()
    session.add(row)
