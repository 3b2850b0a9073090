"""Carts, shipping methods, orders with their items and history, payments, and idempotent replies."""

from datetime import date, datetime

from sqlalchemy import JSON, Column, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from shopapp.models.base import json_column, utcnow

# Savings lists: empty unless the pricing pipeline gave some (rows written in bulk get [] too).
EMPTY_LIST = text("'[]'")

# Cart and order lines keep variant and product ids as plain numbers, not foreign keys:
# an order must outlive the product it sold, and deleting a product must not fail on old carts.


class Cart(SQLModel, table=True):
    __table_args__ = (
        Index("ix_cart_shop_updated", "shop_id", "updated_at"),
        Index("ix_cart_shop_customer", "shop_id", "customer_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    token_hash: str = Field(max_length=64, unique=True, index=True)
    email: str = Field(default="", max_length=254)
    customer_id: int | None = None  # a logged-in shopper's cart
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class CartItem(SQLModel, table=True):
    __tablename__ = "cart_item"
    __table_args__ = (UniqueConstraint("cart_id", "variant_id"),)
    id: int | None = Field(default=None, primary_key=True)
    cart_id: int = Field(foreign_key="cart.id")
    shop_id: int = Field(foreign_key="shop.id", index=True)
    variant_id: int
    qty: int
    created_at: datetime = Field(default_factory=utcnow)


class ShippingMethod(SQLModel, table=True):
    __tablename__ = "shipping_method"
    __table_args__ = (Index("ix_shipping_method_shop_position", "shop_id", "position"),)
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    name: str = Field(max_length=40)
    base_fee: int = 0  # covers the first kilogram
    per_kg_fee: int = 0  # each further kilogram begun
    free_over: int | None = None  # subtotal at or above which shipping is free
    regions: list = Field(default_factory=list, sa_column=json_column())  # provinces; empty = everywhere
    active: bool = True
    position: int = 0
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Order(SQLModel, table=True):
    __table_args__ = (
        # The order list's order, newest first with the id breaking ties: with the id inside, a
        # page's ids, the count and the cursor are all read from the index alone (PostgreSQL).
        Index("ix_order_shop_created", "shop_id", "created_at", "id"),
        Index("ix_order_shop_status_created", "shop_id", "status", "created_at", "id"),
        Index("ix_order_status_expires", "status", "expires_at"),
        Index("ix_order_shop_phone", "shop_id", "recipient_phone"),
        Index("ix_order_shop_customer_created", "shop_id", "customer_id", "created_at"),
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


class Payment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    order_id: int = Field(foreign_key="order.id", index=True)
    provider: str = Field(max_length=20)  # sandbox, alipay
    reference: str = Field(max_length=40, unique=True, index=True)  # our trade number, sent to the provider
    status: str = Field(default="pending", max_length=20)  # pending, succeeded, failed, refunded
    amount: int
    currency: str = Field(default="CNY", max_length=3)
    provider_reference: str = Field(default="", max_length=100)  # the provider's trade number
    refunded_amount: int = 0
    refund_reference: str = Field(default="", max_length=100)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class PaymentNotification(SQLModel, table=True):
    """Every verified notification once: a repeat finds its row and changes nothing."""

    __tablename__ = "payment_notification"
    __table_args__ = (UniqueConstraint("provider", "notification_id"),)
    id: int | None = Field(default=None, primary_key=True)
    provider: str = Field(max_length=20)
    notification_id: str = Field(max_length=100)
    payment_id: int | None = Field(default=None, foreign_key="payment.id", index=True)
    outcome: str = Field(default="", max_length=20)
    digest: str = Field(max_length=64)  # SHA-256 of the payload as received
    received_at: datetime = Field(default_factory=utcnow)


class IdempotencyRecord(SQLModel, table=True):
    """The first answer to a request carrying an Idempotency-Key, given again to its repeats."""

    __tablename__ = "idempotency_record"
    __table_args__ = (
        UniqueConstraint("shop_id", "endpoint", "key"), Index("ix_idempotency_record_created", "created_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    endpoint: str = Field(max_length=60)
    key: str = Field(max_length=100)
    request_digest: str = Field(max_length=64)
    response: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    created_at: datetime = Field(default_factory=utcnow)

