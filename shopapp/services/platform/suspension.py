"""Suspending and restoring a shop: its storefront pauses, its console and API only read, its data stays whole."""

from __future__ import annotations

from sqlmodel import Session, select

from shopapp.models import Shop, ShopSuspension
from shopapp.models.base import utcnow
from shopapp.services.core import shop_status
from shopapp.services.core.errors import Conflict, NotFound, require_fields
from shopapp.services.core.validation import checked_text
from shopapp.services.platform import audit


def suspend(session: Session, operator, shop_id: int, reason: str) -> ShopSuspension:
    """Stop a shop (abuse, fraud, a legal request); the reason is required and goes into the audit log."""
    shop = _shop(session, shop_id)
    reason = _reason(reason)
    if _open(session, shop.id) is not None:
        raise Conflict("shop_already_suspended")
    row = ShopSuspension(shop_id=shop.id, reason=reason, suspended_by=operator.id)
    session.add(row)
    audit.record(session, operator, "suspend_shop", shop_id=shop.id, reason=reason)
    session.flush()
    shop_status.forget_slugs()
    return row


def restore(session: Session, operator, shop_id: int, reason: str) -> ShopSuspension:
    shop = _shop(session, shop_id)
    reason = _reason(reason)
    row = _open(session, shop.id)
    if row is None:
        raise Conflict("shop_not_suspended")
    row.restored_at, row.restored_by, row.restore_reason = utcnow(), operator.id, reason
    session.add(row)
    audit.record(session, operator, "restore_shop", shop_id=shop.id, reason=reason)
    session.flush()
    shop_status.forget_slugs()
    return row


def current(session: Session, shop_id: int) -> dict | None:
    """The suspension that holds now `{reason, suspended_at}`, or None."""
    row = _open(session, shop_id)
    return {"reason": row.reason, "suspended_at": row.suspended_at} if row else None


def _open(session: Session, shop_id: int) -> ShopSuspension | None:
    return session.exec(select(ShopSuspension).where(
        ShopSuspension.shop_id == shop_id, ShopSuspension.restored_at.is_(None),
    )).first()


def _shop(session: Session, shop_id: int) -> Shop:
    shop = session.get(Shop, shop_id)
    if shop is None:
        raise NotFound("shop_not_found")
    return shop


def _reason(reason) -> str:
    errors: dict[str, str] = {}
    text = checked_text(reason, errors, "reason", limit=500, required=True)
    require_fields(errors)
    return text
