"""What the storefront shows of running promotions: badges on product cards and pages ("限时 8 折",
"满 300 减 40"), and a limited discount's price as a guest pays it (PRICING.md step 1 for nobody in
particular), with when it ends. A page asks once for all its products; with nothing running that is
one small query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace

from sqlmodel import Session, col, select

from shopapp.models import Variant
from shopapp.services.marketing import promotion_rules
from shopapp.services.marketing.offers import Offers
from shopapp.services.marketing.promotion_rules import Running


@dataclass(frozen=True)
class ProductOffer:
    """One product's promotions as a shopper sees them."""

    badges: tuple[str, ...] = ()
    sale_price: int | None = None  # the lowest price's limited price, when the whole product is covered
    ends_at: datetime | None = None  # when that limited price ends


NOTHING = ProductOffer()


def for_products(session: Session, shop_id: int, products: list[tuple[int, int]]) -> dict[int, ProductOffer]:
    """{product id: ProductOffer} for (product id, lowest price) pairs: every card of a page at once."""
    running = promotion_rules.active_for_pricing(session, shop_id)
    if not running or not products:
        return {}
    variant_products = _variant_products(session, shop_id, running)
    offers = Offers(shop_id=shop_id, promotions=running)
    lines = [_line(None, product_id, price) for product_id, price in products]
    prices = promotion_rules.unit_prices(lines, offers)
    answer = {}
    for (product_id, price), parts in zip(products, prices):
        step1 = parts[0][1]
        limited = step1.source == "limited_discount" and step1.price < price
        promo = next((p for p in running if p.id == step1.id), None) if limited else None
        badges = _badges(running, product_id, variant_products)
        if badges or limited:
            answer[product_id] = ProductOffer(
                badges=badges, sale_price=step1.price if limited else None, ends_at=promo.ends_at if promo else None,
            )
    return answer


def for_variants(session: Session, shop_id: int, product_id: int, variants: list[tuple[int, int]]) -> tuple[ProductOffer, dict[int, int]]:
    """A product page: its badges, and {variant id: the guest's limited price} for variants that have one."""
    running = promotion_rules.active_for_pricing(session, shop_id)
    if not running:
        return NOTHING, {}
    offers = Offers(shop_id=shop_id, promotions=running)
    lines = [_line(variant_id, product_id, price) for variant_id, price in variants]
    sale: dict[int, int] = {}
    ends = None
    for (variant_id, price), parts in zip(variants, promotion_rules.unit_prices(lines, offers)):
        step1 = parts[0][1]
        if step1.source == "limited_discount" and step1.price < price:
            sale[variant_id] = step1.price
            ends = next((p.ends_at for p in running if p.id == step1.id), ends)
    badges = _badges(running, product_id, _variant_products(session, shop_id, running))
    return ProductOffer(badges=badges, sale_price=min(sale.values(), default=None), ends_at=ends), sale


def _line(variant_id: int | None, product_id: int, price: int) -> SimpleNamespace:
    """What step 1 reads of a cart line, for one unit at `price`."""
    return SimpleNamespace(variant_id=variant_id, qty=1, unit_price=price, product=SimpleNamespace(id=product_id))


def _badges(running: tuple[Running, ...], product_id: int, variant_products: dict[int, int]) -> tuple[str, ...]:
    shown = []
    for promo in running:
        variants = set(promo.prices) if promo.kind == "limited_discount" and promo.prices else promo.variant_ids
        covered = (promo.whole_shop and not (promo.kind == "limited_discount" and promo.prices)) or product_id in promo.product_ids \
            or any(variant_products.get(v) == product_id for v in variants)
        if not covered:
            continue
        label = promotion_rules.tier_label(promo.tiers[0], promo.repeat, spaced=True) if promo.kind == "tiered" else promotion_rules.promotion_label(promo)
        if label not in shown:
            shown.append(label)
    return tuple(shown[:3])  # a card has room for three


def _variant_products(session: Session, shop_id: int, running: tuple[Running, ...]) -> dict[int, int]:
    """The products of variants that promotions name one by one (only asked when some do)."""
    ids = {v for p in running for v in (set(p.variant_ids) | set(p.prices))}
    if not ids:
        return {}
    return dict(session.exec(select(Variant.id, Variant.product_id).where(Variant.shop_id == shop_id, col(Variant.id).in_(ids))).all())
