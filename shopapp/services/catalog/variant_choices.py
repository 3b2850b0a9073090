"""What an owner picks from in a marketing form, so no form asks for a typed id: the variants of an activity
(秒杀, 砍价; 拼团 takes the chosen one's product), each as "龙井 · 250克 · ¥38.00", and the products of a
promotion's or coupon's scope; both found by product name or SKU."""

from __future__ import annotations

from sqlmodel import Session, col, or_, select

from shopapp.models import Product, Variant
from shopapp.services.core.money import format_money
from shopapp.services.core.permissions import Actor, require

MAX_CHOICES = 20
MAX_GIFT_CHOICES = 200  # a 满赠 tier lists the shop's variants on sale to choose its gift from
MAX_QUERY = 60


def variant_choices(session: Session, actor: Actor, query: str = "", *, limit: int = MAX_CHOICES) -> list[dict[str, str]]:
    """The shop's variants on sale whose product name or SKU contains `query` (all of them without one), newest
    product first, at most `limit`: [{id, product_id, label}]."""
    require(actor, "view_console")
    statement = (
        select(Variant, Product).join(Product, col(Product.id) == col(Variant.product_id))
        .where(Variant.shop_id == actor.shop_id, Product.shop_id == actor.shop_id, Product.status == "active")
    )
    pattern = _pattern(query)
    if pattern:
        statement = statement.where(or_(col(Product.title).ilike(pattern, escape="\\"), col(Variant.sku).ilike(pattern, escape="\\")))
    rows = session.exec(statement.order_by(col(Product.id).desc(), col(Variant.id)).limit(limit)).all()
    return [{"id": str(variant.id), "product_id": str(product.id), "label": label(product.title, variant)} for variant, product in rows]


def label(title: str, variant: Variant) -> str:
    return " · ".join([title, *[str(v) for v in variant.option_values or []], format_money(variant.price)])


def product_choices(session: Session, actor: Actor, query: str = "", *, limit: int = MAX_CHOICES) -> list[dict[str, str]]:
    """The shop's products (any status but archived) whose name or a variant's SKU contains `query`, newest
    first, at most `limit`: [{id, label}] — a promotion's or coupon's scope picks from these."""
    require(actor, "view_console")
    statement = select(Product.id, Product.title).where(Product.shop_id == actor.shop_id, Product.status != "archived")
    pattern = _pattern(query)
    if pattern:
        skus = select(Variant.product_id).where(Variant.shop_id == actor.shop_id, col(Variant.sku).ilike(pattern, escape="\\"))
        statement = statement.where(or_(col(Product.title).ilike(pattern, escape="\\"), col(Product.id).in_(skus)))
    rows = session.exec(statement.order_by(col(Product.id).desc()).limit(limit)).all()
    return [{"id": str(product_id), "label": title} for product_id, title in rows]


def product_labels(session: Session, actor: Actor, product_ids: list[int]) -> list[dict[str, str]]:
    """The shop's products of `product_ids` as [{id, label}], in that order (another shop's ids are left out)."""
    require(actor, "view_console")
    wanted = [int(i) for i in product_ids if str(i).isdigit() and len(str(i)) < 19]
    if not wanted:
        return []
    titles = dict(session.exec(select(Product.id, Product.title).where(
        Product.shop_id == actor.shop_id, col(Product.id).in_(wanted))).all())
    return [{"id": str(i), "label": titles[i]} for i in wanted if i in titles]


def variant_labels(session: Session, actor: Actor, variant_ids: list[int]) -> list[dict[str, str]]:
    """The shop's variants of `variant_ids` as [{id, label}], in that order (another shop's are left out)."""
    require(actor, "view_console")
    wanted = [int(i) for i in variant_ids]
    if not wanted:
        return []
    rows = session.exec(select(Variant, Product).join(Product, col(Product.id) == col(Variant.product_id)).where(
        Variant.shop_id == actor.shop_id, col(Variant.id).in_(wanted))).all()
    found = {variant.id: label(product.title, variant) for variant, product in rows}
    return [{"id": str(i), "label": found[i]} for i in wanted if i in found]


def _pattern(query: str) -> str:
    """`query` as a LIKE pattern that finds it anywhere ("" for no query), its own % and _ taken literally."""
    words = str(query or "").strip()[:MAX_QUERY]
    if not words:
        return ""
    return "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
