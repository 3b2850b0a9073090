"""The demo shop's coming 秒杀 and its home's flash-sale section (current and coming sales, each with its
countdown and sold bar), seeded with the shop and added once to a demo seeded before them.

The coming sale is the marker: a demo that has it was brought up to date (or seeded with it) and is never
touched again, so an owner who later removes the section keeps it removed. The section is added only while
the demo's draft is what it published (an owner's unpublished edits are never published for them).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlmodel import Session, col, select

from shopapp.models import Product, Variant
from shopapp.models.base import utcnow
from shopapp.models.flash_sales import FlashSale
from shopapp.services.core.permissions import Actor
from shopapp.services.marketing import flash_sales
from shopapp.services.shops import design

log = logging.getLogger(__name__)

COMING_SALE = "明日秒杀"
# Not a tea the group buy or the running sale is on, nor one the home already features: one activity per product.
COMING_TEA = "武夷大红袍 岩茶"
STARTS_IN = timedelta(hours=2)  # soon enough to watch its countdown on a first visit
SECTION_TITLE = "限时秒杀"


def bring_up_to_date(session: Session, owner: Actor) -> bool:
    """The coming sale and the home's flash-sale section, once; True when something was added."""
    if session.exec(select(FlashSale.id).where(FlashSale.shop_id == owner.shop_id, FlashSale.name == COMING_SALE)).first():
        return False
    _coming_sale(session, owner)
    _home_section(session, owner)
    return True


def _coming_sale(session: Session, owner: Actor) -> None:
    """COMING_TEA at half price from two hours on, for a month: the home shows it as coming."""
    variant = session.exec(
        select(Variant).join(Product, col(Product.id) == col(Variant.product_id))
        .where(Product.shop_id == owner.shop_id, Product.title == COMING_TEA).order_by(col(Variant.id))
    ).first()
    if variant is None:  # the owner deleted it: nothing to put on sale
        return
    now = utcnow()
    flash_sales.create_flash_sale(session, owner, {
        "name": COMING_SALE, "variant_id": variant.id, "price": variant.price // 2, "quantity": 30, "per_customer_limit": 1,
        "starts_at": (now + STARTS_IN).isoformat(), "ends_at": (now + timedelta(days=30)).isoformat(), "pay_minutes": 15,
    })


def _home_section(session: Session, owner: Actor) -> None:
    """The flash-sale section under the home's banner, published as the owner would in the editor."""
    published = design.published_design(session, owner.shop_id)
    if design.draft_design(session, owner.shop_id) != published:
        log.info("the demo's home has unpublished edits: its flash-sale section was not added")
        return
    sections = list(published["pages"].get("home", {}).get("sections", []))
    if any(s.get("type") == "flash_sale" for s in sections):
        return
    at = next((i + 1 for i, s in enumerate(sections) if s.get("type") == "banner"), min(1, len(sections)))
    section = design.new_section("flash_sale")
    section["settings"] = {"title": SECTION_TITLE}
    sections.insert(at, section)
    design.save_draft(session, owner, {"pages": {"home": {**published["pages"].get("home", {}), "sections": sections}}})
    design.publish(session, owner)
