"""The visitor-days' 64-bit visitor key (issue 21, distinct visitors at scale): the reports count distinct
integers instead of sorting text ids

Revision ID: d4b8e2f6a913
Revises: c81f4a2d9e57
Create Date: 2026-12-06 13:40:00

analytics_visitor_day gets visitor_key, a hash of visitor_id computed by the database (PostgreSQL's
hashtextextended, SQLite the stand-in shopapp.db registers), filled for the rows already there by one UPDATE,
and its (shop_id, day) index carries the key instead of the text id.
"""
from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op
from shopapp.db import add_sqlite_functions

revision: str = 'd4b8e2f6a913'
down_revision: str | None = 'c81f4a2d9e57'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":  # a connection made outside shopapp.db (tests, scripts) lacks the hash
        add_sqlite_functions(bind.connection.driver_connection)
    with op.batch_alter_table('analytics_visitor_day', schema=None) as batch_op:
        batch_op.add_column(sa.Column('visitor_key', sa.BigInteger(), server_default='0', nullable=False))
        batch_op.drop_index('ix_analytics_visitor_day_shop_day')
    op.execute("UPDATE analytics_visitor_day SET visitor_key = hashtextextended(visitor_id, 0)")
    with op.batch_alter_table('analytics_visitor_day', schema=None) as batch_op:
        batch_op.create_index('ix_analytics_visitor_day_shop_day_key', ['shop_id', 'day', 'visitor_key'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('analytics_visitor_day', schema=None) as batch_op:
        batch_op.drop_index('ix_analytics_visitor_day_shop_day_key')
        batch_op.create_index('ix_analytics_visitor_day_shop_day', ['shop_id', 'day', 'visitor_id'], unique=False)
        batch_op.drop_column('visitor_key')
