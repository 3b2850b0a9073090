"""Which coupon a cart is priced with: the one the shopper chose, or else the best of their wallet.

The best is found the only honest way, by pricing the cart with each coupon the shopper may use
(Offers.with_coupon) and comparing totals, so a coupon that drops a 满减 or only waives shipping is
weighed by what it really saves. The others are listed with their saving or why they cannot be used.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session

from shopapp.models import ShippingMethod
from shopapp.services.checkout import cart as carts
from shopapp.services.checkout import pricing
from shopapp.services.core.errors import Invalid
from shopapp.services.core.money import format_money
from shopapp.services.marketing import coupons
from shopapp.services.marketing.offers import Offers
from shopapp.services.marketing.savings import Basket


@dataclass(frozen=True)
class CouponChoice:
    """The cart priced with its coupon (or none), the offers that priced it, and what the quote lists."""

    priced: pricing.PricedCart
    offers: Offers
    coupons: list[dict]
    chosen: dict | None
    refused: dict | None = None  # the shopper's own choice when it does not apply: {field, reason, missing}

    def as_dict(self) -> dict:
        return {"coupons": self.coupons, "chosen_coupon": self.chosen, "coupon_problem": self.refused}

    def require_applies(self) -> None:
        """Placing an order: a chosen coupon that does not apply is refused, with the amount missing."""
        if self.refused:
            reason = self.refused["reason"]
            raise Invalid(reason, fields={self.refused["field"]: reason}, missing=format_money(self.refused["missing"]))


def price_with_coupon(
    session: Session, lines: Sequence[carts.Line], method: ShippingMethod | None, offered: Offers, *, compare: bool = True,
) -> CouponChoice:
    """Price the lines with the chosen coupon, or (no choice; `customer_coupon_id` 0 says "none") with
    the wallet's coupon that saves the most. `compare` False (placing an order) prices a chosen coupon
    alone, without listing the wallet's others."""
    chosen = offered.coupon
    looks = offered.shop_id and offered.choices.customer_coupon_id != 0 and (compare or chosen is None)
    candidates = coupons.wallet_candidates(session, offered.shop_id, offered.customer_id) if looks else []
    if chosen is not None:
        candidates = [chosen, *(c for c in candidates if c.id != chosen.id)]
    # One pricing per coupon, sharing steps 1-3 (they do not read the coupon).
    without, *each = pricing.price_with_each(
        lines, [offered.with_coupon(None), *(offered.with_coupon(c) for c in candidates)], shipping_method=method,
    )
    priced_each = list(zip(candidates, each))
    listed = [_entry(c, priced, without) for c, priced in priced_each]
    if chosen is None:
        best = max(range(len(listed)), key=lambda n: (listed[n]["usable"], listed[n]["saving"], -n), default=None)
        if best is not None and listed[best]["usable"] and listed[best]["saving"] > 0:
            chosen = candidates[best]
    if chosen is None:
        return CouponChoice(without, offered.with_coupon(None), listed, None)
    at = candidates.index(chosen)
    entry = listed[at]
    if not entry["usable"]:
        refused = {"field": chosen.field, "reason": entry["reason"], "missing": entry.get("missing", 0)}
        return CouponChoice(without, offered.with_coupon(None), listed, None, refused)
    return CouponChoice(priced_each[at][1], offered.with_coupon(chosen), listed, entry)


def _entry(coupon: coupons.CouponOffer, priced: pricing.PricedCart, without: pricing.PricedCart) -> dict:
    entry = {
        "id": coupon.id, "customer_coupon_id": coupon.customer_coupon_id, "name": coupon.name,
        "description": coupons.describe(coupon), "drops_promotions": not coupon.combines_with_promotions,
    }
    if any(saving.source == "coupon" for saving in priced.discounts):
        kept = {(saving.source, saving.id) for saving in priced.discounts}
        dropped = [saving.as_dict() for saving in without.discounts if (saving.source, saving.id) not in kept]
        return {**entry, "saving": without.total - priced.total, "usable": True, "dropped": dropped}
    basket = _before_coupon(priced)
    if not coupons.covered_lines(basket, coupon):
        return {**entry, "saving": 0, "usable": False, "reason": "coupon_not_for_these_products"}
    return {**entry, "saving": 0, "usable": False, "reason": "coupon_threshold_not_reached",
            "missing": coupons.missing_amount(basket, coupon)}


def _before_coupon(priced: pricing.PricedCart) -> Basket:
    """The basket step 4 saw: each line's paid with step 5's points given back (no coupon took anything)."""
    amounts = tuple(item.paid + sum(d.amount for d in item.discounts if d.source == "points") for item in priced.items)
    return Basket([item.line for item in priced.items], amounts, tuple(False for _ in priced.items))
