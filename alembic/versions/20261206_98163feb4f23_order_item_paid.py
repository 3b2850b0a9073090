"""order_item.paid and discounts, order.discounts: what each line was paid after the pricing pipeline's savings

Revision ID: 98163feb4f23
Revises: 5e6f70819203
Create Date: 2026-12-06 03:00:00

- order_item: paid (分, what the line was paid; refunds give back from it) and discounts (its
  shares of the order's savings, [{source, id, amount}]);
- order: discounts (each saving, [{source, id, label, amount}]).
Orders placed before had no savings: a line paid its total and every list is empty. `paid` is
added empty, filled in, then made NOT NULL (SQLite copies order_item for that; no trigger lives
on it), so no default of 0 is left behind for a line that would forget its price.
"""
from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "98163feb4f23"
down_revision: str | None = "5e6f70819203"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("order_item", sa.Column("paid", sa.Integer(), nullable=True))
    op.add_column("order_item", sa.Column("discounts", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
    op.add_column("order", sa.Column("discounts", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
    op.execute("UPDATE order_item SET paid = total")
    with op.batch_alter_table("order_item", schema=None) as batch_op:
        batch_op.alter_column("paid", existing_type=sa.Integer(), nullable=False)


def downgrade() -> None:
    op.drop_column("order", "discounts")
    op.drop_column("order_item", "discounts")
    op.drop_column("order_item", "paid")
