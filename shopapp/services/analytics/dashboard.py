"""The numbers on the console home."""

from sqlalchemy import func
from sqlmodel import Session, select

from shopapp.models import Product, StaffMember, Variant
from shopapp.services.core.permissions import Actor, require
from shopapp.services.reviews import moderation


def overview(session: Session, actor: Actor) -> dict[str, int]:
    require(actor, "view_console")
    shop = actor.shop_id
    return {
        "products_active": session.exec(
            select(func.count()).select_from(Product).where(Product.shop_id == shop, Product.status == "active")
        ).one(),
        "variants": session.exec(select(func.count()).select_from(Variant).where(Variant.shop_id == shop)).one(),
        "staff": session.exec(select(func.count()).select_from(StaffMember).where(StaffMember.shop_id == shop)).one(),
        **review_flags(session, actor),
    }


def review_flags(session: Session, actor: Actor) -> dict[str, int]:
    """Low ratings (≤2 stars, last 30 days; how many not answered) and reviews waiting for moderation:
    flagged on the console home so a bad review is seen the day it arrives."""
    low = moderation.low_ratings(session, actor)
    return {"low_reviews": low["recent"], "low_reviews_unanswered": low["unanswered"],
            "reviews_pending": moderation.pending_count(session, actor.shop_id)}
