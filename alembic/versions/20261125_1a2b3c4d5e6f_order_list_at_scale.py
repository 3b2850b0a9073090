"""order list at scale: the id in the list's indexes; trigram indexes for order search (PostgreSQL)

Revision ID: 1a2b3c4d5e6f
Revises: 3c4d5e6f7081
Create Date: 2026-11-25 12:00:00.000000

The console's order list reads a page's ids, its count and the next cursor from the index
(shop_id, [status,] created_at, id) alone, so the id joins those indexes.

On PostgreSQL a fragment of an order number, e-mail, recipient or phone is found through a
trigram index (pg_trgm) per column. They are raw SQL no model describes (services/orders.py
explains them); alembic/env.py skips them when comparing models and database. The statements
are copied here, not imported, so this revision stays what it was when services/orders.py
changes; keep them in step with orders.POSTGRESQL_SEARCH_OBJECTS. SQLite gets nothing more: its
shops are small enough to read.

Building the indexes locks the order table against writes while they build: 15 s (idle) to
35 s (busy) for 1 000 000 orders on the 2-core bench machine (bench/README.md).
"""
from collections.abc import Sequence

from alembic import op

revision: str = '1a2b3c4d5e6f'
down_revision: str | None = '3c4d5e6f7081'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEARCH_COLUMNS = ("order_no", "email", "recipient_name", "recipient_phone")
POSTGRESQL_OBJECTS = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    *(f'CREATE INDEX IF NOT EXISTS ix_order_{column}_trgm ON "order" USING gin ({column} gin_trgm_ops)'
      for column in SEARCH_COLUMNS),
)


def upgrade() -> None:
    with op.batch_alter_table('order', schema=None) as batch_op:
        batch_op.drop_index('ix_order_shop_created')
        batch_op.drop_index('ix_order_shop_status_created')
        batch_op.create_index('ix_order_shop_created', ['shop_id', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_order_shop_status_created', ['shop_id', 'status', 'created_at', 'id'], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRESQL_OBJECTS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for column in SEARCH_COLUMNS:
            op.execute(f"DROP INDEX IF EXISTS ix_order_{column}_trgm")
        # pg_trgm stays: it may have been there before, and other objects may use it.

    with op.batch_alter_table('order', schema=None) as batch_op:
        batch_op.drop_index('ix_order_shop_status_created')
        batch_op.drop_index('ix_order_shop_created')
        batch_op.create_index('ix_order_shop_status_created', ['shop_id', 'status', 'created_at'], unique=False)
        batch_op.create_index('ix_order_shop_created', ['shop_id', 'created_at'], unique=False)
