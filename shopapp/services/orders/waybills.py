"""Shipping labels (面单): one 100×150 mm PDF page per parcel, many parcels in one file for batch printing."""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache

from reportlab.graphics.barcode import qrencoder
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from sqlmodel import Session, select

from shopapp.models import Order, OrderItem, Shipment, ShipmentItem
from shopapp.models.base import utcnow
from shopapp.services.core.clock import shop_time
from shopapp.services.core.errors import Invalid
from shopapp.services.core.permissions import Actor, require
from shopapp.services.orders import fulfillment
from shopapp.services.shops import shops

PAGE = (100 * mm, 150 * mm)
MAX_LABELS = 200
CHINESE = "STSong-Light"  # one of the Adobe CID fonts every PDF reader has: no font file to ship
LATIN = "Helvetica-Bold"
MARGIN = 4 * mm


@dataclass(frozen=True)
class Label:
    """What one label shows, read from the database before any drawing starts."""

    shipment_id: int
    carrier: str
    tracking_no: str
    recipient: dict
    sender_name: str
    sender_contact: str
    items: list[tuple[str, int]]  # (title with its variant, units)
    order_nos: list[str]
    sender_address: dict | None = None  # name, phone, province, city, district, line1, postcode


def label_pdf(session: Session, actor: Actor, shipment_ids: list[int]) -> bytes:
    """One PDF with a label page for each parcel, in the order asked for (any not the shop's: NotFound)."""
    return render(labels(session, actor, shipment_ids))


def labels(session: Session, actor: Actor, shipment_ids: list[int]) -> list[Label]:
    """What the labels show; read apart from `render` so no transaction stays open while pages are drawn."""
    require(actor, "manage_orders")
    if not shipment_ids:
        raise Invalid(fields={"ids": "required"})
    if len(shipment_ids) > MAX_LABELS:
        raise Invalid(fields={"ids": "too_many"})
    parcels = fulfillment.shipments_of(session, actor, shipment_ids)  # another shop's parcel: NotFound first
    shop = shops.get_shop(session, actor.shop_id)
    if not shops.has_sender_address(shop):
        # Carriers refuse a parcel without a return address: the console asks for it before the first label.
        raise Invalid("sender_address_missing", fields={"sender_address": "required"})
    sender = dict(shop.sender_address)
    return [_label(session, shipment, sender.get("name") or shop.name, sender.get("phone", ""), sender) for shipment in parcels]


def render(pages: list[Label]) -> bytes:
    _register_font()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=PAGE, pageCompression=1)
    canvas.setTitle("面单 shipping labels")
    for label in pages:
        _draw(canvas, label)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


# Helpers ---------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _register_font() -> None:
    pdfmetrics.registerFont(UnicodeCIDFont(CHINESE))


def _label(session: Session, shipment: Shipment, sender_name: str, sender_contact: str, sender: dict) -> Label:
    rows = session.exec(
        select(OrderItem.title, OrderItem.option_values, ShipmentItem.qty, Order.order_no)
        .join(OrderItem, OrderItem.id == ShipmentItem.order_item_id).join(Order, Order.id == ShipmentItem.order_id)
        .where(ShipmentItem.shipment_id == shipment.id).order_by(ShipmentItem.id)
    ).all()
    return Label(
        shipment_id=shipment.id, carrier=shipment.carrier, tracking_no=shipment.tracking_no,
        recipient=shipment.address, sender_name=sender_name, sender_contact=sender_contact, sender_address=sender,
        # The variant picked from the shelf: "西湖龙井 · 250g", not only the product.
        items=[(" · ".join([title, *options]), qty) for title, options, qty, _ in rows],
        order_nos=sorted({order_no for *_, order_no in rows}),
    )


def _draw(canvas: Canvas, label: Label) -> None:
    width, height = PAGE
    carrier = fulfillment.CARRIERS.get(label.carrier)
    top = height - MARGIN
    # Carrier, large, so the sorting centre sees it from afar.
    canvas.setFont(CHINESE, 16)
    canvas.drawString(MARGIN, top - 16, carrier.name if carrier else label.carrier)
    canvas.setFont(LATIN, 9)
    canvas.drawRightString(width - MARGIN, top - 14, carrier.name_en if carrier else "")
    _rule(canvas, top - 22)

    # The waybill number as a Code 128 barcode and as text.
    barcode = Code128(label.tracking_no, barHeight=16 * mm, barWidth=0.36 * mm, quiet=False)
    scale = min(1.0, (width - 2 * MARGIN) / barcode.width)
    canvas.saveState()
    canvas.translate((width - barcode.width * scale) / 2, top - 22 - 4 * mm - 16 * mm)
    canvas.scale(scale, 1)
    barcode.drawOn(canvas, 0, 0)
    canvas.restoreState()
    canvas.setFont(LATIN, 13)
    canvas.drawCentredString(width / 2, top - 22 - 4 * mm - 16 * mm - 15, label.tracking_no)
    y = top - 22 - 4 * mm - 16 * mm - 22
    _rule(canvas, y)

    # Recipient (收): name and phone large, then the address.
    address = label.recipient
    y -= 18
    _tag(canvas, "收", y)
    canvas.setFont(CHINESE, 15)
    canvas.drawString(MARGIN + 8 * mm, y, f"{address.get('name', '')}  {address.get('phone', '')}")
    place = "".join(address.get(part, "") for part in ("province", "city", "district")) + address.get("line1", "")
    canvas.setFont(CHINESE, 12)
    for line in _wrap(place, CHINESE, 12, width - 2 * MARGIN - 8 * mm, 3):
        y -= 16
        canvas.drawString(MARGIN + 8 * mm, y, line)
    if address.get("postcode"):
        y -= 12
        canvas.setFont(CHINESE, 9)
        canvas.drawString(MARGIN + 8 * mm, y, f"邮编 {address['postcode']}")
    y -= 8
    _rule(canvas, y)

    # Sender (寄): who and a phone, then the address the parcel comes back to.
    y -= 14
    _tag(canvas, "寄", y)
    canvas.setFont(CHINESE, 9)
    canvas.drawString(MARGIN + 8 * mm, y, f"{label.sender_name}  {label.sender_contact}"[:60])
    sender = label.sender_address or {}
    origin = "".join(sender.get(part, "") for part in ("province", "city", "district", "line1"))
    if sender.get("postcode"):
        origin += f"  邮编 {sender['postcode']}"
    for line in _wrap(origin, CHINESE, 9, width - 2 * MARGIN - 8 * mm, 2):
        y -= 11
        canvas.drawString(MARGIN + 8 * mm, y, line)
    y -= 8
    _rule(canvas, y)

    # What is inside, then the QR code with the waybill number beside the order numbers.
    summary = "；".join(f"{title} ×{qty}" for title, qty in label.items)
    canvas.setFont(CHINESE, 9)
    y -= 12
    canvas.drawString(MARGIN, y, "内件：")
    for line in _wrap(summary, CHINESE, 9, width - 2 * MARGIN - 10 * mm, 4):
        canvas.drawString(MARGIN + 10 * mm, y, line)
        y -= 11
    qr_size = 24 * mm
    _qr(canvas, label.tracking_no, width - MARGIN - qr_size, MARGIN, qr_size)
    canvas.setFont(CHINESE, 8)
    lines = [f"订单 {order_no}" for order_no in label.order_nos[:4]]
    lines.append(f"包裹 #{label.shipment_id}  打印 {shop_time(utcnow()):%Y-%m-%d %H:%M}")
    for n, line in enumerate(reversed(lines)):
        canvas.drawString(MARGIN, MARGIN + 2 + n * 10, line)


def _rule(canvas: Canvas, y: float) -> None:
    canvas.setLineWidth(0.6)
    canvas.line(MARGIN, y, PAGE[0] - MARGIN, y)


def _tag(canvas: Canvas, text: str, baseline: float) -> None:
    """A boxed 收 / 寄 at the start of a block."""
    canvas.setLineWidth(0.8)
    canvas.rect(MARGIN, baseline - 3, 6 * mm, 6 * mm)
    canvas.setFont(CHINESE, 12)
    canvas.drawCentredString(MARGIN + 3 * mm, baseline + 1, text)


def _wrap(text: str, font: str, size: float, max_width: float, max_lines: int) -> list[str]:
    """Greedy wrapping by character (Chinese has no spaces to break at); the last line ends in … if cut."""
    lines, line = [], ""
    for char in text:
        if pdfmetrics.stringWidth(line + char, font, size) > max_width:
            lines.append(line)
            line = ""
        line += char
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][:-1] + "…"
    return lines


def _qr(canvas: Canvas, text: str, x: float, y: float, size: float) -> None:
    """A QR code drawn straight onto the page: one path of dark runs (reportlab's widget is 30× slower)."""
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(text)
    code.make()
    count = code.getModuleCount()
    border = 2
    box = size / (count + 2 * border)
    path = canvas.beginPath()
    for r, row in enumerate(code.modules):
        c = 0
        while c < count:
            if row[c]:
                start = c
                while c < count and row[c]:
                    c += 1
                path.rect(x + (start + border) * box, y + size - (r + border + 1) * box, (c - start) * box, box)
            else:
                c += 1
    canvas.drawPath(path, stroke=0, fill=1)
