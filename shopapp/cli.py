"""`python -m shopapp <command>`: serve, migrate, seed-demo, demo-password, create-operator, jobs, settings, doctor, backup, restore, docs."""

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
from shopapp.server import worker_count
from shopapp.settings import VARIABLES, SettingsError, get_settings

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shopapp", description="shopapp platform commands")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="check settings, migrate, seed the demo shop on first start, serve on PORT")
    commands.add_parser("migrate", help="apply database migrations")
    seed = commands.add_parser("seed-demo", help="create the demo tea shop (skipped if it exists)")
    seed.add_argument("--if-empty", action="store_true", help="only when the platform has no shop yet")
    commands.add_parser("demo-password", help="give the demo shop's owner a new password and print it")
    operator = commands.add_parser("create-operator", help="make a platform operator (the only way: never a web sign-up)")
    operator.add_argument("--email", required=True)
    operator.add_argument("--password", required=True)
    commands.add_parser("jobs", help="run scheduled jobs in this process (set RUN_JOBS=false on the web workers)")
    commands.add_parser("settings", help="check the environment and list every variable")
    commands.add_parser("docs", help="write docs/api.md and docs/settings.md from the code")
    commands.add_parser("doctor", help="show every service in effect (secrets masked) and check each one answers")
    backup = commands.add_parser("backup", help="snapshot the SQLite database, media and secret key while serving")
    backup.add_argument("target", help="a new folder, or a file ending in .tar.gz")
    restore = commands.add_parser("restore", help="bring a backup back into DATA_DIR (stop the platform first)")
    restore.add_argument("source", help="a backup folder or .tar.gz made by `backup`")
    restore.add_argument("--force", action="store_true", help="replace the database and media already in DATA_DIR")
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
        print("python -m shopapp doctor shows every service in effect and checks that each one answers")
        return 0
    if args.command == "docs":
        from shopapp.docs import write_docs

        for path in write_docs():
            print(f"wrote {os.path.relpath(path, ROOT)}")
        return 0
    if args.command == "migrate":
        return _migrate()
    if args.command == "doctor":
        from shopapp.ops import doctor

        lines, healthy = doctor.report(doctor.run_checks(settings))
        print("\n".join(lines))
        return 0 if healthy else 1
    if args.command in ("backup", "restore"):
        return _backup_or_restore(settings, args)
    if args.command == "seed-demo":
        return _seed_demo(if_empty=args.if_empty)
    if args.command == "demo-password":
        return _demo_password()
    if args.command == "create-operator":
        return _create_operator(args.email, args.password)
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


def _backup_or_restore(settings, args) -> int:
    from pathlib import Path

    from shopapp.ops import backup

    elsewhere = backup.unsupported(settings)
    if elsewhere and not settings.uses_sqlite:
        print(elsewhere, file=sys.stderr)
        return 2
    try:
        if args.command == "backup":
            print(f"backed up {backup.backup(settings, Path(args.target))}")
        else:
            print(f"restored {backup.restore(settings, Path(args.source), force=args.force)} into {settings.data_dir}")
    except backup.BackupError as exc:
        print(f"shopapp {args.command}: {exc}", file=sys.stderr)
        return 1
    if elsewhere:  # SQLite, pictures in S3: the database is done, the bucket is the operator's
        print(elsewhere, file=sys.stderr)
    return 0


def _create_operator(email: str, password: str) -> int:
    from shopapp.db import session_scope
    from shopapp.i18n import error_message, field_message
    from shopapp.services.core.errors import DomainError
    from shopapp.services.platform import operators

    try:
        with session_scope() as session:
            operators.create_operator(session, email=email, password=password)
    except DomainError as exc:
        problems = [f"{name}: {field_message(code, 'en')}" for name, code in exc.fields.items()]
        print(f"shopapp create-operator: {error_message(exc.code, 'en')} {'; '.join(problems)}".strip(), file=sys.stderr)
        return 1
    print(f"operator {email.strip().lower()} created: log in at /ops/login")
    return 0


def _seed_demo(*, if_empty: bool) -> int:
    from shopapp import demo

    password = demo.seed_demo(if_empty=if_empty)
    if password:
        print(f"demo shop ready: /s/{demo.DEMO_SLUG}  (log in as {demo.DEMO_EMAIL} / {password}; shown only now)")
    elif demo.bring_up_to_date():
        print(f"demo shop /s/{demo.DEMO_SLUG} brought up to date: a coming flash sale and the home's flash-sale section")
    return 0


def _demo_password() -> int:
    from shopapp import demo

    password = demo.reset_password()
    if password is None:
        print("there is no demo shop on this platform (python -m shopapp seed-demo creates one)", file=sys.stderr)
        return 1
    print(f"demo shop owner: {demo.DEMO_EMAIL} / {password}  (the old password no longer works)")
    return 0


def demo_on_first_start(settings) -> str | None:
    """`serve`'s demo decision: seed the demo shop into an empty platform when DEMO_SHOP says so (by
    default only the embedded SQLite: never a production database), and retire the once-published
    demo password wherever it still opens the demo; a demo from an older release is brought up to date
    (demo.bring_up_to_date). Returns a password for the ready line to show once
    (only where the demo is wanted: a production log gets none), or None."""
    from shopapp import demo

    retired = demo.retire_published_password()
    if not settings.demo_shop:
        return None
    password = demo.seed_demo(if_empty=True)
    if password is None:
        demo.bring_up_to_date()  # a demo seeded by an older release gains what the demo seeds now
    return password or retired


def _serve(settings) -> int:
    """Migrate, seed the demo on a first start, build the front end if the code changed since its
    last build, then serve it with the backend under uvicorn or Granian (shopapp/server.py: workers that die
    are started again), and say so in one line only once it answers. Reflex's own lines at
    start-up ("Run `uv run reflex run` to start the app", Node 20 "out of date" though bun does
    the building, an address before anything listens) would only mislead."""
    _migrate()
    demo_password = demo_on_first_start(settings)
    for warning in start_warnings(settings):
        print(f"warning: {warning}", flush=True)
    env = reflex_environment(settings, os.environ)
    # Wide enough that Reflex never wraps a line: a filtered line would leave its tail behind.
    env["COLUMNS"] = str(PIPE_COLUMNS)
    width = shutil.get_terminal_size().columns
    built = _build_front_end(settings, env, width)
    if built != 0:
        return built
    workers = worker_count(settings, env)
    print(f"starting {workers} worker{'s' if workers > 1 else ''}, port {settings.port} {_interfaces(settings)}", flush=True)
    # Same process group: Ctrl-C reaches the server's supervisor (uvicorn's or Granian's) directly, and it stops its workers.
    server = subprocess.Popen(server_command(), cwd=ROOT, env=env, **PIPED)
    ready = threading.Event()
    threading.Thread(target=_announce_when_ready, args=(server, settings, ready, demo_password), daemon=True).start()
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


def reflex_environment(settings, environ) -> dict:
    """The environment the server (shopapp/server.py) starts with. With REDIS_URL Reflex keeps page state in
    Redis and the platform serves with several workers, but Reflex's workers will not start at all while
    Redis does not answer. The shop is not closed for that: it serves with one worker keeping page state
    in memory (server.worker_count), says so, and health says redis "degraded" until a restart finds
    Redis answering."""
    from shopapp import redis_watch

    env = dict(environ)
    if not settings.redis_url:
        return env
    if redis_watch.answers(settings.redis_url):
        env.setdefault("REFLEX_REDIS_URL", redis_watch.reflex_redis_url(settings.redis_url))
        return env
    env.pop("REFLEX_REDIS_URL", None)
    env[redis_watch.STARTED_WITHOUT_REDIS] = "1"
    print("Redis does not answer: serving with one worker and page state in memory; restart once Redis "
          "answers to share page state across workers again", file=sys.stderr, flush=True)
    return env


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


def ready_line(settings, demo_shop: bool, demo_password: str | None = None) -> str:
    """The one line that says the platform answers, with the addresses to open; the demo owner's
    password only on the start that made it (only its hash is kept)."""
    base = settings.public_url
    line = f"开店宝 shopapp is ready: {base}"
    if demo_shop:
        from shopapp import demo

        login = (f"{demo.DEMO_EMAIL} / {demo_password}, shown only now" if demo_password
                 else f"{demo.DEMO_EMAIL}; forgot the password? python -m shopapp demo-password")
        line += f"  ·  demo shop {base}/s/{demo.DEMO_SLUG}  ·  console {base}/login ({login})"
    return line + "  ·  Ctrl-C stops"


def _announce_when_ready(server: subprocess.Popen, settings, done: threading.Event, demo_password: str | None) -> None:
    local = f"http://127.0.0.1:{settings.port}"
    while not done.is_set() and server.poll() is None:
        if _answers(local + "/api/v1/health") and _answers(local + "/"):
            print(ready_line(settings, _demo_shop_exists(), demo_password), flush=True)
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
