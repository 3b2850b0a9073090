"""Points (积分) and member levels: the shop's rates, each shopper's balances, and the ledger behind them.

A shopper's account is only ever changed by adding a row to the ledger in the same transaction, so
Σ delta of a customer's moves is their `available` and Σ frozen_delta their `frozen`.
"""

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from shopapp.models.base import utcnow

# What a move was (services/marketing/points.py writes them).
MOVE_KINDS = ("earned_frozen", "released", "spent", "returned", "refund_taken", "adjusted", "redeemed")


class LoyaltySettings(SQLModel, table=True):
    """One per shop: how many points ¥1 of paid merchandise earns, how many make ¥1 off, and the cap."""

    __tablename__ = "loyalty_settings"
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id", unique=True)
    enabled: bool = True
    points_per_yuan: int = 1  # earned per ¥1 of `paid` merchandise, rounded down
    points_per_yuan_off: int = 100  # spent for ¥1 off at checkout
    max_points_percent: int = 50  # points pay at most this share of the merchandise left after the coupon
    updated_at: datetime = Field(default_factory=utcnow)


class MemberLevel(SQLModel, table=True):
    """A level reached by lifetime spend (分, paid merchandise net of refunds), with its discount off step 1."""

    __tablename__ = "member_level"
    __table_args__ = (UniqueConstraint("shop_id", "name"), Index("ix_member_level_shop_spent", "shop_id", "min_spent"))
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    name: str = Field(max_length=20)
    min_spent: int = 0
    discount_percent: int = 0


class PointsAccount(SQLModel, table=True):
    """A shopper's points in their shop. Changed only by conditional UPDATEs, never read-modify-write,
    so concurrent checkouts cannot spend below zero (the CHECKs are the last line)."""

    __tablename__ = "points_account"
    __table_args__ = (
        CheckConstraint("available >= 0", name="ck_points_account_available"),
        CheckConstraint("frozen >= 0", name="ck_points_account_frozen"),
    )
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    customer_id: int = Field(foreign_key="customer.id", unique=True)
    available: int = 0
    frozen: int = 0  # earned on orders paid but not completed yet
    lifetime_spent: int = 0  # 分 of paid merchandise, net of refunds: what the member level is reached by
    updated_at: datetime = Field(default_factory=utcnow)


class PointsMove(SQLModel, table=True):
    """One change to a points account: `delta` to available, `frozen_delta` to frozen, and why.

    An order's moves say everything done for it (earned, released, spent, returned, taken back), so
    each later step (completion, a refund, a cancellation) does what is still missing, never twice."""

    __tablename__ = "points_move"
    __table_args__ = (
        Index("ix_points_move_customer", "customer_id", "id"),
        Index("ix_points_move_order", "order_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    customer_id: int = Field(foreign_key="customer.id")
    order_id: int | None = None  # a plain number, like order lines' ids: the ledger outlives nothing
    delta: int = 0
    frozen_delta: int = 0
    lifetime_delta: int = 0  # 分 this move added to (or, refunded, took from) lifetime_spent
    # refund_taken: points it should have taken back but the shopper had spent already (never below zero)
    short: int = 0
    kind: str = Field(max_length=20)
    reason: str = Field(default="", max_length=200)
    actor: str = Field(default="", max_length=100)  # "user:3", "shopper", "system"
    at: datetime = Field(default_factory=utcnow)


class PointsReward(SQLModel, table=True):
    """积分商城: a product (or, later, a coupon) a shopper buys with points while `stock` lasts."""

    __tablename__ = "points_reward"
    __table_args__ = (
        Index("ix_points_reward_shop", "shop_id", "id"),
        CheckConstraint("stock >= 0", name="ck_points_reward_stock"),
    )
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    kind: str = Field(max_length=10)  # "product" | "coupon"
    variant_id: int | None = None
    coupon_id: int | None = None
    points: int
    stock: int = 0  # left to redeem
    redeemed: int = 0
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)
