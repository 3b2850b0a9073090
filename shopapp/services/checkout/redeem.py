"""积分商城 redemption: a shopper's points buy a reward product, which becomes an order at ¥0 (a coupon
reward goes straight into the wallet, marketing/rewards.redeem_coupon).

The order is made as checkout makes any (a cart line priced by the catalogue, units taken through the
inventory, the order paid at once because there is nothing to pay), with the reward's points as the
one saving: so the console, refunds (nothing to refund) and cancellation treat it like any free order,
and closing it gives the points back (marketing/points).
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from shopapp.models import Order, OrderItem
from shopapp.models.base import utcnow
from shopapp.services.checkout import cart as carts
from shopapp.services.checkout import place
from shopapp.services.core.errors import Conflict, require_fields
from shopapp.services.core.tokens import new_token, token_hash
from shopapp.services.customers import shoppers
from shopapp.services.inventory import ledger
from shopapp.services.marketing import points, rewards
from shopapp.services.orders import fulfillment, state
from shopapp.services.shops import shops

LABEL = "积分兑换"


def redeem(session: Session, shop_id: int, reward_id: int, customer_token: str | None, address=None) -> dict:
    """The logged-in shopper redeems a reward: the reward's stock, their points and the product's units
    are taken together or not at all. Answers {order_id, order_no, total: 0, status, points, token}.
    A coupon reward makes no order: the coupon goes into their wallet (marketing/rewards.redeem_coupon)."""
    customer = shoppers.customer_for_token(session, shop_id, customer_token)
    if rewards.is_coupon(session, shop_id, reward_id):
        return rewards.redeem_coupon(session, shop_id, reward_id, customer.id)
    shop = shops.get_shop(session, shop_id)
    with session.begin_nested():  # a refusal anywhere keeps nothing
        reward = rewards.take(session, shop_id, reward_id)
        lines = _lines(session, shop_id, customer.id, reward.variant_id)
        errors: dict[str, str] = {}
        delivery = place.checked_address(address, errors) if carts.needs_shipping(lines) else {}
        require_fields(errors)
        order = _order(session, shop, customer, lines[0], reward, delivery)
        points.spend(session, shop_id, customer.id, reward.points, "redeemed", order.order_no, order_id=order.id)
        state.transition(session, order, "paid", "system", {"amount": 0, "points_reward_id": reward.id})
        fulfillment.complete_if_virtual(session, order, "system")
    return {
        "order_id": order.id, "order_no": order.order_no, "total": 0, "status": order.status,
        "points": reward.points, "reward_id": reward.id,
    }


def _lines(session: Session, shop_id: int, customer_id: int, variant_id: int) -> list[carts.Line]:
    """The reward's product as a one-unit cart line, priced and checked (on sale, in stock) by the catalogue."""
    token = carts.create_cart(session, shop_id, customer_id=customer_id)
    carts.add_item(session, shop_id, token, variant_id, 1)
    cart = carts.load_cart(session, shop_id, token)
    lines = carts.cart_lines(session, cart)
    carts.delete_cart(session, cart)
    if lines[0].problem:
        raise carts.line_problem(lines[0])
    return lines


def _order(session: Session, shop, customer, line: carts.Line, reward, delivery: dict) -> Order:
    price = line.unit_price
    saving = {"source": "points", "id": reward.id, "label": LABEL, "amount": price}
    order = Order(
        shop_id=shop.id, order_no=state.new_order_no(session), token_hash=token_hash(new_token("ord")),
        currency=shop.currency, email=customer.email, customer_id=customer.id, address=delivery,
        recipient_name=delivery.get("name", ""), recipient_phone=delivery.get("phone", ""),
        subtotal=price, discount_total=price, discounts=[saving], shipping_total=0, total=0,
        weight_grams=line.weight_grams, expires_at=utcnow() + timedelta(minutes=1),
    )
    session.add(order)
    session.flush()
    session.add(OrderItem(
        order_id=order.id, shop_id=shop.id, variant_id=line.variant_id, product_id=line.product.id,
        title=line.product.title, sku=line.variant.sku, option_values=line.variant.option_values, qty=1,
        unit_price=price, total=price, paid=0, discounts=[{"source": "points", "id": reward.id, "amount": price}],
        weight_grams=line.variant.weight_grams,
    ))
    try:
        sold_from = ledger.take_for_order(session, f"order:{order.order_no}", shop.id, [(line.variant_id, 1)], f"order {order.order_no}")
    except Conflict:
        raise Conflict("sold_out", variant_id=line.variant_id) from None
    state.record_event(session, order, "placed", "shopper", {"total": 0, "points_reward_id": reward.id})
    session.flush()
    for item in state.order_items(session, order):
        item.sold_from = sold_from[line.variant_id]
        session.add(item)
    return order
