"""shop.sender_address (the return address printed on shipping labels, 寄件人) and shop.shared_at (the owner shared the shop's link)

Revision ID: a7c3e91d5b20
Revises: 9133c804520a
Create Date: 2026-12-06 03:15:00

Existing shops start with an empty address ({}); the console asks for it before the first label.
shared_at stays empty until the owner copies the shop's link or saves its QR code from the console's checklist.
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "a7c3e91d5b20"
down_revision: str | None = "9133c804520a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("shop", sa.Column("sender_address", sa.JSON(), nullable=False, server_default=sa.text("'{}'")))
    op.add_column("shop", sa.Column("shared_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("shop", schema=None) as batch_op:
        batch_op.drop_column("shared_at")
        batch_op.drop_column("sender_address")
