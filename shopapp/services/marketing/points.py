"""Points (积分): what a shopper has, what the pipeline may take off (step 5), and how orders move them.

Rules (PRICING.md step 5 and issue 16):
- earned on the order's `paid` merchandise (Σ lines' paid, shipping not included) when it is paid:
  floor(paid × points_per_yuan / 100), frozen; made available when the order completes;
- spent at checkout: `points / points_per_yuan_off` yuan off, never more than `max_points_percent`
  of the merchandise left after step 4, in whole 分; the points needed for that amount are taken
  (ceil(off × points_per_yuan_off / 100)), in the checkout's transaction, by a conditional UPDATE;
- a refund leaves the order keeping points in proportion to the merchandise not refunded: of the
  points it earned it keeps floor(earned × left / merchandise) (the rest is taken back, from the
  order's frozen points first, then from available, never below zero), and of the points the shopper
  spent on it they lose floor(spent × left / merchandise) (the rest comes back); cancelled unpaid
  or closed, left is 0, so every spent point comes back and every earned one goes;
- lifetime spend (member levels) is the same merchandise, net of refunds.
Every change is a PointsMove; each step reads the order's moves and does only what is still missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from shopapp.models import Customer, OrderItem, PointsAccount, PointsMove
from shopapp.models.base import utcnow
from shopapp.models.loyalty import MOVE_KINDS
from shopapp.services.core.errors import Conflict, Invalid, require_fields
from shopapp.services.core.paging import page_size, page_start
from shopapp.services.core.permissions import Actor, require, shop_row
from shopapp.services.core.validation import checked_text
from shopapp.services.marketing import levels
from shopapp.services.marketing.savings import Basket, Saving

MAX_ADJUSTMENT = 10**9
KINDS = MOVE_KINDS  # what the pages translate
MAX_REASON = 200
LABEL = "积分抵扣"


@dataclass(frozen=True)
class PointsOffer:
    """What step 5 needs: the shopper's balance, the points they want to spend, the shop's rate and cap;
    and the member level that gave Offers.member_percent (for the saving's label)."""

    balance: int
    wanted: int
    per_yuan_off: int
    max_percent: int
    level_id: int | None = None
    level_name: str = ""


@dataclass(frozen=True)
class ForPricing:
    member_percent: int = 0
    points: PointsOffer | None = None


NOTHING = ForPricing()


def for_pricing(session: Session, shop_id: int, customer_id: int | None, wanted: int) -> ForPricing:
    """The member discount and the points offer for this shopper (None: a guest). Spending points
    needs a log-in and the programme on, and never more than the balance: refused with the reason."""
    if customer_id is None and not wanted:
        return NOTHING  # a guest has no level and spends no points: no need of the shop's settings (the cart page)
    settings = levels.active_settings(session, shop_id)
    if wanted and (customer_id is None or settings is None):
        raise Invalid(fields={"points": "points_need_log_in" if settings else "points_not_offered"})
    if customer_id is None or settings is None:
        return NOTHING
    account = _account(session, shop_id, customer_id)
    balance = account.available if account else 0
    if wanted > balance:
        raise Invalid(fields={"points": "points_more_than_balance"}, balance=balance)
    level = levels.level_for(levels.levels_of(session, shop_id), account.lifetime_spent if account else 0)
    offer = PointsOffer(
        balance=balance, wanted=wanted, per_yuan_off=settings.points_per_yuan_off,
        max_percent=settings.max_points_percent, level_id=level.id if level else None,
        level_name=level.name if level else "",
    )
    return ForPricing(member_percent=level.discount_percent if level else 0, points=offer)


# Step 5 ----------------------------------------------------------------------------------------

def cap(merchandise: int, max_percent: int) -> int:
    """The most points may pay of `merchandise` 分: max_percent of it, rounded down to the 分."""
    return merchandise * max_percent // 100


def value_of(points: int, per_yuan_off: int) -> int:
    """What `points` are worth in whole 分, rounded down (3 points at 100 per ¥1 = 3 分)."""
    return points * 100 // per_yuan_off


def points_for(amount: int, per_yuan_off: int) -> int:
    """The points needed for `amount` 分 off, rounded up: never less than they are worth."""
    return -(-amount * per_yuan_off // 100)


def step(basket: Basket, offer: PointsOffer | None) -> list[Saving]:
    """Step 5: the shopper's points off the merchandise left after step 4, within the cap."""
    if offer is None or offer.wanted <= 0:
        return []
    lines = basket.open_lines()
    merchandise = sum(basket.amounts[n] for n in lines)
    off = min(value_of(offer.wanted, offer.per_yuan_off), cap(merchandise, offer.max_percent))
    return [Saving("points", None, LABEL, off, lines)] if off > 0 and lines else []


def quote_part(offer: PointsOffer | None, merchandise: int, used_amount: int) -> dict:
    """The quote's `points`: {balance, max_usable, used, value} for merchandise 分 left after step 4."""
    if offer is None:
        return {"balance": 0, "max_usable": 0, "used": 0, "value": 0}
    most = min(value_of(offer.balance, offer.per_yuan_off), cap(merchandise, offer.max_percent))
    return {
        "balance": offer.balance, "max_usable": points_for(most, offer.per_yuan_off),
        "used": points_for(used_amount, offer.per_yuan_off), "value": used_amount,
    }


EXCLUSIVE = ("flash_sale", "group_buy", "bargain")


def quote_points(offer: PointsOffer | None, priced: Any) -> dict:
    """The quote's `points` for a priced cart (checkout/pricing.PricedCart): the merchandise left after
    step 4 is what the open lines paid plus what points took off them."""
    used = sum(saving.amount for saving in priced.discounts if saving.source == "points")
    open_paid = sum(
        item.paid for item in priced.items if not any(share.source in EXCLUSIVE for share in item.discounts)
    )
    return quote_part(offer, open_paid + used, used)


def take_up(session: Session, offer: PointsOffer | None, order: Any, discounts: Sequence[Saving]) -> None:
    """The points the order was priced with leave the shopper's balance, in the checkout's transaction.
    Spent elsewhere a moment ago: Conflict, and the checkout keeps nothing."""
    amount = sum(saving.amount for saving in discounts if saving.source == "points")
    if offer is None or not amount:
        return
    spend(session, order.shop_id, order.customer_id, points_for(amount, offer.per_yuan_off), "spent",
          order.order_no, order_id=order.id, actor="shopper")


def spend(
    session: Session, shop_id: int, customer_id: int, points: int, kind: str, reason: str,
    *, order_id: int | None = None, actor: str = "shopper",
) -> None:
    """Take `points` from available: one UPDATE … WHERE available >= points, so concurrent spends
    are counted one after the other and never go below zero (Conflict "points_not_enough")."""
    account_id = _account_id(session, shop_id, customer_id)
    taken = session.exec(
        update(PointsAccount).where(PointsAccount.id == account_id, PointsAccount.available >= points)
        .values(available=PointsAccount.available - points, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if not taken:
        raise Conflict("points_not_enough")
    session.add(PointsMove(
        shop_id=shop_id, customer_id=customer_id, order_id=order_id, delta=-points, kind=kind, reason=reason[:MAX_REASON],
        actor=actor,
    ))


# The order's life (marketing/lifecycle.py) ---------------------------------------------------

def order_moved(session: Session, order: Any, before: str, to: str) -> None:
    if order.customer_id is None:
        return
    if to == "paid":
        _earn(session, order)
    elif to == "completed":
        _release(session, order)
    elif to in ("cancelled", "closed"):
        _settle(session, order, left=0)  # cancelled unpaid, or closed with everything given back


def order_refunded(session: Session, order: Any, amount: int, units: dict[int, int]) -> None:
    """A refund gives back merchandise before shipping: the order keeps what was not refunded of it."""
    if order.customer_id is None:
        return
    merchandise = _merchandise(session, order)
    _settle(session, order, left=max(merchandise - order.refunded_total, 0), merchandise=merchandise)


def _earn(session: Session, order: Any) -> None:
    settings = levels.active_settings(session, order.shop_id)
    merchandise = _merchandise(session, order)
    if settings is None or merchandise <= 0:
        return
    earned = merchandise * settings.points_per_yuan // 100
    _apply(session, order, PointsMove(frozen_delta=earned, lifetime_delta=merchandise, kind="earned_frozen"))


def _release(session: Session, order: Any) -> None:
    frozen = sum(move.frozen_delta for move in _moves_of(session, order))
    if frozen > 0:
        _apply(session, order, PointsMove(delta=frozen, frozen_delta=-frozen, kind="released"))


def _settle(session: Session, order: Any, *, left: int, merchandise: int | None = None) -> None:
    """Bring the order's moves to what it keeps with `left` 分 of its merchandise not refunded."""
    moves = _moves_of(session, order)
    if not moves:
        return
    merchandise = _merchandise(session, order) if merchandise is None else merchandise
    earned = sum(m.frozen_delta for m in moves if m.kind == "earned_frozen")
    taken = sum(m.short - m.delta - m.frozen_delta for m in moves if m.kind == "refund_taken")
    spent = -sum(m.delta for m in moves if m.kind in ("spent", "redeemed"))
    returned = sum(m.delta for m in moves if m.kind == "returned")
    counted = sum(m.lifetime_delta for m in moves)
    take = earned - _share(earned, left, merchandise) - taken
    give = spent - _share(spent, left, merchandise) - returned
    lifetime = min(left, merchandise) - counted if counted else 0
    if take > 0 or lifetime < 0:
        frozen_left = sum(m.frozen_delta for m in moves)
        from_frozen = min(max(take, 0), frozen_left)
        account = _locked_account(session, order.shop_id, order.customer_id)
        from_available = min(max(take, 0) - from_frozen, account.available if account else 0)
        short = max(take, 0) - from_frozen - from_available
        _apply(session, order, PointsMove(
            delta=-from_available, frozen_delta=-from_frozen, lifetime_delta=min(lifetime, 0), short=short,
            kind="refund_taken", reason=f"{order.order_no} (short {short})" if short else order.order_no,
        ))
    if give > 0:
        _apply(session, order, PointsMove(delta=give, kind="returned"))


def _share(points: int, left: int, merchandise: int) -> int:
    """What the order keeps of `points` with `left` of its merchandise not refunded (rounded down)."""
    return points * left // merchandise if merchandise > 0 else 0


def _apply(session: Session, order: Any, move: PointsMove) -> None:
    move.shop_id, move.customer_id, move.order_id = order.shop_id, order.customer_id, order.id
    move.reason = move.reason or order.order_no
    move.actor = move.actor or "system"
    _change(session, move)


def _change(session: Session, move: PointsMove) -> None:
    """The move and its account change together; the account only by arithmetic in the UPDATE."""
    account_id = _account_id(session, move.shop_id, move.customer_id)
    session.exec(
        update(PointsAccount).where(PointsAccount.id == account_id).values(
            available=PointsAccount.available + move.delta, frozen=PointsAccount.frozen + move.frozen_delta,
            lifetime_spent=PointsAccount.lifetime_spent + move.lifetime_delta, updated_at=utcnow(),
        ).execution_options(synchronize_session=False)
    )
    session.add(move)
    session.flush()


# The owner and the shopper ---------------------------------------------------------------------

def adjust(session: Session, actor: Actor, customer_id: int, delta, reason) -> dict:
    """The owner adds or takes points with a reason; never below zero. Answers {available, frozen}."""
    require(actor, "manage_marketing")
    customer = shop_row(session, Customer, actor.shop_id, customer_id, "customer_not_found")
    errors: dict[str, str] = {}
    if not isinstance(delta, int) or isinstance(delta, bool):
        errors["delta"] = "must_be_whole_number"
    elif delta == 0:
        errors["delta"] = "must_not_be_zero"
    elif abs(delta) > MAX_ADJUSTMENT:
        errors["delta"] = "number_too_large"
    reason = checked_text(reason, errors, "reason", limit=MAX_REASON, required=True)
    require_fields(errors)
    if delta < 0:
        try:
            with session.begin_nested():
                spend(session, actor.shop_id, customer.id, -delta, "adjusted", reason, actor=actor.label)
        except Conflict:
            raise Invalid(fields={"delta": "points_below_zero"}) from None
    else:
        _change(session, PointsMove(
            shop_id=actor.shop_id, customer_id=customer.id, delta=delta, kind="adjusted", reason=reason, actor=actor.label,
        ))
    return balances(session, actor.shop_id, customer.id)


def balances(session: Session, shop_id: int, customer_id: int) -> dict:
    account = _account(session, shop_id, customer_id, fresh=True)
    return {"available": account.available if account else 0, "frozen": account.frozen if account else 0}


def account_dict(session: Session, shop_id: int, customer_id: int, *, page: int = 1, per_page: int = 20) -> dict:
    """{available, frozen, lifetime_spent, level, next_level, moves, total}: the shopper's 我的积分 and the owner's view."""
    account = _account(session, shop_id, customer_id, fresh=True)
    spent = account.lifetime_spent if account else 0
    shop_levels = levels.levels_of(session, shop_id)
    level = levels.level_for(shop_levels, spent)
    upcoming = [found for found in shop_levels if found.min_spent > spent]
    size = page_size(per_page)
    moves = session.exec(
        select(PointsMove).where(PointsMove.customer_id == customer_id, PointsMove.shop_id == shop_id)
        .order_by(PointsMove.id.desc()).offset(page_start(page, size)).limit(size)
    ).all()
    total = session.exec(
        select(func.count()).select_from(PointsMove).where(PointsMove.customer_id == customer_id, PointsMove.shop_id == shop_id)
    ).one()
    return {
        **balances(session, shop_id, customer_id), "lifetime_spent": spent, "level": levels.level_dict(level),
        "next_level": levels.level_dict(upcoming[0]) if upcoming else None,
        "moves": [move_dict(move) for move in moves], "total": total,
    }


def owner_view(session: Session, actor: Actor, customer_id: int, *, page: int = 1, per_page: int = 20) -> dict:
    require(actor, "view_console")
    customer = shop_row(session, Customer, actor.shop_id, customer_id, "customer_not_found")
    return {"customer": {"id": customer.id, "email": customer.email, "name": customer.name},
            **account_dict(session, actor.shop_id, customer.id, page=page, per_page=per_page)}


def move_dict(move: PointsMove) -> dict:
    return {
        "id": move.id, "kind": move.kind, "delta": move.delta, "frozen_delta": move.frozen_delta,
        "reason": move.reason, "order_id": move.order_id, "at": move.at,
    }


# Helpers ---------------------------------------------------------------------------------------

def _merchandise(session: Session, order: Any) -> int:
    """What the order's lines were paid (shipping not included): what points are earned on."""
    return int(session.exec(
        select(func.coalesce(func.sum(OrderItem.paid), 0)).where(OrderItem.order_id == order.id)
    ).one())


def _moves_of(session: Session, order: Any) -> list[PointsMove]:
    return list(session.exec(
        select(PointsMove).where(
            PointsMove.order_id == order.id, PointsMove.customer_id == order.customer_id, PointsMove.shop_id == order.shop_id,
        )
        .order_by(PointsMove.id)
    ).all())


def _account(session: Session, shop_id: int, customer_id: int, *, fresh: bool = False) -> PointsAccount | None:
    query = select(PointsAccount).where(PointsAccount.customer_id == customer_id, PointsAccount.shop_id == shop_id)
    if fresh:
        query = query.execution_options(populate_existing=True)
    return session.exec(query).first()


def _locked_account(session: Session, shop_id: int, customer_id: int) -> PointsAccount | None:
    return session.exec(
        select(PointsAccount).where(PointsAccount.customer_id == customer_id, PointsAccount.shop_id == shop_id)
        .with_for_update().execution_options(populate_existing=True)
    ).first()


def _account_id(session: Session, shop_id: int, customer_id: int) -> int:
    """The shopper's account, opened on first use. Two first uses at once: one insert wins, the
    other's savepoint is rolled back and it reads the winner's row."""
    found = session.exec(
        select(PointsAccount.id).where(PointsAccount.customer_id == customer_id, PointsAccount.shop_id == shop_id)
    ).first()
    if found is not None:
        return found
    try:
        with session.begin_nested():
            row = PointsAccount(shop_id=shop_id, customer_id=customer_id)
            session.add(row)
            session.flush()
            return row.id
    except IntegrityError:
        return session.exec(
            select(PointsAccount.id).where(PointsAccount.customer_id == customer_id, PointsAccount.shop_id == shop_id)
        ).one()
