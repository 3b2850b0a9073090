"""The shop's figures: sales, refunds and what waits for the owner, by China-time day."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from shopapp.models import Order
from shopapp.models.aftersales import AftersalesRequest, Refund
from shopapp.services.core.clock import shop_time, start_of_day
from shopapp.services.core.money import average
from shopapp.services.core.permissions import Actor, require
from shopapp.settings import get_settings

DAYS = 30
WAITING_TO_SHIP = ("paid", "partially_shipped")
WAITING_FOR_SHOP = ("requested", "returning")  # the shop decides, or checks the parcel that came back


def dashboard(session: Session, actor: Actor, today: date) -> dict:
    """Today, the last 7 and the last 30 days (each ending today), a daily series of 30 days, and the queues.

    GMV is what orders paid in the period cost (refunded or not): their total, which is the
    lines' `paid` after every saving plus shipping, never list prices; refunds are counted on the
    day they were made; net sales are GMV minus refunds. Days are China-time days.
    """
    require(actor, "view_reports")
    first = today - timedelta(days=DAYS - 1)
    start, end = _midnight(first), _midnight(today + timedelta(days=1))
    days = {first + timedelta(days=n): {"gmv": 0, "paid_orders": 0, "refunds": 0} for n in range(DAYS)}
    for paid_at, total in _paid_orders(session, actor.shop_id, start, end):
        day = days[shop_time(paid_at).date()]
        day["gmv"] += total
        day["paid_orders"] += 1
    for made_at, amount in session.exec(
        select(Refund.created_at, Refund.amount)
        .where(Refund.shop_id == actor.shop_id, Refund.created_at >= start, Refund.created_at < end)
    ).all():
        days[shop_time(made_at).date()]["refunds"] += amount
    series = [{"date": day, **figures, "net_sales": figures["gmv"] - figures["refunds"]} for day, figures in days.items()]
    return {
        "today": _period(series[-1:]),
        "last_7_days": _period(series[-7:]),
        "last_30_days": _period(series),
        "orders_waiting_to_ship": _count(session, Order, Order.shop_id == actor.shop_id, Order.status.in_(WAITING_TO_SHIP)),
        "aftersales_waiting": _count(
            session, AftersalesRequest,
            AftersalesRequest.shop_id == actor.shop_id, AftersalesRequest.status.in_(WAITING_FOR_SHOP),
        ),
        "daily": series,
    }


# Helpers ---------------------------------------------------------------------------------------

def _paid_orders(session: Session, shop_id: int, start: datetime, end: datetime) -> list[tuple[datetime, int]]:
    # An order is paid within UNPAID_ORDER_TTL of being placed (a day more covers a payment that
    # beat the expiry job), so this created_at bound lets the (shop_id, created_at) index find
    # the rows without changing the answer.
    placed_after = start - timedelta(seconds=get_settings().unpaid_order_ttl_seconds, days=1)
    return list(session.exec(
        select(Order.paid_at, Order.total).where(
            Order.shop_id == shop_id, Order.created_at >= placed_after, Order.paid_at >= start, Order.paid_at < end,
        )
    ).all())


def _period(series: list[dict]) -> dict:
    gmv, orders, refunds = (sum(day[key] for day in series) for key in ("gmv", "paid_orders", "refunds"))
    return {
        "gmv": gmv, "paid_orders": orders, "average_order_value": average(gmv, orders),
        "refunds": refunds, "net_sales": gmv - refunds,
    }


def _count(session: Session, table, *conditions) -> int:
    return session.exec(select(func.count()).select_from(table).where(*conditions)).one()


def _midnight(day: date) -> datetime:
    return start_of_day(day)
