"""Coupons (优惠券 / 优惠码): coupon, customer_coupon (the shoppers' wallets) and coupon_code (one-time codes)

Revision ID: 8d505c7be6fd
Revises: 46e2f70d4642
Create Date: 2026-12-06 06:15:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "8d505c7be6fd"
down_revision: str | None = "46e2f70d4642"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIME = sqlmodel.sql.sqltypes.UTCDateTime


def text(length: int):
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.create_table(
        "coupon",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("name", text(40), nullable=False),
        sa.Column("kind", text(16), nullable=False),
        sa.Column("amount_off", sa.Integer(), nullable=True),
        sa.Column("percent_off", sa.Integer(), nullable=True),
        sa.Column("max_off", sa.Integer(), nullable=True),
        sa.Column("min_amount", sa.Integer(), nullable=False),
        sa.Column("product_ids", sa.JSON(), nullable=False),
        sa.Column("category_ids", sa.JSON(), nullable=False),
        sa.Column("starts_at", TIME(), nullable=True),
        sa.Column("ends_at", TIME(), nullable=True),
        sa.Column("valid_days", sa.Integer(), nullable=True),
        sa.Column("total_quantity", sa.Integer(), nullable=True),
        sa.Column("issued", sa.Integer(), nullable=False),
        sa.Column("per_customer_limit", sa.Integer(), nullable=False),
        sa.Column("code", text(40), nullable=True),
        sa.Column("claimable", sa.Boolean(), nullable=False),
        sa.Column("combines_with_promotions", sa.Boolean(), nullable=False),
        sa.Column("ended_at", TIME(), nullable=True),
        sa.Column("created_at", TIME(), nullable=False),
        sa.Column("updated_at", TIME(), nullable=False),
        sa.ForeignKeyConstraint(["shop_id"], ["shop.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("shop_id", "code", name="uq_coupon_shop_code"),
    )
    with op.batch_alter_table("coupon", schema=None) as batch_op:
        batch_op.create_index("ix_coupon_shop_created", ["shop_id", "created_at"], unique=False)
    op.create_table(
        "customer_coupon",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("coupon_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("status", text(10), nullable=False),
        sa.Column("source", text(10), nullable=False),
        sa.Column("starts_at", TIME(), nullable=True),
        sa.Column("expires_at", TIME(), nullable=True),
        sa.Column("used_order_id", sa.Integer(), nullable=True),
        sa.Column("used_at", TIME(), nullable=True),
        sa.Column("claimed_at", TIME(), nullable=False),
        sa.ForeignKeyConstraint(["coupon_id"], ["coupon.id"]),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"]),
        sa.ForeignKeyConstraint(["shop_id"], ["shop.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("coupon_id", "customer_id", "seq", name="uq_customer_coupon_seq"),
    )
    with op.batch_alter_table("customer_coupon", schema=None) as batch_op:
        batch_op.create_index("ix_customer_coupon_coupon_id", ["coupon_id"], unique=False)
        batch_op.create_index("ix_customer_coupon_shop_customer", ["shop_id", "customer_id", "status"], unique=False)
    op.create_table(
        "coupon_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("coupon_id", sa.Integer(), nullable=False),
        sa.Column("code", text(40), nullable=False),
        sa.Column("used_order_id", sa.Integer(), nullable=True),
        sa.Column("used_at", TIME(), nullable=True),
        sa.Column("created_at", TIME(), nullable=False),
        sa.ForeignKeyConstraint(["coupon_id"], ["coupon.id"]),
        sa.ForeignKeyConstraint(["shop_id"], ["shop.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("shop_id", "code", name="uq_coupon_code_shop_code"),
    )
    with op.batch_alter_table("coupon_code", schema=None) as batch_op:
        batch_op.create_index("ix_coupon_code_coupon_id", ["coupon_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("coupon_code", schema=None) as batch_op:
        batch_op.drop_index("ix_coupon_code_coupon_id")
    op.drop_table("coupon_code")
    with op.batch_alter_table("customer_coupon", schema=None) as batch_op:
        batch_op.drop_index("ix_customer_coupon_shop_customer")
        batch_op.drop_index("ix_customer_coupon_coupon_id")
    op.drop_table("customer_coupon")
    with op.batch_alter_table("coupon", schema=None) as batch_op:
        batch_op.drop_index("ix_coupon_shop_created")
    op.drop_table("coupon")
