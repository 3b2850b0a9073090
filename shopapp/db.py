"""The database engine and sessions: the one place that knows SQLite from PostgreSQL."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache

from sqlalchemy import event, insert
from sqlalchemy.engine import Engine
from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import Session, create_engine

from shopapp.settings import get_settings

READ_ONLY = "shopapp_read_only"  # an execution option: see read_scope


@lru_cache(maxsize=4)
def get_engine(url: str | None = None) -> Engine:
    url = url or get_settings().database_url
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def _sqlite_engine(url: str) -> Engine:
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # We issue BEGIN ourselves (below), so the driver must not.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        add_sqlite_functions(dbapi_connection)

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        reading = bool(connection.get_execution_options().get(READ_ONLY))
        # A connection remembers whether it was last made query-only; say it only on a change.
        if connection.connection.info.get(READ_ONLY, False) != reading:
            connection.exec_driver_sql(f"PRAGMA query_only = {int(reading)}")
            connection.connection.info[READ_ONLY] = reading
        # A write takes the write lock up front (BEGIN IMMEDIATE): concurrent writers wait in
        # turn (busy_timeout) instead of failing with "database is locked" when a read
        # transaction tries to upgrade to a write. A read takes no lock: WAL lets it read a
        # snapshot beside the writer, and query_only makes any write in it fail at once.
        connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")

    return engine


def add_sqlite_functions(dbapi_connection) -> None:
    """PostgreSQL's functions the services call that SQLite lacks, on a SQLite connection."""
    dbapi_connection.create_function("hashtextextended", 2, _hash_text_64, deterministic=True)


def _hash_text_64(value: str | None, seed: int) -> int | None:
    """A signed 64-bit hash of a text (SQLite's stand-in for PostgreSQL's hashtextextended: another hash, the same
    use — each database only ever compares its own)."""
    if value is None:
        return None
    digest = hashlib.blake2b(value.encode(), digest_size=8, salt=seed.to_bytes(8, "little", signed=True)).digest()
    return int.from_bytes(digest, "little", signed=True)


@contextmanager
def session_scope() -> Iterator[Session]:
    """One unit of work: commits when the block succeeds, rolls back on any error."""
    with _unit_of_work(get_engine()) as session:
        yield session


@contextmanager
def read_scope() -> Iterator[Session]:
    """A unit of work that only reads (a shop page, a search): on SQLite it reads beside the
    writers instead of waiting for the write lock, and any write in it is refused at once.
    Inside `one_read`, the session of that block."""
    shared = _one_read.get()
    if shared is None:
        with _unit_of_work(_read_only(get_engine())) as session:
            yield session
        return
    try:
        yield shared
    except BaseException:
        shared.rollback()  # a failed query must not fail the block's other reads
        raise


@lru_cache(maxsize=4)
def _read_only(engine: Engine) -> Engine:
    """The engine's read-only face, made once: making it on every read_scope cost an eighth of a storefront
    page's shop-and-header load (py-spy); it shares the engine's pool."""
    return engine.execution_options(**{READ_ONLY: True})


_one_read: ContextVar[Session | None] = ContextVar("shopapp_one_read", default=None)


@contextmanager
def one_read() -> Iterator[None]:
    """Every read_scope inside the block reads through one session and one transaction. A product
    page's load fills seven blocks (coupons, reviews, recommendations, ...), each in a read_scope of
    its own: a connection checkout, BEGIN and COMMIT each were a sixth of the load's CPU (py-spy), and
    a row one block read (the product) was read again by the next."""
    if _one_read.get() is not None:
        yield
        return
    with read_scope() as session:
        token = _one_read.set(session)
        try:
            yield
        finally:
            _one_read.reset(token)


@contextmanager
def _unit_of_work(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def add_at_once(session: Session, row):
    """`session.add(row); session.flush()` for one new row on a hot path (a checkout's order and payment): one Core
    INSERT of its fields, its id from RETURNING, then the row joins the session as if just read, so later changes to
    it are flushed as UPDATEs. The unit of work's flush cost a checkout several times the INSERT's own CPU."""
    table = type(row).__table__
    statement = _inserts.get(table)
    if statement is None:
        statement = _inserts[table] = insert(table).returning(table.c.id)
    values = {column.key: getattr(row, column.key) for column in table.columns if column.key != "id"}
    row.id = session.execute(statement, values).scalar_one()
    make_transient_to_detached(row)
    session.add(row)
    return row


_inserts: dict = {}  # table -> its INSERT ... RETURNING id, built once


def database_answers() -> bool:
    try:
        with Session(get_engine()) as session:
            session.connection().exec_driver_sql("SELECT 1")
        return True
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        return False
