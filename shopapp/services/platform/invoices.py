"""Invoices the platform issues shops: numbers from a sequence without gaps, the monthly commission
invoice, and the PDF (with the platform's details; Chinese in reportlab's built-in STSong-Light CID font)."""

from __future__ import annotations

import io
from datetime import datetime

from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import func, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from shopapp.models import CommissionEntry, Invoice, InvoiceCounter, Shop
from shopapp.models.base import utcnow
from shopapp.services.core.clock import shop_time, start_of_day
from shopapp.services.core.errors import NotFound
from shopapp.services.core.money import yuan_text
from shopapp.services.core.paging import page_size, page_start
from shopapp.services.core.permissions import Actor, require
from shopapp.services.shops import shops

CHINESE = "STSong-Light"
PLATFORM_NAME = "开店宝 shopapp"
PLATFORM_DETAILS = ("开店宝网店平台 · 平台服务费与交易佣金", "shopapp online-shop platform · service fees and commission")


def issue(session: Session, shop_id: int, kind: str, lines: list[dict]) -> Invoice:
    """An invoice of `lines` ({description, amount}) numbered next in this year's sequence."""
    invoice = Invoice(shop_id=shop_id, number=_next_number(session), kind=kind, lines=lines,
                      total=sum(int(line["amount"]) for line in lines))
    session.add(invoice)
    session.flush()
    return invoice


def issue_commission_invoices(session: Session, before: datetime | None = None) -> list[Invoice]:
    """Each shop's commission not yet invoiced, accrued before `before` (default: the start of this month
    on the shops' clock), summed on one invoice; the entries then point at it, so none is billed twice."""
    if before is None:
        today = shop_time(utcnow()).date()
        before = start_of_day(today.replace(day=1))
    rows = session.exec(
        select(CommissionEntry.shop_id, func.sum(CommissionEntry.base), func.sum(CommissionEntry.amount))
        .where(CommissionEntry.invoice_id.is_(None), CommissionEntry.created_at < before)
        .group_by(CommissionEntry.shop_id).order_by(CommissionEntry.shop_id)
    ).all()
    issued = []
    for shop_id, gmv, amount in rows:
        month = shop_time(before).date().replace(day=1)
        invoice = issue(session, shop_id, "commission", [{
            "description": f"交易佣金 Commission · {month:%Y-%m} 之前 before · GMV {yuan_text(int(gmv))}",
            "amount": int(amount),
        }])
        session.exec(update(CommissionEntry).where(
            CommissionEntry.shop_id == shop_id, CommissionEntry.invoice_id.is_(None), CommissionEntry.created_at < before,
        ).values(invoice_id=invoice.id).execution_options(synchronize_session=False))
        issued.append(invoice)
    return issued


def list_invoices(session: Session, shop_id: int) -> list[dict]:
    rows = session.exec(select(Invoice).where(Invoice.shop_id == shop_id).order_by(Invoice.id.desc())).all()
    return [invoice_view(row) for row in rows]


def all_invoices(session: Session, *, q: str = "", page: int = 1, per_page: int = 30) -> dict:
    """The operator's list of every invoice, newest first; `q` finds a shop by name or address (slug) or an
    invoice by its number. `{items: [{id, number, shop_id, shop_name, shop_slug, kind, total, status,
    issued_at, pdf_url}], total}`; a plan invoice is issued for a payment received (status paid), a
    commission invoice is a bill still to settle (status issued)."""
    per_page = page_size(per_page)
    query = select(Invoice)
    text = (q or "").strip()[:100]
    if text:
        pattern = f"%{text.lower()}%"
        shop_ids = select(Shop.id).where(or_(func.lower(Shop.name).like(pattern), func.lower(Shop.slug).like(pattern)))
        query = query.where(or_(Invoice.shop_id.in_(shop_ids), func.lower(Invoice.number).like(pattern)))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(Invoice.id.desc()).offset(page_start(page, per_page)).limit(per_page)).all()
    names = shops.names_by_id(session, {row.shop_id for row in rows})
    items = []
    for row in rows:
        name, slug = names.get(row.shop_id, ("", ""))
        items.append({**invoice_view(row), "shop_id": row.shop_id, "shop_name": name, "shop_slug": slug,
                      "status": "issued" if row.kind == "commission" else "paid",
                      "pdf_url": f"/api/v1/ops/invoices/{row.id}/pdf"})
    return {"items": items, "total": total}


def operator_invoice_pdf(session: Session, invoice_id: int) -> tuple[str, bytes]:
    """(file name, PDF) of any shop's invoice, for the operator (the API lets only operators call it)."""
    row = session.get(Invoice, invoice_id)
    if row is None:
        raise NotFound("invoice_not_found")
    shop = shops.get_shop(session, row.shop_id)
    return f"{row.number}.pdf", _pdf(row, shop.name, shop.slug)


def invoice_view(row: Invoice) -> dict:
    return {"id": row.id, "number": row.number, "kind": row.kind, "total": row.total, "issued_at": row.issued_at,
            "lines": row.lines, "pdf_url": f"/api/v1/subscription/invoices/{row.id}/pdf"}


def invoice_pdf(session: Session, actor: Actor, invoice_id: int) -> tuple[str, bytes]:
    """(file name, PDF) of one of the actor's shop's invoices."""
    require(actor, "view_reports")
    row = session.get(Invoice, invoice_id)
    if row is None or row.shop_id != actor.shop_id:
        raise NotFound("invoice_not_found")
    shop = shops.get_shop(session, row.shop_id)
    return f"{row.number}.pdf", _pdf(row, shop.name, shop.slug)


def _yuan(amount: int) -> str:
    """Amounts on an invoice always with two decimals: 6800 -> 68.00."""
    sign = "-" if amount < 0 else ""
    return f"{sign}{abs(amount) // 100:,}.{abs(amount) % 100:02d}"


def _next_number(session: Session) -> str:
    """The year's next number, taken under the counter row's lock: concurrent invoices wait, none skips.
    The counter moves in the invoice's own transaction, so a rolled-back invoice gives its number back."""
    year = shop_time(utcnow()).year
    if session.get(InvoiceCounter, year) is None:
        try:
            with session.begin_nested():
                session.add(InvoiceCounter(year=year, last=0))
        except IntegrityError:
            pass
    session.exec(update(InvoiceCounter).where(InvoiceCounter.year == year).values(last=InvoiceCounter.last + 1)
                 .execution_options(synchronize_session=False))
    last = session.exec(select(InvoiceCounter.last).where(InvoiceCounter.year == year)).one()
    return f"INV{year}-{last:06d}"


def _pdf(row: Invoice, shop_name: str, slug: str) -> bytes:
    if CHINESE not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CHINESE))
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(210 * mm, 297 * mm), pageCompression=1)
    canvas.setTitle(f"{row.number} · {shop_name}")
    y = 270 * mm
    canvas.setFont(CHINESE, 18)
    canvas.drawString(20 * mm, y, f"发票 Invoice  {row.number}")
    canvas.setFont(CHINESE, 10)
    for text in (PLATFORM_NAME, *PLATFORM_DETAILS):
        y -= 6 * mm
        canvas.drawString(20 * mm, y, text)
    y -= 10 * mm
    canvas.drawString(20 * mm, y, f"客户 Customer: {shop_name} ({slug})")
    y -= 6 * mm
    canvas.drawString(20 * mm, y, f"开具日期 Issued: {shop_time(row.issued_at):%Y-%m-%d}")
    y -= 12 * mm
    canvas.setFont(CHINESE, 11)
    for line in row.lines:
        canvas.drawString(20 * mm, y, str(line["description"])[:70])
        canvas.drawRightString(190 * mm, y, f"¥{_yuan(int(line['amount']))}")
        y -= 7 * mm
    y -= 4 * mm
    canvas.line(20 * mm, y + 5 * mm, 190 * mm, y + 5 * mm)
    canvas.setFont(CHINESE, 13)
    canvas.drawString(20 * mm, y, "合计 Total")
    canvas.drawRightString(190 * mm, y, f"¥{_yuan(row.total)}")
    canvas.showPage()
    canvas.save()
    return out.getvalue()
