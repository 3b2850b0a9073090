"""What every table shares: the clock, and JSON columns that work on SQLite and PostgreSQL."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

from sqlalchemy import JSON, Column

# Set only by `clock_at`: the demo seed replays weeks of shop life through the real services.
_replayed_now: ContextVar[datetime | None] = ContextVar("replayed_now", default=None)


def utcnow() -> datetime:
    """Aware UTC; SQLModel stores it as UTC on SQLite and PostgreSQL alike and gives it back aware."""
    return _replayed_now.get() or datetime.now(UTC)


@contextmanager
def clock_at(moment: datetime) -> Iterator[None]:
    """Inside the block every service's "now" is `moment` (aware): how the demo's order history is written
    through the same services a live order goes through, on the days it happened. Never used while serving."""
    reset = _replayed_now.set(moment.astimezone(UTC))
    try:
        yield
    finally:
        _replayed_now.reset(reset)


def json_column() -> Column:
    return Column(JSON, nullable=False)
