"""Issue 23, the platform's side, the missing parts: each shop's stored pictures and their running total (for
the plan's storage_mb), reports of abuse (举报) and their resolution, and a payout batch's paid state

Revision ID: a7c3e9d1f5b2
Revises: 3b7d9e2f4a61
Create Date: 2026-12-06 12:50:00

New tables, and four columns on payout_batch (batches made before are marked paid: their transfers were done
outside the console, as they were then). The backfill counts the pictures that exist: each product image's
renditions, design pictures and logos, read from the media storage (local folder or S3) once here.
"""
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "a7c3e9d1f5b2"
down_revision: str | None = "3b7d9e2f4a61"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    stored = op.create_table(
        "stored_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("bytes", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["shop_id"], ["shop.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_index("ix_stored_file_shop_id", "stored_file", ["shop_id"], unique=False)
    totals = op.create_table(
        "shop_storage",
        sa.Column("shop_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("bytes", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["shop_id"], ["shop.id"]),
        sa.PrimaryKeyConstraint("shop_id"),
    )
    op.create_table(
        "abuse_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("details", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("contact", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("page_url", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("resolved_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("resolved_by", sa.Integer(), nullable=True),
        sa.Column("resolution", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.ForeignKeyConstraint(["resolved_by"], ["operator.id"]),
        sa.ForeignKeyConstraint(["shop_id"], ["shop.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_abuse_report_status_created", "abuse_report", ["status", "created_at"], unique=False)
    op.create_index("ix_abuse_report_shop_created", "abuse_report", ["shop_id", "created_at"], unique=False)
    op.create_index("ix_abuse_report_source_created", "abuse_report", ["source", "created_at"], unique=False)
    with op.batch_alter_table("payout_batch", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False,
                                      server_default="paid"))
        batch_op.add_column(sa.Column("paid_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("paid_by", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("paid_reference", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False,
                                      server_default=""))
    _backfill(stored, totals)


def downgrade() -> None:
    with op.batch_alter_table("payout_batch", schema=None) as batch_op:
        batch_op.drop_column("paid_reference")
        batch_op.drop_column("paid_by")
        batch_op.drop_column("paid_at")
        batch_op.drop_column("status")
    op.drop_index("ix_abuse_report_source_created", table_name="abuse_report")
    op.drop_index("ix_abuse_report_shop_created", table_name="abuse_report")
    op.drop_index("ix_abuse_report_status_created", table_name="abuse_report")
    op.drop_table("abuse_report")
    op.drop_table("shop_storage")
    op.drop_index("ix_stored_file_shop_id", table_name="stored_file")
    op.drop_table("stored_file")


def _backfill(stored: sa.Table, totals: sa.Table) -> None:
    """Every existing product image (its renditions' folder), design picture and logo, with its size on the
    storage today; files no row points at (leftovers of a failed upload) are not charged."""
    connection = op.get_bind()
    # Imported here: reading the media storage is the backfill's only need of the application.
    from shopapp.services.catalog import storage

    now = datetime.now(UTC)
    images = {key: shop_id for shop_id, key in connection.execute(sa.text("SELECT shop_id, key FROM product_image"))}
    shop_ids = {row[0] for row in connection.execute(sa.text("SELECT id FROM shop"))}
    if not shop_ids:
        return
    sizes: dict[str, list] = {}
    for shop_id in sorted(shop_ids):
        for key, size in storage.sizes_under(f"shops/{shop_id}").items():
            parts = key.split("/")
            if len(parts) == 6 and parts[2] == "products" and key.rsplit("/", 1)[0] in images:
                entry = sizes.setdefault(key.rsplit("/", 1)[0], [shop_id, "product_image", 0])
                entry[2] += size
            elif len(parts) == 5 and parts[2] in ("design", "logo"):
                sizes[key] = [shop_id, parts[2], size]
    per_shop: dict[int, int] = defaultdict(int)
    rows = []
    for key, (shop_id, kind, size) in sizes.items():
        rows.append({"shop_id": shop_id, "key": key, "kind": kind, "bytes": size, "created_at": now})
        per_shop[shop_id] += size
    if rows:
        op.bulk_insert(stored, rows)
    if per_shop:
        op.bulk_insert(totals, [{"shop_id": shop_id, "bytes": total, "updated_at": now} for shop_id, total in per_shop.items()])
