"""Automatic promotions (营销中心): 限时折扣, 第二件 X 折, 打包一口价 and 满减/满折/满赠/满包邮 tiers.

A promotion applies by itself to every cart it covers while it runs; nobody types a code. Its status
is never stored: it is `scheduled` before `starts_at`, `active` until `ends_at` (or until the owner
ends it now, `ended_at`), then `ended` (services/marketing/promotions.status_of).
Scope: product, variant and category ids (plain numbers, like order lines: a deleted product must not
break an old promotion); all three empty covers the whole shop.
"""

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from shopapp.models.base import json_column, utcnow


class Promotion(SQLModel, table=True):
    # Pricing loads a shop's running promotions on every quote: by shop and end, newest end first.
    __table_args__ = (Index("ix_promotion_shop_ends", "shop_id", "ends_at"),)
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    kind: str = Field(max_length=20)  # limited_discount, second_half, bundle, tiered
    name: str = Field(max_length=60)
    starts_at: datetime
    ends_at: datetime
    ended_at: datetime | None = None  # the owner ended it before ends_at
    product_ids: list = Field(default_factory=list, sa_column=json_column())
    variant_ids: list = Field(default_factory=list, sa_column=json_column())
    category_ids: list = Field(default_factory=list, sa_column=json_column())
    # limited_discount and second_half: percent off (1-99); limited_discount may name prices instead.
    percent_off: int | None = None
    prices: dict = Field(default_factory=dict, sa_column=json_column())  # {"variant_id": price in 分}
    per_customer_limit: int | None = None  # units per customer at the limited price (None: no limit)
    stacks_with_member: bool = False
    # bundle (打包一口价): `qty` units for `price` 分.
    qty: int | None = None
    price: int | None = None
    # tiered: [{min_amount | min_qty, amount_off | percent_off | gift_variant_id | free_shipping}], lowest first.
    tiers: list = Field(default_factory=list, sa_column=json_column())
    repeat: bool = False  # 每满: one amount-off tier, taken once per full min_amount
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
