"""How long `make run` takes cold (fresh clone) and warm (second start), and the server's idle memory.

    python3 bench/startup.py            # clones this checkout into a temp folder and measures there
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="shopapp-startup-"))
    subprocess.run(["git", "clone", "-q", str(ROOT), str(work / "app")], check=True)
    cold = start_and_measure(work / "app", "cold (fresh clone: venv, packages, bun, build, migrate, demo)")
    warm = start_and_measure(work / "app", "warm (second start, data kept)")
    print(f"\nmake run cold: {cold[0]:.1f} s   warm: {warm[0]:.1f} s   idle RSS (all server processes): {warm[1]:.0f} MB")


def start_and_measure(app: Path, label: str) -> tuple[float, float]:
    port = _free_port()
    started = time.time()
    server = subprocess.Popen(
        ["make", "run", f"PORT={port}"], cwd=app, stdout=open(app / f"run-{port}.log", "w"),
        stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        _wait(f"http://127.0.0.1:{port}", server)
        seconds = time.time() - started
        time.sleep(10)  # let it settle: idle memory, not start-up peaks
        rss = _tree_rss_mb(server.pid)
        print(f"{label}: serving after {seconds:.1f} s, idle RSS {rss:.0f} MB")
        return seconds, rss
    finally:
        os.killpg(server.pid, signal.SIGINT)  # what Ctrl-C sends
        server.wait(timeout=60)


def _wait(url: str, server: subprocess.Popen) -> None:
    deadline = time.time() + 900
    while time.time() < deadline:
        if server.poll() is not None:
            sys.exit("make run stopped before serving")
        try:
            for path in ("/", "/api/v1/health", "/s/demo-tea"):
                urllib.request.urlopen(url + path, timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    sys.exit("make run did not serve within 15 minutes")


def _tree_rss_mb(pid: int) -> float:
    """Resident memory of the process and all its descendants (Reflex starts a few)."""
    total_kb, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total_kb += int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS")))
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except (OSError, StopIteration):
            continue
        pending.extend(int(child) for child in children)
    return total_kb / 1024


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


if __name__ == "__main__":
    main()
