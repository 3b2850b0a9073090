"""The starter buys their 砍价 run: one unit of the bargain's variant at the run's price now.

The order is made as every checkout makes one (checkout/place: address, shipping, stock through the
inventory, a payment waiting) from a one-line cart, its line priced by the pipeline's step 1 as an
exclusive activity (UnitPrice(exclusive=True), PRICING.md): nothing from steps 2-5, shipping still paid,
the saving against the variant's price listed as `bargain`. The run's row is locked while it is bought,
one of the activity's units is taken by a conditional UPDATE, and a refusal anywhere keeps nothing.
"""

from __future__ import annotations

from sqlmodel import Session

from shopapp.models.bargains import Bargain
from shopapp.services.checkout import cart as carts
from shopapp.services.checkout import place
from shopapp.services.core.errors import Conflict, Forbidden
from shopapp.services.customers import shoppers
from shopapp.services.marketing import bargain_runs, bargains
from shopapp.services.marketing.savings import UnitPrice

LABEL = "砍价"


def checkout(
    session: Session, shop_id: int, run_id, customer_token: str | None, address: dict | None,
    shipping_method_id: int | None = None, *, mobile: bool = True,
) -> dict:
    """The run's starter places their order at the run's price: 201's body, as checkout answers
    {order_id, order_no, total, currency, status, expires_at, payment, token}.
    403 `not_your_bargain`; 409 `not_at_floor` (before the floor unless the owner allows it), `expired`,
    `already_ordered`, `sold_out` (the activity's units, or the variant's stock)."""
    customer = shoppers.customer_for_token(session, shop_id, customer_token)
    with session.begin_nested():
        run = bargain_runs.locked_run(session, shop_id, run_id)
        if run.customer_id != customer.id:
            raise Forbidden("not_your_bargain")
        bargain = session.get(Bargain, run.bargain_id)
        status = bargain_runs.run_status(run, bargain)
        if status == "ordered":
            raise Conflict("already_ordered")
        if status == "expired":
            raise Conflict("expired")
        if status == "open" and not bargain.buy_before_floor:
            raise Conflict("not_at_floor")
        bargains.take_unit(session, bargain)
        token = carts.create_cart(session, shop_id, customer_id=customer.id)
        carts.add_item(session, shop_id, token, bargain.variant_id, 1, view=False)
        price = UnitPrice(run.price, bargains.SOURCE, bargain.id, LABEL, exclusive=True)
        placed = place.place_order(
            session, shop_id, token, customer.email, address or {}, shipping_method_id, mobile=mobile,
            customer_token=customer_token, exclusive_prices={bargain.variant_id: price},
        )
        run.order_id = placed["order_id"]
        session.add(run)
        session.flush()
    return placed
