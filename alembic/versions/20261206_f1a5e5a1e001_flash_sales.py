"""Flash sales (秒杀, issue 18): the sales and the orders that won their units

Revision ID: f1a5e5a1e001
Revises: 74f5519769c0
Create Date: 2026-12-06 09:20:00

Two new tables; nothing existing changes.
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = 'f1a5e5a1e001'
down_revision: str | None = '74f5519769c0'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('flash_sale',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('variant_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('price', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('sold', sa.Integer(), nullable=False),
    sa.Column('per_customer_limit', sa.Integer(), nullable=False),
    sa.Column('pay_minutes', sa.Integer(), nullable=False),
    sa.Column('starts_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('ends_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('ended_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('flash_sale', schema=None) as batch_op:
        batch_op.create_index('ix_flash_sale_shop_ends', ['shop_id', 'ends_at'], unique=False)

    op.create_table('flash_sale_order',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('flash_sale_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('qty', sa.Integer(), nullable=False),
    sa.Column('live', sa.Boolean(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['flash_sale_id'], ['flash_sale.id'], ),
    sa.ForeignKeyConstraint(['order_id'], ['order.id'], ),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('flash_sale_order', schema=None) as batch_op:
        batch_op.create_index('ix_flash_sale_order_sale_customer', ['flash_sale_id', 'customer_id'], unique=False)
        batch_op.create_index('ux_flash_sale_order_order', ['order_id'], unique=True)


def downgrade() -> None:
    with op.batch_alter_table('flash_sale_order', schema=None) as batch_op:
        batch_op.drop_index('ux_flash_sale_order_order')
        batch_op.drop_index('ix_flash_sale_order_sale_customer')
    op.drop_table('flash_sale_order')
    with op.batch_alter_table('flash_sale', schema=None) as batch_op:
        batch_op.drop_index('ix_flash_sale_shop_ends')
    op.drop_table('flash_sale')
