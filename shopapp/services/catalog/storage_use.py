"""How much room a shop's pictures take against its plan's storage_mb: every upload the shop pays for is
checked first (make_room) and counted after (record), every deletion gives its bytes back (forget).

The total is a running sum kept in shop_storage, moved in the same transaction as each stored_file row, so a
rolled-back upload or deletion leaves it right and no upload sums files. Going down a plan deletes nothing:
a shop above the smaller plan's room keeps its pictures and only cannot add more. Photos shoppers attach to
reviews and after-sales requests are not charged to the shop (a shop at its limit must not silence them)."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from shopapp.models import ShopStorage, StoredFile
from shopapp.models.base import utcnow
from shopapp.services.core import plan_limits
from shopapp.services.core.errors import PlanLimit

MB = 1024 * 1024


def make_room(session: Session, shop_id: int, adding_bytes: int) -> None:
    """PlanLimit("plan_storage_full") when `adding_bytes` more would pass the plan's storage_mb; the message
    names the smallest plan with room, as the products and staff limits do."""
    try:
        plan_limits.check_room(session, shop_id, "storage_mb", lambda s: used_bytes(s, shop_id) / MB,
                               adding=adding_bytes / MB)
    except PlanLimit as exc:
        raise PlanLimit("plan_storage_full", **{**exc.params, "used_mb": mb_text(used_bytes(session, shop_id))}) from None


def record(session: Session, shop_id: int, key: str, kind: str, nbytes: int) -> bool:
    """Count a stored picture; a key counted already (the same design picture uploaded twice) counts once.
    True when it was new."""
    try:
        with session.begin_nested():
            session.add(StoredFile(shop_id=shop_id, key=key, kind=kind, bytes=nbytes))
    except IntegrityError:
        return False
    _move(session, shop_id, nbytes)
    return True


def is_recorded(session: Session, shop_id: int, key: str) -> bool:
    return session.exec(select(StoredFile.id).where(StoredFile.shop_id == shop_id, StoredFile.key == key)).first() is not None


def forget(session: Session, shop_id: int, keys: list[str]) -> None:
    """The pictures under `keys` are being deleted: their bytes come off the shop's total."""
    if not keys:
        return
    rows = session.exec(select(StoredFile).where(StoredFile.shop_id == shop_id, StoredFile.key.in_(keys))).all()
    if not rows:
        return
    for row in rows:
        session.delete(row)
    session.flush()
    _move(session, shop_id, -sum(row.bytes for row in rows))


def used_bytes(session: Session, shop_id: int) -> int:
    return int(session.exec(select(ShopStorage.bytes).where(ShopStorage.shop_id == shop_id)).first() or 0)


def usage(session: Session, shop_id: int) -> dict:
    """`{used_bytes, used_mb, allowed_mb}` for the console's 套餐与账单 (allowed_mb None: no limit)."""
    used = used_bytes(session, shop_id)
    allowed = (plan_limits.current_plan(session, shop_id).plan.limits or {}).get("storage_mb")
    return {"used_bytes": used, "used_mb": mb_text(used), "allowed_mb": allowed}


def mb_text(nbytes: int) -> str:
    """Megabytes with one decimal, never 0.0 for a shop that stores something: 1536 KB -> "1.5"."""
    if nbytes <= 0:
        return "0"
    return f"{max(nbytes / MB, 0.1):.1f}"


def _move(session: Session, shop_id: int, delta: int) -> None:
    """Add `delta` to the shop's total in one statement (never read-modify-write: uploads run side by side)."""
    moved = session.exec(update(ShopStorage).where(ShopStorage.shop_id == shop_id)
                         .values(bytes=ShopStorage.bytes + delta, updated_at=utcnow())
                         .execution_options(synchronize_session=False))
    if moved.rowcount:
        return
    try:
        with session.begin_nested():
            session.add(ShopStorage(shop_id=shop_id, bytes=max(delta, 0)))
    except IntegrityError:  # another upload made the row first
        session.exec(update(ShopStorage).where(ShopStorage.shop_id == shop_id)
                     .values(bytes=ShopStorage.bytes + delta).execution_options(synchronize_session=False))
