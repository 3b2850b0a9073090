"""product search: "in stock" and the lowest price in the search index, beside the status; an index of each category's products

Revision ID: 4d5e6f708192
Revises: 2b3c4d5e6f70
Create Date: 2026-11-25 15:00:00

product_search gets the product's in_stock and min_price (backfilled here), with an index
(shop_id, min_price), and the full-text index a term for in_stock: on PostgreSQL the lexeme '!stock' in the generated tsvector (the column is dropped and made
again, with its GIN index), on SQLite the term "stock" in the FTS5 column `status` (the triggers
that feed it are replaced and its content rebuilt; its update trigger now fires only for a
change of what it holds). The trigger on product that copied the status
(product_search_follows_status) becomes product_search_follows_product, copying status,
in_stock and min_price, and only when one of them changes. product_category gets an index (shop_id,
category_id, product_id), which lists and counts a category's products on its own. The
statements are copied here, not imported, so
this revision stays what it was when services/search.py changes; keep them in step with
search.SQLITE_OBJECTS / POSTGRESQL_OBJECTS.
"""
from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "4d5e6f708192"
down_revision: str | None = "2b3c4d5e6f70"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FTS_TRIGGERS = ("product_search_fts_insert", "product_search_fts_delete", "product_search_fts_update")
OLD_TRIGGER = "product_search_follows_status"
NEW_TRIGGER = "product_search_follows_product"


def _in_shop(terms: str, shop_id: str) -> str:
    """SQL putting the shop in front of every term: '龙井 绿茶' of shop 7 → 's7x龙井 s7x绿茶'."""
    prefix = f"'s' || {shop_id} || 'x'"
    return f"CASE WHEN {terms} = '' THEN '' ELSE {prefix} || replace({terms}, ' ', ' ' || {prefix}) END"


def _fts_row(row: str, with_stock: bool) -> str:
    shop_id = f"{row}.shop_id"
    terms = f"{_in_shop(f'{row}.title_terms', shop_id)}, {_in_shop(f'{row}.body_terms', shop_id)}"
    status = f"{row}.status || CASE WHEN {row}.in_stock THEN ' stock' ELSE '' END" if with_stock else f"{row}.status"
    return f"{row}.product_id, {terms}, {_in_shop(status, shop_id)}"


UPDATE_OF = " OF title_terms, body_terms, status, in_stock"  # not min_price, which FTS5 does not hold


def _sqlite_fts_triggers(with_stock: bool) -> tuple[str, ...]:
    return (
        f"""CREATE TRIGGER product_search_fts_insert AFTER INSERT ON product_search BEGIN
            INSERT INTO product_search_fts(rowid, title, body, status) VALUES ({_fts_row("new", with_stock)});
        END""",
        f"""CREATE TRIGGER product_search_fts_delete AFTER DELETE ON product_search BEGIN
            INSERT INTO product_search_fts(product_search_fts, rowid, title, body, status)
            VALUES ('delete', {_fts_row("old", with_stock)});
        END""",
        f"""CREATE TRIGGER product_search_fts_update AFTER UPDATE{UPDATE_OF if with_stock else ""} ON product_search BEGIN
            INSERT INTO product_search_fts(product_search_fts, rowid, title, body, status)
            VALUES ('delete', {_fts_row("old", with_stock)});
            INSERT INTO product_search_fts(rowid, title, body, status) VALUES ({_fts_row("new", with_stock)});
        END""",
    )


SQLITE_NEW_TRIGGER = f"""CREATE TRIGGER {NEW_TRIGGER} AFTER UPDATE OF status, in_stock, min_price ON product
    WHEN old.status IS NOT new.status OR old.in_stock IS NOT new.in_stock OR old.min_price IS NOT new.min_price
    BEGIN
    UPDATE product_search SET status = new.status, in_stock = new.in_stock, min_price = new.min_price
    WHERE product_id = new.id;
END"""
SQLITE_OLD_TRIGGER = f"""CREATE TRIGGER {OLD_TRIGGER} AFTER UPDATE OF status ON product BEGIN
    UPDATE product_search SET status = new.status WHERE product_id = new.id;
END"""


def _pg_document(with_stock: bool) -> str:
    marks = (
        "CASE WHEN in_stock THEN ARRAY['!' || status, '!stock'] ELSE ARRAY['!' || status] END"
        if with_stock else "ARRAY['!' || status]"
    )
    return f"""ALTER TABLE product_search ADD COLUMN document tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, {_in_shop("title_terms", "shop_id::text")}), 'A')
        || to_tsvector('simple'::regconfig, {_in_shop("body_terms", "shop_id::text")})
        || array_to_tsvector({marks})
    ) STORED"""


PG_INDEX = "CREATE INDEX ix_product_search_document ON product_search USING gin (document)"
PG_NEW_TRIGGER = (
    f"""CREATE FUNCTION {NEW_TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE product_search SET status = NEW.status, in_stock = NEW.in_stock, min_price = NEW.min_price
        WHERE product_id = NEW.id;
        RETURN NULL;
    END $$""",
    f"""CREATE TRIGGER {NEW_TRIGGER} AFTER UPDATE OF status, in_stock, min_price ON product FOR EACH ROW
        WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.in_stock IS DISTINCT FROM NEW.in_stock
              OR OLD.min_price IS DISTINCT FROM NEW.min_price)
        EXECUTE FUNCTION {NEW_TRIGGER}()""",
)
PG_OLD_TRIGGER = (
    f"""CREATE FUNCTION {OLD_TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE product_search SET status = NEW.status WHERE product_id = NEW.id;
        RETURN NULL;
    END $$""",
    f"""CREATE TRIGGER {OLD_TRIGGER} AFTER UPDATE OF status ON product
        FOR EACH ROW EXECUTE FUNCTION {OLD_TRIGGER}()""",
)
BACKFILL = """UPDATE product_search SET
    in_stock = (SELECT product.in_stock FROM product WHERE product.id = product_search.product_id),
    min_price = (SELECT product.min_price FROM product WHERE product.id = product_search.product_id)
WHERE EXISTS (SELECT 1 FROM product WHERE product.id = product_search.product_id)"""
PRICE_INDEX = "ix_product_search_shop_price"


def upgrade() -> None:
    op.create_index(
        "ix_product_category_shop_category", "product_category", ["shop_id", "category_id", "product_id"], unique=False,
    )
    if op.get_bind().dialect.name == "sqlite":
        # Dropped first: the backfill must not feed the FTS5 table row by row.
        for name in (*FTS_TRIGGERS, OLD_TRIGGER):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        _add_summary_columns()
        _rebuild_sqlite_index(with_stock=True)
        op.execute(SQLITE_NEW_TRIGGER)
    else:
        op.execute(f"DROP TRIGGER IF EXISTS {OLD_TRIGGER} ON product")
        op.execute(f"DROP FUNCTION IF EXISTS {OLD_TRIGGER}()")
        op.execute("ALTER TABLE product_search DROP COLUMN IF EXISTS document")  # its GIN index goes with it
        _add_summary_columns()
        op.execute(_pg_document(with_stock=True))
        op.execute(PG_INDEX)
        for statement in PG_NEW_TRIGGER:
            op.execute(statement)


def downgrade() -> None:
    op.drop_index("ix_product_category_shop_category", table_name="product_category")
    if op.get_bind().dialect.name == "sqlite":
        for name in (*FTS_TRIGGERS, NEW_TRIGGER):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        _drop_summary_columns()
        _rebuild_sqlite_index(with_stock=False)
        op.execute(SQLITE_OLD_TRIGGER)
    else:
        op.execute(f"DROP TRIGGER IF EXISTS {NEW_TRIGGER} ON product")
        op.execute(f"DROP FUNCTION IF EXISTS {NEW_TRIGGER}()")
        op.execute("ALTER TABLE product_search DROP COLUMN IF EXISTS document")
        _drop_summary_columns()
        op.execute(_pg_document(with_stock=False))
        op.execute(PG_INDEX)
        for statement in PG_OLD_TRIGGER:
            op.execute(statement)


def _add_summary_columns() -> None:
    op.add_column("product_search", sa.Column("in_stock", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("product_search", sa.Column("min_price", sa.Integer(), nullable=True))
    op.execute(BACKFILL)
    op.create_index(PRICE_INDEX, "product_search", ["shop_id", "min_price"], unique=False)


def _drop_summary_columns() -> None:
    op.drop_index(PRICE_INDEX, table_name="product_search")
    op.drop_column("product_search", "min_price")
    op.drop_column("product_search", "in_stock")


def _rebuild_sqlite_index(with_stock: bool) -> None:
    """The FTS5 table's content from product_search again, then the triggers that keep it."""
    op.execute("INSERT INTO product_search_fts(product_search_fts) VALUES ('delete-all')")
    op.execute(
        "INSERT INTO product_search_fts(rowid, title, body, status) "
        f"SELECT {_fts_row('product_search', with_stock)} FROM product_search"
    )
    for statement in _sqlite_fts_triggers(with_stock):
        op.execute(statement)
