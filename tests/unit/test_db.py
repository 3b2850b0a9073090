"""Units of work: a shop page's read never waits for a checkout's write lock, and never writes."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy.exc import OperationalError

from shopapp.db import get_engine, one_read, read_scope, session_scope
from shopapp.services.shops import shops
from tests.conftest import make_shop

pytestmark = pytest.mark.skipif(
    get_engine().dialect.name != "sqlite", reason="read_scope changes nothing but SQLite's locking",
)


@pytest.fixture
def owner():
    """A shop made and committed up front: no session stays open (and locked) through the test."""
    with session_scope() as session:
        return make_shop(session, "tea-house")


def test_a_read_goes_on_while_a_checkout_holds_the_write_lock(owner):
    writing, read_done, answers = threading.Event(), threading.Event(), []

    def checkout_like_writer():
        with session_scope() as session:  # BEGIN IMMEDIATE: the write lock, held until the block ends
            shops.update_profile(session, owner, {"name": "新名字"})
            session.flush()
            writing.set()
            read_done.wait(timeout=30)  # would wait out its timeout if the reader were blocked

    def reader():
        writing.wait(timeout=30)
        with read_scope() as session:
            answers.append(shops.shop_by_slug(session, "tea-house").name)
        read_done.set()

    threads = [threading.Thread(target=checkout_like_writer), threading.Thread(target=reader)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # The reader saw the shop as it was before the writer's unfinished change, while the writer still held the lock.
    assert answers == ["Tea-House"] and read_done.is_set()
    with read_scope() as session:
        assert shops.shop_by_slug(session, "tea-house").name == "新名字"


def test_a_read_that_tries_to_write_is_refused_and_changes_nothing(owner):
    with pytest.raises(OperationalError, match="readonly"):
        with read_scope() as session:
            shops.update_profile(session, owner, {"name": "偷偷改名"})
            session.flush()
    with session_scope() as session:  # the same pooled connection writes again as usual
        assert shops.shop_by_slug(session, "tea-house").name == "Tea-House"
        shops.update_profile(session, owner, {"name": "新名字"})
    with read_scope() as session:
        assert shops.shop_by_slug(session, "tea-house").name == "新名字"


def test_a_product_page_s_blocks_read_through_one_session_and_one_failed_read_spoils_no_other(owner):
    with one_read():
        with read_scope() as first:
            assert shops.shop_by_slug(first, "tea-house").name == "Tea-House"
        with read_scope() as second:
            assert second is first
        with pytest.raises(OperationalError, match="no such table"):
            with read_scope() as failing:
                failing.connection().exec_driver_sql("SELECT * FROM no_such_table")
        with read_scope() as after:
            assert shops.shop_by_slug(after, "tea-house").name == "Tea-House"
    with read_scope() as alone:
        assert alone is not first
