"""分销 money: the commissions orders earn promoters, their settlement, refunds taking them back, withdrawals.

Rules (issue 18 item 4):
- when an order of a shopper bound to a promoter is paid: level 1 (the binder) earns level1_percent and
  level 2 (the binder's inviter, never the buyer) level2_percent of the order's `paid` merchandise (Σ of the
  lines' paid from the pricing pipeline, shipping not included), rounded half up; both `frozen`;
- the order completes: the commissions become `available` settle_days later (the settle job; at once with 0);
- a refund leaves each commission floor(amount × merchandise left / merchandise); the rest is taken back from
  frozen, or, settled already, from available, which may go below zero (later commissions offset it);
  cancelled or closed, all of it;
- a withdrawal takes `amount` from available into `requested` by one conditional UPDATE (… WHERE
  available >= amount), so two at once never take the same money; the owner approves (paid outside the
  platform: `withdrawn`) or rejects (back to available). Every change is an AffiliateMove.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, func, select

from shopapp.models import AffiliateMove, Commission, CommissionWithdrawal, OrderItem, Promoter
from shopapp.models.base import utcnow
from shopapp.services.core import plan_limits
from shopapp.services.core.errors import Conflict, Invalid, NotFound, require_fields
from shopapp.services.core.money import percent_of
from shopapp.services.core.paging import page_size, page_start
from shopapp.services.core.permissions import Actor, require, shop_row
from shopapp.services.core.validation import checked_text, checked_whole
from shopapp.services.marketing import affiliates

MAX_WITHDRAWAL = 10**11  # 分: ¥1 billion


# The order's life (marketing/lifecycle.py) ----------------------------------------------------

def order_moved(session: Session, order: Any, before: str, to: str) -> None:
    if order.customer_id is None:
        return
    if to == "paid":
        _earn(session, order)
    elif to == "completed":
        _schedule(session, order)
    elif to in ("cancelled", "closed"):
        _keep_share(session, order, left=0)


def order_refunded(session: Session, order: Any, amount: int, units: dict[int, int]) -> None:
    if order.customer_id is None:
        return
    merchandise = _merchandise(session, order)
    _keep_share(session, order, left=max(merchandise - order.refunded_total, 0), merchandise=merchandise)


def settle_due(session: Session) -> int:
    """The job: every frozen commission whose time has come becomes available. Commits one by one."""
    now = utcnow()
    due = session.exec(
        select(Commission.id).where(Commission.status == "frozen", Commission.available_at.is_not(None),
                                    Commission.available_at <= now).order_by(Commission.id).limit(500)
    ).all()
    settled = 0
    for commission_id in due:
        settled += _settle(session, commission_id)
        session.commit()
    return settled


# Withdrawals ----------------------------------------------------------------------------------

def request_withdrawal(session: Session, shop_id: int, customer_id: int, amount) -> dict:
    """The promoter asks for `amount` 分 of their available commission: never more than available, even
    with several requests at once (the UPDATE's WHERE decides). → {id, status, amount}"""
    promoter = _promoter(session, shop_id, customer_id)
    errors: dict[str, str] = {}
    amount = checked_whole(amount, "amount", errors, limit=MAX_WITHDRAWAL)
    if amount == 0:
        errors["amount"] = "must_be_positive"
    require_fields(errors)
    taken = session.exec(
        update(Promoter).where(Promoter.id == promoter.id, Promoter.available >= amount)
        .values(available=Promoter.available - amount, requested=Promoter.requested + amount)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not taken:
        raise Invalid(fields={"amount": "withdrawal_over_available"}, available=max(promoter.available, 0))
    row = CommissionWithdrawal(shop_id=shop_id, promoter_id=promoter.id, amount=amount)
    session.add(row)
    session.flush()
    session.add(AffiliateMove(shop_id=shop_id, promoter_id=promoter.id, kind="withdrawal_requested",
                              available_delta=-amount, requested_delta=amount, withdrawal_id=row.id, actor="shopper"))
    session.flush()
    return withdrawal_dict(session, row)


def decide_withdrawal(session: Session, actor: Actor, withdrawal_id: int, approve: bool, note="") -> dict:
    """The owner approves (paid outside the platform: recorded as withdrawn) or rejects (back to available).
    Decided already: Conflict `withdrawal_decided`, nothing changes."""
    require(actor, "manage_marketing")
    row = shop_row(session, CommissionWithdrawal, actor.shop_id, withdrawal_id, "withdrawal_not_found")
    errors: dict[str, str] = {}
    note = checked_text(note or "", errors, "note", limit=200)
    require_fields(errors)
    status = "approved" if approve else "rejected"
    now = utcnow()
    moved = session.exec(
        update(CommissionWithdrawal).where(CommissionWithdrawal.id == row.id, CommissionWithdrawal.status == "requested")
        .values(status=status, decided_at=now, decided_by=actor.label, note=note)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not moved:
        raise Conflict("withdrawal_decided")
    move = AffiliateMove(shop_id=actor.shop_id, promoter_id=row.promoter_id, kind=f"withdrawal_{status}",
                         requested_delta=-row.amount, withdrawal_id=row.id, actor=actor.label)
    if approve:
        move.withdrawn_delta = row.amount
    else:
        move.available_delta = row.amount
    _change(session, move)
    session.refresh(row)
    return withdrawal_dict(session, row)


# What the promoter and the owner read ---------------------------------------------------------

def promoter_view(session: Session, shop_id: int, customer_id: int, *, page: int = 1, per_page: int = 20) -> dict:
    """我的推广中心: {code, link, frozen, available, requested, withdrawn, team, commissions, withdrawals}."""
    promoter = _promoter(session, shop_id, customer_id)
    size = page_size(per_page)
    commissions = session.exec(
        select(Commission).where(Commission.shop_id == shop_id, Commission.promoter_id == promoter.id)
        .order_by(Commission.id.desc()).offset(page_start(page, size)).limit(size)
    ).all()
    total = session.exec(select(func.count()).select_from(Commission).where(
        Commission.shop_id == shop_id, Commission.promoter_id == promoter.id)).one()
    withdrawals = session.exec(
        select(CommissionWithdrawal).where(CommissionWithdrawal.shop_id == shop_id,
                                           CommissionWithdrawal.promoter_id == promoter.id)
        .order_by(CommissionWithdrawal.id.desc()).limit(20)
    ).all()
    inviter = session.get(Promoter, promoter.inviter_id) if promoter.inviter_id else None
    return {
        **affiliates.code_and_link(session, promoter), "frozen": promoter.frozen, "available": promoter.available,
        "requested": promoter.requested, "withdrawn": promoter.withdrawn, "team": affiliates.team_of(session, promoter),
        "inviter_code": inviter.code if inviter else None,
        "commissions": [commission_dict(row) for row in commissions], "total": total,
        "withdrawals": [withdrawal_dict(session, row) for row in withdrawals],
    }


def list_commissions(session: Session, actor: Actor, *, status: str = "", page: int = 1, per_page: int = 50) -> dict:
    require(actor, "view_console")
    query = select(Commission).where(Commission.shop_id == actor.shop_id)
    if status:
        query = query.where(Commission.status == status)
    return _page(session, query, Commission.id, page, per_page, lambda row: {
        **commission_dict(row), "promoter_code": _code(session, row.promoter_id)})


def list_withdrawals(session: Session, actor: Actor, *, status: str = "", page: int = 1, per_page: int = 50) -> dict:
    require(actor, "view_console")
    query = select(CommissionWithdrawal).where(CommissionWithdrawal.shop_id == actor.shop_id)
    if status:
        query = query.where(CommissionWithdrawal.status == status)
    return _page(session, query, CommissionWithdrawal.id, page, per_page, lambda row: withdrawal_dict(session, row))


def list_promoters(session: Session, actor: Actor, *, page: int = 1, per_page: int = 50) -> dict:
    require(actor, "view_console")
    query = select(Promoter).where(Promoter.shop_id == actor.shop_id)
    return _page(session, query, Promoter.id, page, per_page, lambda row: {
        "id": row.id, "code": row.code, "customer_id": row.customer_id,
        "name": affiliates.customer_name(session, row.customer_id),
        "inviter_code": _code(session, row.inviter_id) if row.inviter_id else None,
        "frozen": row.frozen, "available": row.available, "requested": row.requested, "withdrawn": row.withdrawn,
        "team": affiliates.team_of(session, row), "created_at": row.created_at,
    })


def figures(session: Session, shop_id: int) -> dict:
    """The console's numbers: promoters, commission earned (net of refunds), settled, withdrawn (paid)."""
    promoters = session.exec(select(func.count()).select_from(Promoter).where(Promoter.shop_id == shop_id)).one()
    earned = session.exec(select(func.coalesce(func.sum(Commission.amount - Commission.taken_back), 0))
                          .where(Commission.shop_id == shop_id)).one()
    withdrawn = session.exec(select(func.coalesce(func.sum(Promoter.withdrawn), 0)).where(Promoter.shop_id == shop_id)).one()
    requested = session.exec(select(func.coalesce(func.sum(Promoter.requested), 0)).where(Promoter.shop_id == shop_id)).one()
    return {"promoters": promoters, "commission": int(earned), "withdrawn": int(withdrawn), "requested": int(requested)}


def commission_dict(row: Commission) -> dict:
    return {
        "id": row.id, "order_no": row.order_no, "level": row.level, "amount": row.amount - row.taken_back,
        "earned": row.amount, "taken_back": row.taken_back, "percent": row.percent, "base": row.base,
        "status": row.status, "available_at": row.available_at, "created_at": row.created_at,
    }


def withdrawal_dict(session: Session, row: CommissionWithdrawal) -> dict:
    return {
        "id": row.id, "promoter_code": _code(session, row.promoter_id), "amount": row.amount, "status": row.status,
        "note": row.note, "requested_at": row.requested_at, "decided_at": row.decided_at,
    }


# Helpers --------------------------------------------------------------------------------------

def _earn(session: Session, order: Any) -> None:
    # A shop gone down to a plan without 分销 keeps its promoters and balances, but earns no new commission.
    program = affiliates.active_program(session, order.shop_id) if plan_limits.has_feature(session, order.shop_id, "affiliates") else None
    binder = affiliates.binder_of(session, order.shop_id, order.customer_id) if program else None
    if binder is None:
        return
    merchandise = _merchandise(session, order)
    earners = [(1, binder, program.level1_percent)]
    inviter = session.get(Promoter, binder.inviter_id) if binder.inviter_id else None
    if inviter is not None and inviter.customer_id != order.customer_id:
        earners.append((2, inviter, program.level2_percent))
    for level, promoter, percent in earners:
        amount = percent_of(merchandise, percent)
        if amount <= 0:
            continue
        row = Commission(shop_id=order.shop_id, promoter_id=promoter.id, order_id=order.id, order_no=order.order_no,
                         customer_id=order.customer_id, level=level, percent=percent, base=merchandise, amount=amount)
        session.add(row)
        session.flush()
        _change(session, AffiliateMove(shop_id=order.shop_id, promoter_id=promoter.id, kind="commission_frozen",
                                       frozen_delta=amount, commission_id=row.id))


def _schedule(session: Session, order: Any) -> None:
    program = affiliates.program_of(session, order.shop_id)
    days = program.settle_days if program else affiliates.DEFAULTS["settle_days"]
    due = utcnow() + timedelta(days=days)
    session.exec(
        update(Commission).where(Commission.order_id == order.id, Commission.shop_id == order.shop_id,
                                 Commission.status == "frozen", Commission.available_at.is_(None))
        .values(available_at=due).execution_options(synchronize_session=False)
    )
    if days == 0:
        for commission_id in _ids_of(session, order):
            _settle(session, commission_id)


def _settle(session: Session, commission_id: int) -> int:
    """Frozen → available, once: the UPDATE's WHERE lets only one settlement (or none after a full refund)."""
    moved = session.exec(
        update(Commission).where(Commission.id == commission_id, Commission.status == "frozen")
        .values(status="available").execution_options(synchronize_session=False)
    ).rowcount
    if not moved:
        return 0
    row = session.exec(select(Commission).where(Commission.id == commission_id)
                       .execution_options(populate_existing=True)).one()
    net = row.amount - row.taken_back
    _change(session, AffiliateMove(shop_id=row.shop_id, promoter_id=row.promoter_id, kind="settled",
                                   frozen_delta=-net, available_delta=net, commission_id=row.id))
    return 1


def _keep_share(session: Session, order: Any, *, left: int, merchandise: int | None = None) -> None:
    """Each of the order's commissions keeps floor(amount × left / merchandise); the rest is taken back."""
    ids = _ids_of(session, order)
    if not ids:
        return
    merchandise = _merchandise(session, order) if merchandise is None else merchandise
    for commission_id in ids:
        row = session.exec(select(Commission).where(Commission.id == commission_id).with_for_update()
                           .execution_options(populate_existing=True)).one()
        keep = row.amount * min(left, row.base) // row.base if row.base > 0 else 0
        take = row.amount - row.taken_back - keep
        if take <= 0:
            continue
        status = "reversed" if keep == 0 else row.status
        session.exec(update(Commission).where(Commission.id == row.id)
                     .values(taken_back=Commission.taken_back + take, status=status)
                     .execution_options(synchronize_session=False))
        move = AffiliateMove(shop_id=row.shop_id, promoter_id=row.promoter_id, kind="refund_taken", commission_id=row.id)
        if row.status == "frozen":
            move.frozen_delta = -take
        else:
            move.available_delta = -take  # settled already: may go below zero, offset by later commissions
        _change(session, move)


def _change(session: Session, move: AffiliateMove) -> None:
    """The move and the promoter's balances change together; the balances only by arithmetic in the UPDATE."""
    session.exec(
        update(Promoter).where(Promoter.id == move.promoter_id).values(
            frozen=Promoter.frozen + move.frozen_delta, available=Promoter.available + move.available_delta,
            requested=Promoter.requested + move.requested_delta, withdrawn=Promoter.withdrawn + move.withdrawn_delta,
        ).execution_options(synchronize_session=False)
    )
    session.add(move)
    session.flush()


def _ids_of(session: Session, order: Any) -> list[int]:
    return list(session.exec(
        select(Commission.id).where(Commission.order_id == order.id, Commission.shop_id == order.shop_id)
        .order_by(Commission.id)
    ).all())


def _merchandise(session: Session, order: Any) -> int:
    """What the order's lines were paid (the pricing pipeline's `paid`, shipping not included)."""
    return int(session.exec(
        select(func.coalesce(func.sum(OrderItem.paid), 0)).where(OrderItem.order_id == order.id)
    ).one())


def _promoter(session: Session, shop_id: int, customer_id: int) -> Promoter:
    found = affiliates.promoter_of(session, shop_id, customer_id)
    if found is None:
        raise NotFound("not_a_promoter")
    return found


def _code(session: Session, promoter_id: int | None) -> str:
    found = session.get(Promoter, promoter_id) if promoter_id else None
    return found.code if found else ""


def _page(session: Session, query, order_column, page: int, per_page: int, shape) -> dict:
    size = page_size(per_page)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(order_column.desc()).offset(page_start(page, size)).limit(size)).all()
    return {"items": [shape(row) for row in rows], "total": total}
