"""E-mail campaigns (issue 20): campaigns, their recipients, unsubscribed addresses; the outbox learns HTML,
List-Unsubscribe and which campaign a message belongs to

Revision ID: e5c1a7d93b20
Revises: 10d9b3fac22c
Create Date: 2026-12-06 09:10:00

New tables, and three columns on outbox_email with defaults: the messages already there are plain text
of no campaign, as they were.
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = 'e5c1a7d93b20'
down_revision: str | None = '10d9b3fac22c'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('campaign',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=150), nullable=False),
    sa.Column('body_html', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('product_ids', sa.JSON(), nullable=False),
    sa.Column('segment', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('send_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.Column('skipped', sa.Integer(), nullable=False),
    sa.Column('opened', sa.Integer(), nullable=False),
    sa.Column('clicked', sa.Integer(), nullable=False),
    sa.Column('unsubscribed', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('started_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('finished_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_campaign_shop_created', 'campaign', ['shop_id', 'created_at'], unique=False)
    op.create_table('campaign_recipient',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('token', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('outbox_id', sa.Integer(), nullable=True),
    sa.Column('opened_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('clicked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], ),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('campaign_id', 'email')
    )
    op.create_index('ix_campaign_recipient_waiting', 'campaign_recipient', ['campaign_id', 'status', 'id'], unique=False)
    op.create_index(op.f('ix_campaign_recipient_token'), 'campaign_recipient', ['token'], unique=True)
    op.create_table('email_unsubscribe',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('shop_id', 'email')
    )
    with op.batch_alter_table('outbox_email') as batch:
        batch.add_column(sa.Column('html', sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=''))
        batch.add_column(sa.Column('unsubscribe_url', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False, server_default=''))
        batch.add_column(sa.Column('campaign_id', sa.Integer(), nullable=True))
        batch.create_index('ix_outbox_email_campaign_id', ['campaign_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('outbox_email') as batch:
        batch.drop_index('ix_outbox_email_campaign_id')
        batch.drop_column('campaign_id')
        batch.drop_column('unsubscribe_url')
        batch.drop_column('html')
    op.drop_table('email_unsubscribe')
    op.drop_index(op.f('ix_campaign_recipient_token'), table_name='campaign_recipient')
    op.drop_index('ix_campaign_recipient_waiting', table_name='campaign_recipient')
    op.drop_table('campaign_recipient')
    op.drop_index('ix_campaign_shop_created', table_name='campaign')
    op.drop_table('campaign')
