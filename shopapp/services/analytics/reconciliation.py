"""Payment reconciliation (对账): each provider's records against the orders, and what does not match.

Two comparisons, both over the days asked for:
- our own records: every order paid in the range has one payment that took its total
  (`missing_payment` when none, `duplicate` when a second one kept money too, `amount_differs`
  when the payment's amount is not the order's total); a payment that kept money for an order
  that is not paid is `missing_order`;
- the provider's statement (the sandbox's own records, or an uploaded Alipay 账务明细, see
  statements.py) against what our records say it should show: a line without a payment of ours
  (`missing_order`), a line for a payment we never saw succeed (`missing_payment`), our payment
  absent from the statement (`missing_in_statement`), a reference paid twice (`duplicate`), and a
  payment or its refunds of another amount (`amount_differs`).

Lines of another shop's payments (a platform-wide Alipay statement) are left out, never shown.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, timedelta

from sqlmodel import Session, select

from shopapp.models import Order, Payment
from shopapp.services.analytics import finance, statements
from shopapp.services.analytics.finance import TOOK_MONEY, Range
from shopapp.services.core.errors import Invalid
from shopapp.services.core.permissions import Actor, require
from shopapp.settings import get_settings

PROVIDERS = ("sandbox", "alipay")
KINDS = ("missing_payment", "missing_order", "missing_in_statement", "duplicate", "amount_differs")


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
    shop_id = actor.shop_id
    placed_after = days.start - timedelta(seconds=get_settings().unpaid_order_ttl_seconds, days=1)
    known = _payments_of_orders(session, shop_id, placed_after, days.end)
    mismatches = _our_records(session, shop_id, days, placed_after, known)
    summaries = []
    statements_of = {"sandbox": statements.sandbox_statement(session, shop_id, days.start, days.end, placed_after)}
    if statement is not None:
        statements_of[provider] = [line for line in statement if days.start <= line.at < days.end]
    for name in PROVIDERS:
        expected = statements.recorded_lines(session, shop_id, name, days.start, days.end, placed_after)
        theirs = statements_of.get(name)
        if theirs is not None:
            mismatches += _against_statement(session, shop_id, name, expected, theirs, known)
        summaries.append({"provider": name, **_summary(expected), "statement": None if theirs is None else _summary(theirs)})
    return {"from": days.first, "to": days.last, "providers": summaries, "mismatches": mismatches}


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


# Our records -----------------------------------------------------------------------------------

def _payments_of_orders(session: Session, shop_id: int, placed_after, end) -> list:
    """Every payment of the orders placed from `placed_after` to `end` (a payment is made within the
    unpaid-order time of its order), with its order's number and paid_at, oldest first: read once, through
    the orders' (shop_id, created_at) index, as plain rows."""
    return list(session.exec(
        select(*statements.PAYMENT_COLUMNS, Order.order_no, Order.paid_at).join(Order, Order.id == Payment.order_id)
        .where(Order.shop_id == shop_id, Order.created_at >= placed_after, Order.created_at < end, Payment.shop_id == shop_id)
        .order_by(Payment.id)
    ).all())


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
                and _aware(payment.updated_at) >= days.start):
            found.append(_mismatch("missing_order", payment.provider, payment.order_no, payment, ours=0, theirs=payment.amount))
    return found


# A statement -----------------------------------------------------------------------------------

def _against_statement(session: Session, shop_id: int, provider: str, expected: list, theirs: list, known: list) -> list[dict]:
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


def _summary(lines: list) -> dict:
    return {
        "payments": sum(1 for line in lines if line.kind == "payment"),
        "amount": sum(line.amount for line in lines if line.kind == "payment"),
        "refunds": sum(line.amount for line in lines if line.kind == "refund"),
        "fees": sum(line.amount for line in lines if line.kind == "fee"),
    }


def _mismatch(kind: str, provider: str, order_no: str, payment, *, ours: int, theirs: int, line=None) -> dict:
    """`payment`: a payment row (statements.PAYMENT_COLUMNS), or None when we have none."""
    return {
        "kind": kind, "provider": provider, "order_no": order_no, "what": "payment",
        "reference": payment.reference if payment else (line.reference if line else ""),
        "provider_reference": (line.provider_reference if line else "") or (payment.provider_reference if payment else ""),
        "ours": ours, "theirs": theirs, "row": line.row if line else 0,
    }
