"""product search: a search document per product, its full-text index, product list indexes

Revision ID: c2d3e4f5a6b7
Revises: 7f11a90299c3
Create Date: 2026-11-25 10:00:00.000000

The full-text index is raw SQL that no model describes (services/search.py explains it):
SQLite gets a contentless FTS5 table fed by triggers, PostgreSQL a generated tsvector column
with a GIN index; on both a trigger on product copies its status. alembic/env.py skips these
objects when comparing models and database. The statements are copied here, not imported, so
this revision stays what it was when services/search.py changes; keep them in step with
search.SQLITE_OBJECTS / POSTGRESQL_OBJECTS. A later SQLite batch migration that rebuilds product
or product_search loses their triggers: shopapp.migrations.upgrade puts them back.
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = 'c2d3e4f5a6b7'
down_revision: str | None = '7f11a90299c3'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _in_shop(terms: str, shop_id: str) -> str:
    """SQL putting the shop in front of every term: '龙井 绿茶' of shop 7 → 's7x龙井 s7x绿茶'."""
    prefix = f"'s' || {shop_id} || 'x'"
    return f"CASE WHEN {terms} = '' THEN '' ELSE {prefix} || replace({terms}, ' ', ' ' || {prefix}) END"


def _fts_row(row: str) -> str:
    shop_id = f"{row}.shop_id"
    terms = f"{_in_shop(f'{row}.title_terms', shop_id)}, {_in_shop(f'{row}.body_terms', shop_id)}"
    return f"{row}.product_id, {terms}, {_in_shop(f'{row}.status', shop_id)}"


SQLITE_OBJECTS = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS product_search_fts USING fts5("
    "title, body, status, content='', tokenize='unicode61 remove_diacritics 0')",
    f"""CREATE TRIGGER IF NOT EXISTS product_search_fts_insert AFTER INSERT ON product_search BEGIN
        INSERT INTO product_search_fts(rowid, title, body, status) VALUES ({_fts_row("new")});
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS product_search_fts_delete AFTER DELETE ON product_search BEGIN
        INSERT INTO product_search_fts(product_search_fts, rowid, title, body, status)
        VALUES ('delete', {_fts_row("old")});
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS product_search_fts_update AFTER UPDATE ON product_search BEGIN
        INSERT INTO product_search_fts(product_search_fts, rowid, title, body, status)
        VALUES ('delete', {_fts_row("old")});
        INSERT INTO product_search_fts(rowid, title, body, status) VALUES ({_fts_row("new")});
    END""",
    """CREATE TRIGGER IF NOT EXISTS product_search_follows_status AFTER UPDATE OF status ON product BEGIN
        UPDATE product_search SET status = new.status WHERE product_id = new.id;
    END""",
)
POSTGRESQL_OBJECTS = (
    # The status is a lexeme the parser can never make from a word ("!active").
    f"""ALTER TABLE product_search ADD COLUMN IF NOT EXISTS document tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, {_in_shop("title_terms", "shop_id::text")}), 'A')
        || to_tsvector('simple'::regconfig, {_in_shop("body_terms", "shop_id::text")})
        || array_to_tsvector(ARRAY['!' || status])
    ) STORED""",
    "CREATE INDEX IF NOT EXISTS ix_product_search_document ON product_search USING gin (document)",
    """CREATE OR REPLACE FUNCTION product_search_follows_status() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE product_search SET status = NEW.status WHERE product_id = NEW.id;
        RETURN NULL;
    END $$""",
    "DROP TRIGGER IF EXISTS product_search_follows_status ON product",
    """CREATE TRIGGER product_search_follows_status AFTER UPDATE OF status ON product
        FOR EACH ROW EXECUTE FUNCTION product_search_follows_status()""",
)


def upgrade() -> None:
    op.create_table('product_search',
    sa.Column('product_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('title_terms', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('body_terms', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], ),
    sa.PrimaryKeyConstraint('product_id')
    )
    with op.batch_alter_table('product_search', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_product_search_shop_id'), ['shop_id'], unique=False)

    for statement in SQLITE_OBJECTS if op.get_bind().dialect.name == "sqlite" else POSTGRESQL_OBJECTS:
        op.execute(statement)
    _index_existing_products()

    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.create_index('ix_product_shop_updated', ['shop_id', 'updated_at', 'id'], unique=False)
        batch_op.create_index('ix_product_shop_title', ['shop_id', 'title'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.drop_index('ix_product_shop_title')
        batch_op.drop_index('ix_product_shop_updated')

    # The triggers on product_search go with it; the one on product, the FTS5 table (with its
    # shadow tables) and PostgreSQL's trigger function must be dropped.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS product_search_follows_status")
        op.execute("DROP TABLE IF EXISTS product_search_fts")
    else:
        op.execute("DROP TRIGGER IF EXISTS product_search_follows_status ON product")
        op.execute("DROP FUNCTION IF EXISTS product_search_follows_status()")
    with op.batch_alter_table('product_search', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_product_search_shop_id'))

    op.drop_table('product_search')


def _index_existing_products() -> None:
    """Products made before this revision get their search documents. The index is derived
    data, so it is built with today's tokeniser (services/search.py), which only reads the
    product's id, shop, title, description and its variants' SKUs and barcodes."""
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
