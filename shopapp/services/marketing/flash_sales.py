"""秒杀 flash sales as the owner runs them and as the storefront shows them: create, list, end, report,
the units each order wins (the database's truth), units given back, and the gate kept in step.

A sale is `scheduled` before `starts_at`, `active` until `ends_at` (or until the owner ends it), then
`ended`. `sold` counts units won in live orders (awaiting payment, paid, or paid and refunded later):
`sold + left == quantity` always. Only `take_units` raises `sold` (a conditional atomic update: never past
`quantity`, only while the sale runs) and only `order_moved` lowers it (an order cancelled or expired
unpaid). A refund after payment puts the goods back in the variant's stock (orders/refunds, through the
inventory) but not the unit back in the sale, as Youzan's 秒杀 does: the sale's quantity is the number
sold at its price, and a refund days later neither reopens a sale shoppers saw sold out nor lets a
shopper refund and buy again past the per-customer limit. Lines bought
in a sale are priced by PRICING.md step 1 as exclusive (`unit_price`): nothing of steps 2-5 applies.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, or_, update
from sqlmodel import Session, col, select

from shopapp.models import Order, OrderItem, Product, RefundItem, Variant
from shopapp.models.base import utcnow
from shopapp.models.flash_sales import FlashSale, FlashSaleOrder
from shopapp.services.core.clock import shop_zone
from shopapp.services.core.errors import Conflict, Invalid, require_fields
from shopapp.services.core.money import parse_money, refund_for_units
from shopapp.services.core.permissions import Actor, require, shop_row
from shopapp.services.core.validation import checked_moment, checked_text, checked_whole_between, id_from_text
from shopapp.services.marketing import flash_gate
from shopapp.services.marketing.savings import UnitPrice

STATUSES = ("scheduled", "active", "ended")
MAX_NAME = 60
MAX_QUANTITY = 1_000_000
MAX_LIMIT = 99
MAX_PAY_MINUTES = 24 * 60
DEFAULT_PAY_MINUTES = 10
SHOWN_COMING = 20  # coming sales listed on the storefront


def status_of(sale: FlashSale, now: datetime | None = None) -> str:
    now = now or utcnow()
    if sale.ended_at is not None or sale.ends_at <= now:
        return "ended"
    return "scheduled" if sale.starts_at > now else "active"


# The owner's side ---------------------------------------------------------------------------------

def create_flash_sale(session: Session, actor: Actor, data: dict) -> dict:
    """A new sale from the console or the API (201's body); Invalid names every bad field, nothing saved."""
    require(actor, "manage_marketing")
    values = checked_flash_sale(session, actor.shop_id, data if isinstance(data, dict) else {})
    sale = FlashSale(shop_id=actor.shop_id, **values)
    session.add(sale)
    session.flush()
    _forget_known()
    return flash_sale_dict(sale)


def list_flash_sales(session: Session, actor: Actor, *, status: str | None = None) -> list[dict]:
    """The shop's sales, newest first; `status` filters on the schedule."""
    require(actor, "view_console")
    if status and status not in STATUSES:
        raise Invalid(fields={"status": "promotion_status_invalid"})
    now = utcnow()
    query = select(FlashSale).where(FlashSale.shop_id == actor.shop_id)
    running = (col(FlashSale.ended_at).is_(None), FlashSale.ends_at > now)
    if status == "scheduled":
        query = query.where(*running, FlashSale.starts_at > now)
    elif status == "active":
        query = query.where(*running, FlashSale.starts_at <= now)
    elif status == "ended":
        query = query.where(or_(col(FlashSale.ended_at).is_not(None), FlashSale.ends_at <= now))
    sales = list(session.exec(query.order_by(col(FlashSale.id).desc()).limit(500)))
    titles = _titles(session, actor.shop_id, {s.product_id for s in sales})
    return [flash_sale_dict(sale, now, title=titles.get(sale.product_id, "")) for sale in sales]


def get_flash_sale(session: Session, actor: Actor, sale_id) -> dict:
    require(actor, "view_console")
    sale = get_row(session, actor.shop_id, sale_id)
    return flash_sale_dict(sale, title=_titles(session, actor.shop_id, {sale.product_id}).get(sale.product_id, ""))


def end_flash_sale(session: Session, actor: Actor, sale_id) -> dict:
    """End it now (立即结束): no unit is sold from this moment; orders already placed stay as they are."""
    require(actor, "manage_marketing")
    sale = get_row(session, actor.shop_id, sale_id)
    if status_of(sale) != "ended":
        sale.ended_at = sale.updated_at = utcnow()
        session.add(sale)
        session.flush()
        _forget_known()
    return flash_sale_dict(sale)


def flash_sale_report(session: Session, actor: Actor, sale_id) -> dict:
    """{orders, paid_orders, units, revenue, discount_total, customers, new_customers}: paid orders only,
    net of refunds (an order refunded in full counts for nothing); `orders` counts live orders."""
    require(actor, "view_reports")
    sale = get_row(session, actor.shop_id, sale_id)
    rows = session.exec(
        select(Order).join(FlashSaleOrder, col(FlashSaleOrder.order_id) == Order.id)
        .where(FlashSaleOrder.flash_sale_id == sale.id, FlashSaleOrder.shop_id == actor.shop_id)
    ).all()
    live = [o for o in rows if o.status != "cancelled"]
    paid = [o for o in live if o.paid_at is not None and o.status != "closed"]
    items = list(session.exec(
        select(OrderItem).where(col(OrderItem.order_id).in_([o.id for o in paid] or [0]), OrderItem.variant_id == sale.variant_id)
    )) if paid else []
    refunded = _refunded_units(session, [item.id for item in items])
    units = revenue = given = 0
    for item in items:
        back = refunded.get(item.id, [])
        units += item.qty - sum(back)
        revenue += item.paid - sum(refund_for_units(item.paid, item.qty, k, back[:n]) for n, k in enumerate(back))
        given += sum(d["amount"] for d in item.discounts or () if d.get("source") == "flash_sale" and d.get("id") == sale.id)
    return {
        "flash_sale": flash_sale_dict(sale), "orders": len(live), "paid_orders": len(paid), "units": units,
        "revenue": revenue, "discount_total": given, "customers": len({o.email for o in paid}),
        "new_customers": _new_customers(session, actor.shop_id, paid),
    }


def get_row(session: Session, shop_id: int, sale_id) -> FlashSale:
    return shop_row(session, FlashSale, shop_id, id_from_text(sale_id), "flash_sale_not_found")


def flash_sale_dict(sale: FlashSale, now: datetime | None = None, *, title: str = "") -> dict:
    return {
        "id": sale.id, "name": sale.name, "variant_id": sale.variant_id, "product_id": sale.product_id,
        "title": title, "price": sale.price, "quantity": sale.quantity, "sold": sale.sold,
        "left": sale.quantity - sale.sold, "per_customer_limit": sale.per_customer_limit,
        "pay_minutes": sale.pay_minutes, "status": status_of(sale, now), "starts_at": iso(sale.starts_at),
        "ends_at": iso(sale.ends_at), "ended_at": iso(sale.ended_at), "created_at": iso(sale.created_at),
    }


def iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def checked_flash_sale(session: Session, shop_id: int, data: dict) -> dict:
    """A sale's columns as `data` describes it, or Invalid naming every bad field: a variant of the shop,
    a price above 0 and below the variant's, a quantity, a per-customer limit, an end after the start."""
    errors: dict[str, str] = {}
    values: dict = {"name": checked_text(data.get("name"), errors, "name", limit=MAX_NAME, required=True)}
    variant_id = checked_whole_between(data.get("variant_id"), "variant_id", errors, low=1, high=2**62)
    variant = session.get(Variant, variant_id) if variant_id else None
    if variant_id and (variant is None or variant.shop_id != shop_id):
        errors["variant_id"] = "variants_not_in_shop"
        variant = None
    price = checked_whole_between(data.get("price"), "price", errors, low=1, high=100_000_000)
    if variant is not None and price is not None and price >= variant.price:
        errors["price"] = "price_not_below_variant"
    values["quantity"] = checked_whole_between(data.get("quantity"), "quantity", errors, low=1, high=MAX_QUANTITY)
    limit = data.get("per_customer_limit")
    values["per_customer_limit"] = 1 if limit in (None, "") else checked_whole_between(limit, "per_customer_limit", errors, low=1, high=MAX_LIMIT)
    minutes = data.get("pay_minutes")
    values["pay_minutes"] = DEFAULT_PAY_MINUTES if minutes in (None, "") else checked_whole_between(minutes, "pay_minutes", errors, low=1, high=MAX_PAY_MINUTES)
    # A sale opens on a whole second: the storefront shows its times to the second (iso), and a start at
    # 10:00:00.7 shown as 10:00:00 opened the button 0.7 s before the database would sell.
    values["starts_at"] = _on_the_second(checked_moment(data.get("starts_at"), "starts_at", errors))
    values["ends_at"] = _on_the_second(checked_moment(data.get("ends_at"), "ends_at", errors))
    if values["starts_at"] and values["ends_at"] and values["ends_at"] <= values["starts_at"]:
        errors["ends_at"] = "ends_before_start"
    elif values["ends_at"] and values["ends_at"] <= utcnow():
        errors["ends_at"] = "ends_in_the_past"
    require_fields(errors)
    values.update(variant_id=variant.id, product_id=variant.product_id, price=price)
    return values


def _on_the_second(moment: datetime | None) -> datetime | None:
    """The moment, rounded up to its whole second (never earlier than asked)."""
    if moment is None or not moment.microsecond:
        return moment
    return moment.replace(microsecond=0) + timedelta(seconds=1)


# The storefront's side --------------------------------------------------------------------------

def storefront_sales(session: Session, shop_id: int, *, product_id: int | None = None) -> list[dict]:
    """Current and coming sales, soonest first: `{id, name, variant_id, product_id, title, price, regular_price,
    quantity, left, sold, sold_percent, status, starts_at, ends_at, seconds_to_start, seconds_to_end}`;
    the seconds are counted on the server's clock (a phone's clock is not trusted)."""
    now = utcnow()
    query = select(FlashSale).where(FlashSale.shop_id == shop_id, col(FlashSale.ended_at).is_(None), FlashSale.ends_at > now)
    if product_id is not None:
        query = query.where(FlashSale.product_id == product_id)
    sales = list(session.exec(query.order_by(FlashSale.starts_at, FlashSale.id).limit(SHOWN_COMING)))
    if not sales:
        return []
    variants = {v.id: v for v in session.exec(select(Variant).where(col(Variant.id).in_({s.variant_id for s in sales})))}
    titles = _titles(session, shop_id, {s.product_id for s in sales}, sellable=True)
    shown = []
    for sale in sales:
        variant = variants.get(sale.variant_id)
        if variant is None or sale.product_id not in titles:
            continue
        left = sale.quantity - sale.sold
        shown.append({
            "id": sale.id, "name": sale.name, "variant_id": sale.variant_id, "product_id": sale.product_id,
            "title": titles[sale.product_id], "price": sale.price, "regular_price": variant.price,
            "quantity": sale.quantity, "left": left, "sold": sale.sold,
            "sold_percent": sale.sold * 100 // sale.quantity, "status": status_of(sale, now),
            "per_customer_limit": sale.per_customer_limit,
            "starts_at": iso(sale.starts_at), "ends_at": iso(sale.ends_at),
            "seconds_to_start": max(0, int((sale.starts_at - now).total_seconds() + 0.999)),
            "seconds_to_end": max(0, int((sale.ends_at - now).total_seconds())),
        })
    return shown


def unit_price(sale: FlashSale) -> UnitPrice:
    """PRICING.md step 1 for a line bought in the sale: the sale's price, exclusive (nothing from steps 2-5)."""
    return UnitPrice(price=sale.price, source="flash_sale", id=sale.id, label=f"秒杀 {sale.name}", exclusive=True)


def gate_key(sale: FlashSale) -> flash_gate.SaleKey:
    created = sale.created_at if sale.created_at.tzinfo else sale.created_at.replace(tzinfo=UTC)
    return flash_gate.SaleKey(sale.id, int(created.timestamp() * 1_000_000))


def gate_load(session: Session, sale: FlashSale) -> tuple[int, dict[int, int]]:
    """What the gate should hold now, from the database: units left and each customer's units in live orders."""
    fresh = session.exec(select(FlashSale.sold).where(FlashSale.id == sale.id)).one()
    bought = dict(session.exec(
        select(FlashSaleOrder.customer_id, func.sum(FlashSaleOrder.qty))
        .where(FlashSaleOrder.flash_sale_id == sale.id, col(FlashSaleOrder.live).is_(True))
        .group_by(FlashSaleOrder.customer_id)
    ).all())
    return sale.quantity - fresh, {int(k): int(v) for k, v in bought.items()}


def check_customer_limit(session: Session, sale_id: int, limit: int, customer_id: int, qty: int) -> None:
    """409 limit_reached when the customer's units in live orders of the sale and `qty` pass its limit. Read
    before the checkout takes its hot rows (the stock, the sale), so they are held for two statements only."""
    had = session.exec(
        select(func.coalesce(func.sum(FlashSaleOrder.qty), 0)).where(
            FlashSaleOrder.flash_sale_id == sale_id, FlashSaleOrder.customer_id == customer_id, col(FlashSaleOrder.live).is_(True),
        )
    ).one()
    if had + qty > limit:
        raise Conflict("limit_reached")


def take_units(session: Session, sale_id: int, shop_id: int, order_id: int, customer_id: int, qty: int) -> None:
    """The order wins `qty` units, in the checkout's transaction: 409 sold_out when fewer are left,
    not_started / ended outside the sale's time. The one place `sold` goes up: an update that holds only
    while the units are there, so no gate can oversell."""
    now = utcnow()
    won = session.exec(
        update(FlashSale).where(
            FlashSale.id == sale_id, FlashSale.shop_id == shop_id, FlashSale.sold + qty <= FlashSale.quantity,
            col(FlashSale.ended_at).is_(None), FlashSale.starts_at <= now, FlashSale.ends_at > now,
        ).values(sold=FlashSale.sold + qty)
    ).rowcount
    if not won:
        sale = session.get(FlashSale, sale_id, populate_existing=True)
        status = status_of(sale, now) if sale else "ended"
        raise Conflict({"scheduled": "not_started", "ended": "ended"}.get(status, "sold_out"))
    session.add(FlashSaleOrder(shop_id=shop_id, flash_sale_id=sale_id, order_id=order_id, customer_id=customer_id, qty=qty))
    session.flush()


def order_moved(session: Session, order, before: str, to: str) -> None:
    """An order cancelled or expired unpaid gives its sale units back at once (orders/state, via lifecycle)."""
    if to != "cancelled":
        return
    rows = session.exec(select(FlashSaleOrder).where(FlashSaleOrder.order_id == order.id, col(FlashSaleOrder.live).is_(True))).all()
    for row in rows:
        sale = session.get(FlashSale, row.flash_sale_id)
        # The variant's row first, then the sale's: the order a winner takes them in (checkout reserves the
        # stock, then take_units), so a cancel and a winner wait for each other and never deadlock.
        session.exec(select(Variant.id).where(Variant.id == sale.variant_id).with_for_update())
        row.live = False
        session.add(row)
        session.exec(update(FlashSale).where(FlashSale.id == row.flash_sale_id).values(sold=FlashSale.sold - row.qty))
        session.refresh(sale)
        try:
            flash_gate.gate().give_back(gate_key(sale), row.customer_id, row.qty)
        except flash_gate.GateDown:
            pass  # the reconcile job brings the gate back to the database
    session.flush()


# What this process remembers of a sale, so the rush's losers are answered without the database ------

@dataclass(frozen=True)
class Known:
    """A sale as read a moment ago: enough to refuse a try before the start, after the end, or when the
    gate has nothing left. A start and an end never move later (an owner can only end a sale sooner)."""

    shop_id: int
    starts_at: datetime
    ends_at: datetime
    key: flash_gate.SaleKey


KNOWN_SECONDS = 2.0  # how long a remembered sale is trusted
_known: dict[tuple[str, int], tuple[float, Known]] = {}


def remember(slug: str, sale: FlashSale) -> None:
    if len(_known) > 10_000:
        _known.clear()
    ends = sale.ended_at if sale.ended_at is not None and sale.ended_at < sale.ends_at else sale.ends_at
    _known[(slug, sale.id)] = (time.monotonic() + KNOWN_SECONDS, Known(sale.shop_id, sale.starts_at, ends, gate_key(sale)))


def remembered(slug: str, sale_id: int) -> Known | None:
    found = _known.get((slug, sale_id))
    if found is None or found[0] < time.monotonic():
        return None
    return found[1]


def _forget_known() -> None:
    """A sale made or ended here: nothing remembered may stand for it (ids of a test database come back)."""
    _known.clear()


# The job: gate and database agree ----------------------------------------------------------------

_suspected: dict[flash_gate.SaleKey, tuple[int, dict[int, int]]] = {}


def reconcile_gates(session: Session) -> int:
    """Every running sale's gate against the database. A unit the gate gave out whose order never
    committed (its worker died between the two) shows as the gate holding fewer units than the
    database says are left. An order being written shows the same for a moment, so a difference is
    given back only when two runs in a row saw it, and only what both saw (the job runs every 15 s).
    Returns the units given back."""
    now = utcnow()
    sales = session.exec(select(FlashSale).where(col(FlashSale.ended_at).is_(None), FlashSale.ends_at > now)).all()
    given = 0
    seen: dict[flash_gate.SaleKey, tuple[int, dict[int, int]]] = {}
    gate = flash_gate.gate()
    for sale in sales:
        key = gate_key(sale)
        try:
            held = gate.state(key)
        except flash_gate.GateDown:
            return given
        if held is None:
            continue  # not loaded: the first shopper's try loads it from the database
        gate_left, gate_bought = held
        db_left, db_bought = gate_load(session, sale)
        lost = db_left - gate_left  # > 0: units lost at the gate; < 0: given back for a cancel that rolled back
        extra = {c: n - db_bought.get(c, 0) for c, n in gate_bought.items() if n > db_bought.get(c, 0)}
        if not lost and not extra:
            continue
        seen[key] = (lost, extra)
        before = _suspected.get(key)
        if before is None:
            continue
        back = (1 if lost > 0 else -1) * min(abs(lost), abs(before[0])) if lost * before[0] > 0 else 0
        fix = {c: -min(n, before[1].get(c, 0)) for c, n in extra.items() if before[1].get(c, 0) > 0}
        if back or fix:
            gate.adjust(key, back, fix)
            given += max(back, 0)
            seen.pop(key)
    _suspected.clear()
    _suspected.update(seen)
    return given


# Helpers ---------------------------------------------------------------------------------------

def _titles(session: Session, shop_id: int, product_ids: set[int], *, sellable: bool = False) -> dict[int, str]:
    if not product_ids:
        return {}
    query = select(Product.id, Product.title).where(Product.shop_id == shop_id, col(Product.id).in_(product_ids))
    if sellable:
        query = query.where(Product.status == "active")
    return dict(session.exec(query).all())


def _refunded_units(session: Session, item_ids: list[int]) -> dict[int, list[int]]:
    if not item_ids:
        return {}
    back: dict[int, list[int]] = {}
    for item_id, qty in session.exec(
        select(RefundItem.order_item_id, RefundItem.qty).where(col(RefundItem.order_item_id).in_(item_ids)).order_by(RefundItem.id)
    ).all():
        back.setdefault(item_id, []).append(qty)
    return back


def _new_customers(session: Session, shop_id: int, paid: list[Order]) -> int:
    if not paid:
        return 0
    first = dict(session.exec(
        select(Order.email, func.min(Order.paid_at)).where(
            Order.shop_id == shop_id, col(Order.paid_at).is_not(None), col(Order.email).in_(sorted({o.email for o in paid})),
        ).group_by(Order.email)
    ).all())
    return len({o.email for o in paid if first.get(o.email) == o.paid_at})






def create_from_form(session: Session, actor: Actor, form: dict) -> dict:
    """The console's form: the variant by its SKU (or id), the price typed in yuan ("9.9"), times typed on the
    shop's clock (datetime-local)."""
    errors: dict[str, str] = {}
    data = {k: form.get(k, "") for k in ("name", "variant_id", "quantity", "per_customer_limit", "pay_minutes")}
    typed_variant = str(data["variant_id"] or "").strip()
    if typed_variant and not typed_variant.isdigit():  # a SKU, as the owner knows the variant
        found = session.exec(select(Variant.id).where(Variant.shop_id == actor.shop_id, Variant.sku == typed_variant)).first()
        data["variant_id"] = found if found is not None else 0
        if found is None:
            errors["variant_id"] = "variants_not_in_shop"
    typed = str(form.get("price") or "").strip()
    try:
        data["price"] = parse_money(typed, field="price") if typed else None
    except Invalid as refused:
        errors.update(refused.fields)
    for field in ("starts_at", "ends_at"):
        text = str(form.get(field) or "").strip()
        try:
            moment = datetime.fromisoformat(text) if text else None
        except ValueError:
            errors[field], moment = "date_invalid", None
        data[field] = (moment if moment.tzinfo else moment.replace(tzinfo=shop_zone(actor.shop_id))).isoformat() if moment else ""
    try:
        return create_flash_sale(session, actor, data)
    except Invalid as refused:
        raise Invalid(fields={**refused.fields, **errors}) from None
