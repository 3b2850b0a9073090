"""How automatic promotions price a cart: PRICING.md steps 1-3, as plain functions of the lines and the offers.

`active_for_pricing` loads what runs now once per quote or order (promotions, category scopes resolved to
products, gifts with stock, the customer's units already bought at a limited price); the pipeline
(checkout/pricing.py) then calls `unit_prices` (step 1), `quantity_deals` (step 2) and
`order_promotions` (step 3), which never read the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func
from sqlmodel import Session, col, select

from shopapp.models import Category, Customer, Order, OrderItem, Product, ProductCategory, Variant
from shopapp.models.base import utcnow
from shopapp.models.promotions import Promotion
from shopapp.services.core.errors import Conflict
from shopapp.services.core.money import format_money, percent_of
from shopapp.services.inventory import availability
from shopapp.services.marketing.savings import Basket, Saving, UnitPrice

# The pipeline's Offers (marketing/offers.py), which loads this module's promotions: named, not imported.
Offers = Any

# Orders whose units count against a per-customer limit: the paid and pending ones (PRICING.md), so
# not a cancelled order nor one refunded in full (closed); a partly refunded one still counts whole.
_NOT_COUNTED = ("cancelled", "closed")


@dataclass(frozen=True)
class Running:
    """One promotion running now, as the pipeline needs it (no database row: offers outlive sessions)."""

    id: int
    kind: str
    name: str
    whole_shop: bool
    product_ids: frozenset[int]
    variant_ids: frozenset[int]
    percent_off: int | None = None
    prices: dict[int, int] = field(default_factory=dict)
    per_customer_limit: int | None = None
    used_units: int = 0  # this customer's units already bought at this promotion's price
    stacks_with_member: bool = False
    qty: int | None = None
    price: int | None = None
    tiers: tuple[dict, ...] = ()
    repeat: bool = False
    ends_at: datetime | None = None
    gifts: dict[int, tuple[Any, Any]] = field(default_factory=dict)  # gift variant id -> (Variant, Product) in stock

    def covers(self, variant_id: int, product_id: int | None) -> bool:
        if self.kind == "limited_discount" and self.prices:
            return variant_id in self.prices
        return self.whole_shop or variant_id in self.variant_ids or product_id in self.product_ids

    def covers_line(self, line: Any) -> bool:
        return self.covers(line.variant_id, line.product.id if line.product else None)


# Loading ---------------------------------------------------------------------------------------

# Built once (every checkout and quote asks): built on each call, SQLAlchemy's building it cost more CPU than its round trip.
_RUNNING = select(Promotion).where(
    Promotion.shop_id == bindparam("shop_id"), Promotion.ends_at > bindparam("now"), Promotion.starts_at <= bindparam("now"),
    col(Promotion.ended_at).is_(None),
).order_by(Promotion.id)


def running_rows(session: Session, shop_id: int, now: datetime | None = None) -> list[Promotion]:
    """The shop's promotions running at `now`, oldest first (the older wins a tie)."""
    return list(session.scalars(_RUNNING, {"shop_id": shop_id, "now": now or utcnow()}))


def active_for_pricing(
    session: Session, shop_id: int, now: datetime | None = None, *, customer_id: int | None = None,
) -> tuple[Running, ...]:
    """What runs now, ready for the pipeline: two or three small queries, whatever the cart."""
    rows = running_rows(session, shop_id, now)
    if not rows:
        return ()
    in_categories = category_products(session, shop_id, {c for row in rows for c in row.category_ids})
    gifts = _gifts_in_stock(session, shop_id, {t["gift_variant_id"] for row in rows for t in row.tiers if t.get("gift_variant_id")})
    used = _units_bought(session, shop_id, customer_id, [row.id for row in rows if row.per_customer_limit])
    return tuple(_running(row, in_categories, gifts, used.get(row.id, 0)) for row in rows)


def _running(row: Promotion, in_categories: dict[int, set[int]], gifts: dict, used: int) -> Running:
    products = set(row.product_ids)
    for category_id in row.category_ids:
        products |= in_categories.get(category_id, set())
    return Running(
        id=row.id, kind=row.kind, name=row.name,
        whole_shop=not (row.product_ids or row.variant_ids or row.category_ids),
        product_ids=frozenset(products), variant_ids=frozenset(row.variant_ids), percent_off=row.percent_off,
        prices={int(k): v for k, v in (row.prices or {}).items()}, per_customer_limit=row.per_customer_limit,
        used_units=used, stacks_with_member=row.stacks_with_member, qty=row.qty, price=row.price,
        tiers=tuple(row.tiers or ()), repeat=row.repeat, ends_at=row.ends_at,
        gifts={t["gift_variant_id"]: gifts[t["gift_variant_id"]] for t in row.tiers if gifts.get(t.get("gift_variant_id"))},
    )


def category_products(session: Session, shop_id: int, category_ids: set[int]) -> dict[int, set[int]]:
    """Each category's products, its subcategories' included (a promotion on 茶叶 covers 绿茶)."""
    if not category_ids:
        return {}
    parents = dict(session.exec(select(Category.id, Category.parent_id).where(Category.shop_id == shop_id)).all())
    links = session.exec(select(ProductCategory.category_id, ProductCategory.product_id).where(ProductCategory.shop_id == shop_id)).all()
    found: dict[int, set[int]] = {c: set() for c in category_ids}
    for category_id, product_id in links:
        seen = set()
        while category_id is not None and category_id not in seen:  # walk up: this product is in every ancestor
            seen.add(category_id)
            if category_id in found:
                found[category_id].add(product_id)
            category_id = parents.get(category_id)
    return found


def _gifts_in_stock(session: Session, shop_id: int, variant_ids: set[int]) -> dict[int, tuple[Variant, Product]]:
    if not variant_ids:
        return {}
    rows = session.exec(
        select(Variant, Product).join(Product, Product.id == Variant.product_id)
        .where(Variant.shop_id == shop_id, col(Variant.id).in_(variant_ids), Variant.enabled, Product.status == "active")
    ).all()
    return {variant.id: (variant, product) for variant, product in rows if availability.available(variant, product) > 0}


def _units_bought(session: Session, shop_id: int, customer_id: int | None, promotion_ids: list[int]) -> dict[int, int]:
    """Units this customer bought at each promotion's limited price, in any order not cancelled."""
    if customer_id is None or not promotion_ids:
        return {}
    rows = session.exec(
        select(OrderItem.qty, OrderItem.discounts).join(Order, Order.id == OrderItem.order_id)
        .where(Order.shop_id == shop_id, Order.customer_id == customer_id, col(Order.status).not_in(_NOT_COUNTED))
    ).all()
    wanted = set(promotion_ids)
    used: dict[int, int] = {}
    for qty, shares in rows:
        for share in shares or ():
            if share.get("source") == "limited_discount" and share.get("id") in wanted:
                used[share["id"]] = used.get(share["id"], 0) + qty
                break
    return used


def units_bought(session: Session, shop_id: int, customer_id: int, promotion_id: int) -> int:
    return _units_bought(session, shop_id, customer_id, [promotion_id]).get(promotion_id, 0)


def count_running(session: Session, shop_id: int) -> int:
    now = utcnow()
    return session.exec(select(func.count()).select_from(Promotion).where(
        Promotion.shop_id == shop_id, Promotion.ends_at > now, Promotion.starts_at <= now, col(Promotion.ended_at).is_(None),
    )).one()


# Labels ----------------------------------------------------------------------------------------

def zhe(percent_off: int) -> str:
    """20 % off is 8 折, 15 % off 8.5 折, 5 % off 9.5 折."""
    tenths = 100 - percent_off
    return str(tenths // 10) if tenths % 10 == 0 else f"{tenths / 10:g}"


def yuan(amount: int) -> str:
    return format_money(amount)


def promotion_label(promo: Any) -> str:
    """What the shopper reads next to the saving: 限时 8 折, 第二件 5 折, 打包 3 件 ¥99, 满300减40."""
    if promo.kind == "limited_discount":
        return f"限时 {zhe(promo.percent_off)} 折" if promo.percent_off else "限时特价"
    if promo.kind == "second_half":
        return f"第二件 {zhe(promo.percent_off)} 折"
    if promo.kind == "bundle":
        return f"打包 {promo.qty} 件 {yuan(promo.price)}"
    tiers = list(promo.tiers)
    return tier_label(tiers[0], promo.repeat) if tiers else promo.name


def tier_label(tier: dict, repeat: bool = False, *, spaced: bool = False) -> str:
    """满300减40, 每满300减40, 满3件打9折, 满300赠品, 满99包邮; `spaced` for a badge (满 300 减 40)."""
    gap = " " if spaced else ""
    if tier.get("min_amount") is not None:
        need = f"{tier['min_amount'] / 100:g}"
    else:
        need = f"{tier['min_qty']}{gap}件"
    head = f"{'每满' if repeat else '满'}{gap}{need}{gap}"
    if tier.get("amount_off"):
        return f"{head}减{gap}{tier['amount_off'] / 100:g}"
    if tier.get("percent_off"):
        return f"{head}打{gap}{zhe(tier['percent_off'])}{gap}折"
    if tier.get("gift_variant_id"):
        return f"{head}送赠品"
    return f"{head}包邮"


def member_label(percent: int) -> str:
    return f"会员 {zhe(percent)} 折"


# Step 1 ----------------------------------------------------------------------------------------

def unit_prices(lines: Sequence[Any], offers: Offers) -> list[list[tuple[int, UnitPrice]]]:
    """Step 1 for every line: its (qty, unit price) parts. One part, or two when a 限时折扣's
    per-customer limit leaves only some of the line's units at the limited price: the rest pay the
    normal (or member) price on a separate line. Limits are shared by the cart's lines in order."""
    limited = [p for p in offers.promotions if p.kind == "limited_discount"]
    left = {p.id: max(0, p.per_customer_limit - p.used_units) for p in limited if p.per_customer_limit is not None}
    answer = []
    for line in lines:
        plain = _member_or_plain(line.unit_price, offers)
        best = _best_limited(line, limited, left, offers.member_percent)
        if best is None or best.price >= plain.price:
            answer.append([(line.qty, plain)])
            continue
        units = min(line.qty, left[best.id]) if best.id in left else line.qty
        if best.id in left:
            left[best.id] -= units
        parts = [(units, best)] if units else []
        if line.qty > units:
            parts.append((line.qty - units, plain))
        answer.append(parts)
    return answer


def _member_or_plain(price: int, offers: Offers) -> UnitPrice:
    """The member level's price, named by the level (银卡) when the points programme says which."""
    member_percent = offers.member_percent
    if member_percent and 0 < member_percent < 100:
        cut = percent_of(price, member_percent)
        if cut:
            level = offers.points
            level_id, name = getattr(level, "level_id", None), getattr(level, "level_name", "")
            return UnitPrice(price - cut, "member", level_id, name or member_label(member_percent))
    return UnitPrice(price)


def _best_limited(line: Any, limited: list[Running], left: dict[int, int], member_percent: int) -> UnitPrice | None:
    """The lowest limited price covering the line with units left for this customer (the older on a tie)."""
    best = None
    for promo in limited:
        if not promo.covers_line(line) or left.get(promo.id, 1) <= 0:
            continue
        if promo.prices:
            price = min(promo.prices[line.variant_id], line.unit_price)
        else:
            price = line.unit_price - percent_of(line.unit_price, promo.percent_off or 0)
        label = promotion_label(promo)
        if promo.stacks_with_member and member_percent:
            price -= percent_of(price, member_percent)
            label = f"{label} + {member_label(member_percent)}"
        if best is None or price < best.price:
            best = UnitPrice(price, "limited_discount", promo.id, label)
    return best


# Step 2 ----------------------------------------------------------------------------------------

def quantity_deals(basket: Basket, offers: Offers) -> list[Saving]:
    """第二件 X 折 and 打包一口价 on step-1 prices. A unit takes at most one deal: the deal saving the
    most takes its units first (the older on a tie), then the next is tried on the units left."""
    deals = [p for p in offers.promotions if p.kind in ("second_half", "bundle")]
    units = [
        (n, basket.amounts[n] // basket.lines[n].qty)
        for n in basket.open_lines() for _ in range(basket.lines[n].qty)
    ]
    free = list(range(len(units)))
    savings = []
    while deals and free:
        tried = [(_deal(promo, basket, units, free), promo) for promo in deals]
        (amount, used, lines), promo = max(tried, key=lambda t: (t[0][0], -t[1].id))
        if amount <= 0:
            break
        savings.append(Saving(promo.kind, promo.id, promotion_label(promo), amount, lines))
        deals.remove(promo)
        free = [u for u in free if u not in used]
    return savings


def _deal(promo: Running, basket: Basket, units: list[tuple[int, int]], free: list[int]) -> tuple[int, set[int], tuple[int, ...]]:
    """What one deal saves on the free units: (amount, the units it takes, the lines that save)."""
    covered = [u for u in free if promo.covers_line(basket.lines[units[u][0]])]
    groups: list[list[int]] = []
    if promo.kind == "second_half":  # per product, every second unit from the dearest
        by_product: dict[Any, list[int]] = {}
        for u in covered:
            line = basket.lines[units[u][0]]
            by_product.setdefault(line.product.id if line.product else line.variant_id, []).append(u)
        for own in by_product.values():
            own.sort(key=lambda u: -units[u][1])
            groups.extend(own[i:i + 2] for i in range(0, len(own) - 1, 2))
    else:  # bundle: each complete group of qty units, the dearest first
        covered.sort(key=lambda u: -units[u][1])
        size = promo.qty or 0
        groups = [covered[i:i + size] for i in range(0, len(covered) - size + 1, size)] if size > 0 else []
    amount, used, lines = 0, set(), set()
    for group in groups:
        if promo.kind == "second_half":
            saved = percent_of(units[group[1]][1], promo.percent_off or 0)
            saving_lines = {units[group[1]][0]}
        else:
            saved = sum(units[u][1] for u in group) - (promo.price or 0)
            saving_lines = {units[u][0] for u in group}
        if saved <= 0:
            continue
        amount += saved
        used.update(group)
        lines |= saving_lines
    return amount, used, tuple(sorted(lines))


# Step 3 ----------------------------------------------------------------------------------------

def order_promotions(basket: Basket, offers: Offers) -> list[Saving]:
    """满减 / 满折 / 满赠 / 满包邮 on the amounts after step 2. Two tiered promotions never both take a
    line: the one that saves the shopper more takes its lines first, the next is tried on the lines left."""
    tiered = [p for p in offers.promotions if p.kind == "tiered"]
    free = set(basket.open_lines())
    savings = []
    while tiered and free:
        tried = [(_tiered(promo, basket, free), promo) for promo in tiered]
        best, promo = max(tried, key=lambda t: (t[0][0], -t[1].id))
        value, saving = best
        if saving is None:
            break
        savings.append(saving)
        tiered.remove(promo)
        free -= set(saving.lines)
    return savings


def _tiered(promo: Running, basket: Basket, free: set[int]) -> tuple[int, Saving | None]:
    """(what it is worth to the shopper, its saving) on the free lines it covers; (0, None) below its first tier."""
    lines = tuple(n for n in sorted(free) if promo.covers_line(basket.lines[n]))
    amount = sum(basket.amounts[n] for n in lines)
    qty = sum(basket.lines[n].qty for n in lines)
    tier = reached_tier(promo, amount, qty)
    if not lines or tier is None:
        return 0, None
    off, gift = 0, None
    if tier.get("amount_off"):
        measure, need = (amount, tier["min_amount"]) if tier.get("min_amount") is not None else (qty, tier["min_qty"])
        off = tier["amount_off"] * (measure // need if promo.repeat else 1)
    elif tier.get("percent_off"):
        off = percent_of(amount, tier["percent_off"])
    elif tier.get("gift_variant_id") in promo.gifts:
        gift = tier["gift_variant_id"]
    off = min(off, amount)  # never more than the lines it comes from (a cart is never negative)
    if not off and gift is None and not tier.get("free_shipping"):
        return 0, None  # a gift out of stock: no gift, no error
    worth = off + (promo.gifts[gift][0].price if gift else 0) + (1 if tier.get("free_shipping") else 0)
    label = tier_label(tier, promo.repeat)
    return worth, Saving("tiered", promo.id, label, off, lines, free_shipping=bool(tier.get("free_shipping")), gift_variant_id=gift)


def reached_tier(promo: Any, amount: int, qty: int) -> dict | None:
    reached = None
    for tier in promo.tiers:
        measure, need = (amount, tier["min_amount"]) if tier.get("min_amount") is not None else (qty, tier["min_qty"])
        if measure >= need:
            reached = tier
    return reached


def next_tier(basket: Basket, offers: Offers) -> dict | None:
    """What the shopper still misses for the nearest better tier, on the amounts after step 2:
    {promotion_id, label, missing} (分), or {…, missing_qty} for a tier counted in units."""
    best = None
    for promo in (p for p in offers.promotions if p.kind == "tiered"):
        lines = [n for n in basket.open_lines() if promo.covers_line(basket.lines[n])]
        amount = sum(basket.amounts[n] for n in lines)
        qty = sum(basket.lines[n].qty for n in lines)
        for tier in promo.tiers:
            by_amount = tier.get("min_amount") is not None
            measure, need = (amount, tier["min_amount"]) if by_amount else (qty, tier["min_qty"])
            if promo.repeat and measure >= need:
                need = need * (measure // need + 1)
            if measure >= need:
                continue
            found = {"promotion_id": promo.id, "label": tier_label(tier, promo.repeat)}
            found.update({"missing": need - measure} if by_amount else {"missing_qty": need - measure})
            rank = (0, need - measure) if by_amount else (1, need - measure)
            if best is None or rank < best[0]:
                best = (rank, found)
            break
    return best[1] if best else None


def gift_of(offers: Offers, variant_id: int) -> tuple[Any, Any] | None:
    """The (Variant, Product) of a gift that had stock when the offers were loaded."""
    for promo in offers.promotions:
        if variant_id in getattr(promo, "gifts", {}):
            return promo.gifts[variant_id]
    return None


def take_up(session: Session, offers: Offers, order: Any, discounts: Sequence[Saving]) -> None:
    """In the checkout's transaction: a limited price with a per-customer limit is counted again with
    this order in, the customer's row locked first so two of their checkouts at once are counted one
    after the other; over the limit, Conflict and the checkout keeps nothing."""
    limited = {s.id for s in discounts if s.source == "limited_discount"}
    capped = [p for p in offers.promotions if p.id in limited and p.per_customer_limit is not None]
    if not capped or order.customer_id is None:
        return
    session.exec(select(Customer.id).where(Customer.id == order.customer_id).with_for_update()).first()
    session.flush()
    for promo in capped:
        if units_bought(session, order.shop_id, order.customer_id, promo.id) > promo.per_customer_limit:
            raise Conflict("promotion_limit_reached", promotion_id=promo.id)
