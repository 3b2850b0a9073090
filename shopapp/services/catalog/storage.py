"""Where media files live: a folder under DATA_DIR, or any S3-compatible store, chosen by settings alone."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlparse

from shopapp.services.core.errors import NotFound
from shopapp.settings import Settings, get_settings

# A key is slash-separated names of letters, digits, '_', '-' and '.', never starting with a dot:
# so no '..', no absolute path, no backslash and no hidden temp file can ever be named.
_KEY = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]*(/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*")


def put(key: str, data: bytes, content_type: str) -> None:
    _backend().put(_checked(key), data, content_type)


def get(key: str) -> bytes:
    """The stored bytes; NotFound when nothing is stored under the key."""
    return _backend().get(_checked(key))


def delete_prefix(prefix: str) -> None:
    """Remove every file under the folder `prefix/` (e.g. all renditions of one image)."""
    _backend().delete_prefix(_checked(prefix))


def sizes_under(prefix: str) -> dict[str, int]:
    """Every file under the folder `prefix/` with its size in bytes (the storage backfill reads it once)."""
    return _backend().sizes_under(_checked(prefix))


def list_keys(prefix: str, limit: int = 100) -> list[str]:
    """The keys of the files under the folder `prefix/`, newest first, at most `limit`."""
    return _backend().list_keys(_checked(prefix), limit)


def url(key: str) -> str:
    """Where a browser fetches the file."""
    return _backend().url(_checked(key))


def local_path(key: str) -> Path:
    """The file on disk behind /media/{key}, for the API to serve; NotFound if there is none."""
    backend = _backend()
    if not isinstance(backend, LocalStorage):
        raise NotFound()
    return backend.existing_path(_checked(key))


def _checked(key: str) -> str:
    # A key that could leave the media folder names nothing of ours, so it is simply not found.
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        raise NotFound()
    return key


def _backend() -> LocalStorage | S3Storage:
    return _backend_for(get_settings())


@lru_cache(maxsize=4)
def _backend_for(settings: Settings) -> LocalStorage | S3Storage:
    """One backend per Settings, so the boto3 client (slow to build) is made once."""
    if settings.storage_url and settings.storage_url.startswith("s3://"):
        return S3Storage(settings)
    return LocalStorage(settings.media_dir)


class LocalStorage:
    """Files under the media folder; the API serves them at /media/{key}."""

    def __init__(self, root: Path):
        self.root = root.resolve()

    def put(self, key: str, data: bytes, content_type: str) -> None:
        # content_type is not kept: the server that serves the file derives it from the extension.
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write beside the target, then rename: a reader sees the old file or the new one, never half.
        fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as temp:
                temp.write(data)
                temp.flush()
                os.fsync(temp.fileno())
            os.replace(temp_name, path)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        return self.existing_path(key).read_bytes()

    def delete_prefix(self, prefix: str) -> None:
        folder = self._path(prefix)
        if folder.is_dir():
            shutil.rmtree(folder)

    def sizes_under(self, prefix: str) -> dict[str, int]:
        folder = self._path(prefix)
        if not folder.is_dir():
            return {}
        return {path.relative_to(self.root).as_posix(): path.stat().st_size
                for path in folder.rglob("*") if path.is_file() and not path.name.startswith(".")}

    def list_keys(self, prefix: str, limit: int) -> list[str]:
        folder = self._path(prefix)
        files = [p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")] if folder.is_dir() else []
        files.sort(key=lambda p: p.stat().st_mtime, reverse=True)
        return [f"{prefix}/{p.name}" for p in files[:limit]]

    def url(self, key: str) -> str:
        return f"/media/{key}"

    def existing_path(self, key: str) -> Path:
        path = self._path(key)
        if not path.is_file():
            raise NotFound()
        return path

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        # Keys are already checked; this also stops a symlink inside the folder from leading out of it.
        if not path.is_relative_to(self.root):
            raise NotFound()
        return path


class S3Storage:
    """Objects in a bucket of any S3-compatible store, under an optional prefix: STORAGE_URL=s3://bucket/prefix."""

    def __init__(self, settings: Settings, **client_config):
        """client_config: botocore Config options (timeouts, retries) beyond the defaults."""
        parsed = urlparse(settings.storage_url)
        self.bucket = parsed.netloc
        self.prefix = parsed.path.strip("/")
        self.endpoint_url = (settings.s3_endpoint_url or "").rstrip("/")
        self.region = settings.s3_region
        # Imported here: boto3 takes a while to import and the embedded default never needs it.
        import boto3
        from botocore.config import Config

        self.client = boto3.client(
            "s3",
            endpoint_url=self.endpoint_url or None,
            aws_access_key_id=settings.s3_access_key_id,
            aws_secret_access_key=settings.s3_secret_access_key,
            region_name=settings.s3_region,
            # Path-style (endpoint/bucket/key) is what every S3-compatible server understands;
            # virtual-host style needs wildcard DNS that MinIO, Ceph and friends rarely have.
            config=Config(s3={"addressing_style": "path" if self.endpoint_url else "auto"}, **client_config),
        )

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._object(key), Body=data, ContentType=content_type)

    def get(self, key: str) -> bytes:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._object(key))
        except self.client.exceptions.NoSuchKey:
            raise NotFound() from None
        return answer["Body"].read()

    def delete_prefix(self, prefix: str) -> None:
        # The trailing slash keeps "…/abc" from also deleting a neighbour "…/abcd".
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self._object(prefix) + "/"
        )
        for page in pages:
            objects = [{"Key": item["Key"]} for item in page.get("Contents", [])]
            # A page holds at most 1000 keys, exactly what one delete_objects call accepts.
            if objects:
                self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": objects, "Quiet": True})

    def sizes_under(self, prefix: str) -> dict[str, int]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self._object(prefix) + "/"
        )
        skip = len(self.prefix) + 1 if self.prefix else 0
        return {item["Key"][skip:]: int(item["Size"]) for page in pages for item in page.get("Contents", [])}

    def list_keys(self, prefix: str, limit: int) -> list[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self._object(prefix) + "/")
        found = [item for page in pages for item in page.get("Contents", [])]
        found.sort(key=lambda item: item["LastModified"], reverse=True)
        start = len(self._object(prefix)) - len(prefix)
        return [item["Key"][start:] for item in found[:limit]]

    def url(self, key: str) -> str:
        # A plain public URL, not a presigned one: shop images are public anyway, and a URL that
        # never changes can be cached by browsers and CDNs, whereas a presigned URL expires (breaking
        # cached pages) and differs on every render. The bucket (or prefix) must allow anonymous read.
        if self.endpoint_url:
            return f"{self.endpoint_url}/{self.bucket}/{self._object(key)}"
        return f"https://{self.bucket}.s3.{self.region}.amazonaws.com/{self._object(key)}"

    def _object(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key
