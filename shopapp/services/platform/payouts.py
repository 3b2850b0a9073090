"""The operator pays out the balances the platform's collection holds for shops, in batches: a batch takes the
balances off at once (recorded in the payout ledger), the operator makes the transfers, then marks the batch
paid with the bank's reference. Both steps go into the audit log."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from shopapp.models import Payout, PayoutBatch
from shopapp.models.base import utcnow
from shopapp.services.core.errors import Conflict, NotFound, require_fields
from shopapp.services.core.paging import page_size, page_start
from shopapp.services.core.validation import checked_text
from shopapp.services.platform import audit
from shopapp.services.settlement import ledger
from shopapp.services.shops import shops


def due(session: Session, minimum: int = 1) -> dict:
    """Shops with a balance to pay out: `{items: [{shop_id, name, slug, balance}], total}` (total in 分)."""
    rows = ledger.balances_due(session, minimum)
    names = shops.names_by_id(session, {shop_id for shop_id, _ in rows})
    items = [{"shop_id": shop_id, "name": names.get(shop_id, ("", ""))[0], "slug": names.get(shop_id, ("", ""))[1],
              "balance": amount} for shop_id, amount in rows]
    return {"items": items, "total": sum(amount for _, amount in rows)}


def run_batch(session: Session, operator, minimum: int = 1) -> dict:
    """One batch of every balance due; Conflict("payout_nothing_due") when there is none (an empty batch
    would only clutter the ledger)."""
    if not ledger.balances_due(session, minimum):
        raise Conflict("payout_nothing_due")
    batch = ledger.pay_out(session, f"operator:{operator.email}", minimum)
    audit.record(session, operator, "payout_batch", reason=f"{batch['shops']} shops, {batch['total']} 分",
                 data={"batch_id": batch["id"]})
    return {**batch, "status": "made"}


def mark_paid(session: Session, operator, batch_id: int, reference: str) -> dict:
    """The transfers of a batch are done: its status becomes paid, with the bank's reference (required)."""
    errors: dict[str, str] = {}
    reference = checked_text(reference, errors, "reference", limit=100, required=True)
    require_fields(errors)
    batch = session.exec(select(PayoutBatch).where(PayoutBatch.id == batch_id).with_for_update()).first()
    if batch is None:
        raise NotFound("payout_batch_not_found")
    if batch.status == "paid":
        raise Conflict("payout_batch_already_paid")
    batch.status, batch.paid_at, batch.paid_by, batch.paid_reference = "paid", utcnow(), operator.email[:80], reference
    session.add(batch)
    audit.record(session, operator, "payout_paid", reason=reference, data={"batch_id": batch.id, "total": batch.total})
    session.flush()
    return _batch_view(session, batch)


def list_batches(session: Session, *, page: int = 1, per_page: int = 20) -> dict:
    """The payout ledger, newest batch first, each with its payouts: `{items: [batch], total}`."""
    per_page = page_size(per_page)
    total = session.exec(select(func.count()).select_from(PayoutBatch)).one()
    batches = session.exec(select(PayoutBatch).order_by(PayoutBatch.id.desc())
                           .offset(page_start(page, per_page)).limit(per_page)).all()
    return {"items": [_batch_view(session, batch) for batch in batches], "total": total}


def _batch_view(session: Session, batch: PayoutBatch) -> dict:
    payouts = session.exec(select(Payout).where(Payout.batch_id == batch.id).order_by(Payout.shop_id)).all()
    names = shops.names_by_id(session, {payout.shop_id for payout in payouts})
    return {
        "id": batch.id, "created_at": batch.created_at, "created_by": batch.created_by, "shops": batch.shops,
        "total": batch.total, "status": batch.status, "paid_at": batch.paid_at, "paid_by": batch.paid_by,
        "paid_reference": batch.paid_reference,
        "payouts": [{"shop_id": p.shop_id, "name": names.get(p.shop_id, ("", ""))[0], "amount": p.amount}
                    for p in payouts],
    }
