"""砍价 bargains: an owner's activity on one variant, each shopper's run of it, and the friends' cuts.

A run starts at the variant's price; each friend's cut is drawn so that after exactly `helpers_needed`
cuts the price is `floor_price` (services/marketing/bargains.draw_cut). A run's status is read from its
columns (services/marketing/bargains.run_status): `open` while friends may cut, `finished` at the floor,
`ordered` once the starter's order holds it (shown `refunded` once that order
went back in full: bargain_runs.run_view), `expired` after `expires_at` (or when the activity ended).
"""

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from shopapp.models.base import utcnow


class Bargain(SQLModel, table=True):
    __table_args__ = (
        CheckConstraint("sold >= 0 AND sold <= quantity", name="ck_bargain_sold"),
        Index("ix_bargain_shop_ends", "shop_id", "ends_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    name: str = Field(max_length=60)
    variant_id: int  # a plain number, like order lines
    product_id: int
    floor_price: int  # 分, below the variant's price
    helpers_needed: int  # cuts that take a run from the variant's price to the floor
    hours: int  # a run's life
    quantity: int  # units the activity sells
    sold: int = 0  # units in live bargain orders (paid or awaiting payment)
    buy_before_floor: bool = False  # the starter may buy at the current price before the floor
    starts_at: datetime
    ends_at: datetime
    ended_at: datetime | None = None  # the owner ended it before ends_at
    created_at: datetime = Field(default_factory=utcnow)


class BargainRun(SQLModel, table=True):
    __tablename__ = "bargain_run"
    __table_args__ = (Index("ix_bargain_run_bargain_customer", "bargain_id", "customer_id"),)
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    bargain_id: int = Field(foreign_key="bargain.id")
    customer_id: int = Field(foreign_key="customer.id")  # the starter
    start_price: int  # the variant's price when the run started
    floor_price: int
    price: int  # now: start_price less every cut so far
    helpers_needed: int
    cuts_count: int = 0
    expires_at: datetime
    finished_at: datetime | None = None  # the price reached the floor
    order_id: int | None = None  # the starter's live order of it
    created_at: datetime = Field(default_factory=utcnow)


class BargainCut(SQLModel, table=True):
    __tablename__ = "bargain_cut"
    __table_args__ = (
        UniqueConstraint("run_id", "customer_id", name="uq_bargain_cut_helper"),  # a friend helps once per run
        CheckConstraint("amount > 0", name="ck_bargain_cut_amount"),
    )
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    run_id: int = Field(foreign_key="bargain_run.id")
    customer_id: int = Field(foreign_key="customer.id")  # the friend
    name_masked: str = Field(max_length=20)
    amount: int
    price_after: int
    created_at: datetime = Field(default_factory=utcnow)
