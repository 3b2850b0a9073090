"""Commission and the shop's balance, following each order: commission accrues at the plan's rate when an
order is paid and is reversed in proportion to each refund; on the platform's collection the shop's balance
grows by what the shopper paid less refunds and commission when the order completes; the operator pays
balances out in batches. Called from marketing/lifecycle in the order's own transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from shopapp.models import BalanceEntry, CommissionEntry, Payment, Payout, PayoutBatch
from shopapp.services.core.permissions import Actor, require
from shopapp.services.settlement import accounts, rates


def order_moved(session: Session, order: Any, before: str, to: str) -> None:
    if to == "paid":
        _accrue(session, order)
    elif to == "completed" and collection_of(session, order.id) == "platform":
        net = order.total - order.refunded_total - order_commission(session, order.id)
        _add(session, BalanceEntry(shop_id=order.shop_id, kind="order_completed", reference=order.order_no,
                                   order_id=order.id, amount=net))


def order_refunded(session: Session, order: Any, amount: int, units: dict[int, int]) -> None:
    accrued = session.exec(select(CommissionEntry).where(
        CommissionEntry.order_id == order.id, CommissionEntry.kind == "accrued")).first()
    reversal = 0
    count = len(session.exec(select(CommissionEntry.id).where(
        CommissionEntry.order_id == order.id, CommissionEntry.kind == "reversed")).all())
    if accrued is not None and accrued.amount:
        remaining = order_commission(session, order.id)
        reversal = min(remaining, _share(amount, accrued.rate_bp))
        if order.refunded_total >= order.total:
            reversal = remaining  # refunded in full: no commission is left, whatever the rounding
        _add(session, CommissionEntry(shop_id=order.shop_id, order_id=order.id, kind="reversed",
                                      reference=f"refund-{count + 1}", base=-amount, rate_bp=accrued.rate_bp, amount=-reversal))
    # After completion the money was settled to the balance already: the refund comes back out of it.
    settled = session.exec(select(BalanceEntry.id).where(
        BalanceEntry.order_id == order.id, BalanceEntry.kind == "order_completed")).first()
    if settled is not None:
        _add(session, BalanceEntry(shop_id=order.shop_id, kind="refund", reference=f"{order.order_no}-refund-{count + 1}",
                                   order_id=order.id, amount=-(amount - reversal)))


def collection_of(session: Session, order_id: int) -> str:
    """Whose account the order's money went to: "platform" or "shop" ("platform" before any payment)."""
    collection = session.exec(select(Payment.collection).where(
        Payment.order_id == order_id, Payment.status.in_(("succeeded", "refunded"))).order_by(Payment.id.desc())).first()
    return collection or "platform"


def order_commission(session: Session, order_id: int) -> int:
    return int(session.exec(select(func.coalesce(func.sum(CommissionEntry.amount), 0))
                            .where(CommissionEntry.order_id == order_id)).one())


def balance(session: Session, shop_id: int) -> int:
    return int(session.exec(select(func.coalesce(func.sum(BalanceEntry.amount), 0))
                            .where(BalanceEntry.shop_id == shop_id)).one())


def money_view(session: Session, actor: Actor) -> dict:
    """The console's 收款与结算: the collection mode, the balance, the latest moves and payouts, commission."""
    require(actor, "view_reports")
    entries = session.exec(select(BalanceEntry).where(BalanceEntry.shop_id == actor.shop_id)
                           .order_by(BalanceEntry.id.desc()).limit(20)).all()
    commission = int(session.exec(select(func.coalesce(func.sum(CommissionEntry.amount), 0))
                                  .where(CommissionEntry.shop_id == actor.shop_id)).one())
    return {
        **accounts.payment_mode(session, actor.shop_id),
        "commission_percent": rates.commission_bp(session, actor.shop_id) / 100,
        "balance": balance(session, actor.shop_id),
        "commission_total": commission,
        "entries": [{"kind": e.kind, "reference": e.reference, "amount": e.amount, "at": e.created_at} for e in entries],
    }


def pay_out(session: Session, operator: str, minimum: int = 1) -> dict:
    """One payout batch: every shop whose balance is at least `minimum` 分 is paid it, recorded in the ledger."""
    due = balances_due(session, minimum)
    batch = PayoutBatch(created_by=operator[:80], shops=len(due), total=sum(amount for _, amount in due))
    session.add(batch)
    session.flush()
    for shop_id, amount in due:
        payout = Payout(batch_id=batch.id, shop_id=shop_id, amount=amount)
        session.add(payout)
        session.flush()
        _add(session, BalanceEntry(shop_id=shop_id, kind="payout", reference=f"payout-{payout.id}",
                                   payout_id=payout.id, amount=-amount))
    return {"id": batch.id, "shops": batch.shops, "total": batch.total,
            "payouts": [{"shop_id": shop_id, "amount": amount} for shop_id, amount in due]}


def balances_due(session: Session, minimum: int = 1) -> list[tuple[int, int]]:
    """(shop_id, balance) of every shop whose balance is at least `minimum` 分 (never less than 1 分)."""
    rows = session.exec(select(BalanceEntry.shop_id, func.sum(BalanceEntry.amount))
                        .group_by(BalanceEntry.shop_id)
                        .having(func.sum(BalanceEntry.amount) >= max(minimum, 1))
                        .order_by(BalanceEntry.shop_id)).all()
    return [(shop_id, int(total)) for shop_id, total in rows]


def _accrue(session: Session, order: Any) -> None:
    rate = rates.commission_bp(session, order.shop_id)
    _add(session, CommissionEntry(shop_id=order.shop_id, order_id=order.id, kind="accrued", reference="",
                                  base=order.total, rate_bp=rate, amount=_share(order.total, rate)))


def _share(amount: int, rate_bp: int) -> int:
    """rate_bp basis points of `amount` 分, half up."""
    return (amount * rate_bp + 5000) // 10000


def _add(session: Session, row) -> None:
    """Each move once: a repeat (the same order event handled twice) finds its unique key taken."""
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        pass
