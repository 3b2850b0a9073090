"""The pricing pipeline of PRICING.md: a cart's lines become unit prices, savings, what each line pays and a total."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from shopapp.models import ShippingMethod
from shopapp.services.checkout import cart as carts
from shopapp.services.checkout import shipping
from shopapp.services.core.money import allocate
from shopapp.services.marketing import coupons, points, promotion_rules
from shopapp.services.marketing.offers import NO_OFFERS, Offers
from shopapp.services.marketing.savings import SOURCES, Basket, LineDiscount, Saving, UnitPrice

__all__ = ["SOURCES", "Basket", "LineDiscount", "Offers", "PricedCart", "PricedLine", "Saving", "UnitPrice", "price_cart", "price_with_each"]

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


# Activities whose lines take nothing from steps 2-5 (PRICING.md step 1).
EXCLUSIVE_SOURCES = ("flash_sale", "group_buy", "bargain")

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
    return price_with_each(lines, [offers], shipping_method=shipping_method)[0]


def price_with_each(
    lines: Sequence[carts.Line], offers_each: Sequence[Offers], *, shipping_method: ShippingMethod | None = None,
) -> list[PricedCart]:
    """The same lines priced once per offers (price_cart for each): how the checkout compares the wallet's
    coupons. Steps 1-3 do not read the coupon, so offers that differ only in their coupon share one run
    of them (two when a coupon drops step 3) and only steps 4-6 run per coupon."""
    before_coupon: dict[tuple, _Stage] = {}
    priced = []
    for offers in offers_each:
        drops = coupons.drops_promotions(offers)
        # Everything steps 1-3 read; the coupon and the points are steps 4 and 5's.
        key = (drops, offers.shop_id, offers.customer_id, id(offers.promotions), offers.member_percent, id(offers.extra))
        if key not in before_coupon:
            before_coupon[key] = _steps_before_coupon(lines, offers, drops)
        priced.append(_steps_from_coupon(before_coupon[key].copy(), offers, shipping_method))
    return priced


@dataclass
class _Stage:
    """A cart part-way through the pipeline: its (split) lines, step-1 prices, what each line still pays,
    each line's shares of the savings so far, the savings, and whether shipping is already free."""

    subtotal: int
    lines: tuple[carts.Line, ...]
    prices: list[UnitPrice]
    amounts: list[int]
    exclusive: tuple[bool, ...]
    savings: list[Saving]
    shares: list[list[LineDiscount]]
    free_shipping: bool = False

    def copy(self) -> _Stage:
        return replace(self, amounts=list(self.amounts), savings=list(self.savings), shares=[list(s) for s in self.shares])

    def run(self, step: Step, offers: Offers) -> None:
        """One of steps 2-5: its savings checked and allocated to their lines before the next step looks."""
        for offered in step(Basket(self.lines, tuple(self.amounts), self.exclusive), offers):
            saving = _checked(offered, self.amounts, self.exclusive)
            self.free_shipping = self.free_shipping or saving.free_shipping
            if not saving.amount:
                if saving.free_shipping or saving.gift_variant_id:
                    self.savings.append(saving)  # listed so the shopper sees why shipping is free, or the gift
                continue
            cuts = allocate(saving.amount, [self.amounts[n] for n in saving.lines])
            for n, cut in zip(saving.lines, cuts):
                self.amounts[n] -= cut
                if cut:
                    self.shares[n].append(LineDiscount(saving.source, saving.id, cut))
            self.savings.append(saving)


def _steps_before_coupon(lines: Sequence[carts.Line], offers: Offers, drops_promotions: bool) -> _Stage:
    """Steps 1-3 (step 3 left out when the coupon drops promotions)."""
    subtotal = sum(line.unit_price * line.qty for line in lines)
    lines, prices = _split(lines, _unit_prices(tuple(lines), offers))
    savings = [
        Saving(price.source, price.id, price.label, (line.unit_price - price.price) * line.qty, (n,))
        for n, (price, line) in enumerate(zip(prices, lines)) if price.source and price.price < line.unit_price
    ]
    shares: list[list[LineDiscount]] = [[] for _ in lines]
    for saving in savings:
        shares[saving.lines[0]].append(LineDiscount(saving.source, saving.id, saving.amount))
    stage = _Stage(subtotal, lines, prices, [price.price * line.qty for price, line in zip(prices, lines)],
                   tuple(price.exclusive for price in prices), savings, shares)
    for step in _steps(drops_promotions):
        if not _reads_coupon(step):
            stage.run(step, offers)
    return stage


def _steps_from_coupon(stage: _Stage, offers: Offers, shipping_method: ShippingMethod | None) -> PricedCart:
    """Steps 4-5 on a cart through step 3, then shipping (step 6) and the totals."""
    for step in DISCOUNT_STEPS:
        if _reads_coupon(step):
            stage.run(step, offers)
    items = tuple(
        PricedLine(line, price.price, paid, tuple(line_shares))
        for line, price, paid, line_shares in zip(stage.lines, stage.prices, stage.amounts, stage.shares)
    ) + _gift_lines(stage.savings, offers)
    weight = sum(item.line.weight_grams for item in items)
    shipping_total = 0 if stage.free_shipping else _shipping(stage.lines, shipping_method, weight, sum(stage.amounts))
    discount_total = sum(saving.amount for saving in stage.savings)
    return PricedCart(
        items=items, subtotal=stage.subtotal, discounts=tuple(stage.savings), discount_total=discount_total,
        shipping_total=shipping_total, total=stage.subtotal - discount_total + shipping_total, weight_grams=weight,
    )


# The steps -------------------------------------------------------------------------------------

def _unit_prices(lines: tuple[carts.Line, ...], offers: Offers) -> list[list[tuple[int, UnitPrice]]]:
    """Step 1: each line's (qty, unit price) parts: the variant's price, or the lower of a 限时折扣 and the
    member level's discount with its source. Two parts when a per-customer limit leaves only some units
    at the limited price (the rest pay the normal price on a separate line). An exclusive activity's
    price (秒杀, 拼团, 砍价) will come in here too."""
    parts = promotion_rules.unit_prices(lines, offers)
    # An exclusive activity's order (group_orders) names its lines' prices: {variant_id: UnitPrice(exclusive=True)}.
    exclusive = offers.extra.get("exclusive_prices") or {}
    return [[(line.qty, exclusive[line.variant_id])] if line.variant_id in exclusive else line_parts
            for line, line_parts in zip(lines, parts)]


def _quantity_deals(basket: Basket, offers: Offers) -> list[Saving]:
    """Step 2: 第二件 X 折 (`second_half`) and 打包一口价 (`bundle`), on step-1 prices."""
    return promotion_rules.quantity_deals(basket, offers)


def _order_promotions(basket: Basket, offers: Offers) -> list[Saving]:
    """Step 3: 满减 / 满折 / 满赠 / 满包邮 (`tiered`) on the amounts after step 2."""
    return promotion_rules.order_promotions(basket, offers)


def _coupon(basket: Basket, offers: Offers) -> list[Saving]:
    """Step 4: one coupon, its threshold on the covered amounts after step 3 (marketing/coupons)."""
    return coupons.coupon_savings(basket, offers)


def _points(basket: Basket, offers: Offers) -> list[Saving]:
    """Step 5: points off the merchandise left after step 4, within the shop's cap (marketing/points)."""
    return points.step(basket, offers.points)


# Steps 2-5 in PRICING.md's order; each returns its savings, allocated before the next one runs.
# The last two (coupon, points) are the ones price_with_each runs per coupon (_reads_coupon).
DISCOUNT_STEPS: tuple[Step, ...] = (_quantity_deals, _order_promotions, _coupon, _points)


def _reads_coupon(step: Step) -> bool:
    """Step 4 and what follows it (points are taken off what the coupon left)."""
    return step is _coupon or step is _points


def _steps(drops_promotions: bool) -> tuple[Step, ...]:
    """The steps this cart runs: a coupon that does not combine with promotions drops step 3."""
    if drops_promotions:
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

def _split(lines: Sequence[carts.Line], parts: list[list[tuple[int, UnitPrice]]]) -> tuple[tuple[carts.Line, ...], list[UnitPrice]]:
    """The lines as step 1 priced them: a line whose units have two prices becomes two lines of one price each."""
    split, prices = [], []
    for line, line_parts in zip(lines, parts):
        for qty, price in line_parts:
            split.append(line if qty == line.qty else replace(line, qty=qty))
            prices.append(price)
    return tuple(split), prices


def _gift_lines(savings: list[Saving], offers: Offers) -> tuple[PricedLine, ...]:
    """A 满赠 tier's gift: one unit at 0 while it had stock when the offers were loaded (none otherwise)."""
    gifts = []
    for saving in savings:
        found = promotion_rules.gift_of(offers, saving.gift_variant_id) if saving.gift_variant_id else None
        if found is not None:
            variant, product = found
            line = carts.Line(variant_id=variant.id, qty=1, variant=variant, product=product, problem=None)
            gifts.append(PricedLine(line, 0, 0, (), gift=True))
    return tuple(gifts)


def amounts_before_tiered(priced: PricedCart) -> Basket:
    """The basket step 3 saw (amounts after steps 1-2): what the next tier is measured on."""
    lines = [item for item in priced.items if not item.gift]
    return Basket(
        lines=[item.line for item in lines],
        amounts=tuple(item.total - sum(d.amount for d in item.discounts if d.source in ("second_half", "bundle")) for item in lines),
        exclusive=tuple(any(d.source in EXCLUSIVE_SOURCES for d in item.discounts) for item in lines),
    )


def next_tier(priced: PricedCart, offers: Offers) -> dict | None:
    """What the shopper still misses for the next 满减 tier ("再买 ¥23 可减 ¥40"), or None."""
    return promotion_rules.next_tier(amounts_before_tiered(priced), offers)


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

