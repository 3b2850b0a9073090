"""Media storage: the local folder by default, any S3-compatible store when STORAGE_URL=s3://..."""

from __future__ import annotations

import json
import os
import uuid

import boto3
import httpx
import pytest
from moto.server import ThreadedMotoServer

from shopapp.services.catalog import storage
from shopapp.services.core.errors import NotFound
from shopapp.settings import load_settings

TRAVERSAL_KEYS = [
    "../secret.txt",
    "shops/1/../../secret.txt",
    "/etc/passwd",
    "shops\\..\\secret.txt",
    "shops//1.webp",
    ".hidden",
    "",
    "shops/1.webp\x00.txt",
]


@pytest.fixture
def media_dir(tmp_path, monkeypatch):
    """Storage on its embedded default, in a private DATA_DIR."""
    settings = load_settings({"DATA_DIR": str(tmp_path / "data")})
    monkeypatch.setattr(storage, "get_settings", lambda: settings)
    return settings.media_dir


@pytest.fixture(scope="module")
def s3_endpoint():
    """A real S3-protocol server (moto's), on a free local port."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_bucket(s3_endpoint, tmp_path, monkeypatch):
    """A fresh bucket, with storage pointed at it under the prefix 'media'."""
    bucket = f"shop-media-{uuid.uuid4().hex[:12]}"
    env = {
        "DATA_DIR": str(tmp_path / "data"),
        "STORAGE_URL": f"s3://{bucket}/media",
        "S3_ENDPOINT_URL": s3_endpoint,
        "S3_ACCESS_KEY_ID": "test-key",
        "S3_SECRET_ACCESS_KEY": "test-secret",
        "S3_REGION": "us-east-1",
    }
    settings = load_settings(env)
    monkeypatch.setattr(storage, "get_settings", lambda: settings)
    client = _client(s3_endpoint)
    client.create_bucket(Bucket=bucket)
    return bucket


def _client(endpoint: str):
    return boto3.client(
        "s3", endpoint_url=endpoint, aws_access_key_id="test-key",
        aws_secret_access_key="test-secret", region_name="us-east-1",
    )


def _files_under(folder) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


# The local folder


def test_a_stored_file_reads_back_the_same_bytes(media_dir):
    storage.put("shops/1/products/2/abc/160.webp", b"RIFF-image", "image/webp")

    assert storage.get("shops/1/products/2/abc/160.webp") == b"RIFF-image"
    assert (media_dir / "shops/1/products/2/abc/160.webp").read_bytes() == b"RIFF-image"


def test_a_local_file_is_served_under_media(media_dir):
    storage.put("shops/1/logo.webp", b"logo", "image/webp")

    assert storage.url("shops/1/logo.webp") == "/media/shops/1/logo.webp"
    assert storage.local_path("shops/1/logo.webp") == (media_dir / "shops/1/logo.webp").resolve()


def test_a_missing_file_is_not_found(media_dir):
    with pytest.raises(NotFound):
        storage.get("shops/1/nothing.webp")
    with pytest.raises(NotFound):
        storage.local_path("shops/1/nothing.webp")


@pytest.mark.parametrize("key", TRAVERSAL_KEYS)
def test_local_storage_refuses_path_traversal(media_dir, tmp_path, key):
    (tmp_path / "secret.txt").write_text("the shop owner's secret")

    with pytest.raises(NotFound):
        storage.local_path(key)
    with pytest.raises(NotFound):
        storage.get(key)
    with pytest.raises(NotFound):
        storage.put(key, b"overwritten", "text/plain")
    with pytest.raises(NotFound):
        storage.delete_prefix(key)
    assert (tmp_path / "secret.txt").read_text() == "the shop owner's secret"


def test_a_symlink_cannot_lead_out_of_the_media_folder(media_dir, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("secret")
    media_dir.mkdir(parents=True, exist_ok=True)
    (media_dir / "shops").symlink_to(outside)

    with pytest.raises(NotFound):
        storage.local_path("shops/secret.txt")


def test_a_replaced_file_is_never_seen_half_written(media_dir, monkeypatch):
    storage.put("shops/1/logo.webp", b"old logo", "image/webp")

    def crash(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        storage.put("shops/1/logo.webp", b"new logo", "image/webp")

    assert storage.get("shops/1/logo.webp") == b"old logo"
    assert _files_under(media_dir) == ["shops/1/logo.webp"]


def test_overwriting_a_file_leaves_no_temporary_files(media_dir):
    storage.put("shops/1/logo.webp", b"old logo", "image/webp")
    storage.put("shops/1/logo.webp", b"new logo", "image/webp")

    assert storage.get("shops/1/logo.webp") == b"new logo"
    assert _files_under(media_dir) == ["shops/1/logo.webp"]


def test_deleting_a_prefix_removes_that_folder_and_spares_its_neighbours(media_dir):
    for key in ("p/abc/160.webp", "p/abc/480.webp", "p/abcd/160.webp"):
        storage.put(key, b"x", "image/webp")

    storage.delete_prefix("p/abc")
    storage.delete_prefix("p/never-stored")

    assert _files_under(media_dir) == ["p/abcd/160.webp"]


def test_sizes_under_a_prefix_are_its_files_own_and_not_its_neighbours(media_dir):
    for key, size in (("p/abc/160.webp", 3), ("p/abc/480.webp", 7), ("p/abcd/160.webp", 11)):
        storage.put(key, b"x" * size, "image/webp")

    assert storage.sizes_under("p/abc") == {"p/abc/160.webp": 3, "p/abc/480.webp": 7}
    assert storage.sizes_under("p/never-stored") == {}


# Any S3-compatible store


def test_sizes_under_an_s3_prefix_are_its_objects_own_named_without_the_bucket_prefix(s3_bucket):
    for key, size in (("p/abc/160.webp", 3), ("p/abc/480.webp", 7), ("p/abcd/160.webp", 11)):
        storage.put(key, b"x" * size, "image/webp")

    assert storage.sizes_under("p/abc") == {"p/abc/160.webp": 3, "p/abc/480.webp": 7}
    assert storage.sizes_under("p/never-stored") == {}


def test_s3_storage_keeps_files_in_the_bucket_under_its_prefix(s3_bucket, s3_endpoint, tmp_path):
    storage.put("shops/1/products/2/abc/160.webp", b"RIFF-image", "image/webp")

    assert storage.get("shops/1/products/2/abc/160.webp") == b"RIFF-image"
    stored = _client(s3_endpoint).head_object(Bucket=s3_bucket, Key="media/shops/1/products/2/abc/160.webp")
    assert stored["ContentType"] == "image/webp"
    assert not (tmp_path / "data" / "media").exists()


def test_an_s3_url_fetches_the_file_from_the_server(s3_bucket, s3_endpoint):
    # What the operator sets up once: anonymous read of the media prefix (shop images are public).
    public_read = {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{s3_bucket}/media/*",
        }],
    }
    _client(s3_endpoint).put_bucket_policy(Bucket=s3_bucket, Policy=json.dumps(public_read))
    storage.put("shops/1/logo.webp", b"logo bytes", "image/webp")

    link = storage.url("shops/1/logo.webp")

    assert link == f"{s3_endpoint}/{s3_bucket}/media/shops/1/logo.webp"
    answer = httpx.get(link)
    assert answer.status_code == 200
    assert answer.content == b"logo bytes"


def test_a_missing_s3_object_is_not_found(s3_bucket):
    with pytest.raises(NotFound):
        storage.get("shops/1/nothing.webp")


def test_s3_has_no_local_files_to_serve(s3_bucket):
    storage.put("shops/1/logo.webp", b"logo", "image/webp")

    with pytest.raises(NotFound):
        storage.local_path("shops/1/logo.webp")


def test_deleting_an_s3_prefix_removes_that_folder_and_spares_its_neighbours(s3_bucket, s3_endpoint):
    for key in ("p/abc/160.webp", "p/abc/480.webp", "p/abcd/160.webp"):
        storage.put(key, b"x", "image/webp")

    storage.delete_prefix("p/abc")
    storage.delete_prefix("p/never-stored")

    listing = _client(s3_endpoint).list_objects_v2(Bucket=s3_bucket)
    assert [item["Key"] for item in listing["Contents"]] == ["media/p/abcd/160.webp"]


@pytest.mark.parametrize("key", TRAVERSAL_KEYS)
def test_s3_storage_refuses_the_same_unsafe_keys(s3_bucket, key):
    with pytest.raises(NotFound):
        storage.put(key, b"x", "text/plain")
    with pytest.raises(NotFound):
        storage.url(key)

