"""Money given back (refunds and the lines they cover) and shoppers' after-sales requests (售后)."""

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from shopapp.models.base import json_column, utcnow


class Refund(SQLModel, table=True):
    __table_args__ = (Index("ix_refund_shop_created", "shop_id", "created_at"),)
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    order_id: int = Field(foreign_key="order.id", index=True)
    # Indexed: a payment's refunds are looked up by it (the refund's number, reconciliation's automatic refunds).
    payment_id: int | None = Field(default=None, foreign_key="payment.id", index=True)
    aftersales_id: int | None = Field(default=None, foreign_key="aftersales_request.id")
    amount: int
    reason: str = Field(default="", max_length=200)
    status: str = Field(default="succeeded", max_length=20)
    # Our number for this refund at the provider; a provider refunds one number only once.
    request_no: str = Field(max_length=60, unique=True)
    provider_reference: str = Field(default="", max_length=100)
    actor: str = Field(default="", max_length=100)
    created_at: datetime = Field(default_factory=utcnow)


class RefundItem(SQLModel, table=True):
    __tablename__ = "refund_item"
    id: int | None = Field(default=None, primary_key=True)
    refund_id: int = Field(foreign_key="refund.id", index=True)
    shop_id: int = Field(foreign_key="shop.id")
    order_id: int = Field(foreign_key="order.id", index=True)
    order_item_id: int = Field(foreign_key="order_item.id")
    qty: int
    restock: bool = True
    # Units that had not been shipped yet: refunding them means they will never be shipped.
    unshipped_qty: int = 0


class AftersalesRequest(SQLModel, table=True):
    __tablename__ = "aftersales_request"
    __table_args__ = (
        Index("ix_aftersales_request_shop_status_created", "shop_id", "status", "created_at"),
        Index("ix_aftersales_request_order", "order_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    order_id: int = Field(foreign_key="order.id")
    kind: str = Field(max_length=20)  # refund_only, return_and_refund
    status: str = Field(default="requested", max_length=20)
    reason: str = Field(max_length=500)
    photos: list = Field(default_factory=list, sa_column=json_column())  # [{key, width, height}]
    amount: int | None = None  # decided by the shop when it approves
    items: list = Field(default_factory=list, sa_column=json_column())  # [{order_item_id, qty, restock}]
    message: str = Field(default="", max_length=500)  # the shop's word to the shopper
    return_carrier: str = Field(default="", max_length=12)
    return_tracking_no: str = Field(default="", max_length=40)
    refund_id: int | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
