"""Coupons (优惠券 / 优惠码): what the shop offers, the shoppers' wallets, and batches of one-time codes.

`issued`, which many shoppers change at once, is only ever changed by a conditional UPDATE in
services/marketing/coupons.py, never read-then-written, so a quantity of 5 gives out 5. How many
orders use a coupon is counted from wallets and codes when read (coupons.used_counts), so checkouts
never queue on the coupon's row.
"""

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from shopapp.models.base import json_column, utcnow


class Coupon(SQLModel, table=True):
    __table_args__ = (
        # A public code is typed at checkout: one per shop, stored upper-case without spaces.
        UniqueConstraint("shop_id", "code", name="uq_coupon_shop_code"),
        Index("ix_coupon_shop_created", "shop_id", "created_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    name: str = Field(max_length=40)
    kind: str = Field(max_length=16)  # amount, percent, free_shipping
    amount_off: int | None = None  # 分, kind amount
    percent_off: int | None = None  # 1-100, kind percent
    max_off: int | None = None  # 分, the cap of a percent coupon
    min_amount: int = 0  # 分 the covered lines must reach after step 3
    product_ids: list = Field(default_factory=list, sa_column=json_column())  # none and no categories: the whole shop
    category_ids: list = Field(default_factory=list, sa_column=json_column())
    starts_at: datetime | None = None  # fixed dates, or
    ends_at: datetime | None = None
    valid_days: int | None = None  # good for N days from claiming
    total_quantity: int | None = None  # None: unlimited
    issued: int = 0
    per_customer_limit: int = 1
    code: str | None = Field(default=None, max_length=40)
    claimable: bool = False  # shown on the storefront's 领券 block
    combines_with_promotions: bool = True  # false: step 3 (满减 …) is dropped for an order using it
    ended_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class CustomerCoupon(SQLModel, table=True):
    """One coupon in one shopper's wallet. `seq` (1 … per_customer_limit) makes the per-customer limit a
    unique constraint: two claims at once by one shopper cannot both take the same place."""

    __tablename__ = "customer_coupon"
    __table_args__ = (
        UniqueConstraint("coupon_id", "customer_id", "seq", name="uq_customer_coupon_seq"),
        Index("ix_customer_coupon_shop_customer", "shop_id", "customer_id", "status"),
    )
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    coupon_id: int = Field(foreign_key="coupon.id", index=True)
    customer_id: int = Field(foreign_key="customer.id")
    seq: int = 1
    status: str = Field(default="unused", max_length=10)  # unused, used ("expired" is read from expires_at)
    source: str = Field(default="claim", max_length=10)  # claim, issue, checkout, points (积分商城)
    starts_at: datetime | None = None
    expires_at: datetime | None = None
    used_order_id: int | None = None
    used_at: datetime | None = None
    claimed_at: datetime = Field(default_factory=utcnow)


class CouponCode(SQLModel, table=True):
    """A one-time code of a batch (CSV download): good for one order, by anyone who has it."""

    __tablename__ = "coupon_code"
    __table_args__ = (UniqueConstraint("shop_id", "code", name="uq_coupon_code_shop_code"),)
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    coupon_id: int = Field(foreign_key="coupon.id", index=True)
    code: str = Field(max_length=40)
    used_order_id: int | None = None
    used_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
