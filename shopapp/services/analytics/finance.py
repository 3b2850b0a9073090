"""基础的财务数据: what the shop sold, gave off, charged for shipping and gave back, per day or month and per provider.

An order counts on the day it was paid (the shop's clock), at what it was paid: `gross_sales` is its
merchandise at list price (subtotal), `discounts` every saving of the pricing pipeline (discount_total,
which is subtotal minus the lines' `paid`), `shipping` what shipping was charged, and `gmv` its total
(gross_sales - discounts + shipping, as the dashboard counts it). Refunds count on the day they were
made, whenever the order was paid; net sales are GMV minus refunds. Money that came in for an order
that did not want it (paid twice, or after it was cancelled) went straight back and is in neither GMV
nor refunds: reconciliation lists it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, select

from shopapp.models import Order, Payment
from shopapp.models.aftersales import Refund
from shopapp.services.core.clock import shop_time, shop_today, start_of_day
from shopapp.services.core.errors import Invalid
from shopapp.services.core.permissions import Actor, require
from shopapp.settings import get_settings

FIGURES = ("paid_orders", "gross_sales", "discounts", "shipping", "gmv", "refunds", "net_sales")
GROUPS = ("day", "month")
PERIODS = ("today", "7d", "30d", "month")  # 今天, 近7天, 近30天, 本月
MAX_DAYS = 366  # a year, leap or not: longer ranges are refused, not slowly answered
TOOK_MONEY = ("succeeded", "refunded")  # a payment that was paid (refunded ones were paid first)
NO_PAYMENT = "none"  # an order of 0 (a points reward): nothing to pay


@dataclass(frozen=True)
class Range:
    first: date
    last: date  # inclusive

    @property
    def start(self) -> datetime:
        return start_of_day(self.first)

    @property
    def end(self) -> datetime:
        return start_of_day(self.last + timedelta(days=1))


def date_range(start=None, end=None, period: str | None = None, today: date | None = None) -> Range:
    """The days asked for: `period` (today, 7d, 30d, month — each ending today) or `start`..`end`
    (dates, inclusive; either alone means that single day). Default 近7天. A range reversed or
    longer than a year is refused with the field that is wrong."""
    today = today or shop_today()
    if period not in (None, ""):
        if period not in PERIODS:
            raise Invalid(fields={"period": "period_invalid"})
        days = {"today": 1, "7d": 7, "30d": 30, "month": today.day}[period]
        return Range(today - timedelta(days=days - 1), today)
    errors: dict[str, str] = {}
    first, last = _day(start, "from", errors), _day(end, "to", errors)
    if errors:
        raise Invalid(fields=errors)
    if first is None and last is None:
        return Range(today - timedelta(days=6), today)
    first, last = first or last, last or first
    if last < first:
        raise Invalid(fields={"to": "date_range_reversed"})
    if (last - first).days + 1 > MAX_DAYS:
        raise Invalid(fields={"to": "date_range_too_long"})
    return Range(first, last)


def finance_report(session: Session, actor: Actor, days: Range, group: str = "day") -> dict:
    """{from, to, group, days: [{date, <FIGURES>}], totals, providers: [{provider, <FIGURES>}]}.

    Every day (or month) of the range is listed, empty ones at 0, so a chart or a spreadsheet has no
    gaps; `date` is YYYY-MM-DD, or YYYY-MM by month. The totals are the sum of the rows and of the providers.
    """
    require(actor, "view_reports")
    if group not in GROUPS:
        raise Invalid(fields={"group": "group_invalid"})
    key = (lambda day: day.isoformat()) if group == "day" else (lambda day: day.strftime("%Y-%m"))
    rows: dict[str, dict] = {}
    for n in range((days.last - days.first).days + 1):
        rows.setdefault(key(days.first + timedelta(days=n)), _empty())
    providers: dict[str, dict] = {}
    orders = _paid_orders(session, actor.shop_id, days)
    paid_with = _providers(session, actor.shop_id, [order.id for order in orders])
    for order in orders:
        for figures in (rows[key(shop_time(order.paid_at).date())], providers.setdefault(paid_with.get(order.id, NO_PAYMENT), _empty())):
            _add_order(figures, order)
    for made_at, amount, provider in _refunds(session, actor.shop_id, days):
        for figures in (rows[key(shop_time(made_at).date())], providers.setdefault(provider or NO_PAYMENT, _empty())):
            figures["refunds"] += amount
            figures["net_sales"] -= amount
    return {
        "from": days.first, "to": days.last, "group": group,
        "days": [{"date": when, **figures} for when, figures in rows.items()],
        "totals": _sum(rows.values()),
        "providers": [{"provider": name, **providers[name]} for name in sorted(providers)],
    }


# Helpers ---------------------------------------------------------------------------------------

def _day(value, field: str, errors: dict[str, str]) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        errors[field] = "date_invalid"
        return None


def _empty() -> dict:
    return dict.fromkeys(FIGURES, 0)


def _add_order(figures: dict, order: Order) -> None:
    figures["paid_orders"] += 1
    figures["gross_sales"] += order.subtotal
    figures["discounts"] += order.discount_total
    figures["shipping"] += order.shipping_total
    figures["gmv"] += order.total
    figures["net_sales"] += order.total


def _sum(rows: Iterable[dict]) -> dict:
    totals = _empty()
    for row in rows:
        for name in FIGURES:
            totals[name] += row[name]
    return totals


def _paid_orders(session: Session, shop_id: int, days: Range) -> list[Order]:
    # Paid within UNPAID_ORDER_TTL of being placed (a day more covers a payment that beat the expiry
    # job): this created_at bound lets the (shop_id, created_at) index find the rows, as the dashboard does.
    placed_after = days.start - timedelta(seconds=get_settings().unpaid_order_ttl_seconds, days=1)
    return list(session.exec(
        select(Order).where(
            Order.shop_id == shop_id, Order.created_at >= placed_after,
            Order.paid_at >= days.start, Order.paid_at < days.end,
        ).order_by(Order.paid_at, Order.id)
    ).all())


def _providers(session: Session, shop_id: int, order_ids: list[int]) -> dict[int, str]:
    """order id -> the provider of the first payment that paid it."""
    found: dict[int, str] = {}
    for start in range(0, len(order_ids), 1000):
        for order_id, provider in session.exec(
            select(Payment.order_id, Payment.provider).where(
                Payment.shop_id == shop_id, Payment.order_id.in_(order_ids[start:start + 1000]),
                Payment.status.in_(TOOK_MONEY),
            ).order_by(Payment.id.desc())
        ).all():
            found[order_id] = provider  # the lowest id is written last
    return found


def _refunds(session: Session, shop_id: int, days: Range) -> list[tuple[datetime, int, str | None]]:
    return list(session.exec(
        select(Refund.created_at, Refund.amount, Payment.provider)
        .join(Payment, Payment.id == Refund.payment_id, isouter=True)
        .where(
            Refund.shop_id == shop_id, Refund.status == "succeeded",
            Refund.created_at >= days.start, Refund.created_at < days.end,
        ).order_by(Refund.id)
    ).all())
