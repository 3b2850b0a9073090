"""The numbers on the console home."""

from sqlalchemy import func
from sqlmodel import Session, select

from shopapp.models import Product, StaffMember, Variant
from shopapp.services.core.permissions import Actor, require


def overview(session: Session, actor: Actor) -> dict[str, int]:
    require(actor, "view_console")
    shop = actor.shop_id
    return {
        "products_active": session.exec(
            select(func.count()).select_from(Product).where(Product.shop_id == shop, Product.status == "active")
        ).one(),
        "variants": session.exec(select(func.count()).select_from(Variant).where(Variant.shop_id == shop)).one(),
        "staff": session.exec(select(func.count()).select_from(StaffMember).where(StaffMember.shop_id == shop)).one(),
    }
