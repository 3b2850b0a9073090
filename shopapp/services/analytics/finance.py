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

from sqlalchemy import Date, and_, cast, delete, exists, func, literal_column
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from shopapp.models import FinanceDay, Order, Payment
from shopapp.models.aftersales import Refund
from shopapp.services.analytics import sealed
from shopapp.services.core.clock import shop_today, shop_zone, start_of_day
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
    for (day, provider), figures in _figures(session, actor.shop_id, days).items():
        for target in (rows[key(day)], providers.setdefault(provider, _empty())):
            for name, value in figures.items():
                target[name] += value
    return {
        "from": days.first, "to": days.last, "group": group,
        "days": [{"date": when, **figures} for when, figures in rows.items()],
        "totals": _sum(rows.values()),
        "providers": [{"provider": name, **providers[name]} for name in sorted(providers)],
    }


def day_groups(session: Session, shop_id: int, days: Range) -> dict[tuple[date, str], dict]:
    """{(day, provider): figures} computed from the orders and refunds of the range: what the rollup stores for
    a day that is over and what the report computes live for the others (today at least)."""
    groups: dict[tuple[date, str], dict] = {}
    for day, provider, figures in _order_groups(session, shop_id, days):
        target = groups.setdefault((day, provider or NO_PAYMENT), _empty())
        for name, value in figures.items():
            target[name] += value
    for day, provider, amount in _refund_groups(session, shop_id, days):
        target = groups.setdefault((day, provider or NO_PAYMENT), _empty())
        target["refunds"] += amount
        target["net_sales"] -= amount
    return groups


def roll_up_day(session: Session, shop_id: int, day: date) -> int:
    """(Re)write the shop-day's finance_day rows (one per provider that took or gave back money); called by
    rollups.roll_up_day, whose analytics_day totals row marks the day as rolled up. Returns the rows written."""
    session.exec(delete(FinanceDay).where(FinanceDay.shop_id == shop_id, FinanceDay.day == day))
    groups = day_groups(session, shop_id, Range(day, day))
    for (when, provider), figures in groups.items():
        session.add(FinanceDay(shop_id=shop_id, day=when, provider=provider, **figures))
    return len(groups)


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


def _figures(session: Session, shop_id: int, days: Range) -> dict[tuple[date, str], dict]:
    """{(day, provider): figures} of the range: days that are over and rolled up from finance_day, the others
    (today at least, and any day the job has not sealed yet) computed live by day_groups."""
    rolled = sealed.rolled_days(session, shop_id, days.first, days.last, shop_today(shop_id))
    groups: dict[tuple[date, str], dict] = {}
    if rolled:
        for row in session.exec(
            select(FinanceDay.day, FinanceDay.provider, *[getattr(FinanceDay, name) for name in FIGURES])
            .where(FinanceDay.shop_id == shop_id, FinanceDay.day.in_(sorted(rolled)))
        ).all():
            groups[(_as_date(row[0]), row[1])] = dict(zip(FIGURES, row[2:]))
    for first, last in sealed.live_runs(days.first, days.last, rolled):
        groups.update(day_groups(session, shop_id, Range(first, last)))
    return groups


def _empty() -> dict:
    return dict.fromkeys(FIGURES, 0)


def _sum(rows: Iterable[dict]) -> dict:
    totals = _empty()
    for row in rows:
        for name in FIGURES:
            totals[name] += row[name]
    return totals


def _order_groups(session: Session, shop_id: int, days: Range) -> list[tuple[date, str | None, dict]]:
    """(day, provider, figures) of the orders paid in the range, summed by the database: a year of a
    big shop is a few hundred groups, not a million rows. The provider is the first payment's that took
    the money (a second one is reconciliation's business); none for an order of 0."""
    # Paid within UNPAID_ORDER_TTL of being placed (a day more covers a payment that beat the expiry
    # job): this created_at bound lets the (shop_id, created_at) index find the rows, as the dashboard does.
    start, end = start_of_day(days.first, shop_id), start_of_day(days.last + timedelta(days=1), shop_id)
    placed_after = start - timedelta(seconds=get_settings().unpaid_order_ttl_seconds, days=1)
    earlier = aliased(Payment)
    day = shop_day(session, Order.paid_at, shop_id)
    paying = and_(
        Payment.order_id == Order.id, Payment.status.in_(TOOK_MONEY),
        ~exists().where(earlier.order_id == Order.id, earlier.status.in_(TOOK_MONEY), earlier.id < Payment.id),
    )
    found = session.exec(
        select(day, Payment.provider, func.count(), func.sum(Order.subtotal), func.sum(Order.discount_total),
               func.sum(Order.shipping_total), func.sum(Order.total))
        .select_from(Order).join(Payment, paying, isouter=True)
        .where(Order.shop_id == shop_id, Order.created_at >= placed_after, Order.paid_at >= start, Order.paid_at < end)
        .group_by(day, Payment.provider)
    ).all()
    return [
        (_as_date(when), provider, {
            "paid_orders": count, "gross_sales": int(gross), "discounts": int(off), "shipping": int(shipping),
            "gmv": int(gmv), "net_sales": int(gmv),
        })
        for when, provider, count, gross, off, shipping, gmv in found
    ]


def _refund_groups(session: Session, shop_id: int, days: Range) -> list[tuple[date, str | None, int]]:
    day = shop_day(session, Refund.created_at, shop_id)
    start, end = start_of_day(days.first, shop_id), start_of_day(days.last + timedelta(days=1), shop_id)
    found = session.exec(
        select(day, Payment.provider, func.sum(Refund.amount))
        .select_from(Refund).join(Payment, Payment.id == Refund.payment_id, isouter=True)
        .where(
            Refund.shop_id == shop_id, Refund.status == "succeeded",
            Refund.created_at >= start, Refund.created_at < end,
        ).group_by(day, Payment.provider)
    ).all()
    return [(_as_date(when), provider, int(amount)) for when, provider, amount in found]


def shop_day(session: Session, column, shop_id: int | None = None):
    """The shop's calendar day of a stored moment, computed by the database (the shop's clock is a
    fixed offset from UTC: core/clock)."""
    minutes = int(shop_zone(shop_id).utcoffset(None).total_seconds() // 60)
    if session.get_bind().dialect.name == "postgresql":
        sign, value = ("+" if minutes >= 0 else "-"), abs(minutes)
        return cast(func.timezone(literal_column(f"INTERVAL '{sign}{value // 60:02d}:{value % 60:02d}'"), column), Date)
    return func.date(column, f"{minutes:+d} minutes")


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
