"""Cancelling orders: by staff (a paid one is refunded in full), by the shopper, and unpaid ones that expire."""

from __future__ import annotations

import logging

from sqlmodel import Session, select

from shopapp.models import Order
from shopapp.models.base import utcnow
from shopapp.services.core.errors import Conflict, Invalid
from shopapp.services.core.permissions import Actor, require
from shopapp.services.inventory import ledger
from shopapp.services.orders import refunds
from shopapp.services.orders.state import MAX_REASON, get_order, order_items, record_event, shopper_order, transition

log = logging.getLogger(__name__)


def cancel_order(session: Session, actor: Actor, order_id: int, reason: str = "") -> Order:
    """Staff cancel an order not shipped yet; its stock goes back on sale. A paid one is refunded in full (closed)."""
    require(actor, "manage_orders")
    order = get_order(session, actor, order_id)
    if order.status != "pending_payment":
        return refunds.cancel_paid_order(session, actor, order, reason)
    return _cancel(session, order, actor.label, reason)


def cancel_my_order(session: Session, shop_id: int, order_no: str, token: str, reason: str = "") -> Order:
    """The shopper cancels their own unpaid order from its page."""
    return _cancel(session, shopper_order(session, shop_id, order_no, token), "shopper", reason)


def expire_unpaid_orders(session: Session, limit: int = 200) -> int:
    """The job: cancel orders whose payment did not arrive in time and release their stock.

    Safe with several workers: each cancellation is the status compare-and-set in
    `transition`, so only one worker (or the payment that just arrived) can win an order.
    """
    due = session.exec(
        select(Order).where(Order.status == "pending_payment", Order.expires_at <= utcnow())
        .order_by(Order.expires_at, Order.id).limit(limit)
    ).all()
    expired = 0
    for order in due:
        try:
            with session.begin_nested():
                _cancel(session, order, "system", "payment_timeout")
            expired += 1
        except Conflict:
            continue  # paid or cancelled a moment ago by someone else
        except Exception:  # noqa: BLE001 - one broken order must not stop the others from expiring
            log.exception("could not expire order %s", order.order_no)
    return expired


def _cancel(session: Session, order: Order, actor_label: str, reason: str) -> Order:
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        raise Invalid(fields={"reason": "too_long"})
    transition(session, order, "cancelled", actor_label, {"reason": reason} if reason else {})
    _release_stock(session, order)
    return order


def _release_stock(session: Session, order: Order) -> None:
    """Every unit goes back where it came from: stock, or the pre-sale quota it took a place in."""
    items = order_items(session, order)
    kept = ledger.put_back_for_order(
        session, f"order:{order.order_no}", order.shop_id,
        [(item.variant_id, item.product_id, item.qty, item.sold_from) for item in items], "order cancelled",
    )
    # The product was deleted since, or its pre-sale ended: nothing to put back.
    for variant_id, qty in kept:
        record_event(session, order, "stock_not_released", "system", {"variant_id": variant_id, "qty": qty})
