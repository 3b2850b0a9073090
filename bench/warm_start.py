"""`make run` after a code change (front end rebuilt) and again with the code unchanged (build kept).

    .venv/bin/python bench/warm_start.py                 # in this checkout; its own port and data folder
    .venv/bin/python bench/warm_start.py --runs 3        # each start 3 times
    .venv/bin/python bench/warm_start.py --clean-web     # the first start also sets up .web from nothing
    .venv/bin/python bench/warm_start.py --baseline      # also `reflex run --env prod --single-port`, as serve ran it before

The data folder is made first (migrations, demo shop) and is not timed: both starts find it, as a
second `make run` does. "rebuilt" drops the build's fingerprint (.web/build/shopapp-source.sha256),
which is what any change to shopapp/, assets/ or rxconfig.py does. Each start is timed from
`make run` until `/`, `/api/v1/health` and the demo storefront all answer 200, then stopped with
SIGINT (Ctrl-C). Prints the load average (`uptime`) before each start: the machine is shared.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PATHS = ("/", "/api/v1/health", "/s/demo-tea")
FINGERPRINT = ROOT / ".web" / "build" / "shopapp-source.sha256"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--clean-web", action="store_true", help="remove .web before the first start")
    parser.add_argument("--baseline", action="store_true",
                        help="also time what `python -m shopapp serve` ran before: reflex run --env prod (rebuilds every time)")
    args = parser.parse_args()
    # PORT and DATA_DIR from the environment when given (a shared machine), else a free port and a temporary folder.
    data = Path(os.environ.get("DATA_DIR") or tempfile.mkdtemp(prefix="shopapp-warm-start-"))
    env = {**os.environ, "DATA_DIR": str(data), "PORT": os.environ.get("PORT") or str(_free_port())}
    for command in (["migrate"], ["seed-demo"]):
        subprocess.run([sys.executable, "-m", "shopapp", *command], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    print(f"commit {_commit()}, {os.cpu_count()} cores, data in {data}")
    if args.clean_web:
        shutil.rmtree(ROOT / ".web", ignore_errors=True)
        print(f"from nothing (.web removed): {_start(env, 'clean'):.1f} s")
    rebuilt, warm, baseline = [], [], []
    for run in range(args.runs):
        if args.baseline:
            baseline.append(_start(env, f"reflex-run-{run}", REFLEX_RUN + [env["PORT"]]))
            print(f"run {run + 1}: reflex run --env prod {baseline[-1]:.1f} s")
        FINGERPRINT.unlink(missing_ok=True)
        rebuilt.append(_start(env, f"rebuilt-{run}"))
        warm.append(_start(env, f"warm-{run}"))
        print(f"run {run + 1}: after a code change {rebuilt[-1]:.1f} s, unchanged code {warm[-1]:.1f} s")
    if baseline:
        print(f"\nreflex run --env prod --single-port (before): median {statistics.median(baseline):.1f} s")
    print(f"\nmake run after a code change: median {statistics.median(rebuilt):.1f} s"
          f"   unchanged code: median {statistics.median(warm):.1f} s   ({args.runs} run(s) each)")
    if not os.environ.get("DATA_DIR"):
        shutil.rmtree(data, ignore_errors=True)


# What `python -m shopapp serve` started before it built and served by itself (its migrations are done already).
REFLEX_RUN = [str(ROOT / ".venv/bin/reflex"), "run", "--env", "prod", "--single-port", "--backend-port"]


def _start(env: dict, label: str, command: list[str] | None = None) -> float:
    """Seconds from `make run` (or `command`) until every page of PATHS answers 200."""
    print(f"  {label}: load before: {_uptime()}")
    log = open(Path(env["DATA_DIR"]) / f"run-{label}.log", "w")
    started = time.monotonic()
    if command:  # what the Makefile would have set for it
        env = {**env, "PATH": f"{ROOT / '.tools/node_modules/.bin'}:{ROOT / '.venv/bin'}:{env['PATH']}",
               "REFLEX_USE_SYSTEM_BUN": "1", "REFLEX_TELEMETRY_ENABLED": "false", "REFLEX_CHECK_LATEST_VERSION": "false"}
    server = subprocess.Popen(command or ["make", "run"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    try:
        _wait(f"http://127.0.0.1:{env['PORT']}", server, log.name)
        return time.monotonic() - started
    finally:
        os.killpg(server.pid, signal.SIGINT)  # what Ctrl-C sends
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        time.sleep(1)  # the port and the workers are gone before the next start


def _wait(url: str, server: subprocess.Popen, log: str) -> None:
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"make run stopped before serving; see {log}")
        try:
            for path in PATHS:
                urllib.request.urlopen(url + path, timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"make run did not serve within 15 minutes; see {log}")


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def _commit() -> str:
    return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


if __name__ == "__main__":
    main()
