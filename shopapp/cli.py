"""`python -m shopapp <command>`: serve, migrate, seed-demo, jobs, settings, docs."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import threading
import urllib.parse
import urllib.request

from shopapp import frontend
from shopapp.server import redis_problem
from shopapp.settings import VARIABLES, SettingsError, get_settings

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shopapp", description="shopapp platform commands")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="check settings, migrate, seed the demo shop on first start, serve on PORT")
    commands.add_parser("migrate", help="apply database migrations")
    seed = commands.add_parser("seed-demo", help="create the demo tea shop (skipped if it exists)")
    seed.add_argument("--if-empty", action="store_true", help="only when the platform has no shop yet")
    commands.add_parser("jobs", help="run scheduled jobs in this process (set RUN_JOBS=false on the web workers)")
    commands.add_parser("settings", help="check the environment and list every variable")
    commands.add_parser("docs", help="write docs/api.md and docs/settings.md from the code")
    args = parser.parse_args(argv)

    try:
        settings = get_settings()
    except SettingsError as exc:
        print(f"shopapp: bad setting: {exc}", file=sys.stderr)
        return 2
    from shopapp.logs import setup_logging

    setup_logging()
    if args.command == "settings":
        for name, default, meaning in VARIABLES:
            print(f"{name:<70} default {default}\n    {meaning}")
        print(f"\nin effect: database {settings.database_url.split('@')[-1]}, data {settings.data_dir},"
              f" listening on {settings.host}:{settings.port}, {settings.workers} worker(s)")
        return 0
    if args.command == "docs":
        from shopapp.docs import write_docs

        for path in write_docs():
            print(f"wrote {os.path.relpath(path, ROOT)}")
        return 0
    if args.command == "migrate":
        return _migrate()
    if args.command == "seed-demo":
        return _seed_demo(if_empty=args.if_empty)
    if args.command == "jobs":
        from shopapp import jobs

        jobs.main_loop()
        return 0
    return _serve(settings)


def _migrate() -> int:
    from shopapp import migrations

    migrations.upgrade()
    print("database is up to date")
    return 0


def _seed_demo(*, if_empty: bool) -> int:
    from shopapp import demo

    created = demo.seed_demo(if_empty=if_empty)
    if created:
        print(f"demo shop ready: /s/{demo.DEMO_SLUG}  (log in as {demo.DEMO_EMAIL} / {demo.DEMO_PASSWORD})")
    return 0


def _serve(settings) -> int:
    """Migrate, seed the demo on a first start, build the front end if the code changed since its
    last build, then serve it with the backend under Granian (shopapp/server.py: workers that die
    are started again), and say so in one line only once it answers. Reflex's own lines at
    start-up ("Run `uv run reflex run` to start the app", Node 20 "out of date" though bun does
    the building, an address before anything listens) would only mislead."""
    if settings.redis_url and (problem := redis_problem(settings.redis_url)):
        print(f"shopapp: REDIS_URL: cannot reach Redis ({problem})", file=sys.stderr)
        return 2
    _migrate()
    _seed_demo(if_empty=True)
    for warning in start_warnings(settings):
        print(f"warning: {warning}", flush=True)
    env = dict(os.environ)
    if settings.redis_url:
        env.setdefault("REFLEX_REDIS_URL", settings.redis_url)
    # Wide enough that Reflex never wraps a line: a filtered line would leave its tail behind.
    env["COLUMNS"] = str(PIPE_COLUMNS)
    width = shutil.get_terminal_size().columns
    built = _build_front_end(settings, env, width)
    if built != 0:
        return built
    print(f"starting {settings.workers} worker{'s' if settings.workers > 1 else ''}, port {settings.port} {_interfaces(settings)}",
          flush=True)
    # Same process group: Ctrl-C reaches Granian's supervisor directly, and it stops its workers.
    server = subprocess.Popen(server_command(), cwd=ROOT, env=env, **PIPED)
    ready = threading.Event()
    threading.Thread(target=_announce_when_ready, args=(server, settings, ready), daemon=True).start()
    try:
        return _pass_on(server, width)
    except KeyboardInterrupt:
        return server.wait()
    finally:
        ready.set()


PIPED = {"stdout": subprocess.PIPE, "stderr": subprocess.STDOUT, "text": True, "errors": "replace", "bufsize": 1}


def server_command() -> list[str]:
    return [sys.executable, "-m", "shopapp.server"]


def _build_front_end(settings, env: dict, width: int) -> int:
    """`reflex export` when the code changed since the last build (shopapp/frontend.py); 0 when all is well."""
    if frontend.is_current(settings):
        print("front end unchanged since its last build: starting (Ctrl-C stops)", flush=True)
        return 0
    print("building the front end (a minute or two, only after the code changed; Ctrl-C stops)", flush=True)
    build = subprocess.Popen(frontend.build_command(), cwd=ROOT, env=env, **PIPED)
    try:
        built = _pass_on(build, width)
    except KeyboardInterrupt:
        build.wait()
        return 130  # stopped by the operator: no "build failed" on top
    if built != 0:
        print(f"shopapp: the front-end build failed (exit {built}); the lines above say why", file=sys.stderr)
        return built
    frontend.mark_current(settings)
    return 0


def _pass_on(process: subprocess.Popen, width: int) -> int:
    """Pass the process's lines on, but not the misleading ones; its exit code."""
    for line in process.stdout:
        if not is_misleading(line):
            sys.stdout.write(fitted(line, width))
            sys.stdout.flush()
    return process.wait()


def _interfaces(settings) -> str:
    # Not "0.0.0.0:8000": an address nobody can open, said before anything listens (ready_line says where).
    return "on every interface" if settings.host in {"0.0.0.0", "::"} else f"on {settings.host} only"


def start_warnings(settings) -> list[str]:
    """What an operator should fix before real shoppers arrive, said once at start."""
    warnings = []
    host = urllib.parse.urlsplit(settings.public_url).hostname or ""
    if not settings.uses_sqlite and (host in {"localhost", "::1"} or host.startswith("127.")):
        warnings.append(
            f"PUBLIC_URL is {settings.public_url} while the database is not the embedded SQLite: links in e-mail,"
            " canonical URLs and the live websocket's allowed origin use it; set PUBLIC_URL to the address shoppers use")
    return warnings


# Lines of Reflex's build and server that are wrong or premature for a platform started by `python -m shopapp serve`.
MISLEADING = (
    re.compile(r"Run `uv run reflex run` to start the app|reflex run` to start|Initialized \S+ using"),
    re.compile(r"Node\.js is out of date"),  # bun builds the front end; Node 20 is fine (README)
    re.compile(r"^\s*(App|Backend) running at"),  # said before it answers; ready_line says it when it does
    # The page modules register their pages as they are imported, once by us and once by Reflex's compile.
    re.compile(r"Page \S+ is being redefined with the same component"),
    # Granian's advice against more workers than cores: WORKERS' default is Reflex's 2 × cores + 1 on
    # purpose (a worker mostly waits on the database), and an operator's own choice needs no nagging.
    re.compile(r"number of workers appears to be higher than the amount of CPU cores"),
)
PIPE_COLUMNS = 200
RULE = "─"


def is_misleading(line: str) -> bool:
    return any(pattern.search(line) for pattern in MISLEADING)


def fitted(line: str, width: int) -> str:
    """Reflex's section rules ("──── App Running ────"), drawn PIPE_COLUMNS wide, as wide as this terminal."""
    if not line.startswith(RULE * 3):
        return line
    title = line.strip().strip(RULE).strip()
    side = max(3, (width - len(title) - 2) // 2)
    return f"{RULE * side} {title} {RULE * side}\n" if title else RULE * width + "\n"


def ready_line(settings, demo_shop: bool) -> str:
    """The one line that says the platform answers, with the addresses to open."""
    base = settings.public_url
    line = f"开店宝 shopapp is ready: {base}"
    if demo_shop:
        from shopapp import demo

        line += (f"  ·  demo shop {base}/s/{demo.DEMO_SLUG}  ·  console {base}/login"
                 f" ({demo.DEMO_EMAIL} / {demo.DEMO_PASSWORD})")
    return line + "  ·  Ctrl-C stops"


def _announce_when_ready(server: subprocess.Popen, settings, done: threading.Event) -> None:
    local = f"http://127.0.0.1:{settings.port}"
    while not done.is_set() and server.poll() is None:
        if _answers(local + "/api/v1/health") and _answers(local + "/"):
            print(ready_line(settings, _demo_shop_exists()), flush=True)
            return
        done.wait(1)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:
            return answer.status == 200
    except (OSError, ValueError):
        return False


def _demo_shop_exists() -> bool:
    from shopapp import demo
    from shopapp.db import session_scope
    from shopapp.services.core.errors import NotFound
    from shopapp.services.shops import shops

    try:
        with session_scope() as session:
            shops.shop_by_slug(session, demo.DEMO_SLUG)
    except NotFound:
        return False
    return True
