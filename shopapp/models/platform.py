"""The platform's own side (issue 23): plans set by the operator, each shop's plan history, the operators
themselves, their sessions, suspensions and the audit log of every operator action."""

from datetime import datetime

from sqlalchemy import JSON, Column, Index, false, text
from sqlmodel import Field, SQLModel

from shopapp.models.base import utcnow


class Plan(SQLModel, table=True):
    """A plan the operator offers (免费版 / 基础版 / 专业版 …): data, never code.

    `limits` holds counts (`products`, `staff`, `storage_mb`); a missing or null limit is unlimited.
    `features` names what the plan includes (`affiliates`, `campaigns`, `custom_domain`, `api_keys`,
    `reports_history`). The commission is in basis points (1/100 of a percent): 60 is 0.6 %."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=20, unique=True)
    name: str = Field(max_length=40)  # the Chinese name shoppers and owners see first
    name_en: str = Field(default="", max_length=40)
    monthly_price: int = 0  # 分
    yearly_price: int = 0  # 分
    commission_bp: int = 0
    limits: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, server_default=text("'{}'")))
    features: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False, server_default=text("'[]'")))
    # The one plan a shop falls to when nothing else holds, and the one a new shop tries.
    is_free: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    is_trial: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    sort_order: int = 0
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class ShopPlan(SQLModel, table=True):
    """A period a shop is on a plan: its trial, a paid subscription (billing), an operator's grant.
    The shop's plan now is the latest period that holds; none holds → the free plan. Rows are never
    deleted: they are the shop's plan history."""

    __tablename__ = "shop_plan"
    __table_args__ = (Index("ix_shop_plan_shop_starts", "shop_id", "starts_at"),)
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    plan_id: int = Field(foreign_key="plan.id")
    kind: str = Field(max_length=20)  # trial, subscription, operator
    starts_at: datetime = Field(default_factory=utcnow)
    ends_at: datetime | None = None  # None: until something else replaces it
    note: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow)


class Operator(SQLModel, table=True):
    """Platform staff: a User who is an operator and never a shop's staff. Made by the CLI alone."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", unique=True)
    created_at: datetime = Field(default_factory=utcnow)
    disabled_at: datetime | None = None


class OperatorSession(SQLModel, table=True):
    """An operator's log-in; only the token's SHA-256 is kept (tokens start `op_`)."""

    __tablename__ = "operator_session"
    id: int | None = Field(default=None, primary_key=True)
    operator_id: int = Field(foreign_key="operator.id", index=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    revoked_at: datetime | None = None


class ShopSuspension(SQLModel, table=True):
    """A shop stopped by an operator; `restored_at` ends it. Its data stays whole either way."""

    __tablename__ = "shop_suspension"
    __table_args__ = (Index("ix_shop_suspension_shop", "shop_id", "restored_at"),)
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    reason: str = Field(max_length=500)
    suspended_by: int | None = Field(default=None, foreign_key="operator.id")
    suspended_at: datetime = Field(default_factory=utcnow)
    restored_by: int | None = Field(default=None, foreign_key="operator.id")
    restored_at: datetime | None = None
    restore_reason: str = Field(default="", max_length=500)


class OperatorAudit(SQLModel, table=True):
    """Every operator action, written in the same transaction as the action itself."""

    __tablename__ = "operator_audit"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    operator_id: int | None = Field(default=None, foreign_key="operator.id")
    operator_email: str = Field(default="", max_length=254)
    action: str = Field(max_length=40)
    shop_id: int | None = Field(default=None, foreign_key="shop.id", index=True)
    reason: str = Field(default="", max_length=500)
    data: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, server_default=text("'{}'")))
