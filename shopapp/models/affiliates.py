"""分销 affiliates: the shop's programme, its promoters (two levels at most), who is bound to whom, the
commissions orders earn them, their withdrawals, and the ledger behind every balance.

A promoter's balances change only by an UPDATE doing arithmetic, with a ledger row in the same transaction,
so Σ of a promoter's moves is each of their balances. `available` may go below zero: a refund after the
commission was settled (and maybe withdrawn) takes it back, and later commissions offset it.
"""

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from shopapp.models.base import utcnow

COMMISSION_STATUSES = ("frozen", "available", "reversed")
WITHDRAWAL_STATUSES = ("requested", "approved", "rejected")
MOVE_KINDS = ("commission_frozen", "settled", "refund_taken", "withdrawal_requested", "withdrawal_approved",
              "withdrawal_rejected")


class AffiliateProgram(SQLModel, table=True):
    """One per shop: the two levels' percent of `paid` merchandise, how long a link binds, how long after
    completion a commission stays frozen."""

    __tablename__ = "affiliate_program"
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id", unique=True)
    enabled: bool = False
    level1_percent: int = 10
    level2_percent: int = 5
    binding_days: int = 30
    settle_days: int = 7
    updated_at: datetime = Field(default_factory=utcnow)


class Promoter(SQLModel, table=True):
    """A shopper who promotes the shop: their code, who invited them (level 2 earns on their binders' orders),
    and their balances in 分."""

    __tablename__ = "promoter"
    __table_args__ = (
        UniqueConstraint("shop_id", "customer_id"),
        UniqueConstraint("shop_id", "code"),
        Index("ix_promoter_shop_inviter", "shop_id", "inviter_id"),
        CheckConstraint("frozen >= 0", name="ck_promoter_frozen"),
        CheckConstraint("requested >= 0", name="ck_promoter_requested"),
    )
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    customer_id: int = Field(foreign_key="customer.id")
    code: str = Field(max_length=16)
    inviter_id: int | None = None  # the promoter whose invite code (or link) brought this one
    frozen: int = 0  # commissions of orders not settled yet
    available: int = 0  # may go below zero after a refund of a settled commission
    requested: int = 0  # asked to withdraw, waiting for the owner
    withdrawn: int = 0  # approved and paid outside the platform
    created_at: datetime = Field(default_factory=utcnow)


class AffiliateBinding(SQLModel, table=True):
    """A shopper bound to the promoter whose link they came by, until `expires_at`; the first binding holds."""

    __tablename__ = "affiliate_binding"
    __table_args__ = (
        UniqueConstraint("shop_id", "customer_id"),
        Index("ix_affiliate_binding_promoter", "shop_id", "promoter_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    customer_id: int = Field(foreign_key="customer.id")
    promoter_id: int = Field(foreign_key="promoter.id")
    via: str = Field(default="visit", max_length=10)  # visit | signup | login
    bound_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime


class Commission(SQLModel, table=True):
    """What one order earns one promoter at one level: `amount` of the order's paid merchandise `base`,
    less `taken_back` by refunds; frozen, then available from `available_at` (completion + settle days)."""

    __tablename__ = "commission"
    __table_args__ = (
        UniqueConstraint("order_id", "level"),
        Index("ix_commission_promoter", "shop_id", "promoter_id", "id"),
        Index("ix_commission_due", "status", "available_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    promoter_id: int = Field(foreign_key="promoter.id")
    order_id: int
    order_no: str = Field(max_length=40)
    customer_id: int | None = None  # the buyer
    level: int  # 1 the binder, 2 the binder's inviter
    percent: int
    base: int  # 分 of paid merchandise the percent was taken of
    amount: int
    taken_back: int = 0
    status: str = Field(default="frozen", max_length=10)
    available_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class CommissionWithdrawal(SQLModel, table=True):
    """A promoter asks for `amount` of their available commission; the owner approves (pays outside) or rejects."""

    __tablename__ = "commission_withdrawal"
    __table_args__ = (Index("ix_commission_withdrawal_shop", "shop_id", "status", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    promoter_id: int = Field(foreign_key="promoter.id")
    amount: int
    status: str = Field(default="requested", max_length=10)
    note: str = Field(default="", max_length=200)
    requested_at: datetime = Field(default_factory=utcnow)
    decided_at: datetime | None = None
    decided_by: str = Field(default="", max_length=100)


class AffiliateMove(SQLModel, table=True):
    """One change to a promoter's balances and why (the ledger the owner reads)."""

    __tablename__ = "affiliate_move"
    __table_args__ = (Index("ix_affiliate_move_promoter", "shop_id", "promoter_id", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    promoter_id: int = Field(foreign_key="promoter.id")
    kind: str = Field(max_length=24)
    frozen_delta: int = 0
    available_delta: int = 0
    requested_delta: int = 0
    withdrawn_delta: int = 0
    commission_id: int | None = None
    withdrawal_id: int | None = None
    actor: str = Field(default="system", max_length=100)
    at: datetime = Field(default_factory=utcnow)
