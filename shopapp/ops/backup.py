"""`python -m shopapp backup` / `restore`: a consistent copy of the embedded default (the SQLite file, the media
folder and the secret key under DATA_DIR), taken while the platform serves, and brought back elsewhere.

The database is copied first, with SQLite's online backup API in one step: one read transaction, so the copy
is the database as of one instant, while shoppers keep placing orders (WAL lets writers go on). The media
folder is copied after it: a picture is written before the row that names it commits, so every picture the
copy's rows name is already on disk. PostgreSQL and S3 have their own tools; for them the command says which.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from shopapp.settings import Settings

DATABASE = "shopapp.db"
MEDIA = "media"
SECRET = "secret_key"
MANIFEST = "manifest.json"
ARCHIVE_SUFFIXES = (".tar.gz", ".tgz")


class BackupError(Exception):
    """Why a backup or restore cannot be done; the message says what to do instead."""


@dataclass(frozen=True)
class Summary:
    path: Path
    orders: int
    shops: int
    media_files: int
    database_bytes: int

    def __str__(self) -> str:
        return (f"{self.path}: {self.shops} shops, {self.orders} orders, database {self.database_bytes / 1e6:.1f} MB,"
                f" {self.media_files} media files")


def backup(settings: Settings, target: Path) -> Summary:
    """Write a snapshot to `target`: a new folder, or a .tar.gz archive when the name says so."""
    database = database_path(settings)
    if not database.is_file():
        raise BackupError(f"there is no database at {database} yet (python -m shopapp migrate creates it)")
    target = target.resolve()
    if target.is_relative_to(settings.media_dir.resolve()):
        raise BackupError(f"{target} is inside the media folder it would copy; choose a place outside it")
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(f"{target} already exists; name a new folder or archive")
    target.parent.mkdir(parents=True, exist_ok=True)
    # Built beside the target and renamed into place: a half-written backup never carries its name.
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        summary = _snapshot(settings, database, staging)
        if target.name.endswith(ARCHIVE_SUFFIXES):
            partial = staging.parent / f"{staging.name}.partial"
            try:
                # Owner-only, like the secret key inside it.
                os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
                with tarfile.open(partial, "w:gz") as archive:
                    for entry in sorted(staging.iterdir()):
                        archive.add(entry, arcname=entry.name)
                os.replace(partial, target)
            finally:
                partial.unlink(missing_ok=True)
        else:
            if target.exists():
                target.rmdir()
            os.replace(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Summary(target, summary.orders, summary.shops, summary.media_files, summary.database_bytes)


def restore(settings: Settings, source: Path, *, force: bool = False) -> Summary:
    """Bring a backup back into this DATA_DIR (the platform must be stopped). Refuses to overwrite a platform
    that already has a database or media unless `force`."""
    database = database_path(settings)
    if not force and _has_data(database, settings.media_dir):
        raise BackupError(f"{settings.data_dir} already holds a platform ({database.name} or media); "
                          "restore into an empty DATA_DIR, or add --force to replace it")
    with tempfile.TemporaryDirectory(prefix="shopapp-restore-") as unpacked:
        folder = _opened(source.resolve(), Path(unpacked))
        summary = _checked_backup(folder)
        _replace_database(folder / DATABASE, database)
        if (folder / MEDIA).is_dir():
            _replace_folder(folder / MEDIA, settings.media_dir)
        if (folder / SECRET).is_file():
            # Links the platform signed (e-mail verification, payment returns) stay valid.
            shutil.copy2(folder / SECRET, settings.data_dir / SECRET)
    return Summary(source, summary.orders, summary.shops, summary.media_files, summary.database_bytes)


def unsupported(settings: Settings) -> str | None:
    """What to use instead when this platform's data is not (all) under DATA_DIR; None when backup covers it."""
    advice = []
    if not settings.uses_sqlite:
        advice.append(
            "database: PostgreSQL is backed up with its own tools: `pg_dump -Fc \"$DATABASE_URL\" -f shopapp.dump`"
            " (restore: `pg_restore --clean --no-owner -d \"$DATABASE_URL\" shopapp.dump`), or your provider's"
            " point-in-time recovery (WAL archiving)"
        )
    if not settings.uses_sqlite and not uses_s3(settings):
        advice.append(f"pictures: the folder {settings.media_dir}; copy it after the dump (`rsync -a`): a picture"
                      " is written before the row that names it")
    if uses_s3(settings):
        advice.append(
            "pictures: they live in the S3 bucket; turn on bucket versioning (with a lifecycle rule for old"
            " versions) or replicate the bucket, e.g. `aws s3 sync s3://bucket ./media-copy`"
        )
    if not advice:
        return None
    return ("backup and restore cover the embedded default (SQLite and the media folder under DATA_DIR);"
            " this platform keeps its data elsewhere:\n  " + "\n  ".join(advice)
            + "\n  and keep SECRET_KEY with them. See docs/deploy.md, section Backups.")


def uses_s3(settings: Settings) -> bool:
    return bool(settings.storage_url and settings.storage_url.startswith("s3://"))


def database_path(settings: Settings) -> Path:
    return Path(settings.database_url.split(":///", 1)[1]).resolve()


def _snapshot(settings: Settings, database: Path, folder: Path) -> Summary:
    copy = folder / DATABASE
    source = sqlite3.connect(database, timeout=30)
    target = sqlite3.connect(copy)
    try:
        source.backup(target)  # all pages in one step: one read transaction, one instant
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    finally:
        source.close()
        target.close()
    media_files = 0
    if not uses_s3(settings) and settings.media_dir.is_dir():
        media_files = _copy_media(settings.media_dir, folder / MEDIA)
    if (settings.data_dir / SECRET).is_file():
        shutil.copy2(settings.data_dir / SECRET, folder / SECRET)
    summary = _summary(folder, media_files)
    manifest = {
        "made_at": datetime.now(UTC).isoformat(timespec="seconds"), "database": DATABASE,
        "media": (folder / MEDIA).is_dir(), "media_files": media_files, "orders": summary.orders,
        "shops": summary.shops, "revision": _revision(copy),
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return summary


def _copy_media(media: Path, target: Path) -> int:
    """Every finished file under the media folder. Skipped: the dot-named temp files of a write in progress
    (its rename into place comes later), and a file deleted while we walk (its row is gone too, or going)."""
    copied = 0
    for folder, subfolders, files in os.walk(media):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        into = target / Path(folder).relative_to(media)
        into.mkdir(parents=True, exist_ok=True)
        for name in files:
            if name.startswith("."):
                continue
            try:
                shutil.copy2(Path(folder) / name, into / name)
            except FileNotFoundError:
                continue
            copied += 1
    return copied


def _opened(source: Path, scratch: Path) -> Path:
    if source.is_dir():
        return source
    if not (source.is_file() and source.name.endswith(ARCHIVE_SUFFIXES)):
        raise BackupError(f"{source} is neither a backup folder nor a .tar.gz backup")
    with tarfile.open(source, "r:gz") as archive:
        archive.extractall(scratch, filter="data")  # no absolute paths, no '..', no links out
    return scratch


def _checked_backup(folder: Path) -> Summary:
    database = folder / DATABASE
    if not (folder / MANIFEST).is_file() or not database.is_file():
        raise BackupError(f"{folder} is not a shopapp backup (no {MANIFEST} and {DATABASE})")
    with _reading(database) as db:
        verdict = db.execute("PRAGMA quick_check").fetchone()[0]
    if verdict != "ok":
        raise BackupError(f"the backup's database is damaged: {verdict}")
    files = sum(len(names) for _, _, names in os.walk(folder / MEDIA))
    return _summary(folder, files)


def _summary(folder: Path, media_files: int) -> Summary:
    database = folder / DATABASE
    with _reading(database) as db:
        orders, shops = (_count(db, "order"), _count(db, "shop"))
    return Summary(folder, orders, shops, media_files, database.stat().st_size)


def _count(db: sqlite3.Connection, table: str) -> int:
    try:
        return db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def _revision(database: Path) -> str | None:
    with _reading(database) as db:
        try:
            row = db.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.OperationalError:
            return None
    return row[0] if row else None


@contextmanager
def _reading(database: Path) -> Iterator[sqlite3.Connection]:
    db = sqlite3.connect(database)
    try:
        yield db
    finally:
        db.close()


def _has_data(database: Path, media: Path) -> bool:
    has_database = database.is_file() and database.stat().st_size > 0
    return has_database or (media.is_dir() and any(path.is_file() for path in media.rglob("*")))


def _replace_database(copy: Path, database: Path) -> None:
    database.parent.mkdir(parents=True, exist_ok=True)
    incoming = database.with_name(f".{database.name}.restoring")
    shutil.copy2(copy, incoming)
    # A -wal file left from the old database would be replayed onto the restored one: remove it first.
    for leftover in (database.with_name(database.name + "-wal"), database.with_name(database.name + "-shm")):
        leftover.unlink(missing_ok=True)
    os.replace(incoming, database)


def _replace_folder(copy: Path, folder: Path) -> None:
    incoming = folder.with_name(f".{folder.name}.restoring")
    shutil.rmtree(incoming, ignore_errors=True)
    shutil.copytree(copy, incoming)
    if folder.exists():
        shutil.rmtree(folder)
    os.replace(incoming, folder)
