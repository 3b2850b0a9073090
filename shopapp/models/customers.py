"""Shoppers' own accounts in one shop, and their log-ins.

An account belongs to one shop (like a membership card): the same e-mail may hold accounts in
several shops, each with its own password, and no shop ever sees another's customers.
"""

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from shopapp.models.base import json_column, utcnow


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


class CustomerProfile(SQLModel, table=True):
    """Everyone who bought or registered in a shop, once per e-mail (the owner's customer list).

    Kept beside the account rather than in it: a guest's e-mail gets a profile when an order is paid,
    without an account (their orders only join an account once the address is proven, see
    email_verification). When an account is registered with that e-mail the profile takes its
    `customer_id`: the guest and the account are one customer. The figures are recomputed from the
    orders whenever one of the customer's orders moves (services/customers/directory.py), so the
    list filters and sorts on indexed columns instead of adding up orders on every page.
    """

    __tablename__ = "customer_profile"
    __table_args__ = (
        UniqueConstraint("shop_id", "email"),
        Index("ix_customer_profile_shop_last_order", "shop_id", "last_order_at", "id"),
        Index("ix_customer_profile_shop_spent", "shop_id", "total_spent", "id"),
        Index("ix_customer_profile_shop_orders", "shop_id", "orders_count", "id"),
        Index("ix_customer_profile_shop_phone4", "shop_id", "phone_last4"),
        Index("ix_customer_profile_shop_customer", "shop_id", "customer_id"),
        Index("ix_customer_profile_shop_name", "shop_id", "name"),
    )
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    email: str = Field(max_length=254)  # lower-cased
    customer_id: int | None = Field(default=None, foreign_key="customer.id")  # the account, once there is one
    name: str = Field(default="", max_length=40)
    phone: str = Field(default="", max_length=20)  # the latest order's recipient phone
    phone_last4: str = Field(default="", max_length=4)
    region: str = Field(default="", max_length=20)  # the latest order's province
    orders_count: int = 0  # paid orders
    total_spent: int = 0  # 分: what the paid orders paid, net of refunds
    first_order_at: datetime | None = None
    last_order_at: datetime | None = None
    note: str = Field(default="", max_length=500)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class CustomerTag(SQLModel, table=True):
    """A tag the owner put on a customer (VIP, 批发, ...); a row each, so the list filters by tag on an index."""

    __tablename__ = "customer_tag"
    __table_args__ = (
        UniqueConstraint("profile_id", "tag"),
        Index("ix_customer_tag_shop_tag", "shop_id", "tag", "profile_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    profile_id: int = Field(foreign_key="customer_profile.id")
    tag: str = Field(max_length=20)


class CustomerSegment(SQLModel, table=True):
    """A saved filter of the customer list (services/customers/segments.py), to look at or send to."""

    __tablename__ = "customer_segment"
    __table_args__ = (UniqueConstraint("shop_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    name: str = Field(max_length=40)
    filters: dict = Field(default_factory=dict, sa_column=json_column())
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
