"""Alembic is the only path to the schema: an empty database goes to head and back, on SQLite and PostgreSQL."""

import json
import uuid
from contextlib import contextmanager
from datetime import UTC, date, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import JSON, Boolean, Date, DateTime, Integer, MetaData, String, create_engine, inspect, text
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


# The head before order_item.paid, and the lines an order placed then holds.
BEFORE_PAID = "5e6f70819203"
OLD_LINES = [{"qty": 2, "unit_price": 3800, "total": 7600}, {"qty": 3, "unit_price": 1250, "total": 3750}]


def _orders_placed_before_paid_keep_their_money(url: str) -> None:
    """An order placed before revision 98163feb4f23: each line has paid what it cost, no savings."""
    engine = create_engine(url)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, BEFORE_PAID)
        shop_id = _insert(connection, "shop", slug="old-shop", name="老店")
        order_id = _insert(connection, "order", shop_id=shop_id, order_no="261201OLDORDER1", subtotal=11350, total=12350,
                           shipping_total=1000, address={"province": "浙江省"})
        for line in OLD_LINES:
            _insert(connection, "order_item", order_id=order_id, shop_id=shop_id, title="龙井", option_values=[], **line)

        command.upgrade(config, "head")
        rows = connection.execute(text("SELECT qty, unit_price, total, paid, discounts FROM order_item ORDER BY id")).all()
        assert [(qty, unit_price, total, paid, _json(discounts)) for qty, unit_price, total, paid, discounts in rows] == [
            (line["qty"], line["unit_price"], line["total"], line["total"], []) for line in OLD_LINES
        ]
        assert _json(connection.execute(text('SELECT discounts FROM "order"')).scalar_one()) == []
        assert {column["name"]: column["nullable"] for column in inspect(connection).get_columns("order_item")}["paid"] is False
        context = MigrationContext.configure(connection, opts={"include_object": include_object})
        assert compare_metadata(context, SQLModel.metadata) == []

        command.downgrade(config, BEFORE_PAID)
        assert connection.execute(text("SELECT count(*) FROM order_item")).scalar_one() == len(OLD_LINES)
        assert "paid" not in {column["name"] for column in inspect(connection).get_columns("order_item")}
    engine.dispose()


def _products_made_before_are_found_by_their_category_and_tags(url: str) -> None:
    """A product made before revision 9f99532231c9: its search document gains its category names and tags."""
    engine = create_engine(url)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "98163feb4f23")
        shop_id = _insert(connection, "shop", slug="old-tea", name="老茶铺")
        product_id = _insert(connection, "product", shop_id=shop_id, title="金骏眉", status="active", tags=["明前"],
                             options=[], description_html="")
        category_id = _insert(connection, "category", shop_id=shop_id, name="红茶")
        connection.execute(text(
            "INSERT INTO product_category (shop_id, product_id, category_id) VALUES (:s, :p, :c)"
        ), {"s": shop_id, "p": product_id, "c": category_id})
        command.upgrade(config, "head")
        body = connection.execute(text("SELECT body_terms FROM product_search WHERE product_id = :p"), {"p": product_id}).scalar_one()
        assert {"红茶", "明前"} <= set(body.split())
    engine.dispose()


def _customers_before_are_on_the_customer_list(url: str) -> None:
    """Accounts and buyers from before revision fb0ca6de6e37 get their profiles, the guest's order in the account's."""
    engine = create_engine(url)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "c4e8b2a61f37")
        shop_id = _insert(connection, "shop", slug="old-crm", name="老客店")
        account = _insert(connection, "customer", shop_id=shop_id, email="mei@example.com", name="梅")
        paid = datetime(2026, 11, 1, tzinfo=UTC).replace(tzinfo=None)
        for n, (email, customer_id, total) in enumerate(
            (("mei@example.com", None, 5000), ("other@example.com", account, 3000), ("guest@example.com", None, 800))
        ):
            _insert(connection, "order", shop_id=shop_id, order_no=f"261101OLD{n}", email=email, customer_id=customer_id,
                    total=total, paid_at=paid, recipient_phone="13900001234", address={"province": "浙江省"})
        _insert(connection, "order", shop_id=shop_id, order_no="261101UNPAID", email="unpaid@example.com", total=100)
        command.upgrade(config, "head")
        rows = connection.execute(text(
            "SELECT email, customer_id, orders_count, total_spent, phone_last4 FROM customer_profile ORDER BY email"
        )).all()
        assert [tuple(row) for row in rows] == [
            ("guest@example.com", None, 1, 800, "1234"), ("mei@example.com", account, 2, 8000, "1234"),
        ]
    engine.dispose()


def test_sqlite_customers_before_are_on_the_customer_list(tmp_path):
    _customers_before_are_on_the_customer_list(f"sqlite:///{tmp_path / 'old-crm.db'}")


@pytest.mark.skipif(not get_settings().database_url.startswith("postgresql"), reason="DATABASE_URL is not PostgreSQL")
def test_postgresql_customers_before_are_on_the_customer_list():
    with _scratch_postgresql() as url:
        _customers_before_are_on_the_customer_list(url)


def test_sqlite_upgrades_to_head_and_back_to_base(tmp_path):
    _upgrade_and_downgrade(f"sqlite:///{tmp_path / 'fresh.db'}")


def test_sqlite_orders_placed_before_paid_get_paid_equal_to_their_total(tmp_path):
    _orders_placed_before_paid_keep_their_money(f"sqlite:///{tmp_path / 'old.db'}")


def test_sqlite_products_made_before_are_found_by_their_category_and_tags(tmp_path):
    _products_made_before_are_found_by_their_category_and_tags(f"sqlite:///{tmp_path / 'old-search.db'}")


@pytest.mark.skipif(not get_settings().database_url.startswith("postgresql"), reason="DATABASE_URL is not PostgreSQL")
def test_postgresql_products_made_before_are_found_by_their_category_and_tags():
    with _scratch_postgresql() as url:
        _products_made_before_are_found_by_their_category_and_tags(url)


@pytest.mark.skipif(not get_settings().database_url.startswith("postgresql"), reason="DATABASE_URL is not PostgreSQL")
def test_postgresql_upgrades_to_head_and_back_to_base():
    with _scratch_postgresql() as url:
        _upgrade_and_downgrade(url)


@pytest.mark.skipif(not get_settings().database_url.startswith("postgresql"), reason="DATABASE_URL is not PostgreSQL")
def test_postgresql_orders_placed_before_paid_get_paid_equal_to_their_total():
    with _scratch_postgresql() as url:
        _orders_placed_before_paid_keep_their_money(url)


@contextmanager
def _scratch_postgresql():
    """A database of its own next to DATABASE_URL's, dropped afterwards."""
    url = get_settings().database_url
    name = f"shopapp_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def _insert(connection, table_name: str, **values) -> int:
    """A row as the schema of the moment takes it: the given values, any plain value in the other required columns."""
    table = MetaData()
    table.reflect(connection, only=[table_name])
    table = table.tables[table_name]
    now = datetime.now(UTC).replace(tzinfo=None)
    filler = {Integer: 0, String: "x", Boolean: False, DateTime: now, Date: date.today(), JSON: {}}
    for column in table.columns:
        if column.name in values or column.nullable or column.primary_key or column.server_default is not None:
            continue
        values[column.name] = next(value for kind, value in filler.items() if isinstance(column.type, kind))
    return connection.execute(table.insert().values(**values).returning(table.c.id)).scalar_one()


def _json(value):
    return json.loads(value) if isinstance(value, str) else value




# The head before the storage count (issue 23's missing parts).
BEFORE_STORAGE = "3b7d9e2f4a61"


def _pictures_stored_before_are_counted(url: str) -> None:
    """Revision a7c3e9d1f5b2 counts what each shop stores already: its product images' renditions, design
    pictures and logos, from the media storage; a leftover file no image points at is not charged."""
    from shopapp.services.catalog import storage

    engine = create_engine(url)
    config = alembic_config()
    slug = f"pictures-{uuid.uuid4().hex[:6]}"
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, BEFORE_STORAGE)
        shop_id = _insert(connection, "shop", slug=slug, name="图多的店")
        product_id = _insert(connection, "product", shop_id=shop_id, title="龙井", status="active")
        image_key = f"shops/{shop_id}/products/{product_id}/{uuid.uuid4().hex}"
        _insert(connection, "product_image", shop_id=shop_id, product_id=product_id, key=image_key, width=480, height=320)
        files = {f"{image_key}/160.webp": 100, f"{image_key}/480.webp": 300,
                 f"shops/{shop_id}/design/{uuid.uuid4().hex[:24]}/960.webp": 700,
                 f"shops/{shop_id}/logo/{uuid.uuid4().hex}/160.webp": 50,
                 f"shops/{shop_id}/products/{product_id}/{uuid.uuid4().hex}/160.webp": 9000}  # a failed upload's leftover
        for key, size in files.items():
            storage.put(key, b"w" * size, "image/webp")
        try:
            command.upgrade(config, "head")
            kinds = dict(connection.execute(text(
                "SELECT kind, bytes FROM stored_file WHERE shop_id = :shop ORDER BY kind"), {"shop": shop_id}).all())
            total = connection.execute(text("SELECT bytes FROM shop_storage WHERE shop_id = :shop"), {"shop": shop_id}).scalar_one()
            status = connection.execute(text("SELECT count(*) FROM payout_batch")).scalar_one()
            command.downgrade(config, "base")
        finally:
            storage.delete_prefix(f"shops/{shop_id}")
    engine.dispose()
    assert kinds == {"design": 700, "logo": 50, "product_image": 400}
    assert total == 1150 and status == 0


def _own_media_folder(monkeypatch, tmp_path) -> None:
    """Other tests' pictures (their shops have the same ids) stay out of this one's count."""
    from shopapp.services.catalog import storage

    folder = storage.LocalStorage(tmp_path / "media")
    monkeypatch.setattr(storage, "_backend", lambda: folder)


def test_sqlite_pictures_stored_before_are_counted(tmp_path, monkeypatch):
    _own_media_folder(monkeypatch, tmp_path)
    _pictures_stored_before_are_counted(f"sqlite:///{tmp_path / 'old-pictures.db'}")


@pytest.mark.skipif(not get_settings().database_url.startswith("postgresql"), reason="DATABASE_URL is not PostgreSQL")
def test_postgresql_pictures_stored_before_are_counted(tmp_path, monkeypatch):
    _own_media_folder(monkeypatch, tmp_path)
    with _scratch_postgresql() as url:
        _pictures_stored_before_are_counted(url)
