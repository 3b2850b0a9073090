"""Browser journeys: the real production build, served once per test run, driven in Debian's Chromium."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from tests.api.conftest import free_port
from tests.e2e.steps import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
# Reports estimate a range's distinct counts from the days' sketches once an exact count would read more than this
# many visitor- or buyer-days (50 000 in production): low enough that a journey's few dozen visits cross it
# (test_reports), far above what one demo day holds (under ten buyers), so the other journeys' reports stay exact.
REPORTS_EXACT_ROWS = 20
IPHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True}


# A 2-core CI machine building and serving while the browser runs: give each expectation time.
expect.set_options(timeout=15_000)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
    # A journey that publishes a new design of the demo shop's home changes what every other journey
    # reads: it runs after them. A module serving a platform of its own builds the front end again in
    # this checkout's .web/, with its own port baked in: every later page of the session's platform would
    # talk to the wrong server and break its Content-Security-Policy hashes. Such modules run last of all.
    items.sort(key=lambda item: (item.get_closest_marker("own_platform") is not None,
                                 item.get_closest_marker("changes_demo_home") is not None))


@pytest.fixture(scope="session")
def platform_data() -> Path:
    """The served platform's private data folder (its SQLite database is shopapp.db in it)."""
    return Path(tempfile.mkdtemp(prefix="shopapp-e2e-"))


@pytest.fixture(scope="session")
def dns_zone():
    """The DNS server the served platform checks custom domains with (DNS_NAMESERVER): journeys set records in it."""
    from tests.dns_fake import dns_server

    with dns_server() as (zone, address):
        zone.address = address
        yield zone


@pytest.fixture(scope="session")
def platform_url(platform_data, dns_zone) -> str:
    """`make run` itself (`python -m shopapp serve`: migrate, seed the demo, build the front end, serve it under
    Granian), on a private data folder and port; its page states in Redis when E2E_REDIS_URL is set (.ci/run's
    storefront journeys on Redis: the state manager production runs, shopapp/redis_states.py)."""
    redis = {"REDIS_URL": os.environ["E2E_REDIS_URL"]} if os.environ.get("E2E_REDIS_URL") else {}
    with serving_platform(platform_data, DNS_NAMESERVER=dns_zone.address, REPORTS_EXACT_ROWS=str(REPORTS_EXACT_ROWS), **redis) as url:
        yield url


@contextlib.contextmanager
def serving_platform(data_dir: Path, **extra_env: str):
    """The platform served from `data_dir` until the block ends; `extra_env` (REDIS_URL=...) on top."""
    with serving(data_dir, **extra_env) as (url, _serve):
        yield url


@contextlib.contextmanager
def serving(data_dir: Path, **settings: str):
    """`python -m shopapp serve` on `data_dir` and a free port, with `settings` on top of the embedded defaults
    (no DATABASE_URL, no REDIS_URL unless given); yields (url, the serve process) once it answers."""
    port = free_port()
    env = {
        **os.environ, "DATA_DIR": str(data_dir), "PORT": str(port),
        "DEMO_PASSWORD": DEMO_PASSWORD,
        "REFLEX_TELEMETRY_ENABLED": "false", "REFLEX_CHECK_LATEST_VERSION": "false", "REFLEX_USE_SYSTEM_BUN": "1",
    }
    for name in ("DATABASE_URL", "REDIS_URL", "REFLEX_REDIS_URL", "WORKERS"):
        env.pop(name, None)
    env.update(settings)
    env["PATH"] = f"{ROOT / '.tools/node_modules/.bin'}:{Path(sys.executable).parent}:{env['PATH']}"
    log = open(data_dir / "server.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "shopapp", "serve"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    # localhost, as in PUBLIC_URL: links the platform builds (pay pages, order pages) stay on one origin.
    url = f"http://localhost:{port}"
    try:
        _wait_until_serving(url, server, log.name)
        yield url, server
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def _wait_until_serving(url: str, server: subprocess.Popen, log_path: str) -> None:
    deadline = time.time() + 600
    while time.time() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server stopped while starting:\n{Path(log_path).read_text()[-3000:]}")
        try:
            if httpx.get(url + "/", timeout=2).status_code == 200 and httpx.get(url + "/api/v1/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise RuntimeError(f"the server did not start in time:\n{Path(log_path).read_text()[-3000:]}")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def watch_the_policy(context) -> list[str]:
    """Every Content-Security-Policy violation any page of `context` meets: the journeys must pass the
    policy the platform sends, so a test that met one fails (a blocked script or style is a broken page)."""
    violations: list[str] = []
    context.expose_function("__cspViolation", lambda text: violations.append(text))
    context.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => window.__cspViolation("
        "`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} on ${location.pathname} (${e.sourceFile}:${e.lineNumber})`))"
    )

    def on_console(message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            violations.append(message.text)

    context.on("console", on_console)
    return violations


@pytest.fixture
def page(browser, platform_url):
    context = browser.new_context(base_url=platform_url, viewport={"width": 1280, "height": 900})
    violations = watch_the_policy(context)
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()
    assert violations == [], "the page broke its Content-Security-Policy"


@pytest.fixture
def phone(browser, platform_url):
    context = browser.new_context(base_url=platform_url, **IPHONE)
    violations = watch_the_policy(context)
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()
    assert violations == [], "the page broke its Content-Security-Policy"
