"""Payment reconciliation (对账): each provider's records against the orders, and what does not match (the
comparisons themselves are in mismatches.py).

A range is read from the days the roll-up already checked (reconciliation_day, written by check_day for every
day that is over) and only the others, today at least, are compared live: a month of a busy shop is tens of
thousands of payments, seconds to compare, and the 财务 page shows it at once. A day that had mismatches is
checked again by the job until it comes out clean (a duplicate refunded days later leaves the list), and the
last two days are checked again anyway (a notification can arrive a day late), like every rollup.

An uploaded statement is compared live, over its whole range, with its provider's records. Lines of another
shop's payments (a platform-wide Alipay statement) are left out, never shown.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete
from sqlmodel import Session, select

from shopapp.models import ReconciliationDay
from shopapp.services.analytics import finance, mismatches, statements
from shopapp.services.analytics.finance import Range
from shopapp.services.analytics.mismatches import KINDS, PROVIDERS
from shopapp.services.analytics.sealed import live_runs
from shopapp.services.core.clock import shop_today
from shopapp.services.core.errors import Invalid
from shopapp.services.core.permissions import Actor, require

__all__ = ["KINDS", "PROVIDERS", "check_day", "checked_days", "recheck_open_days", "reconcile", "reconcile_statement"]
SUMMARY = ("payments", "amount", "refunds", "fees")


def reconcile(
    session: Session, actor: Actor, days: Range, statement: list[statements.StatementLine] | None = None,
    provider: str = "alipay",
) -> dict:
    """{from, to, providers: [{provider, payments, amount, refunds, statement}], mismatches: [...]}.

    Each mismatch is {kind, provider, order_no, reference, provider_reference, what ("payment" or
    "refund"), ours, theirs, row} with amounts in 分 (row: the statement's line number, 0 when none).
    The sandbox's statement is its own records; `statement` is an uploaded one of `provider`.
    """
    require(actor, "view_reports")
    if provider not in PROVIDERS:
        raise Invalid(fields={"provider": "provider_invalid"})
    if statement is not None and provider == "sandbox":  # an upload in place of the sandbox's own records
        found = mismatches.check(session, actor.shop_id, days, _within(statement, days))
    else:
        found = _range(session, actor.shop_id, days)
        if statement is not None:
            _compare_upload(session, actor.shop_id, days, provider, _within(statement, days), found)
    return {
        "from": days.first, "to": days.last, "mismatches": found["mismatches"],
        "providers": [{"provider": name, **found["expected"][name], "statement": found["statements"].get(name)}
                      for name in PROVIDERS],
    }


def reconcile_statement(session: Session, actor: Actor, data: bytes, start=None, end=None, period: str | None = None,
                        provider: str = "alipay") -> dict:
    """An uploaded statement file against our records: over the days asked for, else the statement's own first
    to last day (a statement of last month is checked against last month)."""
    require(actor, "view_reports")
    lines = statements.parse_alipay_statement(data)
    if not (start or end or period) and lines:
        days = finance.date_range(min(line.day for line in lines), max(line.day for line in lines))
    else:
        days = finance.date_range(start, end, period)
    return reconcile(session, actor, days, lines, provider)


def check_day(session: Session, shop_id: int, day: date) -> int:
    """(Re)write the shop-day's reconciliation_day row from the records as they are now (the roll-up calls this
    for every day it seals). Returns the mismatches found."""
    found = mismatches.check(session, shop_id, Range(day, day))
    session.exec(delete(ReconciliationDay).where(ReconciliationDay.shop_id == shop_id, ReconciliationDay.day == day))
    session.add(ReconciliationDay(shop_id=shop_id, day=day, expected=found["expected"], statements=found["statements"],
                                  mismatches=found["mismatches"], open_mismatches=len(found["mismatches"])))
    return len(found["mismatches"])


def checked_days(session: Session, shop_id: int, first: date, last: date) -> set[date]:
    """The days of first..last that have a stored check."""
    return set(session.exec(select(ReconciliationDay.day).where(
        ReconciliationDay.shop_id == shop_id, ReconciliationDay.day >= first, ReconciliationDay.day <= last,
    )).all())


def recheck_open_days(session: Session, shop_id: int, since: date) -> int:
    """Check again the stored days from `since` on that had mismatches: what was put right since leaves the list.
    Bounded, because a mismatch that never clears (a payment missing from a statement) would otherwise be paid
    for on every run for ever; one put right later than that stays listed until its days are rebuilt."""
    days = session.exec(select(ReconciliationDay.day).where(
        ReconciliationDay.shop_id == shop_id, ReconciliationDay.day >= since, ReconciliationDay.open_mismatches > 0,
    )).all()
    return sum(check_day(session, shop_id, day) for day in days)


# A range: stored days added up, the others compared live ------------------------------------------

def _range(session: Session, shop_id: int, days: Range) -> dict:
    today = shop_today(shop_id)
    found = {"expected": {name: _zero() for name in PROVIDERS}, "statements": {"sandbox": _zero()}, "mismatches": []}
    stored = session.exec(select(
        ReconciliationDay.day, ReconciliationDay.expected, ReconciliationDay.statements, ReconciliationDay.mismatches,
    ).where(
        ReconciliationDay.shop_id == shop_id, ReconciliationDay.day >= days.first, ReconciliationDay.day <= days.last,
        ReconciliationDay.day < today,
    ).order_by(ReconciliationDay.day)).all()
    for row in stored:
        _add(found, row._asdict())
    for first, last in live_runs(days.first, days.last, {row.day for row in stored}):
        _add(found, mismatches.check(session, shop_id, Range(first, last)))
    return found


def _add(found: dict, check: dict) -> None:
    """Add one day's or one run's check ({expected, statements, mismatches}, as mismatches.check gives) to the
    range's."""
    for name, figures in check["expected"].items():
        _add_summary(found["expected"].setdefault(name, _zero()), figures)
    for name, figures in check["statements"].items():
        _add_summary(found["statements"].setdefault(name, _zero()), figures)
    found["mismatches"].extend(check["mismatches"])


def _compare_upload(session: Session, shop_id: int, days: Range, provider: str, lines: list, found: dict) -> None:
    """An uploaded statement of `provider` (not the sandbox) against that provider's records over the whole range."""
    placed_after = mismatches.placed_after_for(days.start)
    known = statements.payments_of_orders(session, shop_id, placed_after, days.end, provider)
    expected = statements.recorded_lines(session, shop_id, provider, days.start, days.end, known)
    found["mismatches"] += mismatches.against_statement(session, shop_id, provider, expected, lines, known)
    found["statements"][provider] = mismatches.summary(lines)


def _zero() -> dict:
    return dict.fromkeys(SUMMARY, 0)


def _add_summary(into: dict, figures: dict) -> None:
    for name in SUMMARY:
        into[name] = into.get(name, 0) + figures.get(name, 0)


def _within(lines: list, days: Range) -> list:
    return [line for line in lines if days.start <= line.at < days.end]
