"""Analytics (issue 21): the storefront's visit events, the visit each order came from, the daily rollups, and an index for a period's paid orders

Revision ID: 10d9b3fac22c
Revises: 5d3e8a1c9b47
Create Date: 2026-12-06 06:39:42

New tables and one index on order; nothing existing changes.
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = '10d9b3fac22c'
down_revision: str | None = '5d3e8a1c9b47'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('analytics_day',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('medium', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('campaign', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('page_views', sa.Integer(), nullable=False),
    sa.Column('product_views', sa.Integer(), nullable=False),
    sa.Column('add_to_cart', sa.Integer(), nullable=False),
    sa.Column('checkout_start', sa.Integer(), nullable=False),
    sa.Column('orders', sa.Integer(), nullable=False),
    sa.Column('units', sa.Integer(), nullable=False),
    sa.Column('gmv', sa.Integer(), nullable=False),
    sa.Column('rolled_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('analytics_day', schema=None) as batch_op:
        batch_op.create_index('ux_analytics_day_key', ['shop_id', 'day', 'product_id', 'source', 'medium', 'campaign'], unique=True)

    op.create_table('visit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('visitor_id', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('type', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('path', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('medium', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('campaign', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('referrer_host', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('share_code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('visit_event', schema=None) as batch_op:
        batch_op.create_index('ix_visit_event_shop_at', ['shop_id', 'at', 'type', 'visitor_id', 'product_id'], unique=False)
        batch_op.create_index('ix_visit_event_shop_product_at', ['shop_id', 'product_id', 'at'], unique=False)
        batch_op.create_index('ix_visit_event_shop_visitor_at', ['shop_id', 'visitor_id', 'at'], unique=False)

    op.create_table('order_visit',
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('visitor_id', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('medium', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('campaign', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['order.id'], ),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], ),
    sa.PrimaryKeyConstraint('order_id')
    )
    with op.batch_alter_table('order_visit', schema=None) as batch_op:
        batch_op.create_index('ix_order_visit_shop_visitor', ['shop_id', 'visitor_id'], unique=False)

    with op.batch_alter_table('order', schema=None) as batch_op:
        batch_op.create_index('ix_order_shop_paid', ['shop_id', 'paid_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('order', schema=None) as batch_op:
        batch_op.drop_index('ix_order_shop_paid')

    with op.batch_alter_table('order_visit', schema=None) as batch_op:
        batch_op.drop_index('ix_order_visit_shop_visitor')

    op.drop_table('order_visit')
    with op.batch_alter_table('visit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_visit_event_shop_visitor_at')
        batch_op.drop_index('ix_visit_event_shop_product_at')
        batch_op.drop_index('ix_visit_event_shop_at')

    op.drop_table('visit_event')
    with op.batch_alter_table('analytics_day', schema=None) as batch_op:
        batch_op.drop_index('ux_analytics_day_key')

    op.drop_table('analytics_day')
