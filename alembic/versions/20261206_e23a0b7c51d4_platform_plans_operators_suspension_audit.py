"""Issue 23, the platform's side: plans (免费版 / 基础版 / 专业版 written as data), each shop's plan periods,
operators and their sessions, shop suspensions and the operator audit log

Revision ID: e23a0b7c51d4
Revises: 10d9b3fac22c
Create Date: 2026-12-06 09:30:00

New tables only. The three default plans are written here (the operator edits them afterwards); every shop
that exists already starts its trial of the paid plan now, as a new shop does at sign-up.
"""
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "e23a0b7c51d4"
down_revision: str | None = "10d9b3fac22c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRIAL_DAYS = 14
# The same rows as services/core/plan_limits.DEFAULT_PLANS, copied: a migration never changes with the code.
PLANS = (
    {"code": "free", "name": "免费版", "name_en": "Free", "monthly_price": 0, "yearly_price": 0, "commission_bp": 200,
     "limits": {"products": 50, "staff": 2, "storage_mb": 500}, "features": [], "is_free": True, "is_trial": False,
     "sort_order": 1},
    {"code": "basic", "name": "基础版", "name_en": "Basic", "monthly_price": 6800, "yearly_price": 68000,
     "commission_bp": 100, "limits": {"products": 500, "staff": 5, "storage_mb": 5000},
     "features": ["campaigns", "api_keys", "reports_history"], "is_free": False, "is_trial": False, "sort_order": 2},
    {"code": "pro", "name": "专业版", "name_en": "Pro", "monthly_price": 19800, "yearly_price": 198000,
     "commission_bp": 60, "limits": {"products": None, "staff": 20, "storage_mb": 50000},
     "features": ["affiliates", "campaigns", "custom_domain", "api_keys", "reports_history"], "is_free": False,
     "is_trial": True, "sort_order": 3},
)


def upgrade() -> None:
    plan = op.create_table(
        "plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("name_en", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("monthly_price", sa.Integer(), nullable=False),
        sa.Column("yearly_price", sa.Integer(), nullable=False),
        sa.Column("commission_bp", sa.Integer(), nullable=False),
        sa.Column("limits", sa.JSON(), server_default=sa.text("'{}'"), nullable=False),
        sa.Column("features", sa.JSON(), server_default=sa.text("'[]'"), nullable=False),
        sa.Column("is_free", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("is_trial", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_table(
        "operator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("disabled_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id"),
    )
    shop_plan = op.create_table(
        "shop_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("starts_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("ends_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plan.id"]),
        sa.ForeignKeyConstraint(["shop_id"], ["shop.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_shop_plan_shop_starts", "shop_plan", ["shop_id", "starts_at"], unique=False)
    op.create_table(
        "operator_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("revoked_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["operator_id"], ["operator.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_operator_session_operator_id", "operator_session", ["operator_id"], unique=False)
    op.create_index("ix_operator_session_token_hash", "operator_session", ["token_hash"], unique=True)
    op.create_table(
        "shop_suspension",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("suspended_by", sa.Integer(), nullable=True),
        sa.Column("suspended_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("restored_by", sa.Integer(), nullable=True),
        sa.Column("restored_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("restore_reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.ForeignKeyConstraint(["restored_by"], ["operator.id"]),
        sa.ForeignKeyConstraint(["shop_id"], ["shop.id"]),
        sa.ForeignKeyConstraint(["suspended_by"], ["operator.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_shop_suspension_shop", "shop_suspension", ["shop_id", "restored_at"], unique=False)
    op.create_table(
        "operator_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("operator_email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("data", sa.JSON(), server_default=sa.text("'{}'"), nullable=False),
        sa.ForeignKeyConstraint(["operator_id"], ["operator.id"]),
        sa.ForeignKeyConstraint(["shop_id"], ["shop.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_operator_audit_at", "operator_audit", ["at"], unique=False)
    op.create_index("ix_operator_audit_shop_id", "operator_audit", ["shop_id"], unique=False)

    now = datetime.now(UTC)
    op.bulk_insert(plan, [{**row, "created_at": now, "updated_at": now} for row in PLANS])
    connection = op.get_bind()
    trial_id = connection.execute(sa.text("SELECT id FROM plan WHERE code = 'pro'")).scalar_one()
    shops = connection.execute(sa.text("SELECT id FROM shop")).scalars().all()
    if shops:
        op.bulk_insert(shop_plan, [
            {"shop_id": shop_id, "plan_id": trial_id, "kind": "trial", "starts_at": now,
             "ends_at": now + timedelta(days=TRIAL_DAYS), "note": "", "created_at": now}
            for shop_id in shops
        ])


def downgrade() -> None:
    op.drop_index("ix_operator_audit_shop_id", table_name="operator_audit")
    op.drop_index("ix_operator_audit_at", table_name="operator_audit")
    op.drop_table("operator_audit")
    op.drop_index("ix_shop_suspension_shop", table_name="shop_suspension")
    op.drop_table("shop_suspension")
    op.drop_index("ix_operator_session_token_hash", table_name="operator_session")
    op.drop_index("ix_operator_session_operator_id", table_name="operator_session")
    op.drop_table("operator_session")
    op.drop_index("ix_shop_plan_shop_starts", table_name="shop_plan")
    op.drop_table("shop_plan")
    op.drop_table("operator")
    op.drop_table("plan")
