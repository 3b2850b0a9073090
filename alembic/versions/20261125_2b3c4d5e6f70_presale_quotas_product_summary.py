"""Pre-sale quotas and per-variant pre-sale dates; each product's list summary (min_price, in_stock).

Revision ID: 2b3c4d5e6f70
Revises: 1a2b3c4d5e6f
Create Date: 2026-11-25 12:00:00

- product: presale_quota, presale_sold; min_price and in_stock, the summary of its variants that
  the product list filters and sorts on (services/inventory.refresh_products keeps it), with
  indexes (shop_id, [status,] min_price, id, in_stock, updated_at), backfilled here;
- variant: presale_ships_at, presale_quota, presale_sold (its own pre-sale);
- stock_move: pool (stock or which quota), product_id; variant_id may be empty (a product quota's
  own change);
- order_item: sold_from (where its units came from, so a cancellation gives them back there).
New NOT NULL columns carry a server default so rows already there get a value. Columns are added
and dropped with plain ALTER TABLE (SQLite 3.35+ does both), so product and variant are never
rebuilt (a rebuild would drop the search index's trigger on product); only stock_move is rebuilt
on SQLite, to make variant_id nullable.
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "2b3c4d5e6f70"
down_revision: str | None = '1a2b3c4d5e6f'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# No pre-sale quota exists yet, so "in stock" is simply an enabled variant with stock.
BACKFILL = """
UPDATE product SET
    min_price = (SELECT min(variant.price) FROM variant
                 WHERE variant.shop_id = product.shop_id AND variant.product_id = product.id AND variant.enabled),
    in_stock = EXISTS (SELECT 1 FROM variant
                       WHERE variant.shop_id = product.shop_id AND variant.product_id = product.id
                         AND variant.enabled AND variant.stock > 0)
"""


def upgrade() -> None:
    op.add_column("product", sa.Column("presale_quota", sa.Integer(), nullable=True))
    op.add_column("product", sa.Column("presale_sold", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("product", sa.Column("min_price", sa.Integer(), nullable=True))
    op.add_column("product", sa.Column("in_stock", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_index(
        "ix_product_shop_status_price", "product", ["shop_id", "status", "min_price", "id", "in_stock", "updated_at"],
        unique=False,
    )
    op.create_index(
        "ix_product_shop_price", "product", ["shop_id", "min_price", "id", "in_stock", "updated_at"], unique=False,
    )

    op.add_column("variant", sa.Column("presale_ships_at", sa.Date(), nullable=True))
    op.add_column("variant", sa.Column("presale_quota", sa.Integer(), nullable=True))
    op.add_column("variant", sa.Column("presale_sold", sa.Integer(), nullable=False, server_default="0"))

    op.add_column("order_item", sa.Column(
        "sold_from", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False, server_default="stock",
    ))

    with op.batch_alter_table("stock_move", schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            "pool", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False, server_default="stock",
        ))
        batch_op.add_column(sa.Column("product_id", sa.Integer(), nullable=True))
        batch_op.alter_column("variant_id", existing_type=sa.Integer(), nullable=True)

    op.execute(BACKFILL)


def downgrade() -> None:
    # Quota rows of products (no variant) cannot stay in the older ledger.
    op.execute("DELETE FROM stock_move WHERE variant_id IS NULL")
    with op.batch_alter_table("stock_move", schema=None) as batch_op:
        batch_op.alter_column("variant_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("product_id")
        batch_op.drop_column("pool")

    op.drop_column("order_item", "sold_from")

    op.drop_column("variant", "presale_sold")
    op.drop_column("variant", "presale_quota")
    op.drop_column("variant", "presale_ships_at")

    op.drop_index("ix_product_shop_price", table_name="product")
    op.drop_index("ix_product_shop_status_price", table_name="product")
    op.drop_column("product", "in_stock")
    op.drop_column("product", "min_price")
    op.drop_column("product", "presale_sold")
    op.drop_column("product", "presale_quota")
