"""Customer profiles (everyone who bought or registered, once per e-mail), their tags, saved segments, and service tickets

Revision ID: fb0ca6de6e37
Revises: 33bdc9e888f7
Create Date: 2026-12-06 06:34:00

Existing shops get a profile for every account and every e-mail with a paid order, figures
computed through the same service that keeps them from now on (services/customers/profiles.py).
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

# A copy of services/customers/directory.POSTGRESQL_INDEXES as this revision made them.
POSTGRESQL_INDEXES = (
    "CREATE INDEX IF NOT EXISTS ix_customer_profile_shop_recent ON customer_profile "
    "(shop_id, last_order_at DESC NULLS LAST, id DESC)",
    "CREATE INDEX IF NOT EXISTS ix_customer_profile_email_prefix ON customer_profile (shop_id, email varchar_pattern_ops)",
    "CREATE INDEX IF NOT EXISTS ix_customer_profile_name_prefix ON customer_profile (shop_id, name varchar_pattern_ops)",
    "CREATE INDEX IF NOT EXISTS ix_customer_profile_phone ON customer_profile (shop_id, phone)",
    # The filters and the RFM groups read spend, orders, dates and region from these alone (index-only
    # scans), rather than visiting a million rows to test each.
    "CREATE INDEX IF NOT EXISTS ix_customer_profile_spent_filters ON customer_profile (shop_id, total_spent) "
    "INCLUDE (orders_count, last_order_at, first_order_at, region)",
    "CREATE INDEX IF NOT EXISTS ix_customer_profile_recent_filters ON customer_profile (shop_id, last_order_at) "
    "INCLUDE (orders_count, total_spent, first_order_at, region)",
)

revision: str = 'fb0ca6de6e37'
down_revision: str | None = '33bdc9e888f7'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('customer_segment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('filters', sa.JSON(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('shop_id', 'name')
    )
    op.create_table('customer_profile',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('phone_last4', sqlmodel.sql.sqltypes.AutoString(length=4), nullable=False),
    sa.Column('region', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('orders_count', sa.Integer(), nullable=False),
    sa.Column('total_spent', sa.Integer(), nullable=False),
    sa.Column('first_order_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('last_order_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], ),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('shop_id', 'email')
    )
    with op.batch_alter_table('customer_profile', schema=None) as batch_op:
        batch_op.create_index('ix_customer_profile_shop_customer', ['shop_id', 'customer_id'], unique=False)
        batch_op.create_index('ix_customer_profile_shop_last_order', ['shop_id', 'last_order_at', 'id'], unique=False)
        batch_op.create_index('ix_customer_profile_shop_name', ['shop_id', 'name'], unique=False)
        batch_op.create_index('ix_customer_profile_shop_orders', ['shop_id', 'orders_count', 'id'], unique=False)
        batch_op.create_index('ix_customer_profile_shop_phone4', ['shop_id', 'phone_last4'], unique=False)
        batch_op.create_index('ix_customer_profile_shop_spent', ['shop_id', 'total_spent', 'id'], unique=False)

    op.create_table('customer_tag',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('tag', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.ForeignKeyConstraint(['profile_id'], ['customer_profile.id'], ),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('profile_id', 'tag')
    )
    with op.batch_alter_table('customer_tag', schema=None) as batch_op:
        batch_op.create_index('ix_customer_tag_shop_tag', ['shop_id', 'tag', 'profile_id'], unique=False)

    op.create_table('service_ticket',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=True),
    sa.Column('aftersales_id', sa.Integer(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('priority', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('assignee_user_id', sa.Integer(), nullable=True),
    sa.Column('due_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['aftersales_id'], ['aftersales_request.id'], ),
    sa.ForeignKeyConstraint(['assignee_user_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversation.id'], ),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('service_ticket', schema=None) as batch_op:
        batch_op.create_index('ix_service_ticket_aftersales', ['aftersales_id'], unique=False)
        batch_op.create_index('ix_service_ticket_conversation', ['conversation_id'], unique=False)
        batch_op.create_index('ix_service_ticket_shop_status_due', ['shop_id', 'status', 'due_at'], unique=False)
    op.create_index('ix_order_shop_email', 'order', ['shop_id', 'email'], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRESQL_INDEXES:
            op.execute(statement)
    _profile_every_customer()


def downgrade() -> None:
    op.drop_index('ix_order_shop_email', table_name='order')
    with op.batch_alter_table('service_ticket', schema=None) as batch_op:
        batch_op.drop_index('ix_service_ticket_shop_status_due')
        batch_op.drop_index('ix_service_ticket_conversation')
        batch_op.drop_index('ix_service_ticket_aftersales')

    op.drop_table('service_ticket')
    with op.batch_alter_table('customer_tag', schema=None) as batch_op:
        batch_op.drop_index('ix_customer_tag_shop_tag')

    op.drop_table('customer_tag')
    with op.batch_alter_table('customer_profile', schema=None) as batch_op:
        batch_op.drop_index('ix_customer_profile_shop_spent')
        batch_op.drop_index('ix_customer_profile_shop_phone4')
        batch_op.drop_index('ix_customer_profile_shop_orders')
        batch_op.drop_index('ix_customer_profile_shop_name')
        batch_op.drop_index('ix_customer_profile_shop_last_order')
        batch_op.drop_index('ix_customer_profile_shop_customer')

    op.drop_table('customer_profile')
    op.drop_table('customer_segment')


def _profile_every_customer() -> None:
    from sqlmodel import Session

    from shopapp.services.customers import profiles

    connection = op.get_bind()
    owners = connection.execute(sa.text(
        'SELECT shop_id, email FROM customer UNION '
        'SELECT o.shop_id, COALESCE(c.email, o.email) FROM "order" o LEFT JOIN customer c ON c.id = o.customer_id '
        'WHERE o.paid_at IS NOT NULL'
    )).all()
    if not owners:
        return
    with Session(bind=connection) as session:
        for shop_id, email in sorted(set((shop_id, email.lower()) for shop_id, email in owners)):
            profiles.refresh(session, shop_id, email)
        session.flush()
