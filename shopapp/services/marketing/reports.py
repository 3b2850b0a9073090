"""An activity's numbers (API.md: `GET …/{id}/report`): the orders it touched, paid ones only, net of refunds.

One function for every activity: each passes the ids of the orders it touched and how its savings are
marked in an order's `discounts` ({source, id}), so a coupon and a 满减 are counted the same way.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func
from sqlmodel import Session, select

from shopapp.models import Order, OrderItem, Refund, RefundItem

MAX_LISTED = 200  # the orders listed under the numbers, newest first


def activity_report(session: Session, shop_id: int, order_ids: Iterable[int], sources: tuple[str, ...], activity_id: int) -> dict:
    """`{orders, paid_orders, units, revenue, discount_total, customers, new_customers, order_list}`:
    revenue is what the paid orders took less their refunds, units less the refunded ones, discount_total
    what this activity took off them; a new customer's first paid order in the shop is one of these."""
    ids = sorted(set(order_ids))
    orders = session.exec(select(Order).where(Order.shop_id == shop_id, Order.id.in_(ids or [0]))
                          .order_by(Order.created_at.desc(), Order.id.desc())).all()
    paid = [order for order in orders if order.paid_at is not None]
    paid_ids = [order.id for order in paid] or [0]
    units = session.exec(select(func.coalesce(func.sum(OrderItem.qty), 0)).where(OrderItem.order_id.in_(paid_ids))).one()
    refunded_units = session.exec(
        select(func.coalesce(func.sum(RefundItem.qty), 0)).join(Refund, Refund.id == RefundItem.refund_id)
        .where(RefundItem.order_id.in_(paid_ids), Refund.status == "succeeded")
    ).one()
    who = {order.id: order.customer_id or order.email for order in paid}
    return {
        "orders": len(orders), "paid_orders": len(paid), "units": units - refunded_units,
        "revenue": sum(order.total - order.refunded_total for order in paid),
        "discount_total": sum(_taken(order, sources, activity_id) for order in paid),
        "customers": len(set(who.values())), "new_customers": len(_new_customers(session, shop_id, paid)),
        "order_list": [_listed(order, sources, activity_id) for order in orders[:MAX_LISTED]],
    }


def _taken(order: Order, sources: tuple[str, ...], activity_id: int) -> int:
    return sum(d.get("amount", 0) for d in order.discounts if d.get("source") in sources and d.get("id") == activity_id)


def _new_customers(session: Session, shop_id: int, paid: list[Order]) -> set:
    """The shoppers (account, else e-mail) whose first paid order in the shop is one of `paid`."""
    new = set()
    for order in paid:
        earlier = select(func.count()).select_from(Order).where(
            Order.shop_id == shop_id, Order.paid_at.is_not(None), Order.paid_at < order.paid_at,
            (Order.customer_id == order.customer_id) if order.customer_id else (Order.email == order.email),
        )
        if not session.exec(earlier).one():
            new.add(order.customer_id or order.email)
    return new


def _listed(order: Order, sources: tuple[str, ...], activity_id: int) -> dict:
    return {
        "id": order.id, "order_no": order.order_no, "status": order.status, "total": order.total,
        "refunded_total": order.refunded_total, "discount": _taken(order, sources, activity_id),
        "created_at": order.created_at,
    }
