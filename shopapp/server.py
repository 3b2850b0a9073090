"""The platform's web server: the Reflex app (front end, state websocket, /api/v1) on one port
under uvicorn (or Granian, WEB_SERVER=granian), with a worker that dies started again.

`python -m shopapp.server [--backend-only]`, started by `python -m shopapp serve` once the front
end is built (shopapp/frontend.py), and by tests/live_backend.py. HOST, PORT, WORKERS and
WEB_SERVER come from the settings.

Why not `reflex run --env prod`: it rebuilds the front end at every start, and it starts its server
without a supervisor that replaces a dead worker, so one worker killed (out of memory, a crash in a
C library) stopped the whole platform ("Unexpected exit from worker-2"). Here the supervisor forks
a new worker in its place at once. While one is gone the others take the new connections, and the
dead one's requests in flight are lost (clients see a reset, never a half-placed order: each
request is one database transaction). With a single worker, connections wait for the second or so
until its successor serves.

Why uvicorn by default (issue 17): every shopper's tab holds a websocket, and Granian 2.8.9 keeps a
128 KiB read buffer per websocket (tokio-tungstenite's, not configurable): ~170 KB per connected tab
with python-engineio's session, against ~40 KB under uvicorn (bench/server_memory.py). The workers
are ours (UvicornWorkers: forked from the loaded app, a socket each), not uvicorn's supervisor, which
spawns fresh interpreters (~6 s of CPU each to import the app) that share one listening socket.
Under Granian the same worker dying again within 5.5 s of its restart stops the platform (a crash
loop); under uvicorn a worker is started again every time, except one that fails before it serves.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import multiprocessing
import os
import signal
import socket
import sys
import time

from shopapp import frontend, heap_probe
from shopapp.settings import SettingsError, get_settings

log = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shopapp.server", description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend-only", action="store_true",
                        help="serve the API and the state websocket without the built front end (load tests)")
    args = parser.parse_args(argv)
    try:
        settings = get_settings()
    except SettingsError as exc:
        log.error("shopapp: bad setting: %s", exc)  # logging's last-resort handler writes it to stderr
        return 2
    if not args.backend_only and not frontend.client_dir().is_dir():
        log.error("shopapp: no front-end build in %s: `python -m shopapp serve` builds it", frontend.client_dir())
        return 2
    # What `reflex run --env prod --single-port` sets for its workers: production mode, no compile
    # in the workers (the front end is built already), and the build served beside the backend.
    from reflex_base import constants
    from reflex_base.environment import environment

    environment.REFLEX_ENV_MODE.set(constants.Env.PROD)
    environment.REFLEX_SKIP_COMPILE.set(True)
    environment.REFLEX_MOUNT_FRONTEND_COMPILED_APP.set(not args.backend_only)
    # REDIS_URL reaches Reflex as REFLEX_REDIS_URL through rxconfig.py, unless `serve` found Redis down.
    serve(settings)
    return 0


def worker_count(settings, environ) -> int:
    """WORKERS, but one when `serve` started without Redis: page state then lives in that one process."""
    from shopapp import redis_watch

    return 1 if environ.get(redis_watch.STARTED_WITHOUT_REDIS) else settings.workers


# Redis connections for page state across all the workers. Reflex makes two pooled clients in each worker
# (the state manager's, the websocket token manager's; each keeps one to three pub/sub listeners), and
# without a cap each pool opens a connection per event in flight: 108 grew to 2 804 clients after bursts.
# An event's Redis commands take well under a millisecond each, so a few dozen per worker serve any
# burst this machine can compute; an event finding them all busy waits (REFLEX_REDIS_POOL_TIMEOUT, 2 s).
REDIS_CONNECTIONS = 128
MIN_REDIS_POOL = 8  # Reflex refuses under 3 (its pub/sub listeners), and a worker needs some beside them


def redis_pool_size(workers: int) -> int:
    """REFLEX_REDIS_MAX_CONNECTIONS for each of a worker's Redis clients: REDIS_CONNECTIONS shared
    between the workers' two clients each, never under MIN_REDIS_POOL."""
    return max(MIN_REDIS_POOL, REDIS_CONNECTIONS // (2 * max(workers, 1)))


def reflex_redis_pool(settings, environ, workers: int) -> None:
    """With REDIS_URL, cap Reflex's Redis pools from the worker count, unless the operator set
    REFLEX_REDIS_MAX_CONNECTIONS (Reflex's own variable) themselves."""
    if settings.redis_url and not environ.get("REFLEX_REDIS_MAX_CONNECTIONS"):
        environ["REFLEX_REDIS_MAX_CONNECTIONS"] = str(redis_pool_size(workers))


def serve(settings) -> None:
    from reflex.utils import exec as reflex_exec

    workers = worker_count(settings, os.environ)
    # Before the app is imported and the workers forked: they read it when they make their clients.
    reflex_redis_pool(settings, os.environ, workers)
    _fork_from_a_loaded_app(reflex_exec)
    reflex_exec.get_app_instance_from_file()  # checks the app's module is there, as `reflex run` does
    # Reflex's app (shopapp.shopapp:app, a factory), with the live websocket's short way in front of it.
    target = SERVED_APP
    if settings.web_server == "granian":
        _serve_granian(settings, target, workers)
    else:
        _serve_uvicorn(settings, target, workers)


SERVED_APP = "shopapp.socket_path:asgi_app"

# uvicorn's websocket: ~25 KB per connected tab with python-engineio's session, against Granian's ~170 KB
# (bench/server_memory.py). SHOPAPP_UVICORN_WS picks another of uvicorn's for measuring.
UVICORN_WEBSOCKETS = os.environ.get("SHOPAPP_UVICORN_WS") or "websockets-sansio"


def _websocket_protocol():
    """uvicorn's websockets-sansio with a lighter queue of messages in (tab_socket.TabWebSocket), unless
    SHOPAPP_UVICORN_WS names one of uvicorn's own."""
    if os.environ.get("SHOPAPP_UVICORN_WS"):
        return UVICORN_WEBSOCKETS
    from shopapp.tab_socket import TabWebSocket

    return TabWebSocket


def _serve_uvicorn(settings, target: str, workers: int) -> None:
    import uvicorn

    config = uvicorn.Config(
        target, factory=True, host=settings.host, port=settings.port, workers=workers,
        ws=_websocket_protocol(),
        # Engine.io pings every tab every 25 s already; a second ping at the websocket level is only cost.
        ws_ping_interval=None,
        # Chromium asks for permessage-deflate on every websocket; granted, each tab would keep a zlib
        # window pair (~300 KB). Granian never granted it; Reflex's deltas are small JSON anyway.
        ws_per_message_deflate=False,
        # Who the shopper is comes from TRUSTED_PROXY_HOPS (shopapp.api.deps.client_ip), never from a
        # header uvicorn would believe for any loopback peer.
        proxy_headers=False, server_header=False, access_log=False,
        log_level=_server_log_level().lower(),
        timeout_graceful_shutdown=10,  # as Granian's workers_kill_timeout: finish requests, not for ever
    )
    config.configure_logging()
    listeners = [_listener(settings.host, settings.port, config.backlog) for _ in range(workers)]
    sys.exit(UvicornWorkers(config, listeners).run())


def _listener(host: str, port: int, backlog: int) -> socket.socket:
    """A listening socket of its own for one worker, SO_REUSEPORT: the kernel spreads new connections
    evenly over the workers, as under Granian. On one shared socket (uvicorn's own supervisor) the
    worker that woke first accepted a whole burst: 500 tabs at once were served in 25.8 s, not 13.3.

    The protocol is named (IPPROTO_TCP, not the default 0) because asyncio turns Nagle off on an accepted
    socket only when its `proto` says TCP, and an accepted socket takes the listener's. With Nagle on, a
    page's second delta (a navigation's load, after on_load_internal's) waited for the browser's delayed
    ACK of the first: 40 ms more on every navigation (bench/README.md, session 13)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(backlog)
    sock.set_inheritable(True)
    return sock


class UvicornWorkers:
    """One uvicorn server per listening socket, each in a process forked from the loaded app; a worker
    that dies is forked again on its socket (the connections queued there wait for it, not lost). One
    that fails before it serves (a broken app, the database URL refused) stops the platform instead of
    spinning. SIGTERM or SIGINT: every worker finishes its requests (10 s at most) and the platform stops."""

    def __init__(self, config, listeners: list[socket.socket]):
        self.config, self.listeners = config, listeners
        self.running: dict[int, int] = {}  # pid -> index of its socket
        self.stopping = False

    def run(self) -> int:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._stop)
        for index in range(len(self.listeners)):
            self._start(index)
        while not self.stopping:
            time.sleep(0.1)
            if (failed := self._reap()) is not None:
                log.error("shopapp: a worker failed to start (exit %s): stopping", failed)
                self.stopping = True
                self._stop_all()
                return 1
        self._stop_all()
        return 0

    def _start(self, index: int) -> None:
        pid = os.fork()
        if pid:
            self.running[pid] = index
            return
        code = 0
        try:
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, signal.SIG_DFL)  # uvicorn's server sets its own as it starts
            heap_probe.start_in_worker()  # only when measuring (SHOPAPP_HEAP_PROBE)
            import uvicorn

            uvicorn.Server(self.config).run(sockets=[self.listeners[index]])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except BaseException:
            log.exception("shopapp: worker %s crashed", os.getpid())
            code = 1
        finally:
            for stream in (sys.stdout, sys.stderr):
                with contextlib.suppress(Exception):
                    stream.flush()  # os._exit skips it: a worker's last lines would be lost
            os._exit(code)

    def _reap(self) -> int | None:
        """Start again every worker that died; the exit status of one that never served, else None."""
        from uvicorn.config import STARTUP_FAILURE

        while self.running:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if not pid:
                return None
            index = self.running.pop(pid, None)
            if index is None:
                continue
            if os.WIFEXITED(status) and os.WEXITSTATUS(status) == STARTUP_FAILURE:
                return STARTUP_FAILURE
            log.warning("shopapp: worker %s died (%s); starting another", pid, _how(status))
            self._start(index)
        return None

    def _stop(self, *_):
        self.stopping = True

    def _stop_all(self) -> None:
        for pid in self.running:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + self.config.timeout_graceful_shutdown + 5
        while self.running and time.monotonic() < deadline:
            pid, _status = os.waitpid(-1, os.WNOHANG)
            if pid:
                self.running.pop(pid, None)
            else:
                time.sleep(0.1)
        for pid in self.running:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def _how(status: int) -> str:
    return f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else f"exit {os.WEXITSTATUS(status)}"


def _serve_granian(settings, target: str, workers: int) -> None:
    from granian.constants import Interfaces
    from granian.log import LogLevels
    from granian.server import Server
    from reflex.utils import exec as reflex_exec

    server = Server(
        target=target,
        factory=True,
        address=settings.host,
        port=settings.port,
        interface=Interfaces.ASGI,
        log_level=LogLevels(_server_log_level()),
        log_dictconfig=reflex_exec._granian_log_dictconfig(),
        workers=workers,
        respawn_failed_workers=True,
        # A worker asked to stop (Ctrl-C, a restart) finishes its requests, but not for ever.
        workers_kill_timeout=10,
    )
    server.serve()


def _server_log_level() -> str:
    from reflex_base.config import get_config

    return os.getenv("GRANIAN_LOG_LEVEL", get_config().loglevel.subprocess_level().value)


def _fork_from_a_loaded_app(reflex_exec) -> None:
    """As Reflex does on Linux: import the app once in the supervisor and fork the workers from it,
    so a worker (a respawned one too) starts in a fraction of a second and shares the app's pages.
    Falls back to fresh processes when Reflex says forking is unsafe (a telemetry thread alive)."""
    if multiprocessing.get_start_method() not in ("fork", "forkserver"):
        return
    multiprocessing.set_start_method("fork", force=True)
    if not reflex_exec._preload_for_fork(None):
        multiprocessing.set_start_method("spawn", force=True)


if __name__ == "__main__":
    sys.exit(main())
