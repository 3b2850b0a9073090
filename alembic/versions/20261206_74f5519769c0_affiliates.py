"""分销 affiliates: each shop's programme, its promoters, shoppers' bindings to them, commissions, withdrawals
and the ledger of promoters' balances

Revision ID: 74f5519769c0
Revises: b4a9c51e7d20
Create Date: 2026-12-06 09:11:34

New tables only; no shop has a programme until its owner saves one (affiliates are off until then).
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = '74f5519769c0'
down_revision: str | None = 'b4a9c51e7d20'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('affiliate_program',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('level1_percent', sa.Integer(), nullable=False),
    sa.Column('level2_percent', sa.Integer(), nullable=False),
    sa.Column('binding_days', sa.Integer(), nullable=False),
    sa.Column('settle_days', sa.Integer(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('shop_id')
    )
    op.create_table('promoter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('inviter_id', sa.Integer(), nullable=True),
    sa.Column('frozen', sa.Integer(), nullable=False),
    sa.Column('available', sa.Integer(), nullable=False),
    sa.Column('requested', sa.Integer(), nullable=False),
    sa.Column('withdrawn', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint('frozen >= 0', name='ck_promoter_frozen'),
    sa.CheckConstraint('requested >= 0', name='ck_promoter_requested'),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], ),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('shop_id', 'code'),
    sa.UniqueConstraint('shop_id', 'customer_id')
    )
    with op.batch_alter_table('promoter', schema=None) as batch_op:
        batch_op.create_index('ix_promoter_shop_inviter', ['shop_id', 'inviter_id'], unique=False)

    op.create_table('affiliate_binding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('promoter_id', sa.Integer(), nullable=False),
    sa.Column('via', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('bound_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], ),
    sa.ForeignKeyConstraint(['promoter_id'], ['promoter.id'], ),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('shop_id', 'customer_id')
    )
    with op.batch_alter_table('affiliate_binding', schema=None) as batch_op:
        batch_op.create_index('ix_affiliate_binding_promoter', ['shop_id', 'promoter_id'], unique=False)

    op.create_table('affiliate_move',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('promoter_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('frozen_delta', sa.Integer(), nullable=False),
    sa.Column('available_delta', sa.Integer(), nullable=False),
    sa.Column('requested_delta', sa.Integer(), nullable=False),
    sa.Column('withdrawn_delta', sa.Integer(), nullable=False),
    sa.Column('commission_id', sa.Integer(), nullable=True),
    sa.Column('withdrawal_id', sa.Integer(), nullable=True),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['promoter_id'], ['promoter.id'], ),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('affiliate_move', schema=None) as batch_op:
        batch_op.create_index('ix_affiliate_move_promoter', ['shop_id', 'promoter_id', 'id'], unique=False)

    op.create_table('commission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('promoter_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('order_no', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('percent', sa.Integer(), nullable=False),
    sa.Column('base', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('taken_back', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('available_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['promoter_id'], ['promoter.id'], ),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('order_id', 'level')
    )
    with op.batch_alter_table('commission', schema=None) as batch_op:
        batch_op.create_index('ix_commission_due', ['status', 'available_at'], unique=False)
        batch_op.create_index('ix_commission_promoter', ['shop_id', 'promoter_id', 'id'], unique=False)

    op.create_table('commission_withdrawal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('promoter_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('requested_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('decided_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('decided_by', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.ForeignKeyConstraint(['promoter_id'], ['promoter.id'], ),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('commission_withdrawal', schema=None) as batch_op:
        batch_op.create_index('ix_commission_withdrawal_shop', ['shop_id', 'status', 'id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('commission_withdrawal', schema=None) as batch_op:
        batch_op.drop_index('ix_commission_withdrawal_shop')

    op.drop_table('commission_withdrawal')
    with op.batch_alter_table('commission', schema=None) as batch_op:
        batch_op.drop_index('ix_commission_promoter')
        batch_op.drop_index('ix_commission_due')

    op.drop_table('commission')
    with op.batch_alter_table('affiliate_move', schema=None) as batch_op:
        batch_op.drop_index('ix_affiliate_move_promoter')

    op.drop_table('affiliate_move')
    with op.batch_alter_table('affiliate_binding', schema=None) as batch_op:
        batch_op.drop_index('ix_affiliate_binding_promoter')

    op.drop_table('affiliate_binding')
    with op.batch_alter_table('promoter', schema=None) as batch_op:
        batch_op.drop_index('ix_promoter_shop_inviter')

    op.drop_table('promoter')
    op.drop_table('affiliate_program')
