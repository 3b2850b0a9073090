"""秒杀 flash sales: an activity price and its own quantity for one variant, and the orders that won units.

`sold` counts the units in live orders (paid or not, refunded after payment included): `sold + left ==
quantity` always, and a cancelled or expired unpaid order gives its units back at once (a refund does not:
services/marketing/flash_sales says why). The row's `sold` is moved only by a conditional atomic update
(services/marketing/flash_sales), so the database never sells more than `quantity`, whatever the gate said.
"""

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from shopapp.models.base import utcnow


class FlashSale(SQLModel, table=True):
    __tablename__ = "flash_sale"
    __table_args__ = (Index("ix_flash_sale_shop_ends", "shop_id", "ends_at"),)
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    name: str = Field(max_length=60)
    variant_id: int  # a plain number, like order lines' ids
    product_id: int
    price: int  # 分, below the variant's price
    quantity: int
    sold: int = 0  # units in live orders (awaiting payment, paid, refunded after payment)
    per_customer_limit: int = 1
    pay_minutes: int = 10
    starts_at: datetime
    ends_at: datetime
    ended_at: datetime | None = None  # the owner ended it before ends_at
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class FlashSaleOrder(SQLModel, table=True):
    """One order that won units of a sale; `live` until it is cancelled or expires unpaid."""

    __tablename__ = "flash_sale_order"
    __table_args__ = (
        Index("ix_flash_sale_order_sale_customer", "flash_sale_id", "customer_id"),
        Index("ux_flash_sale_order_order", "order_id", unique=True),
    )
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    flash_sale_id: int = Field(foreign_key="flash_sale.id")
    order_id: int = Field(foreign_key="order.id")
    customer_id: int
    qty: int
    live: bool = True
    created_at: datetime = Field(default_factory=utcnow)
