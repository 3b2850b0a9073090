"""shop.low_stock_threshold: the owner's own "low stock" line (was a fixed 5)

Revision ID: 5e6f70819203
Revises: 4d5e6f708192
Create Date: 2026-11-25 16:00:00

Plain ALTER TABLE on both databases (SQLite 3.35+ adds and drops columns), with a server
default so the shops already there keep the line they had.
"""
from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "5e6f70819203"
down_revision: str | None = "4d5e6f708192"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("shop", sa.Column("low_stock_threshold", sa.Integer(), nullable=False, server_default="5"))


def downgrade() -> None:
    op.drop_column("shop", "low_stock_threshold")
