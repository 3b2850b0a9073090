"""Shops, the staff who run them, invitations and API keys."""

from datetime import datetime

from sqlalchemy import JSON, Column, Index, UniqueConstraint, text, true
from sqlmodel import Field, SQLModel

from shopapp.models.base import utcnow


class Shop(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=40, unique=True, index=True)
    name: str = Field(max_length=60)
    description: str = Field(default="", max_length=500)
    logo_url: str = Field(default="", max_length=500)
    currency: str = Field(default="CNY", max_length=3)
    contact_email: str = Field(default="", max_length=254)
    contact_phone: str = Field(default="", max_length=30)
    shipping_policy: str = Field(default="", max_length=5000)
    returns_policy: str = Field(default="", max_length=5000)
    # A variant with at most this many units is "low on stock" (the console's badge and list).
    low_stock_threshold: int = Field(default=5, sa_column_kwargs={"server_default": "5"})
    # Where parcels come from, printed on every shipping label (寄件人): name, phone, province, city,
    # district, line1, postcode; empty until the owner fills it in, which the console asks before the first label.
    sender_address: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, server_default=text("'{}'")))
    # The owner's rule for new reviews (and 追评): held for moderation, or published at once.
    reviews_moderated: bool = Field(default=True, sa_column_kwargs={"server_default": true()})
    shared_at: datetime | None = None  # the owner first copied the shop's link or saved its QR code (the checklist's last step)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class StaffMember(SQLModel, table=True):
    __tablename__ = "staff_member"
    __table_args__ = (UniqueConstraint("shop_id", "user_id"),)
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    role: str = Field(max_length=20)  # owner, admin, operations, support
    created_at: datetime = Field(default_factory=utcnow)


class StaffInvite(SQLModel, table=True):
    __tablename__ = "staff_invite"
    __table_args__ = (Index("ix_staff_invite_shop_email", "shop_id", "email"),)
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    email: str = Field(max_length=254)
    role: str = Field(max_length=20)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    invited_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    accepted_at: datetime | None = None
    revoked_at: datetime | None = None


class ApiKey(SQLModel, table=True):
    """A shop's key for scripts and other channels; only its hash is kept."""

    __tablename__ = "api_key"
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id", index=True)
    name: str = Field(max_length=60)
    prefix: str = Field(max_length=16)
    key_hash: str = Field(max_length=64, unique=True, index=True)
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None
