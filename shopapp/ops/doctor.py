"""`python -m shopapp doctor`: every service this platform would use with these settings, secrets masked, and
whether each one answers, one line each; exits non-zero when one fails, so a deploy script can stop there.

Statuses: ok (answers), off (not set up: the embedded fallback is used, e.g. e-mail in the log), warn (works,
but not what production wants), FAIL (set up and not answering, or set up wrongly).
"""

from __future__ import annotations

import smtplib
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse, urlunparse

import httpx

from shopapp.settings import Settings

TIMEOUT_SECONDS = 5
WIDTH = 9  # the longest service name, "payments", and a space


@dataclass(frozen=True)
class Check:
    service: str
    status: str  # ok | off | warn | FAIL
    shown: str  # what is in effect, secrets masked
    detail: str  # what answered, or why not

    @property
    def line(self) -> str:
        return f"{self.status:<5} {self.service:<{WIDTH}} {self.shown}: {self.detail}"


def report(results: list[Check]) -> tuple[list[str], bool]:
    """The lines `doctor` shows for these results, and whether every service answers."""
    failed = [result.service for result in results if result.status == "FAIL"]
    lines = [
        "shopapp doctor: the services in effect, and whether each answers",
        *(result.line for result in results),
        f"{len(failed)} failed: {', '.join(failed)}" if failed else "every service answers",
    ]
    return lines, not failed


def run_checks(settings: Settings) -> list[Check]:
    return [_guarded(name, check, settings) for name, check in CHECKS]


def _guarded(name: str, check: Callable[[Settings], Check], settings: Settings) -> Check:
    """A check that breaks in a way we did not foresee is a failure of that service, not of the doctor."""
    try:
        return check(settings)
    except Exception as exc:  # noqa: BLE001 - reported on the service's line
        return Check(name, "FAIL", "", _reason(exc))


def masked_url(url: str) -> str:
    """A URL with its password replaced by ***; the user name stays (it tells which account)."""
    parsed = urlparse(url)
    if parsed.password is None:
        return url
    host = parsed.hostname or ""
    netloc = f"{parsed.username}:***@{host}" + (f":{parsed.port}" if parsed.port else "")
    return urlunparse(parsed._replace(netloc=netloc))


def masked_key(value: str | None) -> str:
    if not value:
        return "(unset)"
    return value[:4] + "***" if len(value) > 8 else "***"


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return f"no answer: {text[:160]}"


# The database: connects, and its schema is at the migrations' head.

def check_database(settings: Settings) -> Check:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy import create_engine

    from shopapp.migrations import alembic_config

    shown = f"{'SQLite' if settings.uses_sqlite else 'PostgreSQL'} {masked_url(settings.database_url)}"
    if settings.uses_sqlite and not Path(settings.database_url.split(":///", 1)[1]).is_file():
        return Check("database", "FAIL", shown, "no database file yet (python -m shopapp migrate)")
    connect_args = {} if settings.uses_sqlite else {"connect_timeout": TIMEOUT_SECONDS}
    engine = create_engine(settings.database_url, connect_args=connect_args)
    try:
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
            version = connection.dialect.server_version_info or ()
    except Exception as exc:  # noqa: BLE001 - any failure to connect is the answer
        return Check("database", "FAIL", shown, _reason(exc))
    finally:
        engine.dispose()
    server = ".".join(str(part) for part in version[:2])
    if not settings.uses_sqlite and version < (14,):
        # The product search's generated tsvector column and pg_trgm need 14 or newer.
        return Check("database", "FAIL", shown, f"PostgreSQL {server} answered; shopapp needs 14 or newer")
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if current != head:
        return Check("database", "FAIL", shown, f"connected ({server}), but the schema is at"
                     f" {current or 'no revision'}, not {head} (python -m shopapp migrate)")
    return Check("database", "ok", shown, f"connected ({server}), migrations at head {head}")


def check_redis(settings: Settings) -> Check:
    if not settings.redis_url:
        return Check("redis", "off", "(unset)", "UI state in the process: one backend worker")
    import redis

    shown = masked_url(settings.redis_url)
    client = redis.Redis.from_url(settings.redis_url, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS)
    try:
        client.ping()
    except redis.RedisError as exc:
        return Check("redis", "FAIL", shown, _reason(exc))
    finally:
        client.close()
    return Check("redis", "ok", shown, "PING answered")


def check_storage(settings: Settings) -> Check:
    if settings.storage_url and settings.storage_url.startswith("s3://"):
        return _check_bucket(settings)
    folder = settings.media_dir
    shown = f"folder {folder}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".doctor-"):
            pass
    except OSError as exc:
        return Check("storage", "FAIL", shown, f"cannot write there: {exc.strerror}")
    return Check("storage", "ok", shown, "writable")


def _check_bucket(settings: Settings) -> Check:
    from botocore.exceptions import BotoCoreError, ClientError

    from shopapp.services.catalog.storage import S3Storage

    store = S3Storage(settings, connect_timeout=TIMEOUT_SECONDS, read_timeout=TIMEOUT_SECONDS,
                      retries={"max_attempts": 1})
    shown = (f"S3 bucket {settings.storage_url} at {store.endpoint_url or 'AWS ' + store.region}"
             f" (key {masked_key(settings.s3_access_key_id)})")
    try:
        store.client.head_bucket(Bucket=store.bucket)
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "?")
        return Check("storage", "FAIL", shown, f"the store answered {code} for the bucket (missing, or no access)")
    except BotoCoreError as exc:
        return Check("storage", "FAIL", shown, _reason(exc))
    return Check("storage", "ok", shown, "bucket reachable")


def check_smtp(settings: Settings) -> Check:
    if not settings.smtp_url:
        return Check("smtp", "off", "(unset)", f"e-mail from {settings.mail_from} is written to the log, not sent")
    url = urlparse(settings.smtp_url)
    shown = f"{masked_url(settings.smtp_url)} from {settings.mail_from}"
    client_class = smtplib.SMTP_SSL if url.scheme == "smtps" else smtplib.SMTP
    said = []
    try:
        with client_class(url.hostname, url.port or (465 if url.scheme == "smtps" else 25), timeout=TIMEOUT_SECONDS) as client:
            client.ehlo()
            said.append("EHLO answered")
            if url.scheme == "smtp" and client.has_extn("starttls"):
                client.starttls()
                client.ehlo()
                said.append("STARTTLS")
            if url.username:
                client.login(unquote(url.username), unquote(url.password or ""))
                said.append(f"logged in as {url.username}")
    except (OSError, smtplib.SMTPException) as exc:
        return Check("smtp", "FAIL", shown, _reason(exc))
    return Check("smtp", "ok", shown, ", ".join(said))


def check_ai(settings: Settings) -> Check:
    if not settings.openai_base_url:
        return Check("ai", "off", "(unset)", "the offline engine drafts replies and copy")
    base = settings.openai_base_url.rstrip("/")
    shown = f"{masked_url(base)} model {settings.openai_model} (key {masked_key(settings.openai_api_key)})"
    headers = {"Authorization": f"Bearer {settings.openai_api_key}"} if settings.openai_api_key else {}
    try:
        answer = httpx.get(f"{base}/models", headers=headers, timeout=TIMEOUT_SECONDS)
    except httpx.HTTPError as exc:
        return Check("ai", "FAIL", shown, _reason(exc))
    if answer.status_code in (401, 403):
        return Check("ai", "FAIL", shown, f"GET /models answered {answer.status_code}: the key is refused")
    if answer.status_code != 200:
        return Check("ai", "FAIL", shown, f"GET /models answered {answer.status_code}")
    try:
        models = {model.get("id") for model in answer.json().get("data", [])}
    except (ValueError, AttributeError):
        models = set()
    if models and settings.openai_model not in models:
        return Check("ai", "warn", shown, f"answered, but does not list {settings.openai_model} among {len(models)} models")
    return Check("ai", "ok", shown, "GET /models answered")


def check_payments(settings: Settings) -> Check:
    alipay = {"ALIPAY_APP_ID": settings.alipay_app_id, "ALIPAY_PRIVATE_KEY": settings.alipay_private_key,
              "ALIPAY_PUBLIC_KEY": settings.alipay_public_key}
    missing = [name for name, value in alipay.items() if not value]
    if len(missing) < len(alipay):
        return _check_alipay(settings, missing)
    if settings.sandbox_payments:
        return Check("payments", "warn", "sandbox (测试支付)",
                     "no money moves: set ALIPAY_* (or SANDBOX_PAYMENTS=false) before real shoppers come")
    return Check("payments", "warn", "none", "SANDBOX_PAYMENTS=false and no ALIPAY_*: no shop can take an order")


def _check_alipay(settings: Settings, missing: list[str]) -> Check:
    from shopapp.services.payments import alipay

    shown = f"Alipay app {masked_key(settings.alipay_app_id)} via {settings.alipay_gateway}"
    if missing:
        return Check("payments", "FAIL", shown, f"{', '.join(missing)} not set: Alipay is off, shoppers cannot pay")
    try:
        private_key = alipay.load_private_key(settings.alipay_private_key)
        alipay.load_public_key(settings.alipay_public_key)
    except Exception as exc:  # noqa: BLE001 - an unreadable key is the answer, whatever the parser says
        return Check("payments", "FAIL", shown, f"a key does not read as RSA: {type(exc).__name__}")
    if private_key.key_size < 2048:
        return Check("payments", "FAIL", shown, f"the private key has {private_key.key_size} bits; RSA2 needs 2048")
    return Check("payments", "ok", shown, "app id and both keys read (RSA2); no call made to Alipay")


CHECKS: list[tuple[str, Callable[[Settings], Check]]] = [
    ("database", check_database), ("redis", check_redis), ("storage", check_storage),
    ("smtp", check_smtp), ("ai", check_ai), ("payments", check_payments),
]
