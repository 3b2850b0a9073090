"""Analytics (issue 21, speed): one row per visitor, day and source with the funnel steps reached, which the
reports count instead of every event for days that are over

Revision ID: b7d2e4f8a613
Revises: e5c1a7d93b20
Create Date: 2026-12-06 10:00:00

A new table, and the day rollups are asked for again: analytics_day is emptied (it is derived data), so
every day reads its raw events until the roll-up job has sealed it again with its visitor rows (the job seals
yesterday and the day before at once, and a month of older days per run).
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = 'b7d2e4f8a613'
down_revision: str | None = 'e5c1a7d93b20'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('analytics_visitor_day',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('visitor_id', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('medium', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('campaign', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('product_view', sa.Integer(), nullable=False),
    sa.Column('add_to_cart', sa.Integer(), nullable=False),
    sa.Column('checkout_start', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_analytics_visitor_day_shop_day', 'analytics_visitor_day', ['shop_id', 'day', 'visitor_id'], unique=False)
    op.execute("DELETE FROM analytics_day")


def downgrade() -> None:
    op.drop_index('ix_analytics_visitor_day_shop_day', table_name='analytics_visitor_day')
    op.drop_table('analytics_visitor_day')
