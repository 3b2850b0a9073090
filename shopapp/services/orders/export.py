"""Orders as a spreadsheet: the console list's filters, one row per order line, for accounting and ERPs.

A line shows its list amount, the savings shared onto it and what it was paid (PRICING.md's
`paid`): the lines' paid plus shipping add up to the order's total, so accounts reconcile.
"""

from __future__ import annotations

import io

from sqlmodel import Session, select

from shopapp.models import Order, OrderItem, Payment
from shopapp.services.core.money import yuan_text
from shopapp.services.core.paging import MAX_PER_PAGE
from shopapp.services.core.permissions import Actor, require
from shopapp.services.core.spreadsheet import SafeWriter
from shopapp.services.orders import listing

COLUMNS = (
    "order_no", "created_at", "status", "financial_status", "fulfillment_status", "email", "recipient", "phone",
    "province", "city", "district", "address", "sku", "title", "options", "qty", "unit_price", "line_total",
    "line_discount", "line_paid", "subtotal", "shipping", "discount", "discount_detail", "total", "refunded", "payment",
)
TEST_PAYMENT = "测试支付 (sandbox)"  # the built-in test gateway: no money moved
MAX_ORDERS = 50_000


def export_orders(session: Session, actor: Actor, **filters) -> str:
    """The orders matching the list's filters (status, q, created_from, created_to), newest first, as CSV with a BOM."""
    require(actor, "manage_orders")
    summaries, _ = listing.list_orders(session, actor, per_page=MAX_PER_PAGE, **filters)
    ids = [s["id"] for s in summaries]
    # Page after page by cursor: the 200th page costs what the first does, and an order placed
    # during the export cannot push one already listed onto the next page twice.
    while (after := listing.next_after(summaries, MAX_PER_PAGE)) and len(ids) < MAX_ORDERS:
        summaries, _ = listing.list_orders(session, actor, per_page=MAX_PER_PAGE, after=after, **filters)
        ids += [s["id"] for s in summaries]
    out = io.StringIO()
    out.write("\ufeff")  # Excel reads UTF-8 only with it
    writer = SafeWriter(out)
    writer.writerow(COLUMNS)
    by_id = {o.id: o for o in session.exec(select(Order).where(Order.shop_id == actor.shop_id, Order.id.in_(ids))).all()} if ids else {}
    lines: dict[int, list[OrderItem]] = {}
    for item in session.exec(select(OrderItem).where(OrderItem.order_id.in_(ids)).order_by(OrderItem.id)).all() if ids else []:
        lines.setdefault(item.order_id, []).append(item)
    paid_with: dict[int, str] = {}
    for order_id, provider in session.exec(
        select(Payment.order_id, Payment.provider).where(Payment.order_id.in_(ids)).order_by(Payment.id)
    ).all() if ids else []:
        paid_with[order_id] = TEST_PAYMENT if provider == "sandbox" else provider
    for order_id in ids:
        order = by_id[order_id]
        for item in lines.get(order_id, []):
            writer.writerow([*_row(order, item), paid_with.get(order_id, "")])
    return out.getvalue()


def _row(order: Order, item: OrderItem) -> list[str]:
    address = order.address or {}
    return [
        order.order_no, order.created_at.isoformat(timespec="seconds"), order.status, order.financial_status,
        order.fulfillment_status, order.email, address.get("name", ""), address.get("phone", ""), address.get("province", ""),
        address.get("city", ""), address.get("district", ""), address.get("line1", ""), item.sku or "", item.title,
        " / ".join(item.option_values or []), str(item.qty), yuan_text(item.unit_price), yuan_text(item.total),
        yuan_text(sum(share.get("amount", 0) for share in item.discounts or [])), yuan_text(item.paid),
        yuan_text(order.subtotal), yuan_text(order.shipping_total), yuan_text(order.discount_total), _savings(order),
        yuan_text(order.total), yuan_text(order.refunded_total),
    ]


def _savings(order: Order) -> str:
    """Each saving of the order as "label −amount", in the order the pipeline applied them."""
    return "; ".join(f"{saving.get('label') or saving.get('source')} -{yuan_text(saving.get('amount', 0))}" for saving in order.discounts or [])
