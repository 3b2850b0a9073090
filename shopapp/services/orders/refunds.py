"""Refunds: money back through the payment provider, never more than was paid, stock back for returned lines."""

from __future__ import annotations

from sqlalchemy import func, update
from sqlmodel import Session, select

from shopapp.models import Order, Payment
from shopapp.models.aftersales import Refund, RefundItem
from shopapp.models.base import utcnow
from shopapp.services.core import idempotency
from shopapp.services.core.errors import Conflict, Invalid, NotFound, require_fields
from shopapp.services.core.money import format_money, refund_for_units
from shopapp.services.core.outbox import queue_bilingual
from shopapp.services.core.permissions import Actor, require
from shopapp.services.core.validation import checked_text
from shopapp.services.customers import profiles
from shopapp.services.inventory import availability, ledger
from shopapp.services.marketing import lifecycle
from shopapp.services.orders import fulfillment, payments, state
from shopapp.services.shops import shops

REFUNDABLE_STATUSES = ("paid", "partially_shipped", "shipped", "delivered", "completed")
MAX_REASON = 200


def refund(
    session: Session, actor: Actor, order_id: int, amount: int, reason: str = "", items: list[dict] | None = None,
    idempotency_key: str | None = None, *, returned: bool = False, aftersales_id: int | None = None,
) -> dict:
    """Give `amount` of a paid order back through its payment provider; answers the refund.

    `items` [{order_item_id, qty, restock (default true)}] says which lines come back; without an
    `amount` they give back what those units were paid (paid_for_units). Restocked
    ones go back on sale. Units not shipped yet are the first a line gives back (they will never
    ship) unless `returned` says the shopper sent shipped ones back. All refunds of an order never
    exceed what was paid: the order row is locked, so two refunds racing are counted one after the
    other. Fully refunded, the order is closed; otherwise it is partially_refunded. The same
    Idempotency-Key with the same request answers the first refund and does nothing again.
    """
    require(actor, "manage_orders")
    request = {"order_id": order_id, "amount": amount, "reason": reason, "items": items}
    # A savepoint around everything: a refusal undoes the key's claim and whatever came before it.
    with session.begin_nested():
        if idempotency_key is not None:
            earlier = idempotency.recall(session, actor.shop_id, "refund", idempotency_key, request)
            if earlier is not None:
                return earlier
        answer = _refund(session, actor, order_id, amount, reason, items, returned, aftersales_id)
        if idempotency_key is not None:
            idempotency.remember(session, actor.shop_id, "refund", idempotency_key, answer)
    return answer


def cancel_paid_order(session: Session, actor: Actor, order: Order, reason: str = "") -> Order:
    """Cancel a paid order not shipped yet: everything paid goes back, every unit back on sale, the order closed."""
    require(actor, "manage_orders")
    if order.status != "paid":
        raise Conflict("illegal_transition")
    reason = (reason or "").strip() or "order cancelled"
    lines = [
        {"order_item_id": item_id, "qty": units, "restock": True}
        for item_id, units in unrefunded_units(session, order).items() if units
    ]
    if order.total == 0:  # a free order: nothing to pay back (and nothing shipped yet)
        units = {line["order_item_id"]: line["qty"] for line in lines}
        _restock(session, actor.label, order, units, unshipped=units)
        state.transition(session, order, "closed", actor.label, {"reason": reason})
    else:
        left = refundable(session, order)
        if not left:
            raise Conflict("order_not_refundable")
        refund(session, actor, order.id, left, reason, lines)
    session.refresh(order)
    return order


def refundable(session: Session, order: Order) -> int:
    """What can still be given back: taken by its payments, minus what they gave back already."""
    taken = session.exec(
        select(func.coalesce(func.sum(Payment.amount - Payment.refunded_amount), 0))
        .where(Payment.order_id == order.id, Payment.status.in_(("succeeded", "refunded")))
    ).one()
    return int(taken)


def check_refund(session: Session, order: Order, amount, items) -> None:
    """Refuse now what `refund` would refuse later (a return is approved first and refunded on receipt)."""
    errors: dict[str, str] = {}
    _checked_amount(amount, errors)
    require_fields(errors)
    if amount > refundable(session, order):
        raise Invalid(fields={"amount": "refund_too_large"})
    _checked_lines(session, order, items)


def paid_for_units(session: Session, order: Order, items) -> int:
    """What the listed units [{order_item_id, qty}] were paid, as PRICING.md refunds them: k of a
    line's n units give back floor(paid × k / n) of the line's `paid`, its last units what is left."""
    return _paid_for(session, order, _checked_lines(session, order, items))


def unrefunded_units(session: Session, order: Order) -> dict[int, int]:
    """order_item_id -> units bought and not refunded yet."""
    refunded = dict(session.exec(
        select(RefundItem.order_item_id, func.sum(RefundItem.qty))
        .where(RefundItem.order_id == order.id).group_by(RefundItem.order_item_id)
    ).all())
    return {item.id: item.qty - int(refunded.get(item.id) or 0) for item in state.order_items(session, order)}


def list_refunds(session: Session, actor: Actor, order_id: int) -> list[dict]:
    order = state.get_order(session, actor, order_id)
    found = session.exec(select(Refund).where(Refund.order_id == order.id).order_by(Refund.id)).all()
    return [refund_dict(session, r) for r in found]


def refund_dict(session: Session, refund_row: Refund) -> dict:
    """Plain JSON values (times as ISO text): the answer an Idempotency-Key keeps."""
    lines = session.exec(select(RefundItem).where(RefundItem.refund_id == refund_row.id).order_by(RefundItem.id)).all()
    return {
        "id": refund_row.id, "order_id": refund_row.order_id, "amount": refund_row.amount, "reason": refund_row.reason,
        "status": refund_row.status, "payment_id": refund_row.payment_id, "aftersales_id": refund_row.aftersales_id,
        "provider_reference": refund_row.provider_reference,
        "items": [{"order_item_id": i.order_item_id, "qty": i.qty, "restock": i.restock} for i in lines],
        "created_at": refund_row.created_at.isoformat(timespec="seconds").replace("+00:00", "Z"),
    }


# Helpers ---------------------------------------------------------------------------------------

def _refund(
    session: Session, actor: Actor, order_id: int, amount, reason, items, returned: bool, aftersales_id: int | None,
) -> dict:
    errors: dict[str, str] = {}
    by_lines = amount is None and items not in (None, [])  # the lines' units give back what they were paid
    if not by_lines:
        _checked_amount(amount, errors)
    reason = checked_text(reason, errors, "reason", limit=MAX_REASON)
    require_fields(errors)
    order = _locked_order(session, actor.shop_id, order_id)
    if order.status not in REFUNDABLE_STATUSES:
        raise Conflict("order_not_refundable")
    if by_lines:
        amount = _paid_for(session, order, _checked_lines(session, order, items))
        _checked_amount(amount, errors)
        require_fields(errors)
    if amount > refundable(session, order):
        raise Invalid(fields={"amount": "refund_too_large"})
    lines = _checked_lines(session, order, items)
    refund_row = _pay_back(session, actor, order, amount, reason, aftersales_id)
    unshipped = _record_lines(session, order, refund_row, lines, returned)
    _restock(session, actor.label, order, {i: qty for i, (qty, restock) in lines.items() if restock}, unshipped)
    _settle_order(session, actor, order, refund_row)
    lifecycle.order_refunded(session, order, amount, {i: qty for i, (qty, _) in lines.items()})
    profiles.order_changed(session, order)
    shop = shops.get_shop(session, order.shop_id)
    queue_bilingual(
        session, order.shop_id, order.email, "email.refund_processed",
        shop=shop.name, order_no=order.order_no, amount=format_money(amount, order.currency),
    )
    return refund_dict(session, refund_row)


def _locked_order(session: Session, shop_id: int, order_id: int) -> Order:
    order = session.exec(
        select(Order).where(Order.id == order_id, Order.shop_id == shop_id)
        .with_for_update().execution_options(populate_existing=True)
    ).first()
    if order is None:
        raise NotFound()
    return order


def _checked_amount(amount, errors: dict[str, str]) -> None:
    if not isinstance(amount, int) or isinstance(amount, bool):
        errors["amount"] = "must_be_whole_number"
    elif amount < 1:
        errors["amount"] = "must_be_positive"


def _checked_lines(session: Session, order: Order, items) -> dict[int, tuple[int, bool]]:
    """order_item_id -> (units, restock), never more units of a line than were bought and not refunded."""
    if items in (None, []):
        return {}
    if not isinstance(items, list):
        raise Invalid(fields={"items": "invalid"})
    left = unrefunded_units(session, order)
    errors: dict[str, str] = {}
    lines: dict[int, tuple[int, bool]] = {}
    for n, line in enumerate(items):
        line = line if isinstance(line, dict) else {}
        item_id, qty, restock = line.get("order_item_id"), line.get("qty"), line.get("restock", True)
        if not isinstance(item_id, int) or item_id not in left:
            errors[f"items.{n}.order_item_id"] = "order_item_invalid"
        elif not isinstance(qty, int) or isinstance(qty, bool) or qty < 1:
            errors[f"items.{n}.qty"] = "must_be_positive"
        elif not isinstance(restock, bool):
            errors[f"items.{n}.restock"] = "yes_or_no"
        elif lines.get(item_id, (0, True))[0] + qty > left[item_id]:
            errors[f"items.{n}.qty"] = "refund_qty_too_large"
        else:
            lines[item_id] = (lines.get(item_id, (0, True))[0] + qty, restock)
    require_fields(errors)
    return lines


def _paid_for(session: Session, order: Order, lines: dict[int, tuple[int, bool]]) -> int:
    """The lines' units at what they were paid, each line's earlier refunds counted by the same rule."""
    items = {item.id: item for item in state.order_items(session, order)}
    earlier: dict[int, list[int]] = {}
    for item_id, qty in session.exec(
        select(RefundItem.order_item_id, RefundItem.qty).where(RefundItem.order_id == order.id).order_by(RefundItem.id)
    ).all():
        earlier.setdefault(item_id, []).append(qty)
    return sum(
        refund_for_units(items[item_id].paid, items[item_id].qty, qty, earlier.get(item_id, []))
        for item_id, (qty, _) in lines.items()
    )


def _pay_back(
    session: Session, actor: Actor, order: Order, amount: int, reason: str, aftersales_id: int | None,
) -> Refund:
    """The provider gives the money back from the payment that took it (an order has one that succeeded)."""
    payment = session.exec(
        select(Payment).where(
            Payment.order_id == order.id, Payment.status == "succeeded",
            Payment.amount - Payment.refunded_amount >= amount,
        ).order_by(Payment.id).execution_options(populate_existing=True)
    ).first()
    if payment is None:
        raise Invalid(fields={"amount": "refund_too_large"})
    number = session.exec(select(func.count()).select_from(Refund).where(Refund.payment_id == payment.id)).one()
    request_no = f"{payment.reference}-R{number + 1}"
    reference = payments.gateway_of(session, payment).refund(payment, amount, reason or "退款", request_no)
    refunded = payment.refunded_amount + amount
    session.exec(
        update(Payment).where(Payment.id == payment.id).values(
            refunded_amount=refunded, refund_reference=reference[:100], updated_at=utcnow(),
            status="refunded" if refunded >= payment.amount else "succeeded",
        ).execution_options(synchronize_session=False)
    )
    row = Refund(
        shop_id=order.shop_id, order_id=order.id, payment_id=payment.id, aftersales_id=aftersales_id, amount=amount,
        reason=reason, request_no=request_no, provider_reference=reference[:100], actor=actor.label[:100],
    )
    session.add(row)
    session.flush()
    return row


def _record_lines(
    session: Session, order: Order, refund_row: Refund, lines: dict[int, tuple[int, bool]], returned: bool,
) -> dict[int, int]:
    """The refund's lines; answers order_item_id -> how many of its units were never shipped."""
    still_to_ship = {} if returned else fulfillment.remaining_to_ship(session, order)
    unshipped = {item_id: min(qty, still_to_ship.get(item_id, 0)) for item_id, (qty, _) in lines.items()}
    session.add_all(
        RefundItem(
            refund_id=refund_row.id, shop_id=order.shop_id, order_id=order.id, order_item_id=item_id, qty=qty,
            restock=restock, unshipped_qty=unshipped[item_id],
        )
        for item_id, (qty, restock) in sorted(lines.items())
    )
    session.flush()
    return unshipped


def _restock(
    session: Session, actor_label: str, order: Order, units: dict[int, int], unshipped: dict[int, int],
) -> None:
    """Lines coming back go on sale again. Units never shipped go back where they were taken from
    (stock, or their pre-sale quota); units that were shipped and came back are goods in hand: stock."""
    items = {item.id: item for item in state.order_items(session, order)}
    lines = []
    for item_id, qty in units.items():
        item = items[item_id]
        never_shipped = min(qty, unshipped.get(item_id, 0))
        lines.append((item.variant_id, item.product_id, never_shipped, item.sold_from))
        lines.append((item.variant_id, item.product_id, qty - never_shipped, availability.STOCK))
    kept = ledger.put_back_for_order(session, actor_label, order.shop_id, lines, f"refund {order.order_no}")
    # The product was deleted since, or its pre-sale ended: nothing to put back.
    for variant_id, qty in kept:
        state.record_event(session, order, "stock_not_restocked", "system", {"variant_id": variant_id, "qty": qty})


def _settle_order(session: Session, actor: Actor, order: Order, refund_row: Refund) -> None:
    """The order's refunded total and event; closed once everything paid went back, else partially_refunded."""
    fully = refundable(session, order) == 0
    session.exec(
        update(Order).where(Order.id == order.id).values(
            refunded_total=Order.refunded_total + refund_row.amount, updated_at=utcnow(),
            financial_status="refunded" if fully else "partially_refunded",
        ).execution_options(synchronize_session=False)
    )
    session.refresh(order)
    state.record_event(session, order, "refunded", actor.label, {
        "refund_id": refund_row.id, "amount": refund_row.amount, "reason": refund_row.reason,
    })
    if fully:
        state.transition(session, order, "closed", actor.label, {"reason": "refunded_in_full"})
    else:
        fulfillment.settle_after_refund(session, order, actor.label)
