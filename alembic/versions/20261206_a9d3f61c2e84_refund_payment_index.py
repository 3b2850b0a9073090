"""Refunds indexed by their payment (issue 21, 对账): a check reads what each refunded payment's Refund rows gave
back, and a new refund counts its payment's earlier ones; without the index each is a scan of every refund

Revision ID: a9d3f61c2e84
Revises: e7a2c4b9d150
Create Date: 2026-12-06 19:40:00

One index; nothing else changes.
"""
from collections.abc import Sequence

from alembic import op

revision: str = 'a9d3f61c2e84'
down_revision: str | None = 'e7a2c4b9d150'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('refund', schema=None) as batch_op:
        batch_op.create_index('ix_refund_payment_id', ['payment_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('refund', schema=None) as batch_op:
        batch_op.drop_index('ix_refund_payment_id')
