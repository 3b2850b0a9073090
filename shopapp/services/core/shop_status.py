"""Whether the platform's operator has suspended a shop: the one question every door asks before a write.

The suspending itself is the operator's (services/platform/suspension.py); this lookup sits at the bottom so
that the accounts, checkout and the storefront's middleware can all ask it."""

from __future__ import annotations

from sqlmodel import Session, select

from shopapp.models import Shop, ShopSuspension
from shopapp.services.core.errors import ShopSuspended


def is_suspended(session: Session, shop_id: int) -> bool:
    return session.exec(select(ShopSuspension.id).where(
        ShopSuspension.shop_id == shop_id, ShopSuspension.restored_at.is_(None),
    ).limit(1)).first() is not None


def slug_suspended(session: Session, slug: str) -> bool:
    """The storefront's question, by the slug in its address (an unknown slug is not suspended: it is a 404)."""
    return session.exec(
        select(ShopSuspension.id).join(Shop, Shop.id == ShopSuspension.shop_id)
        .where(Shop.slug == slug, ShopSuspension.restored_at.is_(None)).limit(1)
    ).first() is not None


def refuse_if_suspended(session: Session, shop_id: int) -> None:
    if is_suspended(session, shop_id):
        raise ShopSuspended()
