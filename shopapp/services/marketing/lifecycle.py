"""What the marketing centre hears from the orders domain: an order changed status, or money went back.

The orders domain calls these in its own transaction (orders sit above marketing, so marketing never
imports them): points earned frozen at payment and made available when the order completes, points
and coupons given back when an unpaid order is cancelled or expires, points taken back in proportion
to a refund. Each activity adds its part here as it is built.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from shopapp.services.marketing import affiliate_money, bargains, coupons, flash_sales, group_buys, points
from shopapp.services.settlement import ledger


def order_moved(session: Session, order: Any, before: str, to: str) -> None:
    """The order went from status `before` to `to` (orders/state.transition, after its event)."""
    points.order_moved(session, order, before, to)
    affiliate_money.order_moved(session, order, before, to)  # 分销: commissions frozen, scheduled, taken back
    group_buys.order_moved(session, order, before, to)  # a group member's place is paid, freed or refunded
    if before == "pending_payment" and to == "cancelled":
        coupons.give_back(session, order)  # an unpaid order cancelled or expired: the coupon is the shopper's again
        bargains.order_closed(session, order)  # and a bargain's unit goes back to the activity
    flash_sales.order_moved(session, order, before, to)  # a cancelled flash order's units go back to the sale
    ledger.order_moved(session, order, before, to)  # the platform's commission and the shop's balance


def order_refunded(session: Session, order: Any, amount: int, units: dict[int, int]) -> None:
    """`amount` 分 of the order went back to the shopper; `units` are the refunded units per order item id
    (empty for a refund of an amount rather than of lines)."""
    points.order_refunded(session, order, amount, units)
    affiliate_money.order_refunded(session, order, amount, units)
    ledger.order_refunded(session, order, amount, units)
