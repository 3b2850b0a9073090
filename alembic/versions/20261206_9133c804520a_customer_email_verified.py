"""customer.email_verified_at and verification_sent_at: a shopper proves their e-mail, and its guest orders join the account

Revision ID: 9133c804520a
Revises: 9f99532231c9
Create Date: 2026-12-06 04:10:00

Both empty for every existing account: nobody has verified yet, so no guest order moves until its
shopper opens a link.
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "9133c804520a"
down_revision: str | None = "9f99532231c9"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("customer", sa.Column("email_verified_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    op.add_column("customer", sa.Column("verification_sent_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.drop_column("verification_sent_at")
        batch_op.drop_column("email_verified_at")
