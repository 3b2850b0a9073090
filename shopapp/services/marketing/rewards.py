"""积分商城: products and coupons a shopper buys with points.

The order at ¥0 a product reward makes is the checkout's business (checkout/redeem.py); a coupon
reward is redeemed here (redeem_coupon). The reward's stock and the shopper's points are taken, each
by a conditional UPDATE, so a last reward redeemed by many shoppers at once goes to one of them and
nobody's points go below zero.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, select

from shopapp.models import PointsReward, Product, Variant
from shopapp.models.coupons import Coupon
from shopapp.services.core.errors import Conflict, NotFound, require_fields
from shopapp.services.core.permissions import Actor, require
from shopapp.services.core.validation import checked_whole
from shopapp.services.marketing import coupons, levels, points

KINDS = ("product", "coupon")
MAX_POINTS = 10**9
MAX_STOCK = 1_000_000


def create_reward(session: Session, actor: Actor, data: dict) -> dict:
    """POST: {kind, variant_id (or sku) | coupon_id, points, stock}. A coupon reward sells one of the shop's
    coupons that has not ended (else `coupon_id`: coupon_not_found)."""
    require(actor, "manage_marketing")
    data = data if isinstance(data, dict) else {}
    errors: dict[str, str] = {}
    kind = data.get("kind")
    if kind not in KINDS:
        errors["kind"] = "reward_kind_invalid"
    cost = checked_whole(data.get("points"), "points", errors, limit=MAX_POINTS)
    if cost == 0:
        errors["points"] = "must_be_positive"
    stock = checked_whole(data.get("stock"), "stock", errors, limit=MAX_STOCK)
    variant = _variant(session, actor.shop_id, data, errors) if kind == "product" else None
    coupon = coupons.coupon_for_reward(session, actor.shop_id, data.get("coupon_id")) if kind == "coupon" else None
    if kind == "coupon" and coupon is None:
        errors["coupon_id"] = "coupon_not_found"
    require_fields(errors)
    reward = PointsReward(shop_id=actor.shop_id, kind=kind, variant_id=variant.id if variant else None,
                          coupon_id=coupon.id if coupon else None, points=cost, stock=stock)
    session.add(reward)
    session.flush()
    return reward_dict(session, reward)


def list_rewards(session: Session, actor: Actor) -> list[dict]:
    require(actor, "view_console")
    return _dicts(session, actor.shop_id, active_only=False)


def store_rewards(session: Session, shop_id: int) -> list[dict]:
    """What the storefront's 积分商城 offers now: active rewards with stock, while points are on."""
    if levels.active_settings(session, shop_id) is None:
        return []
    return [reward for reward in _dicts(session, shop_id, active_only=True) if reward["stock"] > 0]


def take(session: Session, shop_id: int, reward_id: int) -> PointsReward:
    """One of the reward's stock (Conflict `reward_sold_out`); the caller then takes the shopper's
    points for the order it makes (points.spend, kind "redeemed"), in the same transaction."""
    if levels.active_settings(session, shop_id) is None:
        raise NotFound("reward_not_found")
    reward = session.get(PointsReward, reward_id)
    if reward is None or reward.shop_id != shop_id or not reward.active:
        raise NotFound("reward_not_found")
    taken = session.exec(
        update(PointsReward).where(PointsReward.id == reward.id, PointsReward.stock >= 1, PointsReward.active.is_(True))
        .values(stock=PointsReward.stock - 1, redeemed=PointsReward.redeemed + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not taken:
        raise Conflict("reward_sold_out")
    session.refresh(reward)
    return reward


def is_coupon(session: Session, shop_id: int, reward_id: int) -> bool:
    """Whether the shop's reward sells a coupon (redeem_coupon) rather than a product (an order)."""
    return session.exec(
        select(PointsReward.kind).where(PointsReward.id == reward_id, PointsReward.shop_id == shop_id)
    ).first() == "coupon"


def redeem_coupon(session: Session, shop_id: int, reward_id: int, customer_id: int) -> dict:
    """The shopper's points buy the reward's coupon: one of the reward's stock, one of the coupon (its
    total_quantity and per-customer limit hold) and the points, in one savepoint, all or nothing.
    Answers {reward_id, points, coupon_id, customer_coupon_id, expires_at}."""
    with session.begin_nested():
        reward = take(session, shop_id, reward_id)
        entry = coupons.grant_for_points(session, shop_id, reward.coupon_id, customer_id)
        name = session.get(Coupon, reward.coupon_id).name
        points.spend(session, shop_id, customer_id, reward.points, "redeemed", name)
    return {"reward_id": reward.id, "points": reward.points, "coupon_id": reward.coupon_id,
            "customer_coupon_id": entry.id, "expires_at": entry.expires_at}


def reward_dict(session: Session, reward: PointsReward) -> dict:
    title = ""
    if reward.variant_id is not None:
        found = session.exec(
            select(Product.title).join(Variant, Variant.product_id == Product.id).where(Variant.id == reward.variant_id)
        ).first()
        title = found or ""
    elif reward.coupon_id is not None:
        coupon = session.get(Coupon, reward.coupon_id)
        title = coupon.name if coupon else ""
    return {
        "id": reward.id, "kind": reward.kind, "variant_id": reward.variant_id, "coupon_id": reward.coupon_id,
        "title": title, "points": reward.points, "stock": reward.stock, "redeemed": reward.redeemed,
        "active": reward.active, "created_at": reward.created_at,
    }


def _dicts(session: Session, shop_id: int, *, active_only: bool) -> list[dict]:
    query = select(PointsReward).where(PointsReward.shop_id == shop_id)
    if active_only:
        query = query.where(PointsReward.active.is_(True))
    return [reward_dict(session, reward) for reward in session.exec(query.order_by(PointsReward.id.desc())).all()]


def _variant(session: Session, shop_id: int, data: dict, errors: dict[str, str]) -> Variant | None:
    """The shop's variant by `variant_id`, or by `sku` as the console's form names it."""
    variant_id, sku = data.get("variant_id"), data.get("sku")
    if variant_id is None and isinstance(sku, str) and sku.strip():
        variant_id = session.exec(
            select(Variant.id).join(Product, Product.id == Variant.product_id)
            .where(Product.shop_id == shop_id, Variant.sku == sku.strip())
        ).first()
    field = "sku" if "sku" in data and data.get("variant_id") is None else "variant_id"
    if not isinstance(variant_id, int) or isinstance(variant_id, bool):
        errors[field] = "variant_not_found"
        return None
    variant = session.get(Variant, variant_id)
    product = session.get(Product, variant.product_id) if variant else None
    if product is None or product.shop_id != shop_id:
        errors[field] = "variant_not_found"
        return None
    return variant

