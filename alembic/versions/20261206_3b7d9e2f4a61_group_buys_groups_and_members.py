"""Group buys (issue 18, 拼团): the owner's activities, their groups and the groups' members

Revision ID: 3b7d9e2f4a61
Revises: 7937b76a0064
Create Date: 2026-12-06 09:30:00

New tables only; nothing existing changes.
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = '3b7d9e2f4a61'
down_revision: str | None = '7937b76a0064'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('group_buy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('prices', sa.JSON(), nullable=False),
    sa.Column('group_size', sa.Integer(), nullable=False),
    sa.Column('hours_to_form', sa.Integer(), nullable=False),
    sa.Column('starts_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('ends_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('ended_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('fill_with_virtual', sa.Boolean(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('group_buy', schema=None) as batch_op:
        batch_op.create_index('ix_group_buy_shop_product', ['shop_id', 'product_id'], unique=False)

    op.create_table('group_buy_group',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('group_buy_id', sa.Integer(), nullable=False),
    sa.Column('opener_customer_id', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('group_size', sa.Integer(), nullable=False),
    sa.Column('taken', sa.Integer(), nullable=False),
    sa.Column('paid_members', sa.Integer(), nullable=False),
    sa.Column('virtual_members', sa.Integer(), nullable=False),
    sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('formed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('failed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['group_buy_id'], ['group_buy.id'], ),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('group_buy_group', schema=None) as batch_op:
        batch_op.create_index('ix_group_buy_group_activity', ['shop_id', 'group_buy_id', 'status'], unique=False)
        batch_op.create_index('ix_group_buy_group_status_expires', ['status', 'expires_at'], unique=False)

    op.create_table('group_buy_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('name_masked', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('joined_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('paid_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['group_id'], ['group_buy_group.id'], ),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('group_id', 'customer_id')
    )
    with op.batch_alter_table('group_buy_member', schema=None) as batch_op:
        batch_op.create_index('ix_group_buy_member_order', ['order_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('group_buy_member', schema=None) as batch_op:
        batch_op.drop_index('ix_group_buy_member_order')
    op.drop_table('group_buy_member')
    with op.batch_alter_table('group_buy_group', schema=None) as batch_op:
        batch_op.drop_index('ix_group_buy_group_status_expires')
        batch_op.drop_index('ix_group_buy_group_activity')
    op.drop_table('group_buy_group')
    with op.batch_alter_table('group_buy', schema=None) as batch_op:
        batch_op.drop_index('ix_group_buy_shop_product')
    op.drop_table('group_buy')
