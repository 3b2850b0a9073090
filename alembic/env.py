"""Alembic environment: our settings' database, our models' metadata."""

from sqlmodel import SQLModel

import shopapp.models  # noqa: F401 - registers every table
from alembic import context
from shopapp.db import get_engine
from shopapp.migrations import include_object

target_metadata = SQLModel.metadata


def run_migrations_offline() -> None:
    context.configure(
        url=str(get_engine().url), target_metadata=target_metadata, literal_binds=True, render_as_batch=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = context.config.attributes.get("connection")
    if connectable is not None:
        _run(connectable)
        return
    with get_engine().connect() as connection:
        _run(connection)


def _run(connection) -> None:
    # render_as_batch: SQLite can only ALTER tables by copying them; Alembic's batch mode does that.
    # include_object: the full-text search index is raw SQL no model describes (shopapp/migrations.py).
    context.configure(
        connection=connection, target_metadata=target_metadata, render_as_batch=True, compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
