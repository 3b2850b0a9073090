"""The one Settings object: read from the environment, with embedded defaults."""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlparse


class SettingsError(ValueError):
    """A variable in the environment has a value we cannot use; the message names it."""


@dataclass(frozen=True)
class Settings:
    port: int
    data_dir: Path
    database_url: str
    redis_url: str | None
    secret_key: str
    storage_url: str | None
    s3_endpoint_url: str | None
    s3_access_key_id: str | None
    s3_secret_access_key: str | None
    s3_region: str
    openai_base_url: str | None
    openai_api_key: str | None
    openai_model: str
    smtp_url: str | None
    mail_from: str
    public_url: str
    unpaid_order_ttl_seconds: int
    session_ttl_seconds: int
    run_jobs: bool
    log_level: str
    alipay_app_id: str | None = None
    alipay_private_key: str | None = None
    alipay_public_key: str | None = None
    alipay_gateway: str = "https://openapi.alipay.com/gateway.do"
    auto_complete_days: int = 7
    tracking_url: str | None = None
    tracking_customer: str | None = None
    tracking_key: str | None = None
    sandbox_payments: bool = True
    trusted_proxy_hops: int = 0
    demo_shop: bool = False
    demo_password: str | None = None
    redis_retry_seconds: int = 5
    host: str = "0.0.0.0"
    workers: int = 1
    platform_domain: str | None = None
    dns_nameserver: str | None = None
    payment_keys_key: str | None = None
    web_server: str = "uvicorn"
    reports_exact_rows: int = 50_000

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"

    @property
    def uses_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


# Every variable, its default and what it means; docs/settings.md is made from this (python -m shopapp docs).
VARIABLES: list[tuple[str, str, str]] = [
    ("PORT", "8000", "Port the platform serves on (storefront, console, API)."),
    ("HOST", "0.0.0.0", "Address the platform listens on: 0.0.0.0 is every interface (reachable from the network); 127.0.0.1 keeps it to this machine, e.g. behind a reverse proxy on the same host."),
    ("WORKERS", "1 without REDIS_URL; with it 2 × CPU cores + 1, at most 8", "Backend worker processes sharing the port; one that dies is started again. Above 1 needs REDIS_URL: a shopper's page state must be readable by every worker."),
    ("WEB_SERVER", "uvicorn", "The ASGI server the workers run: uvicorn (its websocket with its engine.io session costs ~25 KB per connected tab) or granian (~195 KB: its websocket keeps a 128 KiB read buffer per socket)."),
    ("DATA_DIR", "./data", "Folder for the SQLite file, uploaded media and the generated secret key."),
    ("DATABASE_URL", "sqlite:///$DATA_DIR/shopapp.db", "SQLAlchemy URL; postgresql://user@host:5432/db for PostgreSQL."),
    ("REDIS_URL", "(unset)", "redis://host:6379/0: shared UI state and locks, so several backend workers can serve."),
    ("REDIS_RETRY_SECONDS", "5", "While Redis does not answer, each process asks again after this many seconds (health says \"degraded\" meanwhile; the API and jobs never wait on it)."),
    ("SECRET_KEY", "(generated into $DATA_DIR/secret_key)", "Signs links and sandbox payment notifications."),
    ("STORAGE_URL", "(unset: $DATA_DIR/media)", "s3://bucket to keep images in any S3-compatible store."),
    ("S3_ENDPOINT_URL / S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY / S3_REGION", "(unset) / / / us-east-1", "Endpoint and keys for STORAGE_URL=s3://..."),
    ("OPENAI_BASE_URL / OPENAI_API_KEY / OPENAI_MODEL", "(unset) / (unset) / gpt-4o-mini", "Any OpenAI-compatible endpoint for the AI helpers; unset = offline engine."),
    ("SMTP_URL", "(unset: e-mail printed in the log)", "smtp://user:pass@host:587 (smtps:// for TLS) to send e-mail."),
    ("MAIL_FROM", "noreply@shopapp.local", "Sender address of platform e-mail."),
    ("PUBLIC_URL", "http://localhost:$PORT", "Address shoppers and owners reach the platform at (links in e-mail); its origin is the only one whose pages may use an owner's log-in or the live websocket."),
    ("UNPAID_ORDER_TTL_SECONDS", "1800", "Unpaid orders are cancelled and their stock released after this many seconds."),
    ("SESSION_TTL_SECONDS", "2592000", "How long a log-in lasts (30 days)."),
    ("RUN_JOBS", "true", "Run scheduled jobs inside the web process; false when a separate `python -m shopapp jobs` runs."),
    ("LOG_LEVEL", "INFO", "DEBUG, INFO, WARNING or ERROR."),
    ("ALIPAY_APP_ID", "(unset: sandbox payments)", "Alipay open-platform app id; with the two keys, shoppers pay with Alipay."),
    ("ALIPAY_PRIVATE_KEY / ALIPAY_PUBLIC_KEY", "(unset) / (unset)", "Our RSA2 private key and Alipay's public key (PEM, or the bare base64 Alipay's tool shows)."),
    ("ALIPAY_GATEWAY", "https://openapi.alipay.com/gateway.do", "Alipay's gateway; https://openapi-sandbox.dl.alipaydev.com/gateway.do for Alipay's own sandbox."),
    ("SANDBOX_PAYMENTS", "true", "The built-in test gateway (测试支付, no money moves) while no real one is set up; false in production, so no shop takes real orders on it."),
    ("TRUSTED_PROXY_HOPS", "0", "How many reverse proxies of ours stand in front (1 behind one nginx or Caddy): the shopper's address, which log-in limits count by, is then read from X-Forwarded-For that far from its end. 0 ignores the header, which anyone can send."),
    ("AUTO_COMPLETE_DAYS", "7", "Delivered orders complete (确认收货) on their own after this many days."),
    ("PLATFORM_DOMAIN", "(unset: shops only at /s/<slug>)", "shops.example: every shop also answers at <slug>.shops.example (a wildcard DNS record and certificate point there), and any other Host that is not a verified custom domain is a plain 404."),
    ("DNS_NAMESERVER", "(unset: the system's resolver)", "ip[:port] of the DNS server custom domains' records are checked with."),
    ("PAYMENT_KEYS_KEY", "(unset: derived from SECRET_KEY)", "A Fernet key (base64, 32 bytes) that encrypts the Alipay keys shops connect; keep it outside the database."),
    ("DEMO_SHOP", "true on the embedded default (SQLite under DATA_DIR), else false", "Create the demo tea shop (一叶茶舍) on the first start of an empty platform. Its owner demo@example.com gets a password generated for this install, printed once when the shop is made (`python -m shopapp demo-password` makes a new one)."),
    ("DEMO_PASSWORD", "(unset: generated)", "The demo owner's password instead of a generated one: for test runs that log in as the demo owner; never set it in production."),
    ("REPORTS_EXACT_ROWS", "50000", "Reports count visitors, buyers and viewers exactly while a range holds at most this many visitor-, buyer- and viewer-days; above it they merge the days' HyperLogLog sketches (typically within 1–2 %, marked approximate): a year of a big shop in well under a second."),
    ("TRACKING_URL / TRACKING_CUSTOMER / TRACKING_KEY", "(unset: no tracking polls) / (unset) / (unset)", "A 快递100-style tracking query URL, customer id and key; set all three to follow parcels."),
]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process; raises SettingsError naming the bad variable."""
    return load_settings(os.environ)


def load_settings(env) -> Settings:
    port = _int(env, "PORT", 8000, low=1, high=65535)
    data_dir = Path(env.get("DATA_DIR") or "./data").resolve()
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SettingsError(f"DATA_DIR: cannot create folder {data_dir}: {exc.strerror}") from exc
    database_url = env.get("DATABASE_URL") or f"sqlite:///{data_dir / 'shopapp.db'}"
    redis_url = _url(env, "REDIS_URL", {"redis", "rediss"})
    return Settings(
        port=port,
        data_dir=data_dir,
        database_url=_database_url(database_url),
        redis_url=redis_url,
        secret_key=env.get("SECRET_KEY") or _stored_secret(data_dir),
        storage_url=_url(env, "STORAGE_URL", {"s3", "file"}),
        s3_endpoint_url=_url(env, "S3_ENDPOINT_URL", {"http", "https"}),
        s3_access_key_id=env.get("S3_ACCESS_KEY_ID") or None,
        s3_secret_access_key=env.get("S3_SECRET_ACCESS_KEY") or None,
        s3_region=env.get("S3_REGION") or "us-east-1",
        openai_base_url=_url(env, "OPENAI_BASE_URL", {"http", "https"}),
        openai_api_key=env.get("OPENAI_API_KEY") or None,
        openai_model=env.get("OPENAI_MODEL") or "gpt-4o-mini",
        smtp_url=_url(env, "SMTP_URL", {"smtp", "smtps"}),
        mail_from=env.get("MAIL_FROM") or "noreply@shopapp.local",
        public_url=(_url(env, "PUBLIC_URL", {"http", "https"}) or f"http://localhost:{port}").rstrip("/"),
        unpaid_order_ttl_seconds=_int(env, "UNPAID_ORDER_TTL_SECONDS", 1800, low=10, high=30 * 86400),
        session_ttl_seconds=_int(env, "SESSION_TTL_SECONDS", 30 * 86400, low=60, high=365 * 86400),
        run_jobs=_bool(env, "RUN_JOBS", True),
        log_level=_choice(env, "LOG_LEVEL", "INFO", {"DEBUG", "INFO", "WARNING", "ERROR"}),
        alipay_app_id=env.get("ALIPAY_APP_ID") or None,
        alipay_private_key=env.get("ALIPAY_PRIVATE_KEY") or None,
        alipay_public_key=env.get("ALIPAY_PUBLIC_KEY") or None,
        alipay_gateway=_url(env, "ALIPAY_GATEWAY", {"http", "https"}) or "https://openapi.alipay.com/gateway.do",
        auto_complete_days=_int(env, "AUTO_COMPLETE_DAYS", 7, low=1, high=90),
        tracking_url=_url(env, "TRACKING_URL", {"http", "https"}),
        tracking_customer=env.get("TRACKING_CUSTOMER") or None,
        tracking_key=env.get("TRACKING_KEY") or None,
        sandbox_payments=_bool(env, "SANDBOX_PAYMENTS", True),
        trusted_proxy_hops=_int(env, "TRUSTED_PROXY_HOPS", 0, low=0, high=5),
        # A published demo password must never reach a production database: by default only the
        # embedded SQLite, the one a newcomer's `make run` makes, gets the demo shop.
        demo_shop=_bool(env, "DEMO_SHOP", _embedded(database_url, data_dir)),
        demo_password=env.get("DEMO_PASSWORD") or None,
        redis_retry_seconds=_int(env, "REDIS_RETRY_SECONDS", 5, low=0, high=300),
        host=_host(env),
        workers=_workers(env, shared_state=redis_url is not None),
        platform_domain=_platform_domain(env),
        dns_nameserver=env.get("DNS_NAMESERVER") or None,
        payment_keys_key=env.get("PAYMENT_KEYS_KEY") or None,
        web_server=_choice(env, "WEB_SERVER", "uvicorn", {"UVICORN", "GRANIAN"}).lower(),
        reports_exact_rows=_int(env, "REPORTS_EXACT_ROWS", 50_000, low=0, high=10**9),
    )


def _platform_domain(env) -> str | None:
    raw = (env.get("PLATFORM_DOMAIN") or "").strip().lower().rstrip(".")
    if not raw:
        return None
    if not _HOSTNAME.match(raw) or "." not in raw:
        raise SettingsError(f"PLATFORM_DOMAIN must be a domain name such as shops.example, got {raw!r}")
    return raw


def _embedded(database_url: str, data_dir: Path) -> bool:
    """True when the database is an SQLite file inside DATA_DIR (the default when DATABASE_URL is unset)."""
    if not database_url.startswith("sqlite:///"):
        return False
    return Path(database_url.split(":///", 1)[1]).resolve().is_relative_to(data_dir)


# Reflex's own rule for its production server (reflex.utils.processes.get_num_workers).
MAX_DEFAULT_WORKERS = 8
_HOSTNAME = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$")


def default_workers(*, shared_state: bool) -> int:
    """One worker without Redis (UI state lives in that process); with it, as many as Reflex would start."""
    if not shared_state:
        return 1
    return min((os.cpu_count() or 1) * 2 + 1, MAX_DEFAULT_WORKERS)


def _workers(env, *, shared_state: bool) -> int:
    workers = _int(env, "WORKERS", default_workers(shared_state=shared_state), low=1, high=64)
    if workers > 1 and not shared_state:
        # Each worker would keep its own copy of a shopper's page state: the next click, upload or
        # reconnect landing on another worker would find none. Refused rather than half-working.
        raise SettingsError(f"WORKERS={workers} needs REDIS_URL (page state shared by the workers); set REDIS_URL or WORKERS=1")
    return workers


def _host(env) -> str:
    raw = (env.get("HOST") or "0.0.0.0").strip()
    try:
        ipaddress.ip_address(raw)
    except ValueError:
        if not _HOSTNAME.match(raw):
            raise SettingsError(f"HOST must be an IP address or a host name such as 127.0.0.1, got {raw!r}") from None
    return raw


def _int(env, name: str, default: int, *, low: int, high: int) -> int:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None
    if not low <= value <= high:
        raise SettingsError(f"{name} must be between {low} and {high}, got {value}")
    return value


def _bool(env, name: str, default: bool) -> bool:
    raw = (env.get(name) or "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name} must be true or false, got {raw!r}")


def _choice(env, name: str, default: str, allowed: set[str]) -> str:
    raw = (env.get(name) or default).upper()
    if raw not in allowed:
        raise SettingsError(f"{name} must be one of {', '.join(sorted(allowed))}, got {raw!r}")
    return raw


def _url(env, name: str, schemes: set[str]) -> str | None:
    raw = env.get(name)
    if not raw:
        return None
    parsed = urlparse(raw)
    if parsed.scheme not in schemes or not (parsed.netloc or parsed.path):
        raise SettingsError(f"{name} must be a {'/'.join(sorted(schemes))}:// URL, got {raw!r}")
    return raw


def _database_url(raw: str) -> str:
    scheme = urlparse(raw).scheme
    if scheme.startswith("sqlite"):
        return raw
    if scheme in {"postgresql", "postgres", "postgresql+psycopg"}:
        # One driver everywhere: psycopg 3.
        return "postgresql+psycopg://" + raw.split("://", 1)[1]
    raise SettingsError(f"DATABASE_URL must be a sqlite:/// or postgresql:// URL, got {raw!r}")


def _stored_secret(data_dir: Path) -> str:
    """A secret generated once and kept under DATA_DIR, so restarts keep sessions and links valid."""
    path = data_dir / "secret_key"
    try:
        # O_EXCL: when several workers start at once, exactly one writes it.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()
