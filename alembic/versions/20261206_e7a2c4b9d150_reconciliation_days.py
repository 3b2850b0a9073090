"""Each shop-day's reconciliation (对账) as the roll-up found it (issue 21): a month is read from these rows
instead of comparing tens of thousands of payments on every look

Revision ID: e7a2c4b9d150
Revises: b3e9f0c7a215
Create Date: 2026-12-06 16:30:00

Days already rolled up have no row yet: reconciliation compares them live until the roll-up job's catch-up
(which now looks for days missing either) has checked them.
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = 'e7a2c4b9d150'
down_revision: str | None = 'b3e9f0c7a215'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'reconciliation_day',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('shop_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('expected', sa.JSON(), nullable=False),
        sa.Column('statements', sa.JSON(), nullable=False),
        sa.Column('mismatches', sa.JSON(), nullable=False),
        sa.Column('open_mismatches', sa.Integer(), nullable=False),
        sa.Column('checked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['shop_id'], ['shop.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('reconciliation_day', schema=None) as batch_op:
        batch_op.create_index('ux_reconciliation_day_key', ['shop_id', 'day'], unique=True)


def downgrade() -> None:
    with op.batch_alter_table('reconciliation_day', schema=None) as batch_op:
        batch_op.drop_index('ux_reconciliation_day_key')
    op.drop_table('reconciliation_day')
