"""Orders with their items and their history (the events the state machine writes)."""

from datetime import date, datetime

from sqlalchemy import JSON, Column, Index, text
from sqlmodel import Field, SQLModel

from shopapp.models.base import json_column, utcnow

# Savings lists: empty unless the pricing pipeline gave some (rows written in bulk get [] too).
EMPTY_LIST = text("'[]'")

# Order lines keep variant and product ids as plain numbers, not foreign keys:
# an order must outlive the product it sold.


class Order(SQLModel, table=True):
    __table_args__ = (
        # The order list's order, newest first with the id breaking ties: with the id inside, a
        # page's ids, the count and the cursor are all read from the index alone (PostgreSQL).
        Index("ix_order_shop_created", "shop_id", "created_at", "id"),
        Index("ix_order_shop_status_created", "shop_id", "status", "created_at", "id"),
        Index("ix_order_status_expires", "status", "expires_at"),
        Index("ix_order_shop_phone", "shop_id", "recipient_phone"),
        Index("ix_order_shop_customer_created", "shop_id", "customer_id", "created_at"),
        # A guest's orders by their e-mail: what the customer list's figures are added up from at each payment.
        Index("ix_order_shop_email", "shop_id", "email"),
        # The reports read a period's paid orders (analytics).
        Index("ix_order_shop_paid", "shop_id", "paid_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    order_no: str = Field(max_length=24, unique=True, index=True)
    token_hash: str = Field(max_length=64)  # the shopper's order link; only its hash is kept
    status: str = Field(default="pending_payment", max_length=20)
    financial_status: str = Field(default="pending", max_length=20)
    fulfillment_status: str = Field(default="unfulfilled", max_length=20)
    currency: str = Field(default="CNY", max_length=3)
    email: str = Field(max_length=254)
    customer_id: int | None = None  # placed while logged in (a plain number, like the lines' ids)
    address: dict = Field(default_factory=dict, sa_column=json_column())
    # Copied from the address so the console can search by them.
    recipient_name: str = Field(default="", max_length=40)
    recipient_phone: str = Field(default="", max_length=20)
    shipping_method_id: int | None = None
    shipping_method_name: str = Field(default="", max_length=40)
    subtotal: int = 0
    discount_total: int = 0
    # Each saving of the pricing pipeline {source, id, label, amount}; the items hold their shares.
    discounts: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False, server_default=EMPTY_LIST))
    shipping_total: int = 0
    total: int = 0
    refunded_total: int = 0
    weight_grams: int = 0
    note: str = Field(default="", max_length=500)
    presale: bool = False
    ships_at: date | None = None  # the latest presale date among the items
    expires_at: datetime | None = None
    paid_at: datetime | None = None
    cancelled_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class OrderItem(SQLModel, table=True):
    __tablename__ = "order_item"
    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="order.id", index=True)
    shop_id: int = Field(foreign_key="shop.id")
    variant_id: int
    product_id: int
    title: str = Field(max_length=120)
    sku: str | None = Field(default=None, max_length=64)
    option_values: list = Field(default_factory=list, sa_column=json_column())
    qty: int
    unit_price: int
    total: int  # unit_price × qty
    # What the line was paid after every saving allocated to it ({source, id, amount} in discounts):
    # the sum of the lines' paid plus shipping is the order's total; refunds give back from it.
    paid: int
    discounts: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False, server_default=EMPTY_LIST))
    gift: bool = Field(default=False, sa_column_kwargs={"server_default": text("false")})  # a 满赠 tier's gift, at 0
    weight_grams: int = 0  # of one unit
    presale_ships_at: date | None = None  # the date this line ships on pre-sale (the variant's, else the product's)
    # Where its units were taken from, so cancelling gives them back there: "stock", or the
    # pre-sale quota of the variant ("variant_quota") or of its product ("product_quota").
    sold_from: str = Field(default="stock", max_length=16)


class OrderEvent(SQLModel, table=True):
    __tablename__ = "order_event"
    __table_args__ = (Index("ix_order_event_order", "order_id", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="order.id")
    shop_id: int = Field(foreign_key="shop.id")
    type: str = Field(max_length=40)
    actor: str = Field(default="", max_length=100)  # "user:3", "api_key:2", "shopper", "system", "payment:alipay"
    at: datetime = Field(default_factory=utcnow)
    data: dict = Field(default_factory=dict, sa_column=json_column())
