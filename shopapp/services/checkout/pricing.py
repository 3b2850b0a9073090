"""The pricing pipeline of PRICING.md: a cart's lines become unit prices, savings, what each line pays and a total."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from shopapp.models import ShippingMethod
from shopapp.services.checkout import cart as carts
from shopapp.services.checkout import shipping
from shopapp.services.core.money import allocate
from shopapp.services.marketing import coupons
from shopapp.services.marketing.offers import NO_OFFERS, Offers
from shopapp.services.marketing.savings import SOURCES, Basket, LineDiscount, Saving, UnitPrice

__all__ = ["SOURCES", "Basket", "LineDiscount", "Offers", "PricedCart", "PricedLine", "Saving", "UnitPrice", "price_cart"]

@dataclass(frozen=True)
class PricedLine:
    """A line as priced: `unit_price` from step 1, `paid` after every saving allocated to it."""

    line: carts.Line
    unit_price: int
    paid: int
    discounts: tuple[LineDiscount, ...] = ()
    gift: bool = False

    @property
    def variant_id(self) -> int:
        return self.line.variant_id

    @property
    def qty(self) -> int:
        return self.line.qty

    @property
    def total(self) -> int:
        """The line at its step-1 price, before steps 2-5."""
        return self.unit_price * self.qty

    def as_dict(self) -> dict:
        return {
            "unit_price": self.unit_price, "paid": self.paid, "gift": self.gift,
            "discounts": [discount.as_dict() for discount in self.discounts],
        }


@dataclass(frozen=True)
class PricedCart:
    """What a quote and an order say: total = subtotal - discount_total + shipping_total = Σ paid + shipping_total."""

    items: tuple[PricedLine, ...]
    subtotal: int  # Σ variant price × qty, before anything
    discounts: tuple[Saving, ...]
    discount_total: int
    shipping_total: int
    total: int
    weight_grams: int  # of the physical lines, what shipping was charged on

    def as_dict(self) -> dict:
        return {
            "subtotal": self.subtotal, "discounts": [saving.as_dict() for saving in self.discounts],
            "discount_total": self.discount_total, "shipping_total": self.shipping_total, "total": self.total,
        }


# A step of 2-5: the basket as the steps before left it, and what the shop offers this shopper.
Step = Callable[[Basket, Offers], list[Saving]]


def price_cart(
    lines: Sequence[carts.Line], *, shipping_method: ShippingMethod | None = None, offers: Offers = NO_OFFERS,
) -> PricedCart:
    """Price the lines as PRICING.md says, step by step: 1 unit prices, 2 quantity deals,
    3 order-level promotions, 4 one coupon, 5 points, 6 shipping. Each saving of steps 2-5 is
    allocated to the lines it came from before the next step looks at them.

    The lines are ones that can be bought (no `problem`); `shipping_method` is the chosen one, or
    None when nothing is delivered; `offers` is what the marketing centre offers this shopper now
    (marketing/offers.load_offers). Money is integer 分 throughout.
    """
    lines = tuple(lines)
    subtotal = sum(line.unit_price * line.qty for line in lines)
    prices = [_unit_price(line, offers) for line in lines]
    amounts = [price.price * line.qty for price, line in zip(prices, lines)]
    exclusive = tuple(price.exclusive for price in prices)
    savings = [
        Saving(price.source, price.id, price.label, (line.unit_price - price.price) * line.qty, (n,))
        for n, (price, line) in enumerate(zip(prices, lines)) if price.source and price.price < line.unit_price
    ]
    shares: list[list[LineDiscount]] = [[] for _ in lines]
    for saving in savings:
        shares[saving.lines[0]].append(LineDiscount(saving.source, saving.id, saving.amount))
    free_shipping = False
    for step in _steps(offers):
        for offered in step(Basket(lines, tuple(amounts), exclusive), offers):
            saving = _checked(offered, amounts, exclusive)
            free_shipping = free_shipping or saving.free_shipping
            if not saving.amount:
                if saving.free_shipping:
                    savings.append(saving)  # listed so the shopper sees why shipping is free
                continue
            cuts = allocate(saving.amount, [amounts[n] for n in saving.lines])
            for n, cut in zip(saving.lines, cuts):
                amounts[n] -= cut
                if cut:
                    shares[n].append(LineDiscount(saving.source, saving.id, cut))
            savings.append(saving)
    items = tuple(
        PricedLine(line, price.price, paid, tuple(line_shares))
        for line, price, paid, line_shares in zip(lines, prices, amounts, shares)
    )
    weight = sum(line.weight_grams for line in lines)
    shipping_total = 0 if free_shipping else _shipping(lines, shipping_method, weight, sum(amounts))
    discount_total = sum(saving.amount for saving in savings)
    return PricedCart(
        items=items, subtotal=subtotal, discounts=tuple(savings), discount_total=discount_total,
        shipping_total=shipping_total, total=subtotal - discount_total + shipping_total, weight_grams=weight,
    )


# The steps -------------------------------------------------------------------------------------

def _unit_price(line: carts.Line, offers: Offers) -> UnitPrice:
    """Step 1: the variant's price. An exclusive activity's price (秒杀, 拼团, 砍价), or the lower of a
    限时折扣 and the member level's discount, comes in here with its source."""
    return UnitPrice(line.unit_price)


def _quantity_deals(basket: Basket, offers: Offers) -> list[Saving]:
    """Step 2: 第二件 X 折 (`second_half`) and 打包一口价 (`bundle`), on step-1 prices. No source yet."""
    return []


def _order_promotions(basket: Basket, offers: Offers) -> list[Saving]:
    """Step 3: 满减 / 满折 / 满赠 / 满包邮 (`tiered`) on the amounts after step 2. No source yet."""
    return []


def _coupon(basket: Basket, offers: Offers) -> list[Saving]:
    """Step 4: one coupon, its threshold on the covered amounts after step 3 (marketing/coupons)."""
    return coupons.coupon_savings(basket, offers)


def _points(basket: Basket, offers: Offers) -> list[Saving]:
    """Step 5: points off the merchandise left after step 4. No source yet."""
    return []


# Steps 2-5 in PRICING.md's order; each returns its savings, allocated before the next one runs.
DISCOUNT_STEPS: tuple[Step, ...] = (_quantity_deals, _order_promotions, _coupon, _points)


def _steps(offers: Offers) -> tuple[Step, ...]:
    """The steps this cart runs: a coupon that does not combine with promotions drops step 3."""
    if coupons.drops_promotions(offers):
        return tuple(step for step in DISCOUNT_STEPS if step is not _order_promotions)
    return DISCOUNT_STEPS


def _shipping(lines: tuple[carts.Line, ...], method: ShippingMethod | None, weight: int, merchandise: int) -> int:
    """Step 6: the method's fee on the physical lines' weight; none for virtual goods only.

    The method's free-over threshold is measured on what the merchandise costs after its savings.
    """
    if method is None or not carts.needs_shipping(lines):
        return 0
    return shipping.shipping_fee(method, weight, merchandise)


# Helpers ---------------------------------------------------------------------------------------

def _checked(saving: Saving, amounts: list[int], exclusive: tuple[bool, ...]) -> Saving:
    """A step's saving as the rules allow it: from known lines, none exclusive, never more than those lines' amount."""
    if saving.source not in SOURCES:
        raise ValueError(f"unknown saving source {saving.source!r}")
    if not isinstance(saving.amount, int) or saving.amount < 0:
        raise ValueError("a saving is a whole, non-negative number of 分")
    lines = tuple(sorted(set(saving.lines)))
    if not lines or lines[0] < 0 or lines[-1] >= len(amounts) or any(exclusive[n] for n in lines):
        raise ValueError("a saving comes from lines of the cart that are not exclusive")
    covered = sum(amounts[n] for n in lines)
    return replace(saving, amount=min(saving.amount, covered), lines=lines)

