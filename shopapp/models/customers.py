"""Shoppers' own accounts in one shop, and their log-ins.

An account belongs to one shop (like a membership card): the same e-mail may hold accounts in
several shops, each with its own password, and no shop ever sees another's customers.
"""

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from shopapp.models.base import utcnow


class Customer(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("shop_id", "email"),)
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    email: str = Field(max_length=254)
    password_hash: str = Field(max_length=255)
    name: str = Field(default="", max_length=40)
    created_at: datetime = Field(default_factory=utcnow)
    last_login_at: datetime | None = None
    # Set when the shopper opened the e-mailed link: the address is theirs, so its guest orders join
    # the account (services/customers/email_verification.py).
    email_verified_at: datetime | None = None
    verification_sent_at: datetime | None = None  # the latest link sent, so a resend cannot flood the inbox


class CustomerSession(SQLModel, table=True):
    """A shopper's log-in. Only the SHA-256 of the token is stored; log-out sets revoked_at."""

    __tablename__ = "customer_session"
    __table_args__ = (Index("ix_customer_session_customer", "customer_id"),)
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    customer_id: int = Field(foreign_key="customer.id")
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    revoked_at: datetime | None = None
