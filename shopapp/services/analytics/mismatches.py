"""What reconciliation (对账) compares, and how: each provider's records against the orders, and what does not match.

Two comparisons over [start, end):
- our own records: every order paid in the range has one payment that took its total
  (`missing_payment` when none, `duplicate` when a second one kept money too, `amount_differs`
  when the payment's amount is not the order's total); a payment that kept money for an order
  that is not paid, last changed in the range, is `missing_order`;
- a provider's statement (the sandbox's own records, or an uploaded Alipay 账务明细, see
  statements.py) against what our records say it should show: a line without a payment of ours
  (`missing_order`), a line for a payment we never saw succeed (`missing_payment`), our payment
  absent from the statement (`missing_in_statement`), a reference paid twice (`duplicate`), and a
  payment or its refunds of another amount (`amount_differs`).

Every finding and summary is plain JSON, so a day's can be stored (reconciliation.check_day) and days added up.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from shopapp.models import Order, Payment
from shopapp.services.analytics import statements
from shopapp.services.analytics.finance import TOOK_MONEY, Range
from shopapp.settings import get_settings

PROVIDERS = ("sandbox", "alipay")
KINDS = ("missing_payment", "missing_order", "missing_in_statement", "duplicate", "amount_differs")


def check(session: Session, shop_id: int, days: Range, sandbox: list | None = None) -> dict:
    """{expected: {provider: summary}, statements: {"sandbox": summary}, mismatches: [...]} of the days: our
    records, and the sandbox's own records (or `sandbox`, lines uploaded in their place) against what ours say
    it should show."""
    placed_after = placed_after_for(days.start)
    known = statements.payments_of_orders(session, shop_id, placed_after, days.end)  # read once, used by every part
    found = _our_records(session, shop_id, days, placed_after, known)
    expected = {name: statements.recorded_lines(session, shop_id, name, days.start, days.end, known) for name in PROVIDERS}
    if sandbox is None:
        sandbox = statements.sandbox_statement(session, shop_id, days.start, days.end, placed_after, known)
    found += against_statement(session, shop_id, "sandbox", expected["sandbox"], sandbox, known)
    return {"expected": {name: summary(lines) for name, lines in expected.items()},
            "statements": {"sandbox": summary(sandbox)}, "mismatches": found}


def placed_after_for(start: datetime) -> datetime:
    """The earliest an order paid from `start` on can have been placed (a payment is made within the unpaid-order
    time of its order): bounds every read so the orders' (shop_id, created_at) index finds them."""
    return start - timedelta(seconds=get_settings().unpaid_order_ttl_seconds, days=1)


def summary(lines: list) -> dict:
    return {
        "payments": sum(1 for line in lines if line.kind == "payment"),
        "amount": sum(line.amount for line in lines if line.kind == "payment"),
        "refunds": sum(line.amount for line in lines if line.kind == "refund"),
        "fees": sum(line.amount for line in lines if line.kind == "fee"),
    }


# Our records -----------------------------------------------------------------------------------

def _our_records(session: Session, shop_id: int, days: Range, placed_after, known: list) -> list[dict]:
    paying: dict[int, list] = defaultdict(list)
    for payment in known:
        if payment.status in TOOK_MONEY:
            paying[payment.order_id].append(payment)
    found = []
    for order in session.exec(
        select(Order.id, Order.order_no, Order.total).where(
            Order.shop_id == shop_id, Order.created_at >= placed_after, Order.paid_at >= days.start,
            Order.paid_at < days.end, Order.total > 0,
        ).order_by(Order.paid_at, Order.id)
    ).all():
        taken = paying.get(order.id, [])
        if not taken:
            found.append(_mismatch("missing_payment", "", order.order_no, None, ours=order.total, theirs=0))
            continue
        if taken[0].amount != order.total:
            found.append(_mismatch("amount_differs", taken[0].provider, order.order_no, taken[0], ours=order.total, theirs=taken[0].amount))
        for extra in taken[1:]:
            if extra.refunded_amount < extra.amount:  # not given back: the shopper paid twice
                found.append(_mismatch("duplicate", extra.provider, order.order_no, extra, ours=order.total, theirs=extra.amount))
    for payment in known:  # money kept for an order that is not paid (cancelled, expired)
        if (payment.status in TOOK_MONEY and payment.paid_at is None and payment.refunded_amount < payment.amount
                and days.start <= _aware(payment.updated_at) < days.end):
            found.append(_mismatch("missing_order", payment.provider, payment.order_no, payment, ours=0, theirs=payment.amount))
    return found


# A statement -----------------------------------------------------------------------------------

def against_statement(session: Session, shop_id: int, provider: str, expected: list, theirs: list, known: list) -> list[dict]:
    ours = {payment.reference: payment for payment in known if payment.provider == provider}
    listed: dict[str, list] = defaultdict(list)
    for line in theirs:
        if line.kind == "payment":
            listed[line.reference].append(line)
    ours.update(_payments_named(session, shop_id, provider, set(listed) - set(ours)))
    found = []
    for reference, lines in listed.items():
        payment = ours.get(reference)
        said = sum(line.amount for line in lines)
        if payment is None:
            found.append(_mismatch("missing_order", provider, "", None, ours=0, theirs=said, line=lines[0]))
        elif len(lines) > 1:
            found.append(_mismatch("duplicate", provider, payment.order_no, payment, ours=payment.amount, theirs=said, line=lines[1]))
        elif payment.status not in TOOK_MONEY:
            found.append(_mismatch("missing_payment", provider, payment.order_no, payment, ours=0, theirs=said, line=lines[0]))
        elif said != payment.amount:
            found.append(_mismatch("amount_differs", provider, payment.order_no, payment, ours=payment.amount, theirs=said, line=lines[0]))
    for line in expected:
        if line.kind == "payment" and line.reference not in listed:
            payment = ours[line.reference]
            found.append(_mismatch("missing_in_statement", provider, payment.order_no, payment, ours=line.amount, theirs=0))
    return found + _refunds_against(provider, expected, theirs, ours)


def _refunds_against(provider: str, expected: list, theirs: list, ours: dict) -> list[dict]:
    """Per payment, the refunds our records made in the range against the statement's refund lines."""
    given: dict[str, int] = defaultdict(int)
    said: dict[str, int] = defaultdict(int)
    for line in expected:
        if line.kind == "refund":
            given[line.reference] += line.amount
    for line in theirs:
        if line.kind == "refund":
            said[line.reference] += line.amount
    found = []
    for reference in sorted(set(given) | set(said)):
        if given[reference] != said[reference] and reference in ours:
            payment = ours[reference]
            found.append({**_mismatch(
                "amount_differs", provider, payment.order_no, payment, ours=given[reference], theirs=said[reference],
            ), "what": "refund"})
    return found


def _payments_named(session: Session, shop_id: int, provider: str, references: set[str]) -> dict:
    """The shop's payments a statement names that were not among the range's (made long before, or none)."""
    found = {}
    names = sorted(references)
    for start in range(0, len(names), 1000):
        for payment in session.exec(
            select(*statements.PAYMENT_COLUMNS, Order.order_no, Order.paid_at).join(Order, Order.id == Payment.order_id)
            .where(Payment.shop_id == shop_id, Payment.provider == provider, Payment.reference.in_(names[start:start + 1000]))
        ).all():
            found[payment.reference] = payment
    return found


def _aware(moment):
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)



def _mismatch(kind: str, provider: str, order_no: str, payment, *, ours: int, theirs: int, line=None) -> dict:
    """`payment`: a payment row (statements.PAYMENT_COLUMNS), or None when we have none."""
    return {
        "kind": kind, "provider": provider, "order_no": order_no, "what": "payment",
        "reference": payment.reference if payment else (line.reference if line else ""),
        "provider_reference": (line.provider_reference if line else "") or (payment.provider_reference if payment else ""),
        "ours": ours, "theirs": theirs, "row": line.row if line else 0,
    }
