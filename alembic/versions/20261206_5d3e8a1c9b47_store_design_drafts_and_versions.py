"""store design (店铺装修): a draft and a published design per shop, and every publication as a version

Revision ID: 5d3e8a1c9b47
Revises: fb0ca6de6e37
Create Date: 2026-12-06 07:00:00

store_theme keeps its older `sections` (the home before the editor): they are shown until the shop
first publishes with the editor, so no data moves here.
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "5d3e8a1c9b47"
down_revision: str | None = 'fb0ca6de6e37'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("store_theme", schema=None) as batch_op:
        batch_op.add_column(sa.Column("draft", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("published", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("0")))
        batch_op.add_column(sa.Column("published_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    op.create_table(
        "store_design_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("design", sa.JSON(), nullable=False),
        sa.Column("published_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("published_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.ForeignKeyConstraint(["shop_id"], ["shop.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("shop_id", "version", name="uq_store_design_version"),
    )


def downgrade() -> None:
    op.drop_table("store_design_version")
    with op.batch_alter_table("store_theme", schema=None) as batch_op:
        batch_op.drop_column("published_at")
        batch_op.drop_column("version")
        batch_op.drop_column("published")
        batch_op.drop_column("draft")
