"""A payment provider's statement (对账单): what the provider says came in and went out, line by line.

For Alipay the owner uploads the 账务明细 CSV as 支付宝商家中心 → 对账 → 账务明细 downloads it
(UTF-8 or GBK/GB18030; lines starting with `#` — the title, the account, 合计, 导出时间 — are skipped;
cells may be padded with spaces or tabs). The header row names the columns; these are read, in any order:

| column | meaning |
|---|---|
| 商户订单号 | our payment reference (the `out_trade_no` we sent), e.g. `20261206ABCD-1` — required |
| 业务流水号 | Alipay's trade number (`trade_no`) — optional |
| 发生时间 | when, Beijing time, `2026-12-06 10:30:00` — required |
| 收入金额（+元） | money in, yuan — required (ASCII brackets `收入金额(+元)` also read) |
| 支出金额（-元） | money out, yuan (a refund or a fee) — required |
| 业务类型 | 在线支付/交易付款 (a payment), 交易退款/退款 (a refund), 收费/服务费 (a fee); other types are ignored |

The sandbox has no file: its statement is built from its own records, the notifications it sent
(each succeeded one a payment line) and the refunds it made (`sandbox_statement`).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import case, func
from sqlmodel import Session, select

from shopapp.models import Order, Payment, PaymentNotification
from shopapp.models.aftersales import Refund
from shopapp.services.catalog.product_csv import decode_csv
from shopapp.services.core.clock import CHINA_TIME, shop_time
from shopapp.services.core.errors import Invalid, TooLarge
from shopapp.services.core.spreadsheet import cell_value

MAX_STATEMENT_BYTES = 10 * 1024 * 1024
MAX_LINES = 100_000
COLUMNS = {
    "reference": ("商户订单号",), "provider_reference": ("业务流水号",), "at": ("发生时间",),
    "income": ("收入金额（+元）", "收入金额(+元)", "收入金额"), "expense": ("支出金额（-元）", "支出金额(-元)", "支出金额"),
    "type": ("业务类型",),
}
REQUIRED = ("reference", "at", "income", "expense", "type")
TYPES = {"在线支付": "payment", "交易付款": "payment", "交易": "payment", "交易退款": "refund", "退款": "refund",
         "收费": "fee", "服务费": "fee"}


# What reconciliation reads of a payment: plain rows, not ORM objects (a month of a big shop is many thousands).
PAYMENT_COLUMNS = (
    Payment.id, Payment.order_id, Payment.provider, Payment.reference, Payment.provider_reference, Payment.status,
    Payment.amount, Payment.refunded_amount, Payment.refund_reference, Payment.updated_at,
)


@dataclass(frozen=True)
class StatementLine:
    row: int  # the file's line number (1 = its first line), for the owner to find it
    kind: str  # payment, refund, fee
    reference: str
    provider_reference: str
    at: datetime
    amount: int  # 分, positive: in for a payment, out for a refund or a fee

    @property
    def day(self) -> date:
        return shop_time(self.at).date()


def parse_alipay_statement(data: bytes) -> list[StatementLine]:
    """The statement's payment, refund and fee lines; a file that is not one is refused with the line that is wrong."""
    if len(data) > MAX_STATEMENT_BYTES:
        raise TooLarge("file_too_large")
    rows = [(n, row) for n, row in enumerate(csv.reader(io.StringIO(decode_csv(data))), start=1)
            if row and any(cell.strip() for cell in row) and not row[0].lstrip().startswith("#")]
    if not rows:
        raise Invalid(fields={"file": "statement_empty"})
    if len(rows) > MAX_LINES:
        raise TooLarge("file_too_large")
    where = _columns(rows[0][1])
    lines = []
    for number, row in rows[1:]:
        line = _line(number, row, where)
        if line is not None:
            lines.append(line)
    return lines


def payments_of_orders(session: Session, shop_id: int, placed_after: datetime, end: datetime,
                       provider: str | None = None) -> list:
    """Every payment (of one provider, or all) of the orders placed from `placed_after` to `end`, oldest first, as
    plain rows: PAYMENT_COLUMNS, its order's order_no and paid_at, `notified` (when its first success notification
    arrived) and `given` (what its Refund rows gave back). One check reads them once, through the orders'
    (shop_id, created_at) index, and derives our records and the statements from them: each read of the range's
    payments costs a look-up per order, most of what a day's check costs."""
    notified = (
        select(func.min(PaymentNotification.received_at))
        .where(PaymentNotification.payment_id == Payment.id, PaymentNotification.outcome == "succeeded")
        .scalar_subquery()
    )
    refunded = select(func.coalesce(func.sum(Refund.amount), 0)).where(Refund.payment_id == Payment.id).scalar_subquery()
    query = (
        select(*PAYMENT_COLUMNS, Order.order_no, Order.paid_at, notified.label("notified"),
               case((Payment.refunded_amount > 0, refunded), else_=0).label("given"))  # most were never refunded
        .join(Order, Order.id == Payment.order_id).where(*_orders_placed(shop_id, placed_after, end), Payment.shop_id == shop_id)
    )
    if provider:
        query = query.where(Payment.provider == provider)
    return list(session.exec(query.order_by(Payment.id)).all())


def sandbox_statement(
    session: Session, shop_id: int, start: datetime, end: datetime, placed_after: datetime, known: list,
) -> list[StatementLine]:
    """What the sandbox gateway itself recorded between `start` and `end`: the succeeded notifications
    it signed (a payment line each, its amount checked against the payment when it arrived) and the
    refunds it made (each refund, and the automatic refund of money an order no longer wanted).
    `known`: payments_of_orders from `placed_after` to `end`."""
    lines = [
        StatementLine(0, "payment", payment.reference, payment.provider_reference, _aware(payment.received_at), payment.amount)
        for payment in session.exec(
            select(Payment.reference, Payment.provider_reference, Payment.amount, PaymentNotification.received_at)
            .join(PaymentNotification, PaymentNotification.payment_id == Payment.id)
            .join(Order, Order.id == Payment.order_id)
            .where(*_orders_placed(shop_id, placed_after, end), Payment.shop_id == shop_id, Payment.provider == "sandbox",
                   PaymentNotification.outcome == "succeeded",
                   PaymentNotification.received_at >= start, PaymentNotification.received_at < end)
            .order_by(PaymentNotification.id)
        ).all()
    ]
    return lines + refund_lines(session, shop_id, "sandbox", start, end, known)


def recorded_lines(
    session: Session, shop_id: int, provider: str, start: datetime, end: datetime, known: list,
) -> list[StatementLine]:
    """The statement our own records say the provider should show: a line for every payment that took
    money (when its first success notification arrived, else when it last changed) and every refund.
    `known`: payments_of_orders over the range (the provider's, or all)."""
    lines = []
    for payment in known:
        if payment.provider != provider or payment.status not in ("succeeded", "refunded"):
            continue
        at = _aware(payment.notified or payment.updated_at)
        if start <= at < end:
            lines.append(StatementLine(0, "payment", payment.reference, payment.provider_reference, at, payment.amount))
    return lines + refund_lines(session, shop_id, provider, start, end, known)


def refund_lines(
    session: Session, shop_id: int, provider: str, start: datetime, end: datetime, known: list,
) -> list[StatementLine]:
    """Every refund of the provider's payments made between `start` and `end`, the automatic ones included
    (those from `known`, payments_of_orders over the range)."""
    lines = [
        StatementLine(0, "refund", refund.reference, refund.provider_reference, _aware(refund.created_at), refund.amount)
        for refund in session.exec(
            select(Payment.reference, Refund.provider_reference, Refund.created_at, Refund.amount)
            .join(Refund, Refund.payment_id == Payment.id)
            # Refund's own shop_id: the refunds' (shop_id, created_at) index finds the range's
            .where(Refund.shop_id == shop_id, Payment.shop_id == shop_id, Payment.provider == provider,
                   Refund.status == "succeeded", Refund.created_at >= start, Refund.created_at < end)
            .order_by(Refund.id)
        ).all()
    ]
    return lines + _automatic_refunds(provider, start, end, known)


# Helpers ---------------------------------------------------------------------------------------

def _columns(header: list[str]) -> dict[str, int]:
    names = [cell_value(cell.strip().lstrip("\ufeff")) for cell in header]
    where = {}
    for field, choices in COLUMNS.items():
        for choice in choices:
            if choice in names:
                where[field] = names.index(choice)
                break
    if any(field not in where for field in REQUIRED):
        raise Invalid(fields={"file": "statement_columns_missing"})
    return where


def _line(number: int, row: list[str], where: dict[str, int]) -> StatementLine | None:
    def cell(field: str) -> str:
        at = where.get(field)
        return cell_value(row[at].strip()) if at is not None and at < len(row) else ""

    kind = TYPES.get(cell("type"))
    if kind is None:
        return None  # a transfer, a withdrawal: not about orders
    try:
        at = datetime.strptime(cell("at"), "%Y-%m-%d %H:%M:%S").replace(tzinfo=CHINA_TIME)
        income, expense = _fen(cell("income")), _fen(cell("expense"))
    except ValueError:
        raise Invalid(fields={f"line.{number}": "statement_line_invalid"}) from None
    amount = income if kind == "payment" else expense
    if amount <= 0 or (kind == "payment" and not cell("reference")):
        raise Invalid(fields={f"line.{number}": "statement_line_invalid"})
    return StatementLine(number, kind, cell("reference"), cell("provider_reference"), at, amount)


def _fen(text: str) -> int:
    """A yuan amount ("12.50", "-12.50", "", "1,234.00") as positive 分."""
    text = text.replace(",", "").lstrip("+-")
    if not text:
        return 0
    units, _, cents = text.partition(".")
    if not units.isdigit() or not (cents == "" or (cents.isdigit() and len(cents) <= 2)) or len(units) > 12:
        raise ValueError(text)
    return int(units) * 100 + int(cents.ljust(2, "0") or 0)


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive UTC moments; PostgreSQL aware ones."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _orders_placed(shop_id: int, placed_after: datetime, end: datetime) -> tuple:
    """Payments are read through their orders placed in the range (the shop's created_at index): a
    payment is made within the unpaid-order time of its order being placed."""
    return Order.shop_id == shop_id, Order.created_at >= placed_after, Order.created_at < end


def _automatic_refunds(provider: str, start: datetime, end: datetime, known: list) -> list[StatementLine]:
    """Money sent back at once (paid twice, or after the order was cancelled) has no Refund row: the
    payment's refunded amount beyond its Refund rows is that, made when the payment last changed."""
    return [
        StatementLine(0, "refund", payment.reference, payment.refund_reference, _aware(payment.updated_at),
                      payment.refunded_amount - payment.given)
        for payment in known
        if payment.provider == provider and payment.refunded_amount > payment.given and start <= _aware(payment.updated_at) < end
    ]
