"""product search: each product's document holds its category names and tags too (rebuilt here)

Revision ID: 9f99532231c9
Revises: 98163feb4f23
Create Date: 2026-12-06 04:00:00

No table changes: product_search.body_terms now carries the product's category names and tags
beside its SKUs, so searching 红茶 finds every product of the 红茶 category. The documents are
derived data, rebuilt here with today's tokeniser (services/catalog/search.py, as revision
c2d3e4f5a6b7 built them first); the downgrade rebuilds them too, which is harmless: the older
code rewrites a product's document whenever the product changes.
"""
from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "9f99532231c9"
down_revision: str | None = "98163feb4f23"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    _reindex_every_shop()


def downgrade() -> None:
    _reindex_every_shop()


def _reindex_every_shop() -> None:
    from sqlmodel import Session

    from shopapp.services.catalog import search

    connection = op.get_bind()
    shop_ids = connection.execute(sa.text("SELECT DISTINCT shop_id FROM product ORDER BY shop_id")).scalars().all()
    if not shop_ids:
        return
    with Session(bind=connection) as session:
        for shop_id in shop_ids:
            search.reindex_shop(session, shop_id)
        session.flush()
