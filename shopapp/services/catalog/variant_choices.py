"""The variants an owner picks from in an activity's form (秒杀, 砍价; 拼团 takes the chosen one's product): found by product name or SKU, each
as "龙井 · 250克 · ¥38.00", so no form asks for a typed variant id."""

from __future__ import annotations

from sqlmodel import Session, col, or_, select

from shopapp.models import Product, Variant
from shopapp.services.core.money import format_money
from shopapp.services.core.permissions import Actor, require

MAX_CHOICES = 20
MAX_QUERY = 60


def variant_choices(session: Session, actor: Actor, query: str = "", *, limit: int = MAX_CHOICES) -> list[dict[str, str]]:
    """The shop's variants on sale whose product name or SKU contains `query` (all of them without one), newest
    product first, at most `limit`: [{id, product_id, label}]."""
    require(actor, "view_console")
    statement = (
        select(Variant, Product).join(Product, col(Product.id) == col(Variant.product_id))
        .where(Variant.shop_id == actor.shop_id, Product.shop_id == actor.shop_id, Product.status == "active")
    )
    words = str(query or "").strip()[:MAX_QUERY]
    if words:
        pattern = "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        statement = statement.where(or_(col(Product.title).ilike(pattern, escape="\\"), col(Variant.sku).ilike(pattern, escape="\\")))
    rows = session.exec(statement.order_by(col(Product.id).desc(), col(Variant.id)).limit(limit)).all()
    return [{"id": str(variant.id), "product_id": str(product.id), "label": label(product.title, variant)} for variant, product in rows]


def label(title: str, variant: Variant) -> str:
    return " · ".join([title, *[str(v) for v in variant.option_values or []], format_money(variant.price)])
