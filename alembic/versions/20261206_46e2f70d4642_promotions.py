"""promotion: the marketing centre"s automatic promotions (限时折扣, 第二件, 打包一口价, 满减 tiers)

Revision ID: 46e2f70d4642
Revises: c4e8b2a61f37
Create Date: 2026-12-06 06:05:53

A new table; status is derived from starts_at / ends_at / ended_at. order_item.gift marks a 满赠
tier's gift line (at 0); every existing line is not one.
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "46e2f70d4642"
down_revision: str | None = "c4e8b2a61f37"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table("promotion",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("shop_id", sa.Integer(), nullable=False),
    sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column("starts_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column("ends_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column("ended_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column("product_ids", sa.JSON(), nullable=False),
    sa.Column("variant_ids", sa.JSON(), nullable=False),
    sa.Column("category_ids", sa.JSON(), nullable=False),
    sa.Column("percent_off", sa.Integer(), nullable=True),
    sa.Column("prices", sa.JSON(), nullable=False),
    sa.Column("per_customer_limit", sa.Integer(), nullable=True),
    sa.Column("stacks_with_member", sa.Boolean(), nullable=False),
    sa.Column("qty", sa.Integer(), nullable=True),
    sa.Column("price", sa.Integer(), nullable=True),
    sa.Column("tiers", sa.JSON(), nullable=False),
    sa.Column("repeat", sa.Boolean(), nullable=False),
    sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(["shop_id"], ["shop.id"], ),
    sa.PrimaryKeyConstraint("id")
    )
    with op.batch_alter_table("promotion", schema=None) as batch_op:
        batch_op.create_index("ix_promotion_shop_ends", ["shop_id", "ends_at"], unique=False)
    op.add_column("order_item", sa.Column("gift", sa.Boolean(), nullable=False, server_default=sa.text("false")))



def downgrade() -> None:
    with op.batch_alter_table("order_item", schema=None) as batch_op:
        batch_op.drop_column("gift")
    with op.batch_alter_table("promotion", schema=None) as batch_op:
        batch_op.drop_index("ix_promotion_shop_ends")

    op.drop_table("promotion")
