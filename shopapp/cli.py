"""`python -m shopapp <command>`: serve, migrate, seed-demo, jobs, settings."""

from __future__ import annotations

import argparse
import os
import sys

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
        print(f"\nin effect: database {settings.database_url.split('@')[-1]}, data {settings.data_dir}, port {settings.port}")
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
    _migrate()
    _seed_demo(if_empty=True)
    env = dict(os.environ)
    if settings.redis_url:
        env.setdefault("REFLEX_REDIS_URL", settings.redis_url)
    command = ["reflex", "run", "--env", "prod", "--single-port", "--backend-port", str(settings.port)]
    print(f"serving on http://localhost:{settings.port}  (Ctrl-C stops)", flush=True)
    os.chdir(ROOT)
    # exec: Ctrl-C reaches Reflex directly, and it stops everything it started.
    os.execvpe(command[0], command, env)
    return 0
