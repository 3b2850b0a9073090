"""Shared fixtures: a private data folder, a clean database per test, and a signed-up shop.

The suite runs on the embedded defaults (SQLite under a temporary DATA_DIR); when
DATABASE_URL / REDIS_URL are set it runs against those real services instead.
"""

from __future__ import annotations

import os
import tempfile

# Before anything reads settings: a private data folder, never the developer's ./data.
os.environ["DATA_DIR"] = tempfile.mkdtemp(prefix="shopapp-test-")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ["RUN_JOBS"] = "false"

import pytest
from sqlalchemy import text
from sqlmodel import Session, SQLModel

import shopapp.models  # noqa: F401 - registers every table
from shopapp.db import get_engine, session_scope
from shopapp.services.analytics import tracking
from shopapp.services.catalog import search
from shopapp.services.core import changes, shop_status
from shopapp.services.core.permissions import Actor
from shopapp.services.orders import listing
from shopapp.services.settlement import accounts as accounts_of_payment
from shopapp.services.shops import accounts, design, design_pages, shops
from tests.redis_server import RedisServer, own_redis_server


@pytest.fixture(scope="session")
def engine():
    engine = get_engine()
    SQLModel.metadata.drop_all(engine)
    SQLModel.metadata.create_all(engine)
    search.ensure_search_objects(engine)  # the full-text index is raw SQL, outside the models
    listing.ensure_search_indexes(engine)  # so are the order search's trigram indexes (PostgreSQL)
    return engine


@pytest.fixture(autouse=True)
def clean_database(request, engine):
    """Every test starts from empty tables (e2e tests use their own server and data folder)."""
    yield
    if "e2e" in request.keywords:
        return
    tracking.forget()
    shop_status.forget_slugs()  # the next test's "tea-house" is another shop
    accounts_of_payment.forget_accounts()  # and its shop id may be this test's (SQLite reuses them)
    shops.forget_public()  # the storefront's shop and design, remembered a second (session 9)
    design.forget_published()
    design_pages.forget_filled()
    changes.touch()  # every shop's: what a worker remembered of product pages is read again (ui/store/product_views)
    with engine.begin() as connection:
        for table in reversed(SQLModel.metadata.sorted_tables):
            connection.execute(text(f'DELETE FROM "{table.name}"'))


@pytest.fixture
def session(engine):
    with session_scope() as session:
        yield session


@pytest.fixture
def owner(session: Session) -> Actor:
    """The owner of a freshly signed-up shop 'tea-house'."""
    signed = accounts.signup(session, email="owner@example.com", password="secret-pass", shop_name="茶舍", shop_slug="tea-house")
    session.commit()
    return accounts.authenticate(session, signed.token)


def make_shop(session: Session, slug: str, email: str | None = None) -> Actor:
    signed = accounts.signup(
        session, email=email or f"{slug}@example.com", password="secret-pass", shop_name=slug.title(), shop_slug=slug
    )
    session.commit()
    return accounts.authenticate(session, signed.token)


@pytest.fixture
def own_redis(monkeypatch) -> RedisServer:
    """A Redis of the test's own behind REDIS_URL, which the test stops and starts again. Health asks
    again at once (REDIS_RETRY_SECONDS=0, here and in servers the test starts), so no test waits."""
    from shopapp import redis_watch
    from shopapp.settings import get_settings

    with own_redis_server() as server:
        monkeypatch.setenv("REDIS_URL", server.url)
        monkeypatch.setenv("REDIS_RETRY_SECONDS", "0")
        get_settings.cache_clear()
        redis_watch.forget_watches()
        yield server
    monkeypatch.undo()
    get_settings.cache_clear()
    redis_watch.forget_watches()
