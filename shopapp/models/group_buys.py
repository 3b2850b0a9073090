"""拼团 group buys: the owner's activity (a group price per variant, a group size, a window), its groups and their members.

An activity's status is never stored (scheduled / active / ended from its times and `ended_at`, as promotions'). A group
is `forming` until `group_size` members have paid (`formed`) or its window closes without them (`failed`, every paid
member refunded). `taken` counts the places held (members whose order is unpaid or paid): a join takes a place with one
conditional update (`taken < group_size`), so racing shoppers can never overfill a group on SQLite or PostgreSQL.
"""

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from shopapp.models.base import json_column, utcnow


class GroupBuy(SQLModel, table=True):
    __tablename__ = "group_buy"
    __table_args__ = (Index("ix_group_buy_shop_product", "shop_id", "product_id"),)
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    name: str = Field(max_length=60)
    product_id: int  # a plain number, like order lines: a deleted product must not break an old activity
    prices: dict = Field(default_factory=dict, sa_column=json_column())  # {"variant_id": group price in 分}
    group_size: int
    hours_to_form: int
    starts_at: datetime
    ends_at: datetime
    ended_at: datetime | None = None  # the owner ended it before ends_at
    fill_with_virtual: bool = False  # at the window's end a group with a paid member forms with virtual members
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class GroupBuyGroup(SQLModel, table=True):
    __tablename__ = "group_buy_group"
    __table_args__ = (
        Index("ix_group_buy_group_activity", "shop_id", "group_buy_id", "status"),
        Index("ix_group_buy_group_status_expires", "status", "expires_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    group_buy_id: int = Field(foreign_key="group_buy.id")
    opener_customer_id: int
    status: str = Field(default="forming", max_length=10)  # forming, formed, failed
    group_size: int
    taken: int = 0  # places held: members whose order is unpaid or paid
    paid_members: int = 0
    virtual_members: int = 0
    expires_at: datetime
    formed_at: datetime | None = None
    failed_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class GroupBuyMember(SQLModel, table=True):
    __tablename__ = "group_buy_member"
    __table_args__ = (
        UniqueConstraint("group_id", "customer_id"),
        Index("ix_group_buy_member_order", "order_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    group_id: int = Field(foreign_key="group_buy_group.id")
    customer_id: int
    order_id: int  # the member's current order (a rejoin after an expired one names the new order)
    name_masked: str = Field(default="", max_length=20)
    status: str = Field(default="pending", max_length=10)  # pending (unpaid), paid, released, refunded
    joined_at: datetime = Field(default_factory=utcnow)
    paid_at: datetime | None = None
