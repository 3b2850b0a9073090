"""Points (积分) and member levels: the shop's loyalty settings, member levels, each shopper's points account, its ledger, and the 积分商城's rewards

Revision ID: c4e8b2a61f37
Revises: a7c3e91d5b20
Create Date: 2026-12-06 06:05:37

New tables only; no shop has settings until its owner saves them (points are off until then).
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = 'c4e8b2a61f37'
down_revision: str | None = 'a7c3e91d5b20'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('loyalty_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('points_per_yuan', sa.Integer(), nullable=False),
    sa.Column('points_per_yuan_off', sa.Integer(), nullable=False),
    sa.Column('max_points_percent', sa.Integer(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('shop_id')
    )
    op.create_table('member_level',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('min_spent', sa.Integer(), nullable=False),
    sa.Column('discount_percent', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('shop_id', 'name')
    )
    with op.batch_alter_table('member_level', schema=None) as batch_op:
        batch_op.create_index('ix_member_level_shop_spent', ['shop_id', 'min_spent'], unique=False)

    op.create_table('points_reward',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('variant_id', sa.Integer(), nullable=True),
    sa.Column('coupon_id', sa.Integer(), nullable=True),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('stock', sa.Integer(), nullable=False),
    sa.Column('redeemed', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint('stock >= 0', name='ck_points_reward_stock'),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('points_reward', schema=None) as batch_op:
        batch_op.create_index('ix_points_reward_shop', ['shop_id', 'id'], unique=False)

    op.create_table('points_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('available', sa.Integer(), nullable=False),
    sa.Column('frozen', sa.Integer(), nullable=False),
    sa.Column('lifetime_spent', sa.Integer(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint('available >= 0', name='ck_points_account_available'),
    sa.CheckConstraint('frozen >= 0', name='ck_points_account_frozen'),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], ),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('customer_id')
    )
    op.create_table('points_move',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('delta', sa.Integer(), nullable=False),
    sa.Column('frozen_delta', sa.Integer(), nullable=False),
    sa.Column('lifetime_delta', sa.Integer(), nullable=False),
    sa.Column('short', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], ),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('points_move', schema=None) as batch_op:
        batch_op.create_index('ix_points_move_customer', ['customer_id', 'id'], unique=False)
        batch_op.create_index('ix_points_move_order', ['order_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('points_move', schema=None) as batch_op:
        batch_op.drop_index('ix_points_move_order')
        batch_op.drop_index('ix_points_move_customer')

    op.drop_table('points_move')
    op.drop_table('points_account')
    with op.batch_alter_table('points_reward', schema=None) as batch_op:
        batch_op.drop_index('ix_points_reward_shop')

    op.drop_table('points_reward')
    with op.batch_alter_table('member_level', schema=None) as batch_op:
        batch_op.drop_index('ix_member_level_shop_spent')

    op.drop_table('member_level')
    op.drop_table('loyalty_settings')
