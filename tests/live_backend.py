"""The real production backend in a subprocess, for load tests and benchmarks.

    with production_backend(workers=2, redis_url="redis://127.0.0.1:6379/0") as backend:
        httpx.get(backend.url + "/api/v1/health")

Runs `python -m shopapp.server --backend-only` (the server `make run` starts, with
dead workers started again, without the front end: the API needs no build) with its own data
folder, WORKERS worker processes, Redis when given, and no scheduled jobs. The whole process
group is killed on the way out, whatever happened inside the block. Shared by
tests/api/test_checkout_workers.py, tests/api/test_killed_worker.py and bench/checkout_bench.py.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import httpx

from shopapp.cli import reflex_environment

ROOT = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 60


@dataclass
class Backend:
    url: str  # http://127.0.0.1:PORT, without /api/v1
    process: subprocess.Popen
    data_dir: Path

    @property
    def log(self) -> str:
        """What the server printed so far (for failure messages)."""
        try:
            return (self.data_dir / "server.log").read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def worker_pids(self) -> set[int]:
        """The worker processes: the live children of the server's supervisor (the process we started)."""
        return live_children(self.process.pid)

    def wait_for_workers(self, count: int, *, gone: int | None = None, seconds: float = STARTUP_SECONDS) -> set[int]:
        """The workers once `count` of them run, `gone` (a killed one) not among them; raises if they never do."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if len(workers := self.worker_pids()) == count and gone not in workers:
                return workers
            time.sleep(0.1)
        raise RuntimeError(f"{count} workers expected, {self.worker_pids()} running:\n{self.log}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def production_backend(
    *, workers: int = 1, database_url: str | None = None, redis_url: str | None = None, migrate: bool = True,
) -> Iterator[Backend]:
    """Serve the platform's backend on a free port until the block ends.

    database_url: None means a fresh SQLite file in the backend's own DATA_DIR.
    migrate: apply the migrations first (False when the caller built the schema itself,
    as the test suite does with create_all).
    """
    data_dir = Path(tempfile.mkdtemp(prefix="shopapp-backend-"))
    port = free_port()
    env = _environment(data_dir, port, workers, database_url, redis_url)
    if migrate:
        subprocess.run([sys.executable, "-m", "shopapp", "migrate"], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    command = [sys.executable, "-m", "shopapp.server", "--backend-only"]
    with open(data_dir / "server.log", "wb") as log:
        # A session of its own: the supervisor and its workers share one process group,
        # so one signal to the group stops them all.
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    backend = Backend(url=f"http://127.0.0.1:{port}", process=process, data_dir=data_dir)
    try:
        _wait_until_serving(backend)
        yield backend
    finally:
        _stop(process)
        shutil.rmtree(data_dir, ignore_errors=True)


def _environment(data_dir: Path, port: int, workers: int, database_url: str | None, redis_url: str | None) -> dict:
    env = {name: value for name, value in os.environ.items()
           if name not in {"DATABASE_URL", "REDIS_URL", "REFLEX_REDIS_URL", "PORT", "PUBLIC_URL"}}
    env.update({
        "DATA_DIR": str(data_dir),
        "PORT": str(port),
        "PUBLIC_URL": f"http://127.0.0.1:{port}",
        "HOST": "127.0.0.1",
        "WORKERS": str(workers),
        "RUN_JOBS": "false",
        "LOG_LEVEL": "WARNING",
        "REFLEX_TELEMETRY_ENABLED": "false",
        "REFLEX_CHECK_LATEST_VERSION": "false",
        # Reflex's own working folders go under the data folder, not into the checkout.
        "REFLEX_WEB_WORKDIR": str(data_dir / ".web"),
        "REFLEX_STATES_WORKDIR": str(data_dir / ".states"),
        "REFLEX_UPLOADED_FILES_DIR": str(data_dir / "uploaded_files"),
        # This checkout's shopapp, not whichever one the virtual env was installed from.
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "PYTHONDONTWRITEBYTECODE": "1",
    })
    if database_url:
        env["DATABASE_URL"] = database_url
    if redis_url:
        env["REDIS_URL"] = redis_url
        # As `python -m shopapp serve` does: without Redis answering, one worker and page state in memory.
        env = reflex_environment(SimpleNamespace(redis_url=redis_url), env)
    return env


def _wait_until_serving(backend: Backend) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if backend.process.poll() is not None:
            raise RuntimeError(f"the backend stopped before serving (exit {backend.process.returncode}):\n{backend.log}")
        try:
            if httpx.get(backend.url + "/api/v1/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the backend did not serve within {STARTUP_SECONDS} s:\n{backend.log}")


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the whole group, then SIGKILL to whatever is left of it."""
    group = process.pid
    _signal_group(group, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass
    # Workers can outlive the supervisor for a moment; nothing of the group may stay behind.
    deadline = time.monotonic() + 5
    while _process_group(group) and time.monotonic() < deadline:
        time.sleep(0.1)
    _signal_group(group, signal.SIGKILL)
    if process.poll() is None:
        process.wait(timeout=5)


def _signal_group(group: int, sig: int) -> None:
    try:
        os.killpg(group, sig)
    except ProcessLookupError:
        pass


def live_children(pid: int) -> set[int]:
    """The process's children that are alive (not zombies), from /proc's process tree (each of
    its threads lists the children it forked)."""
    children = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children.update(int(child) for child in (task / "children").read_text().split())
        except OSError:
            continue
    return {child for child in children if _state(child) not in {"Z", ""}}


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return ""


def _process_group(group: int) -> set[int]:
    """Live (not zombie) processes whose process group is `group`, read from /proc."""
    members = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid pgrp ...: comm may hold spaces, so split after its closing bracket.
        state, _ppid, pgrp = stat.rsplit(")", 1)[1].split()[:3]
        if int(pgrp) == group and state != "Z":
            members.add(int(entry.name))
    return members
