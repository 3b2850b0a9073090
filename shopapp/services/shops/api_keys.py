"""A shop's API keys: made, listed (never shown again) and revoked."""

from __future__ import annotations

from sqlmodel import Session, select

from shopapp.models import ApiKey
from shopapp.models.base import utcnow
from shopapp.services.core.errors import require_fields
from shopapp.services.core.permissions import Actor, require, shop_row
from shopapp.services.core.tokens import new_token, token_hash


def create(session: Session, actor: Actor, name: str) -> tuple[ApiKey, str]:
    """A new key; the plain key is returned this once and only its hash is kept."""
    require(actor, "manage_api_keys")
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


def list_keys(session: Session, actor: Actor) -> list[dict]:
    require(actor, "manage_api_keys")
    rows = session.exec(select(ApiKey).where(ApiKey.shop_id == actor.shop_id).order_by(ApiKey.id.desc())).all()
    return [
        {"id": r.id, "name": r.name, "prefix": r.prefix, "created_at": r.created_at, "revoked": r.revoked_at is not None}
        for r in rows
    ]


def revoke(session: Session, actor: Actor, key_id: int) -> None:
    require(actor, "manage_api_keys")
    row = shop_row(session, ApiKey, actor.shop_id, key_id)
    row.revoked_at = row.revoked_at or utcnow()
    session.add(row)
