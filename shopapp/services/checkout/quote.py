"""The checkout page's totals before the order is placed, priced by the one pipeline place_order uses."""

from __future__ import annotations

from sqlmodel import Session

from shopapp.services.checkout import cart as carts
from shopapp.services.checkout import pricing, shipping
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
    priced = pricing.price_cart([line for line in lines if line.problem is None], shipping_method=method, offers=offered_now)
    return {
        **view,
        "items": _items(view["items"], priced),
        **priced.as_dict(),
        "next_tier": pricing.next_tier(priced, offered_now),
        "shipping_method": shipping.method_dict(method) if method else None,
    }


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
