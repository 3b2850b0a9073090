"""The platform's side of a shop's money and address: custom domains, how its payments are collected,
commission, the shop's balance and payouts, subscriptions, billing payments and invoices."""

from datetime import datetime

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from shopapp.models.base import utcnow


class ShopDomain(SQLModel, table=True):
    """A host name an owner wants the shop to answer at; served only once its DNS records are verified."""

    __tablename__ = "shop_domain"
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id", index=True)
    # Lower-case, no trailing dot. Unique across shops: a name is never served by two shops.
    hostname: str = Field(max_length=253, unique=True, index=True)
    token: str = Field(max_length=64)  # the TXT record's value proves the owner controls the name
    status: str = Field(default="pending", max_length=20)  # pending, verified
    last_error: str = Field(default="", max_length=60)  # the last verification's failure, as an error code
    created_at: datetime = Field(default_factory=utcnow)
    verified_at: datetime | None = None


class ShopPaymentAccount(SQLModel, table=True):
    """How the shop is paid: through the platform's collection (担保交易) or its own Alipay app."""

    __tablename__ = "shop_payment_account"
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id", unique=True, index=True)
    mode: str = Field(default="platform", max_length=20)  # platform, own_alipay
    alipay_app_id: str = Field(default="", max_length=40, index=True)
    # The app's private key and Alipay's public key, Fernet-encrypted with the platform's key; never shown again.
    alipay_keys_encrypted: str = Field(default="", max_length=20000)
    connected_at: datetime | None = None
    updated_at: datetime = Field(default_factory=utcnow)


class CommissionEntry(SQLModel, table=True):
    """The platform's commission on one order: accrued when it is paid, reversed in part with each refund."""

    __tablename__ = "commission_entry"
    __table_args__ = (
        Index("ix_commission_entry_shop_created", "shop_id", "created_at"),
        UniqueConstraint("order_id", "kind", "reference"),
    )
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    order_id: int = Field(foreign_key="order.id", index=True)
    kind: str = Field(max_length=20)  # accrued, reversed
    reference: str = Field(default="", max_length=60)  # a reversal's refund; "" for the accrual
    base: int  # 分 of GMV the entry is on (negative for a reversal)
    rate_bp: int  # basis points (1% = 100) of the plan at accrual
    amount: int  # 分, negative for a reversal
    invoice_id: int | None = Field(default=None, foreign_key="invoice.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)


class BalanceEntry(SQLModel, table=True):
    """A move on a shop's balance with the platform (platform collection only): the ledger is the balance."""

    __tablename__ = "balance_entry"
    __table_args__ = (
        Index("ix_balance_entry_shop_created", "shop_id", "created_at"),
        UniqueConstraint("shop_id", "kind", "reference"),
    )
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    kind: str = Field(max_length=20)  # order_completed, refund, payout
    reference: str = Field(max_length=60)  # order number, refund or payout id: each move once
    order_id: int | None = Field(default=None, foreign_key="order.id")
    payout_id: int | None = Field(default=None, foreign_key="payout.id")
    amount: int  # 分, signed
    created_at: datetime = Field(default_factory=utcnow)


class PayoutBatch(SQLModel, table=True):
    """One run of payouts by the operator."""

    __tablename__ = "payout_batch"
    id: int | None = Field(default=None, primary_key=True)
    created_by: str = Field(default="", max_length=80)
    shops: int = 0
    total: int = 0
    created_at: datetime = Field(default_factory=utcnow)
    # made (the balances are taken off, the transfers still to do) → paid (the operator confirms the transfers)
    status: str = Field(default="made", max_length=20)
    paid_at: datetime | None = None
    paid_by: str = Field(default="", max_length=80)
    paid_reference: str = Field(default="", max_length=100)  # the bank's batch or transfer reference


class Payout(SQLModel, table=True):
    __tablename__ = "payout"
    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="payout_batch.id", index=True)
    shop_id: int = Field(foreign_key="shop.id", index=True)
    amount: int
    created_at: datetime = Field(default_factory=utcnow)


class Subscription(SQLModel, table=True):
    """A shop's paid plan: which, for which period, until when, and what happens at its end."""

    __tablename__ = "subscription"
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id", unique=True, index=True)
    plan_id: int | None = None
    period: str = Field(default="month", max_length=10)  # month, year
    status: str = Field(default="free", max_length=20)  # active, grace, free
    period_start: datetime | None = None
    period_end: datetime | None = None
    next_plan_id: int | None = None  # a downgrade, taking effect at period_end
    next_period: str = Field(default="", max_length=10)
    grace_ends_at: datetime | None = None
    reminded_for: datetime | None = None  # the period_end the renewal reminder was sent for
    updated_at: datetime = Field(default_factory=utcnow)


class BillingPayment(SQLModel, table=True):
    """A payment to the platform for a plan: a subscription, an upgrade's difference or a renewal."""

    __tablename__ = "billing_payment"
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id", index=True)
    reference: str = Field(max_length=40, unique=True, index=True)
    provider: str = Field(max_length=20)
    kind: str = Field(max_length=20)  # subscribe, upgrade, renewal
    plan_id: int
    period: str = Field(max_length=10)
    amount: int
    status: str = Field(default="pending", max_length=20)  # pending, succeeded, failed
    provider_reference: str = Field(default="", max_length=100)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Invoice(SQLModel, table=True):
    """A bill the platform issued a shop; `number` comes from a sequence without gaps."""

    __tablename__ = "invoice"
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id", index=True)
    number: str = Field(max_length=20, unique=True)
    kind: str = Field(max_length=20)  # plan, commission
    lines: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    total: int
    issued_at: datetime = Field(default_factory=utcnow)


class InvoiceCounter(SQLModel, table=True):
    """The last invoice number used in a year: taken under a row lock, so numbers never skip or repeat."""

    __tablename__ = "invoice_counter"
    year: int = Field(primary_key=True)
    last: int = 0
