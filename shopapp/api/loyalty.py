"""Points (积分), member levels and the 积分商城 over HTTP: the owner's settings, a customer's points and
their adjustment, rewards; and the shopper's own points and redemptions (`Authorization: Bearer cs_…`)."""

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel

from shopapp.api.deps import acting, bearer_token, jsonable
from shopapp.db import session_scope
from shopapp.services.checkout import redeem
from shopapp.services.customers import shoppers
from shopapp.services.marketing import levels, points, rewards
from shopapp.services.shops import shops

router = APIRouter(tags=["marketing"])


class Loyalty(BaseModel):
    # Any: the service checks every field, so every door answers the same field codes.
    enabled: Any = True
    points_per_yuan: Any = None
    points_per_yuan_off: Any = None
    max_points_percent: Any = None
    levels: Any = None


class Adjustment(BaseModel):
    delta: Any = None
    reason: Any = ""


class NewReward(BaseModel):
    kind: Any = None
    variant_id: Any = None
    coupon_id: Any = None
    points: Any = None
    stock: Any = None


class Redemption(BaseModel):
    address: Any = None  # for a product that is delivered


@router.get("/loyalty")
def read_loyalty(request: Request):
    """→ `{enabled, points_per_yuan, points_per_yuan_off, max_points_percent, levels: [{id, name, min_spent, discount_percent}]}`"""
    with acting(request) as (session, actor):
        return levels.read_loyalty(session, actor)


@router.put("/loyalty")
def save_loyalty(body: Loyalty, request: Request):
    """The whole settings at once; a field left out keeps the usual default (levels: none)."""
    data = {name: value for name, value in body.model_dump().items() if value is not None}
    with acting(request) as (session, actor):
        return levels.save_loyalty(session, actor, data)


@router.get("/customers/{customer_id}/points")
def customer_points(customer_id: int, request: Request, page: int = 1, per_page: int = 20):
    """→ `{customer, available, frozen, lifetime_spent, level, next_level, moves, total}`: the owner's ledger view."""
    with acting(request) as (session, actor):
        return jsonable(points.owner_view(session, actor, customer_id, page=page, per_page=per_page))


@router.post("/customers/{customer_id}/points")
def adjust_points(customer_id: int, body: Adjustment, request: Request):
    """`{delta, reason}` → `{available, frozen}`; never below zero (422 `points_below_zero`)."""
    with acting(request) as (session, actor):
        return points.adjust(session, actor, customer_id, body.delta, body.reason)


@router.post("/points-rewards", status_code=201)
def create_reward(body: NewReward, request: Request):
    """`{kind: "product", variant_id, points, stock}` or `{kind: "coupon", coupon_id, points, stock}` → 201; a coupon
    of another shop, unknown or ended is refused (`coupon_id`: `coupon_not_found`)."""
    with acting(request) as (session, actor):
        return jsonable(rewards.create_reward(session, actor, body.model_dump()))


@router.get("/points-rewards")
def list_rewards(request: Request):
    with acting(request) as (session, actor):
        items = rewards.list_rewards(session, actor)
        return jsonable({"items": items, "total": len(items)})


@router.get("/store/{slug}/customers/me/points")
def my_points(slug: str, request: Request, page: int = 1, per_page: int = 20):
    """*shopper* → `{available, frozen, lifetime_spent, level, next_level, moves: [{kind, delta, frozen_delta, reason, at}], total}`"""
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        customer = shoppers.customer_for_token(session, shop.id, bearer_token(request))
        return jsonable(points.account_dict(session, shop.id, customer.id, page=page, per_page=per_page))


@router.get("/store/{slug}/points-rewards")
def store_rewards(slug: str):
    """The 积分商城 now: active rewards with stock left."""
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        return jsonable({"items": rewards.store_rewards(session, shop.id)})


@router.post("/store/{slug}/points-rewards/{reward_id}/redeem", status_code=201)
def redeem_reward(slug: str, reward_id: int, request: Request, body: Redemption | None = None):
    """*shopper* `{address?}` → 201 `{order_id, order_no, total: 0, status, points, reward_id}`; a coupon reward →
    201 `{reward_id, points, coupon_id, customer_coupon_id, expires_at}` (the coupon is in 我的优惠券);
    409 `reward_sold_out` / `points_not_enough` / `coupon_limit_reached` / `coupon_sold_out`."""
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        return redeem.redeem(session, shop.id, reward_id, bearer_token(request), body.address if body else None)
