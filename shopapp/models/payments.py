"""Payments of orders and the provider notifications about them, each kept once."""

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from shopapp.models.base import utcnow


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
    # Whose account the money went to: the platform's collection (settled to the shop's balance when the
    # order completes) or the shop's own Alipay app.
    collection: str = Field(default="platform", max_length=20, sa_column_kwargs={"server_default": "platform"})
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
