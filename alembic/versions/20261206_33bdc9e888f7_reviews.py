"""Reviews (评价): a review per order item with its 追评 and photos, each product's rating on its row,
and the shop's rule (hold new reviews for moderation, on by default)

Revision ID: 33bdc9e888f7
Revises: 8d505c7be6fd
Create Date: 2026-12-06 06:33:03

Existing products start with no rating (0 reviews), which is what they have.
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = '33bdc9e888f7'
down_revision: str | None = '8d505c7be6fd'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('order_item_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('author_name', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('pinned', sa.Boolean(), nullable=False),
    sa.Column('has_photos', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('reply', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('reply_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('followup_text', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('followup_status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('followup_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint('rating BETWEEN 1 AND 5', name='ck_review_rating'),
    sa.ForeignKeyConstraint(['order_id'], ['order.id'], ),
    sa.ForeignKeyConstraint(['order_item_id'], ['order_item.id'], ),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('order_item_id', name='uq_review_order_item')
    )
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.create_index('ix_review_product', ['shop_id', 'product_id', 'status', 'rating', 'has_photos'], unique=False)
        batch_op.create_index('ix_review_product_page', ['shop_id', 'product_id', 'status', 'pinned', 'id'], unique=False)
        batch_op.create_index('ix_review_shop_rating', ['shop_id', 'rating', 'created_at'], unique=False)
        batch_op.create_index('ix_review_shop_status', ['shop_id', 'status', 'id'], unique=False)

    op.create_table('review_photo',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('followup', sa.Boolean(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], ),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('review_photo', schema=None) as batch_op:
        batch_op.create_index('ix_review_photo_review', ['review_id', 'position'], unique=False)

    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rating_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('rating_sum', sa.Integer(), server_default='0', nullable=False))

    with op.batch_alter_table('shop', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reviews_moderated', sa.Boolean(), server_default=sa.true(), nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('shop', schema=None) as batch_op:
        batch_op.drop_column('reviews_moderated')

    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.drop_column('rating_sum')
        batch_op.drop_column('rating_count')

    with op.batch_alter_table('review_photo', schema=None) as batch_op:
        batch_op.drop_index('ix_review_photo_review')

    op.drop_table('review_photo')
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.drop_index('ix_review_shop_status')
        batch_op.drop_index('ix_review_shop_rating')
        batch_op.drop_index('ix_review_product_page')
        batch_op.drop_index('ix_review_product')

    op.drop_table('review')
