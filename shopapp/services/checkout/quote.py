"""The checkout page's totals before the order is placed, priced by the one pipeline place_order uses."""

from __future__ import annotations

from sqlmodel import Session

from shopapp.services.checkout import cart as carts
from shopapp.services.checkout import coupon_choice, shipping
from shopapp.services.core.errors import require_fields
from shopapp.services.customers import shoppers
from shopapp.services.marketing import offers


def quote(
    session: Session, shop_id: int, cart_token: str, *,
    shipping_method_id: int | None = None, province: str | None = None,
    customer_token: str | None = None, choices: offers.Choices = offers.NO_CHOICES,
) -> dict:
    """The totals the checkout page shows before the order is placed, priced as place_order prices them.

    The cart's fields, then the pipeline's (subtotal, discounts, discount_total, shipping_total,
    total), and per item `paid`, `gift` and `discounts`; a line with a problem counts for nothing.
    `coupons` lists the shopper's coupons with what each saves or why it cannot be used, and
    `chosen_coupon` the one priced in (theirs, or else the best of their wallet).
    """
    cart = carts.load_cart(session, shop_id, cart_token)
    lines = carts.cart_lines(session, cart)
    view = carts.cart_dict(session, cart, lines)
    province = shipping.normalise_province(province) if province else None
    errors: dict[str, str] = {}
    method = None
    if view["needs_shipping"]:
        method = shipping.method_for_checkout(session, shop_id, shipping_method_id, province, errors)
    require_fields(errors)
    customer_id = shoppers.customer_for_token(session, shop_id, customer_token).id if shoppers.is_customer_token(customer_token) else None
    offered_now = offers.load_offers(session, shop_id, customer_id=customer_id, choices=choices)
    choice = coupon_choice.price_with_coupon(session, [line for line in lines if line.problem is None], method, offered_now)
    priced = choice.priced
    # One cart line per variant; a line split by a per-customer limit will need its own key here.
    by_variant = {item.variant_id: item.as_dict() for item in priced.items}
    nothing = {"paid": 0, "gift": False, "discounts": []}
    return {
        **view,
        "items": [{**item, **by_variant.get(item["variant_id"], nothing)} for item in view["items"]],
        **priced.as_dict(),
        "shipping_method": shipping.method_dict(method) if method else None,
        **choice.as_dict(),
    }
