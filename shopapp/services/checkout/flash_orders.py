"""A shopper's 秒杀 order: through the gate first, and only a winner writes an order.

`buy` runs the two halves in their own units of work: `enter` reads (the sale, the shopper) and asks
the gate — every loser (not started, ended, sold out, over the limit) is answered here, without a
write transaction — and `place` writes the winner's order at the sale's exclusive price, its units
taken by the database's conditional update (flash_sales.take_units) in the same transaction. Anything
that stops a winner's order (a bad address, stock gone, the database saying no) gives the gate's
units back at once; a worker that dies in between leaves them to the reconcile job.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass

from sqlmodel import Session, select

from shopapp.models import Shop
from shopapp.models.flash_sales import FlashSale
from shopapp.services.checkout import cart as carts
from shopapp.services.checkout import place as placing
from shopapp.services.core.errors import Conflict, Invalid, NotFound
from shopapp.services.core.validation import checked_whole, id_from_text
from shopapp.services.customers import shoppers
from shopapp.services.marketing import flash_gate, flash_sales
from shopapp.services.marketing.savings import UnitPrice

Opener = Callable[[], AbstractContextManager[Session]]


@dataclass(frozen=True)
class Ticket:
    """A try the gate let through: what the winner's order needs."""

    shop_id: int
    sale_id: int
    variant_id: int
    key: flash_gate.SaleKey
    customer_id: int
    email: str
    qty: int
    pay_minutes: int
    gated: bool  # False when the gate could not answer (the database decides alone)
    price: UnitPrice  # the sale's, as `enter` read it (a sale's price never changes; take_units checks the rest)
    limit: int


# Winners writing their orders at once in this process. More only queue for the interpreter's lock and the
# database's hot rows (the SKU's stock, the sale): each of a statement's wake-ups then waits behind every other
# busy thread, and the rush's p95 grows with the crowd. The ones beyond wait here in turn (first come, first
# served), holding no connection and no row.
WRITERS_AT_ONCE = 3
_writers = threading.BoundedSemaphore(WRITERS_AT_ONCE)


def buy(read: Opener, write: Opener, slug: str, sale_id, customer_token: str | None, data: dict, *, mobile: bool = True) -> dict:
    """The whole try: 201's body `{order_no, order_id, total, payment, token, expires_at, …}`, or the Conflict
    (`not_started`, `ended`, `sold_out`, `limit_reached`) or Invalid that says why not. `read` and `write`
    open the units of work (db.read_scope and db.session_scope)."""
    data = data if isinstance(data, dict) else {}
    refuse_from_memory(slug, sale_id)
    with read() as session:
        ticket = enter(session, slug, sale_id, customer_token, data.get("qty", 1))
    try:
        with _writers, write() as session:
            return place(session, ticket, customer_token, data, mobile=mobile)
    except BaseException:
        leave(ticket)
        raise


def refuse_from_memory(slug: str, sale_id, *, ask_gate: bool = True) -> None:
    """The rush's usual answers from a sale read a moment ago and the gate alone (no database at all):
    not_started, ended, sold_out. Anything else goes on to `enter`, which reads the sale afresh. With
    `ask_gate=False` nothing waits on I/O (the API asks so on its event loop): sold_out only when this
    process saw the gate empty a moment ago."""
    known = flash_sales.remembered((slug or "").lower(), id_from_text(sale_id))
    if known is None:
        return
    now = flash_sales.utcnow()
    if now < known.starts_at:
        raise Conflict("not_started", starts_at=flash_sales.iso(known.starts_at))
    if now >= known.ends_at:
        raise Conflict("ended")
    if flash_gate.seen_sold_out(known.key):
        raise Conflict("sold_out")
    if not ask_gate:
        return
    try:
        if flash_gate.gate().left(known.key) == 0:
            raise Conflict("sold_out")
    except flash_gate.GateDown:
        pass


def enter(session: Session, slug: str, sale_id, customer_token: str | None, qty) -> Ticket:
    """Ask the gate for `qty` units: a Ticket for a winner; Conflict for everyone else. Reads only."""
    row = session.exec(
        select(FlashSale, Shop.id).join(Shop, Shop.id == FlashSale.shop_id)
        .where(Shop.slug == (slug or "").lower(), FlashSale.id == id_from_text(sale_id))
    ).first()
    if row is None:
        raise NotFound("flash_sale_not_found")
    sale, shop_id = row
    flash_sales.remember((slug or "").lower(), sale)
    status = flash_sales.status_of(sale)
    if status == "scheduled":
        raise Conflict("not_started", starts_at=flash_sales.iso(sale.starts_at))
    if status == "ended":
        raise Conflict("ended")
    errors: dict[str, str] = {}
    qty = checked_whole(qty if qty not in (None, "") else 1, "qty", errors)
    if qty is not None and not 1 <= qty <= sale.per_customer_limit:
        raise Conflict("limit_reached", limit=sale.per_customer_limit) if qty > 0 else Invalid(fields={"qty": "number_out_of_range"})
    if errors:
        raise Invalid(fields=errors)
    key = flash_sales.gate_key(sale)
    gate = flash_gate.gate()
    try:
        if gate.left(key) == 0:
            raise Conflict("sold_out")  # the rush's usual answer: no need to know who asks
    except flash_gate.GateDown:
        pass
    customer = shoppers.customer_for_token(session, shop_id, customer_token)
    try:
        verdict = gate.take(key, customer.id, qty, sale.per_customer_limit, lambda: flash_sales.gate_load(session, sale))
        gated = True
    except flash_gate.GateDown:
        verdict, gated = flash_gate.OK, False
    if verdict != flash_gate.OK:
        raise Conflict(verdict)
    return Ticket(shop_id, sale.id, sale.variant_id, key, customer.id, customer.email, qty, sale.pay_minutes, gated,
                  flash_sales.unit_price(sale), sale.per_customer_limit)


def place(session: Session, ticket: Ticket, customer_token: str | None, data: dict, *, mobile: bool = True) -> dict:
    """The winner's order: one line at the sale's price (no cart), placed as checkout places any order (stock
    reserved, payment waiting for `pay_minutes`), and the sale's units taken in the same transaction."""
    flash_sales.check_customer_limit(session, ticket.sale_id, ticket.limit, ticket.customer_id, ticket.qty)
    placed = placing.place_order(
        session, ticket.shop_id, "", data.get("email") or ticket.email, data.get("address"),
        data.get("shipping_method_id"), data.get("note") or "", provider=data.get("provider"), mobile=mobile,
        customer_token=customer_token, exclusive_prices={ticket.variant_id: ticket.price},
        lines=[carts.line_of(session, ticket.shop_id, ticket.variant_id, ticket.qty)],
        pay_seconds=ticket.pay_minutes * 60,
    )
    flash_sales.take_units(session, ticket.sale_id, ticket.shop_id, placed["order_id"], ticket.customer_id, ticket.qty)
    return placed


def leave(ticket: Ticket) -> None:
    """A winner whose order was not written: the gate's units go back."""
    if ticket.gated:
        try:
            flash_gate.gate().give_back(ticket.key, ticket.customer_id, ticket.qty)
        except flash_gate.GateDown:
            pass  # the reconcile job gives them back
