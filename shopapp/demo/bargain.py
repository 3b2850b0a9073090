"""The demo shop's live 砍价: a signature tea's first variant, cut to about half its price by three friends."""

from __future__ import annotations

from sqlmodel import Session, col, select

from shopapp.demo.catalogue import SIGNATURE_TEAS
from shopapp.models import Product, Variant
from shopapp.services.marketing import bargains


def seed_bargain(session: Session, owner) -> dict:
    variant = session.exec(
        select(Variant).join(Product, col(Product.id) == col(Variant.product_id))
        .where(Product.shop_id == owner.shop_id, Product.title == SIGNATURE_TEAS[0]).order_by(col(Variant.id))
    ).first()
    return bargains.create_bargain(session, owner, {
        "name": f"{SIGNATURE_TEAS[0]} 好友砍价", "variant_id": variant.id, "floor_price": variant.price // 2,
        "helpers_needed": 3, "hours": 24, "quantity": 50,
    })
