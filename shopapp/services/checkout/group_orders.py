"""拼团 orders: opening and joining a group (an order at the group price, placed like any other), and closing groups
whose window ran out or whose activity the owner ended: formed with virtual members, or failed with every unpaid
order cancelled and every paid member refunded in full through the orders' own refund service.

The group's rules (places, forming, joinability) are marketing/group_buys'; this module sits above orders so
that it can place and refund them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlmodel import Session

from shopapp.models import Order
from shopapp.models.group_buys import GroupBuy
from shopapp.services.checkout import cart as carts
from shopapp.services.checkout import place, pricing
from shopapp.services.core import idempotency
from shopapp.services.core.errors import Conflict, Invalid, require_fields
from shopapp.services.core.permissions import Actor
from shopapp.services.core.validation import checked_whole
from shopapp.services.customers import shoppers
from shopapp.services.marketing import group_buys
from shopapp.services.marketing.offers import Offers
from shopapp.services.orders import cancel, refunds, state
from shopapp.services.shops import shops

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _System(Actor):
    """The platform itself acting in a shop (the job closing a group, the activity's end): written "system" in events."""

    @property
    def label(self) -> str:
        return "system"


def open_group(
    session: Session, shop_id: int, group_buy_id, customer_token: str, body: dict, *, mobile: bool = True,
    idempotency_key: str | None = None,
) -> dict:
    """A logged-in shopper opens a group: a new group with their place, and their order at the group price.
    Answers {group_id, order_no, total, payment, token, ...}; nothing is kept when anything is refused. The same
    Idempotency-Key with the same request answers the first group again and places nothing twice."""
    customer = _customer(session, shop_id, customer_token)
    activity = group_buys.get_row(session, shop_id, group_buy_id)
    variant_id, qty = _wanted(activity, body)
    request = {"group_buy_id": activity.id, "customer_id": customer.id, "body": body}
    with session.begin_nested():
        if idempotency_key is not None:
            earlier = idempotency.recall(session, shop_id, "group_open", idempotency_key, request)
            if earlier is not None:
                return earlier
        group = group_buys.open_group(session, activity, customer.id)
        placed = _order(session, shop_id, activity, customer, variant_id, qty, body, mobile)
        group_buys.add_member(session, group, customer.id, placed["order_id"])
        answer = {"group_id": group.id, **placed}
        if idempotency_key is not None:
            idempotency.remember(session, shop_id, "group_open", idempotency_key, answer)
    return answer


def join_group(
    session: Session, shop_id: int, group_id, customer_token: str, body: dict, *, mobile: bool = True,
    idempotency_key: str | None = None,
) -> dict:
    """A logged-in shopper joins a group by ordering at its price: 409 already_joined / group_closed / group_full
    before anything is placed. The place is held from here until the order is paid or expires. A repeated
    Idempotency-Key answers the first join (not already_joined)."""
    customer = _customer(session, shop_id, customer_token)
    group = group_buys.get_group(session, shop_id, group_id)
    activity = session.get(GroupBuy, group.group_buy_id)
    variant_id, qty = _wanted(activity, body)
    request = {"group_id": group.id, "customer_id": customer.id, "body": body}
    with session.begin_nested():
        if idempotency_key is not None:
            earlier = idempotency.recall(session, shop_id, "group_join", idempotency_key, request)
            if earlier is not None:
                return earlier
        earlier_member = group_buys.take_place(session, group, customer.id)
        placed = _order(session, shop_id, activity, customer, variant_id, qty, body, mobile)
        group_buys.add_member(session, group, customer.id, placed["order_id"], earlier_member)
        answer = {"group_id": group.id, **placed}
        if idempotency_key is not None:
            idempotency.remember(session, shop_id, "group_join", idempotency_key, answer)
    return answer


def end_group_buy(session: Session, actor: Actor, group_buy_id) -> dict:
    """The owner ends the activity now: its forming groups fail at once (paid members refunded in full, unpaid
    orders cancelled); formed groups are left alone."""
    activity = group_buys.end_group_buy_row(session, actor, group_buy_id)
    for group in group_buys.forming_groups(session, actor.shop_id, activity.id):
        _close(session, group, allow_virtual=False)
    refund_failed_members(session)
    return group_buys.group_buy_dict(session, activity)


def close_due_groups(session: Session) -> int:
    """The job: every forming group whose window closed forms with virtual members (when the owner allows it and a
    member paid) or fails; then every paid member of a failed group is refunded. Each group in a savepoint of its own."""
    closed = 0
    for group in group_buys.due_groups(session):
        try:
            with session.begin_nested():
                if _close(session, group, allow_virtual=True):
                    closed += 1
        except Exception:  # noqa: BLE001 - one broken group must not stop the others from closing
            log.exception("could not close group %s", group.id)
    refund_failed_members(session)
    return closed


def refund_failed_members(session: Session) -> int:
    """Every paid member of a failed group gets all they paid back (the order closes, its units go back on sale).
    Also catches a payment that landed after its group failed."""
    refunded = 0
    for member in group_buys.members_to_refund(session):
        order = session.get(Order, member.order_id)
        try:
            with session.begin_nested():
                if order.status == "paid":
                    refunds.cancel_paid_order(session, _System(shop_id=order.shop_id, role="owner"), order, "group_failed")
                group_buys.mark_refunded(session, member)
            refunded += 1
        except Exception:  # noqa: BLE001 - the next run tries again
            log.exception("could not refund group order %s", order.order_no)
    return refunded


def group_of_order(session: Session, shop_id: int, order_no: str, token: str) -> dict | None:
    """The group of the shopper's order (by its link's token or their log-in), as the group page shows it; None
    for an order bought outside a group buy."""
    return group_buys.group_of_order(session, state.shopper_order(session, shop_id, order_no, token))


# Helpers ---------------------------------------------------------------------------------------

def _close(session: Session, group, *, allow_virtual: bool) -> str:
    status = group_buys.close_group(session, group, allow_virtual=allow_virtual)
    if status:
        system = _System(shop_id=group.shop_id, role="owner")
        for order_id in group_buys.unpaid_member_orders(session, group.id):
            try:
                with session.begin_nested():
                    cancel.cancel_order(session, system, order_id, "group_closed")
            except Conflict:
                continue  # paid a moment ago: a failed group's sweep refunds it
    return status


def _customer(session: Session, shop_id: int, customer_token: str):
    return shoppers.customer_for_token(session, shop_id, customer_token)  # Unauthorized login_required without one


def _wanted(activity: GroupBuy | None, body: dict) -> tuple[int, int]:
    body = body if isinstance(body, dict) else {}
    errors: dict[str, str] = {}
    variant_id = checked_whole(body.get("variant_id"), "variant_id", errors) if body.get("variant_id") not in (None, "") else None
    if variant_id is None and "variant_id" not in errors:
        errors["variant_id"] = "required"
    qty = checked_whole(body.get("qty", 1), "qty", errors)
    if qty is not None and not 1 <= qty <= group_buys.MAX_QTY:
        errors["qty"] = "number_out_of_range"
    require_fields(errors)
    if activity is None or str(variant_id) not in activity.prices:
        raise Invalid(fields={"variant_id": "variant_not_in_group_buy"})
    return variant_id, qty


def _order(session: Session, shop_id: int, activity: GroupBuy, customer, variant_id: int, qty: int, body: dict, mobile: bool) -> dict:
    """The member's order at the group price (PRICING.md step 1, exclusive), placed like a checkout's."""
    shop = shops.get_shop(session, shop_id)
    lines = carts.lines_of(session, shop_id, [(variant_id, qty)])
    checked = place.checked_order_input(
        session, shop, lines, body.get("email") or customer.email, body.get("address"), body.get("shipping_method_id"),
        body.get("note") or "", body.get("provider"),
    )
    if lines[0].problem:
        raise carts.line_problem(lines[0])
    offered = Offers(shop_id=shop_id, customer_id=customer.id, extra={"exclusive_prices": {variant_id: group_buys.group_price(activity, variant_id)}})
    priced = pricing.price_cart(lines, shipping_method=checked.method, offers=offered)
    return place.create_order(session, shop, lines, priced, offered, checked, mobile=mobile, customer_id=customer.id)

