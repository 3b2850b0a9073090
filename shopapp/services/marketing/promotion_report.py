"""What a promotion brought in (活动效果): its orders, units, revenue, discount given and customers.

An order is touched by a promotion when its pipeline listed a saving from it. The figures count paid
orders only, net of refunds: a touched line's revenue is what it was `paid` less what its refunded units
gave back (PRICING.md's rule), and an order refunded in full (closed) counts for nothing but the list.
"""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from shopapp.models import Order, OrderItem, RefundItem
from shopapp.services.core.money import refund_for_units
from shopapp.services.core.permissions import Actor, require
from shopapp.services.marketing import promotions

MAX_LISTED = 200  # orders listed in the report, newest first


def promotion_report(session: Session, actor: Actor, promotion_id) -> dict:
    """{orders, paid_orders, units, revenue, discount_total, customers, new_customers, order_list}."""
    require(actor, "view_reports")
    promo = promotions.get_row(session, actor.shop_id, promotion_id)
    touched = _touched_orders(session, actor.shop_id, promo)
    counted = [o for o in touched if o.paid_at is not None and o.status != "closed"]
    items = _touched_items(session, [o.id for o in counted], promo)
    refunded = _refunded_units(session, [item.id for item in items])
    units = revenue = given = 0
    for item in items:
        back = refunded.get(item.id, [])
        kept = item.qty - sum(back)
        units += kept
        revenue += item.paid - (_refunded_amount(item, back) if back else 0)
        given += sum(s["amount"] for s in item.discounts if _is_of(s, promo))
    buyers = {o.email for o in counted}  # an account's orders carry its address too
    return {
        "promotion": promotions.promotion_dict(promo),
        "orders": len([o for o in touched if o.status != "cancelled"]), "paid_orders": len(counted),
        "units": units, "revenue": revenue, "discount_total": given,
        "customers": len(buyers), "new_customers": _new_customers(session, actor.shop_id, counted),
        "order_list": [_order_row(o, promo) for o in touched[:MAX_LISTED]],
    }


def _is_of(saving: dict, promo) -> bool:
    return saving.get("source") == promo.kind and saving.get("id") == promo.id


def _touched_orders(session: Session, shop_id: int, promo) -> list[Order]:
    """Orders placed since the promotion was made whose savings name it, newest first. The savings are
    JSON (no portable index), so the shop's orders of the promotion's time are read and looked at."""
    placed = session.exec(
        select(Order).where(Order.shop_id == shop_id, Order.created_at >= promo.created_at)
        .order_by(col(Order.created_at).desc(), col(Order.id).desc())
    )
    return [order for order in placed if any(_is_of(s, promo) for s in order.discounts or ())]


def _touched_items(session: Session, order_ids: list[int], promo) -> list[OrderItem]:
    if not order_ids:
        return []
    items = session.exec(select(OrderItem).where(col(OrderItem.order_id).in_(order_ids)).order_by(OrderItem.id))
    return [item for item in items if any(_is_of(s, promo) for s in item.discounts or ())]


def _refunded_units(session: Session, item_ids: list[int]) -> dict[int, list[int]]:
    """Each item's refunded units, refund by refund in order."""
    if not item_ids:
        return {}
    rows = session.exec(
        select(RefundItem.order_item_id, RefundItem.qty).where(col(RefundItem.order_item_id).in_(item_ids)).order_by(RefundItem.id)
    ).all()
    back: dict[int, list[int]] = {}
    for item_id, qty in rows:
        back.setdefault(item_id, []).append(qty)
    return back


def _refunded_amount(item: OrderItem, back: list[int]) -> int:
    return sum(refund_for_units(item.paid, item.qty, units, back[:n]) for n, units in enumerate(back))


def _new_customers(session: Session, shop_id: int, counted: list[Order]) -> int:
    """Buyers whose first paid order in the shop is one this promotion touched."""
    if not counted:
        return 0
    emails = sorted({o.email for o in counted})  # checkout keeps addresses in lower case
    first = dict(session.exec(
        select(Order.email, func.min(Order.paid_at))
        .where(Order.shop_id == shop_id, col(Order.paid_at).is_not(None), col(Order.email).in_(emails))
        .group_by(Order.email)
    ).all())
    return len({o.email for o in counted if first.get(o.email) == o.paid_at})


def _order_row(order: Order, promo) -> dict:
    return {
        "id": order.id, "order_no": order.order_no, "status": order.status, "total": order.total,
        "discount": sum(s["amount"] for s in order.discounts if _is_of(s, promo)),
        "created_at": promotions.iso(order.created_at),
    }
