"""What every table shares: the clock, and JSON columns that work on SQLite and PostgreSQL."""

from datetime import UTC, datetime

from sqlalchemy import JSON, Column


def utcnow() -> datetime:
    """Aware UTC; SQLModel stores it as UTC on SQLite and PostgreSQL alike and gives it back aware."""
    return datetime.now(UTC)


def json_column() -> Column:
    return Column(JSON, nullable=False)
