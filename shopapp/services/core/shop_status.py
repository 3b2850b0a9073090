"""Whether the platform's operator has suspended a shop: the one question every door asks before a write.

The suspending itself is the operator's (services/platform/suspension.py); this lookup sits at the bottom so
that the accounts, checkout and the storefront's middleware can all ask it."""

from __future__ import annotations

from sqlalchemy import bindparam
from sqlmodel import Session, select

from shopapp.models import Shop, ShopSuspension
from shopapp.services.core.errors import ShopSuspended
from shopapp.services.core.remembered import Remembered

SLUG_SECONDS = 1.0
_slugs: Remembered[str, bool] = Remembered(SLUG_SECONDS)


# Built once, a Core statement on the table: every checkout asks (built on each call it cost twice its round trip).
_SUSPENDED = select(ShopSuspension.__table__.c.id).where(
    ShopSuspension.__table__.c.shop_id == bindparam("shop_id"), ShopSuspension.__table__.c.restored_at.is_(None),
).limit(1)


def is_suspended(session: Session, shop_id: int) -> bool:
    return session.execute(_SUSPENDED, {"shop_id": shop_id}).first() is not None


def slug_suspended(session: Session, slug: str) -> bool:
    """The storefront's question, by the slug in its address (an unknown slug is not suspended: it is a 404).
    The answer is remembered for SLUG_SECONDS (see `remembered_slug`)."""
    suspended = session.exec(
        select(ShopSuspension.id).join(Shop, Shop.id == ShopSuspension.shop_id)
        .where(Shop.slug == slug, ShopSuspension.restored_at.is_(None)).limit(1)
    ).first() is not None
    _slugs.put(slug, suspended)
    return suspended


def remembered_slug(slug: str) -> bool | None:
    """`slug_suspended`'s answer of the last SLUG_SECONDS, None when not asked since: every storefront request
    (a flash sale's rush of thousands a second) asks, and a suspension reaching the other workers a second
    late lets nothing through that matters: checkout itself refuses a suspended shop's order
    (`refuse_if_suspended`, inside its transaction)."""
    return _slugs.get(slug)


def forget_slugs() -> None:
    """A shop suspended or restored here: this process asks again at once."""
    _slugs.forget()


def refuse_if_suspended(session: Session, shop_id: int) -> None:
    if is_suspended(session, shop_id):
        raise ShopSuspended()
