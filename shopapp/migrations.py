"""Applying Alembic migrations from code (start-up, tests, the CLI)."""

from pathlib import Path

from alembic.config import Config

from alembic import command
from shopapp.db import get_engine
from shopapp.services.catalog import search
from shopapp.services.customers import directory
from shopapp.services.orders import listing

ROOT = Path(__file__).resolve().parent.parent


def alembic_config() -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "alembic"))
    return config


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's hook for comparing models with the database: the search indexes are raw SQL no
    model describes (products: an FTS5 table and its shadow tables, a tsvector column and its GIN
    index, see services/search.py; orders: PostgreSQL trigram indexes, see services/orders.py;
    customers: PostgreSQL sort and prefix indexes, see services/customers/directory.py), so they are
    left out rather than reported as extra."""
    table_name = getattr(getattr(obj, "table", None), "name", None)
    if type_ == "index" and name in (*listing.SEARCH_INDEXES, *directory.POSTGRESQL_INDEX_NAMES):
        return False
    return not search.is_search_object(type_, name, table_name)


def upgrade(revision: str = "head") -> None:
    command.upgrade(alembic_config(), revision)
    if revision == "head":
        # SQLite's batch migrations rebuild a table by copying it, which drops its triggers:
        # the search index's come back here (its statements change nothing that exists).
        search.ensure_search_objects(get_engine())


def downgrade(revision: str = "base") -> None:
    command.downgrade(alembic_config(), revision)
