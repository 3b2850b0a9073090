"""The checkout page's totals before the order is placed, priced by the one pipeline place_order uses."""

from __future__ import annotations

from sqlmodel import Session

from shopapp.services.checkout import cart as carts
from shopapp.services.checkout import coupon_choice, pricing, shipping
from shopapp.services.core.errors import DomainError, require_fields
from shopapp.services.customers import shoppers
from shopapp.services.marketing import offers, points


def quote(
    session: Session, shop_id: int, cart_token: str, *,
    shipping_method_id: int | None = None, province: str | None = None,
    customer_token: str | None = None, choices: offers.Choices = offers.NO_CHOICES, with_shipping: bool = True,
) -> dict:
    """The totals the checkout page shows before the order is placed, priced as place_order prices them.

    The cart's fields, then the pipeline's (subtotal, discounts, discount_total, shipping_total,
    total), and per item `paid`, `gift` and `discounts`; a line with a problem counts for nothing.
    `with_shipping=False` is the cart page's view: no method yet, so shipping_total is 0 and the
    total is what the merchandise costs after its savings.
    `coupons` lists the shopper's coupons with what each saves or why it cannot be used, and
    `chosen_coupon` the one priced in (theirs, or else the best of their wallet).
    """
    cart, lines, currency = carts.read_cart(session, shop_id, cart_token)
    view = carts.cart_dict(session, cart, lines, currency)
    province = shipping.normalise_province(province) if province else None
    errors: dict[str, str] = {}
    method = None
    if view["needs_shipping"] and with_shipping:
        method = shipping.method_for_checkout(session, shop_id, shipping_method_id, province, errors)
    require_fields(errors)
    customer_id = shoppers.customer_for_token(session, shop_id, customer_token).id if shoppers.is_customer_token(customer_token) else None
    offered_now = offers.load_offers(session, shop_id, customer_id=customer_id, choices=choices)
    choice = coupon_choice.price_with_coupon(session, [line for line in lines if line.problem is None], method, offered_now)
    priced = choice.priced
    return {
        **view,
        "items": _items(view["items"], priced),
        **priced.as_dict(),
        "next_tier": pricing.next_tier(priced, offered_now),
        "shipping_method": shipping.method_dict(method) if method else None,
        "points": points.quote_points(offered_now.points, priced),  # {balance, max_usable, used, value}
        **choice.as_dict(),
    }


def cart_view(session: Session, shop_id: int, cart_token: str, *, customer_token: str | None = None) -> dict:
    """The cart page and the cart API: the cart priced by the same pipeline as the checkout (the same
    subtotal, savings line by line and per item `paid`), before a shipping method is chosen."""
    return quote(session, shop_id, cart_token, customer_token=customer_token, with_shipping=False)


CHOICE_FIELDS = ("coupon_code", "customer_coupon_id", "points")


def quote_with_choices(
    session: Session, shop_id: int, cart_token: str, typed: dict, **options,
) -> tuple[dict, dict[str, str]]:
    """The checkout page's quote for the shopper's choices as typed ({coupon_code, customer_coupon_id,
    points}), and {field: code} for each choice refused (a code of the wrong shape or unknown, more
    points than they hold): the cart is then priced without that choice, so the page still shows the
    totals and the refusal next to its field, and what was typed stays typed."""
    typed = {name: typed.get(name) for name in CHOICE_FIELDS}
    refused: dict[str, str] = {}
    for _ in range(len(CHOICE_FIELDS) + 1):  # each round drops at least one refused choice
        try:
            choices = offers.checked_choices(typed["coupon_code"], typed["customer_coupon_id"], typed["points"] or 0)
            return quote(session, shop_id, cart_token, choices=choices, **options), refused
        except DomainError as exc:
            mine = {name: code for name, code in exc.fields.items() if name in CHOICE_FIELDS and typed[name] not in (None, "", 0)}
            if not mine or len(mine) < len(exc.fields):
                raise  # not (only) a refused choice: the cart or the shipping is what is wrong
            refused.update(mine)
            typed.update(dict.fromkeys(mine))
    raise AssertionError("unreachable: every round drops a choice")


def _items(shown: list[dict], priced: pricing.PricedCart) -> list[dict]:
    """The cart's items with their prices. A line split by a per-customer limit shows as its two
    parts (same variant, each with its qty); a 满赠 gift comes last, at 0."""
    parts: dict[int, list] = {}
    for item in priced.items:
        if not item.gift:
            parts.setdefault(item.variant_id, []).append(item)
    nothing = {"paid": 0, "gift": False, "discounts": []}
    items = []
    for item in shown:
        own = parts.get(item["variant_id"])
        if not own:
            items.append({**item, **nothing})
            continue
        for part in own:
            split = {"qty": part.qty, "total": part.total} if len(own) > 1 else {}
            items.append({**item, **split, **part.as_dict()})
    for gift in (item for item in priced.items if item.gift):
        line = gift.line
        items.append({
            "variant_id": gift.variant_id, "product_id": line.product.id, "title": line.product.title,
            "sku": line.variant.sku, "option_values": line.variant.option_values, "qty": 1, "total": 0,
            "compare_at_price": None, "image_url": None, "presale_ships_at": None, "problem": None, **gift.as_dict(),
        })
    return items
