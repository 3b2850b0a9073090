"""Alembic is the only path to the schema: an empty database goes to head and back, on SQLite and PostgreSQL."""

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlmodel import SQLModel

from alembic import command
from shopapp.migrations import alembic_config, include_object
from shopapp.services.orders import listing
from shopapp.settings import get_settings


def _upgrade_and_downgrade(url: str) -> None:
    engine = create_engine(url)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        tables = set(inspect(connection).get_table_names())
        assert set(SQLModel.metadata.tables) <= tables
        # The models and the migrations describe the same schema (apart from the raw-SQL search
        # index, which alembic/env.py leaves out the same way).
        context = MigrationContext.configure(connection, opts={"include_object": include_object})
        differences = compare_metadata(context, SQLModel.metadata)
        assert differences == []
        if connection.dialect.name == "postgresql":
            # The order search's trigram indexes, which the comparison leaves out, are there.
            assert set(listing.SEARCH_INDEXES) <= {index["name"] for index in inspect(connection).get_indexes("order")}
        command.downgrade(config, "base")
        assert set(inspect(connection).get_table_names()) <= {"alembic_version"}
    engine.dispose()


def test_sqlite_upgrades_to_head_and_back_to_base(tmp_path):
    _upgrade_and_downgrade(f"sqlite:///{tmp_path / 'fresh.db'}")


@pytest.mark.skipif(not get_settings().database_url.startswith("postgresql"), reason="DATABASE_URL is not PostgreSQL")
def test_postgresql_upgrades_to_head_and_back_to_base():
    url = get_settings().database_url
    name = f"shopapp_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        _upgrade_and_downgrade(url.rsplit("/", 1)[0] + "/" + name)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


