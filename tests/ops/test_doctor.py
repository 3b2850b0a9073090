"""`python -m shopapp doctor`: one line per service in effect (database, Redis, storage, SMTP, AI endpoint,
payments) with its secrets masked, each actually asked whether it answers; a failure makes the exit code 1.

Run against what the suite runs on (PostgreSQL and Redis when DATABASE_URL / REDIS_URL say so) and small local
servers: moto's S3, aiosmtpd with a log-in, the fake OpenAI-compatible endpoint."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import boto3
import psycopg
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from moto.server import ThreadedMotoServer

from shopapp import cli
from shopapp.settings import get_settings, load_settings
from tests.alipay_fake import new_key, private_pem, public_pem
from tests.api.conftest import free_port
from tests.openai_fake import FakeModel

ROOT = Path(__file__).resolve().parents[2]
SECRETS = ["db-secret", "smtp-secret", "s3-very-secret", "sk-openai-secret-key", "BEGIN PRIVATE", "MIIE"]


@pytest.fixture(scope="module")
def migrated_database(tmp_path_factory):
    """A database at the migrations' head, on the suite's server: a fresh PostgreSQL database when the suite
    runs on PostgreSQL, else an SQLite file."""
    suite = os.environ.get("DATABASE_URL", "")
    if not suite.startswith("postgres"):
        url = f"sqlite:///{tmp_path_factory.mktemp('doctor')}/shopapp.db"
        _migrate(url)
        yield url
        return
    name = f"doctor_{uuid.uuid4().hex[:8]}"
    server = suite.rsplit("/", 1)[0]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        _migrate(f"{server}/{name}")
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def _migrate(url: str) -> None:
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([sys.executable, "-m", "shopapp", "migrate"], cwd=ROOT, env=env, check=True, capture_output=True)


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="AKIDOCTORTEST", aws_secret_access_key="s3-very-secret",
                 region_name="us-east-1").create_bucket(Bucket="shop-media")
    yield endpoint
    server.stop()


class _Inbox:
    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        return "250 OK"


@pytest.fixture(scope="module")
def smtp_port():
    def known_account(server, session, envelope, mechanism, auth_data):
        return AuthResult(success=(auth_data.login, auth_data.password) == (b"mailer", b"smtp-secret"))

    controller = Controller(_Inbox(), hostname="127.0.0.1", port=free_port(), authenticator=known_account,
                            auth_require_tls=False)
    controller.start()
    yield controller.port
    controller.stop()


@pytest.fixture(scope="module")
def model():
    fake = FakeModel().start()
    fake.api_key = "sk-openai-secret-key"
    yield fake
    fake.stop()


def _doctor(monkeypatch, capsys, env: dict) -> tuple[int, dict[str, str], str]:
    monkeypatch.setattr(cli, "get_settings", lambda: load_settings(env))
    code = cli.main(["doctor"])
    out = capsys.readouterr().out
    lines = {line.split()[1]: line for line in out.splitlines()[1:-1]}
    return code, lines, out


def test_the_doctor_shows_every_service_answering_with_its_secrets_masked(
    tmp_path, monkeypatch, capsys, migrated_database, s3_endpoint, smtp_port, model
):
    key = new_key()
    env = {
        "DATA_DIR": str(tmp_path), "DATABASE_URL": migrated_database.replace("postgres@", "postgres:db-secret@"),
        "STORAGE_URL": "s3://shop-media/media", "S3_ENDPOINT_URL": s3_endpoint, "S3_ACCESS_KEY_ID": "AKIDOCTORTEST",
        "S3_SECRET_ACCESS_KEY": "s3-very-secret", "SMTP_URL": f"smtp://mailer:smtp-secret@127.0.0.1:{smtp_port}",
        "OPENAI_BASE_URL": model.base_url, "OPENAI_API_KEY": "sk-openai-secret-key", "OPENAI_MODEL": "fake-1",
        "ALIPAY_APP_ID": "2021004100000001", "ALIPAY_PRIVATE_KEY": private_pem(key), "ALIPAY_PUBLIC_KEY": public_pem(new_key()),
    }
    if os.environ.get("REDIS_URL"):
        env["REDIS_URL"] = os.environ["REDIS_URL"]

    code, lines, out = _doctor(monkeypatch, capsys, env)

    assert code == 0, out
    assert list(lines) == ["database", "redis", "storage", "smtp", "ai", "payments"]
    assert "migrations at head" in lines["database"]
    assert lines["redis"].startswith("ok") if "REDIS_URL" in env else lines["redis"].startswith("off")
    assert lines["storage"].startswith("ok") and "s3://shop-media/media" in lines["storage"] and "AKID***" in lines["storage"]
    assert lines["smtp"].startswith("ok") and "logged in as mailer" in lines["smtp"] and "mailer:***@" in lines["smtp"]
    assert lines["ai"].startswith("ok") and "fake-1" in lines["ai"]
    assert lines["payments"].startswith("ok") and "Alipay" in lines["payments"]
    assert out.splitlines()[-1] == "every service answers"
    assert [secret for secret in SECRETS if secret in out] == []


def test_the_doctor_names_each_service_that_does_not_answer_and_exits_non_zero(
    tmp_path, monkeypatch, capsys, s3_endpoint, model
):
    closed = free_port()
    env = {
        # The suite's own database is built without migrations (create_all): the doctor sees no revision.
        "DATA_DIR": str(tmp_path), "DATABASE_URL": get_settings().database_url.replace("+psycopg", ""),
        "REDIS_URL": f"redis://127.0.0.1:{closed}/0",
        "STORAGE_URL": "s3://no-such-bucket", "S3_ENDPOINT_URL": s3_endpoint, "S3_ACCESS_KEY_ID": "AKIDOCTORTEST",
        "S3_SECRET_ACCESS_KEY": "s3-very-secret", "SMTP_URL": f"smtp://mailer:smtp-secret@127.0.0.1:{closed}",
        "OPENAI_BASE_URL": model.base_url, "OPENAI_API_KEY": "sk-an-old-revoked-key",
        "ALIPAY_APP_ID": "2021004100000001", "ALIPAY_PRIVATE_KEY": private_pem(new_key()),  # the public key forgotten
    }

    code, lines, out = _doctor(monkeypatch, capsys, env)

    assert code == 1
    assert {service: line.split()[0] for service, line in lines.items()} == {
        "database": "FAIL", "redis": "FAIL", "storage": "FAIL", "smtp": "FAIL", "ai": "FAIL", "payments": "FAIL"}
    assert "python -m shopapp migrate" in lines["database"]
    assert "no answer" in lines["redis"] and "no answer" in lines["smtp"]
    assert "404" in lines["storage"]
    assert "the key is refused" in lines["ai"]
    assert "ALIPAY_PUBLIC_KEY not set" in lines["payments"]
    assert out.splitlines()[-1] == "6 failed: database, redis, storage, smtp, ai, payments"
    assert [secret for secret in SECRETS if secret in out] == []


def test_the_embedded_default_is_healthy_with_nothing_set_up(tmp_path, monkeypatch, capsys):
    _migrate(f"sqlite:///{tmp_path}/shopapp.db")
    code, lines, out = _doctor(monkeypatch, capsys, {"DATA_DIR": str(tmp_path)})
    assert code == 0, out
    assert {service: line.split()[0] for service, line in lines.items()} == {
        "database": "ok", "redis": "off", "storage": "ok", "smtp": "off", "ai": "off", "payments": "warn"}
    assert "SQLite" in lines["database"] and f"folder {tmp_path}/media" in lines["storage"]
    assert "sandbox" in lines["payments"]
