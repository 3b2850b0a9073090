"""Backup and restore of the embedded default: a snapshot taken while shoppers keep ordering and the owner keeps
adding pictures comes back elsewhere with every order committed before it and every picture its rows name."""

import sqlite3
import threading
from pathlib import Path

import pytest
from sqlmodel import select

from shopapp import cli
from shopapp.db import session_scope
from shopapp.demo.pictures import product_picture
from shopapp.models import Variant
from shopapp.ops import backup
from shopapp.services.catalog import media
from shopapp.services.checkout import place
from shopapp.settings import get_settings, load_settings
from tests.shopping import ADDRESS, cart_with, product_on_sale

on_sqlite = pytest.mark.skipif(not get_settings().uses_sqlite, reason="backup covers the embedded SQLite default")
SHOPPERS = 3


def _rows(database: Path, query: str) -> list[tuple]:
    db = sqlite3.connect(database)
    try:
        return db.execute(query).fetchall()
    finally:
        db.close()


def _renditions(media_dir: Path, key: str) -> list[str]:
    return sorted(path.name for path in (media_dir / key).glob("*.webp"))


class BusyShop:
    """Shoppers placing orders and the owner uploading pictures, each in a thread, until stopped."""

    def __init__(self, owner, variant_id: int, product_id: int):
        self.owner, self.variant_id, self.product_id = owner, variant_id, product_id
        self.committed: list[str] = []  # order numbers, appended once their transaction has committed
        self.pictures = 0
        self.stop = threading.Event()
        self.failures: list[BaseException] = []
        self.threads = [threading.Thread(target=self._guard, args=(self._shop,)) for _ in range(SHOPPERS)]
        self.threads.append(threading.Thread(target=self._guard, args=(self._upload,)))

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join()

    def _guard(self, work) -> None:
        try:
            while not self.stop.is_set():
                work()
        except BaseException as failure:  # noqa: BLE001 - reported by the test
            self.failures.append(failure)
            self.stop.set()

    def _shop(self) -> None:
        with session_scope() as session:
            token = cart_with(session, self.owner.shop_id, (self.variant_id, 1))
            placed = place.place_order(session, self.owner.shop_id, token, "buyer@example.com", dict(ADDRESS))
        self.committed.append(placed["order_no"])

    def _upload(self) -> None:
        picture = product_picture("龙井", "#5a8f3c", teaware=False, variant=self.pictures)
        with session_scope() as session:
            media.add_product_image(session, self.owner, self.product_id, picture, alt="龙井")
        self.pictures += 1

    def wait_for(self, orders: int, pictures: int) -> None:
        while len(self.committed) < orders or self.pictures < pictures:
            assert not self.failures, self.failures
            self.stop.wait(0.05)


@on_sqlite
@pytest.mark.parametrize("name", ["shop-backup", "shop-backup.tar.gz"])
def test_a_backup_taken_while_shoppers_order_restores_every_committed_order_and_picture(session, owner, tmp_path, name):
    variant_id = product_on_sale(session, owner, stock=100_000)
    product_id = session.exec(select(Variant.product_id).where(Variant.id == variant_id)).one()
    session.commit()  # idle: on SQLite an open transaction holds the write lock the shoppers need
    settings = get_settings()

    with BusyShop(owner, variant_id, product_id) as shop:
        shop.wait_for(orders=12, pictures=2)
        committed_before = list(shop.committed)
        summary = backup.backup(settings, tmp_path / name)
        shop.wait_for(orders=len(shop.committed) + SHOPPERS, pictures=shop.pictures + 1)  # still busy after it
    assert not shop.failures, shop.failures
    assert summary.orders >= len(committed_before)

    elsewhere = load_settings({"DATA_DIR": str(tmp_path / "elsewhere")})
    backup.restore(elsewhere, tmp_path / name)

    restored = elsewhere.data_dir / "shopapp.db"
    orders = {number for (number,) in _rows(restored, 'SELECT order_no FROM "order"')}
    assert set(committed_before) <= orders
    assert len(orders) < len(shop.committed)  # the orders after the snapshot are not in it
    # Whole orders only: each has its line and its stock movement, as committed together.
    assert _rows(restored, 'SELECT COUNT(*) FROM "order" WHERE id NOT IN (SELECT order_id FROM order_item)') == [(0,)]
    images = [key for (key,) in _rows(restored, f"SELECT key FROM product_image WHERE product_id = {product_id}")]
    assert len(images) >= 2
    for key in images:
        assert _renditions(elsewhere.media_dir, key) == _renditions(settings.media_dir, key) != []
    assert (elsewhere.data_dir / "secret_key").read_text() == (settings.data_dir / "secret_key").read_text()


@on_sqlite
def test_restore_refuses_a_data_folder_that_holds_a_platform_unless_forced(session, owner, tmp_path):
    settings = get_settings()
    backup.backup(settings, tmp_path / "saved")
    occupied = load_settings({"DATA_DIR": str(tmp_path / "occupied")})
    (occupied.data_dir / "shopapp.db").write_bytes(b"the shop running here")
    with pytest.raises(backup.BackupError, match="--force"):
        backup.restore(occupied, tmp_path / "saved")
    assert (occupied.data_dir / "shopapp.db").read_bytes() == b"the shop running here"

    backup.restore(occupied, tmp_path / "saved", force=True)
    assert _rows(occupied.data_dir / "shopapp.db", "SELECT slug FROM shop") == [("tea-house",)]
    with pytest.raises(backup.BackupError, match="already exists"):
        backup.backup(settings, tmp_path / "saved")  # never over an earlier backup


def test_on_postgresql_and_s3_the_command_says_what_to_use_instead(tmp_path, capsys, monkeypatch):
    production = {"DATA_DIR": str(tmp_path), "DATABASE_URL": "postgresql://shop:pw@db:5432/shop",
                  "STORAGE_URL": "s3://shop-media", "S3_SECRET_ACCESS_KEY": "very-secret"}
    monkeypatch.setattr(cli, "get_settings", lambda: load_settings(production))
    assert cli.main(["backup", str(tmp_path / "copy")]) == 2
    said = capsys.readouterr().err
    assert "pg_dump" in said and "bucket versioning" in said and "docs/deploy.md" in said
    assert "pw@" not in said and "very-secret" not in said
    assert not (tmp_path / "copy").exists()
