"""Distinct counts as mergeable HyperLogLog sketches per shop-day (issue 21, reports at 10 M events)

Revision ID: b3e9f0c7a215
Revises: d4b8e2f6a913
Create Date: 2026-12-06 16:00:00

One new table, analytics_sketch_day: per shop, day, kind and dim a compact DataSketches HLL sketch and the day's
exact count, and per month the same of its days merged (span "month"). Days rolled up before have none: the roll-up job seals them again (analytics.rollups.roll_up_recent
looks for days without sketches), and until then the reports count those days exactly from the rollups and raw
rows, as before. No figure is computed in the migration.
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = 'b3e9f0c7a215'
down_revision: str | None = 'd4b8e2f6a913'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('analytics_sketch_day',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('span', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('dim', sa.Text(), server_default='', nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('orders', sa.Integer(), nullable=False),
    sa.Column('gmv', sa.BigInteger(), nullable=False),
    sa.Column('sketch', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ux_analytics_sketch_day_key', 'analytics_sketch_day', ['shop_id', 'kind', 'span', 'day', 'dim'], unique=True)


def downgrade() -> None:
    op.drop_index('ux_analytics_sketch_day_key', table_name='analytics_sketch_day')
    op.drop_table('analytics_sketch_day')
