"""Rollups for finance and for the year's reports (issue 21, scale): per shop-day and payment provider the 财务
figures, per shop-day and hour the page views and paid orders, per shop-day, province and buyer the paid orders

Revision ID: c81f4a2d9e57
Revises: a7c3e9d1f5b2
Create Date: 2026-12-06 12:45:00

Three new tables, and the day rollups are asked for again: analytics_day is emptied (it is derived data, and a
day counts as rolled up by its totals row there), so every day reads its raw rows until the roll-up job has
sealed it again with these three tables' rows (yesterday and the day before at once, a month of older days
per run): the reports give the same figures meanwhile, only slower, and no figure is computed in a migration.
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = 'c81f4a2d9e57'
down_revision: str | None = 'a7c3e9d1f5b2'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('finance_day',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('provider', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('paid_orders', sa.Integer(), nullable=False),
    sa.Column('gross_sales', sa.Integer(), nullable=False),
    sa.Column('discounts', sa.Integer(), nullable=False),
    sa.Column('shipping', sa.Integer(), nullable=False),
    sa.Column('gmv', sa.Integer(), nullable=False),
    sa.Column('refunds', sa.Integer(), nullable=False),
    sa.Column('net_sales', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ux_finance_day_key', 'finance_day', ['shop_id', 'day', 'provider'], unique=True)
    op.create_table('analytics_hour',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('hour', sa.Integer(), nullable=False),
    sa.Column('page_views', sa.Integer(), nullable=False),
    sa.Column('orders', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ux_analytics_hour_key', 'analytics_hour', ['shop_id', 'day', 'hour'], unique=True)
    op.create_table('analytics_region_day',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('province', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('buyer', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('orders', sa.Integer(), nullable=False),
    sa.Column('gmv', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_analytics_region_day_shop_day', 'analytics_region_day', ['shop_id', 'day', 'province', 'buyer'],
                    unique=False)
    op.create_index('ix_analytics_region_day_shop_buyer', 'analytics_region_day', ['shop_id', 'buyer', 'day'], unique=False)
    op.execute("DELETE FROM analytics_day")


def downgrade() -> None:
    op.drop_index('ix_analytics_region_day_shop_buyer', table_name='analytics_region_day')
    op.drop_index('ix_analytics_region_day_shop_day', table_name='analytics_region_day')
    op.drop_table('analytics_region_day')
    op.drop_index('ux_analytics_hour_key', table_name='analytics_hour')
    op.drop_table('analytics_hour')
    op.drop_index('ux_finance_day_key', table_name='finance_day')
    op.drop_table('finance_day')
