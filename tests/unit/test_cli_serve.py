"""`python -m shopapp serve` builds the front end only when the code changed since its last build, says the
platform is ready once, when it answers, with the addresses to open, and passes on none of the start-up lines
that would mislead (a premature address, `reflex run` advice, Node 20)."""

import os
import socket
import stat
import sys
import textwrap

import pytest

from shopapp import cli, frontend
from shopapp.settings import load_settings

FAKE_REFLEX = textwrap.dedent("""\
    #!{python}
    # Stands in for `reflex export --frontend-only --no-zip --env prod`: says what Reflex says, builds.
    import os, pathlib, sys
    assert sys.argv[1:3] == ["export", "--frontend-only"], sys.argv
    print("Initialized shopapp using the blank template. Run `uv run reflex run` to start the app.", flush=True)
    print("Warning: Your version (20.19.2) of Node.js is out of date. Upgrade to 22.22 or higher.", flush=True)
    print("Warning: Page s/[slug]/cart is being redefined with the same component.", flush=True)
    print("─" * 80 + " Compiling production app and preparing for export. " + "─" * 80, flush=True)
    # Reflex draws its lines as wide as COLUMNS says: wide enough, none is wrapped (and half filtered).
    print("columns %s" % os.environ.get("COLUMNS"), flush=True)
    print("Compiling: 100% 52/52", flush=True)
    if os.environ.get("FAKE_BUILD_FAILS"):
        print("Error: vite could not build", flush=True)
        sys.exit(3)
    web = pathlib.Path(os.environ["REFLEX_WEB_WORKDIR"])
    (web / "build" / "client").mkdir(parents=True, exist_ok=True)
    with open(web / "builds.log", "a") as log:
        log.write("built\\n")
""")

FAKE_SERVER = textwrap.dedent("""\
    # Stands in for `python -m shopapp.server`: Granian's lines, then serving PORT for a while.
    import http.server, os, threading, time
    port = int(os.environ["PORT"])
    print("[WARNING] Configured number of workers appears to be higher than the amount of CPU cores available.", flush=True)
    time.sleep(float(os.environ.get("FAKE_STARTS_IN", "1.5")))
    class Ok(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200); self.end_headers(); self.wfile.write(b"ok")
        def log_message(self, *args):
            pass
    server = http.server.HTTPServer(("127.0.0.1", port), Ok)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    time.sleep(float(os.environ.get("FAKE_SERVES_FOR", "3")))
    print("shutting down", flush=True)
""")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def platform(tmp_path, monkeypatch):
    """A checkout in tmp_path with a fake Reflex build and a fake server; returns its settings."""
    fake = tmp_path / "bin" / "reflex"
    fake.parent.mkdir()
    fake.write_text(FAKE_REFLEX.format(python=sys.executable))
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    (tmp_path / "server.py").write_text(FAKE_SERVER)
    (tmp_path / "shopapp" / "ui").mkdir(parents=True)
    (tmp_path / "shopapp" / "ui" / "home.py").write_text("TITLE = '开店宝'\n")
    monkeypatch.setenv("PATH", f"{fake.parent}:{os.environ['PATH']}")
    monkeypatch.setenv("REFLEX_WEB_WORKDIR", str(tmp_path / ".web"))
    monkeypatch.setattr(frontend, "ROOT", tmp_path)
    monkeypatch.setattr(cli, "server_command", lambda: [sys.executable, str(tmp_path / "server.py")])
    monkeypatch.setattr(cli, "_migrate", lambda: 0)
    monkeypatch.setattr(cli, "demo_on_first_start", lambda settings: "made-for-this-install")
    monkeypatch.setattr(cli, "_demo_shop_exists", lambda: True)
    port = _free_port()
    monkeypatch.setenv("PORT", str(port))
    return load_settings({"DATA_DIR": str(tmp_path / "data"), "PORT": str(port)})


def _builds(settings) -> int:
    return (settings.data_dir.parent / ".web" / "builds.log").read_text().count("built")


def test_serve_prints_one_ready_line_with_the_demo_addresses_only_once_it_answers(platform, capfd):
    port = platform.port
    assert cli._serve(platform) == 0
    out = capfd.readouterr().out
    lines = out.splitlines()
    ready = [line for line in lines if "is ready" in line]
    assert ready == [
        f"开店宝 shopapp is ready: http://localhost:{port}  ·  demo shop http://localhost:{port}/s/demo-tea"
        f"  ·  console http://localhost:{port}/login (demo@example.com / made-for-this-install, shown only now)"
        "  ·  Ctrl-C stops"
    ]
    assert lines.index(ready[0]) > lines.index("Compiling: 100% 52/52")  # after the build, not before
    for misleading in ("reflex run", "Node.js", "App running at", "0.0.0.0", "serving on", "redefined", "CPU cores"):
        assert misleading not in out
    assert "columns 200" in lines
    assert all(len(line) <= 100 for line in lines if "preparing for export" in line)  # Reflex's rule, as wide as the terminal


def test_a_second_start_with_unchanged_code_serves_without_building_again(platform, capfd):
    assert cli._serve(platform) == 0
    assert cli._serve(platform) == 0
    out = capfd.readouterr().out
    assert _builds(platform) == 1
    assert "front end unchanged since its last build" in out
    assert out.count("is ready") == 2


def test_a_change_to_a_page_or_to_the_public_address_builds_the_front_end_again(platform, tmp_path, monkeypatch):
    monkeypatch.setenv("FAKE_STARTS_IN", "0")  # only the builds count here, not the serving
    monkeypatch.setenv("FAKE_SERVES_FOR", "0")
    assert cli._serve(platform) == 0
    (tmp_path / "shopapp" / "ui" / "home.py").write_text("TITLE = '开店宝 · 网店'\n")
    assert cli._serve(platform) == 0
    assert _builds(platform) == 2
    moved = load_settings({"DATA_DIR": str(platform.data_dir), "PORT": str(platform.port),
                           "PUBLIC_URL": "https://shop.example.com"})
    assert not frontend.is_current(moved)  # the address is compiled into the build
    monkeypatch.setenv("REFLEX_REDIS_URL", "redis://127.0.0.1:6379/3")  # read by the running server only
    assert frontend.is_current(platform)
    monkeypatch.setenv("REFLEX_FRONTEND_PATH", "/shop")  # any Reflex config field may come from REFLEX_<FIELD>
    assert not frontend.is_current(platform)


def test_an_operator_is_warned_when_a_real_database_still_links_to_localhost(tmp_path):
    def warnings(**env):
        return cli.start_warnings(load_settings({"DATA_DIR": str(tmp_path), **env}))

    postgres = "postgresql://postgres@127.0.0.1:5432/shop"
    assert warnings() == []  # trying it out on this machine: localhost is right
    assert warnings(DATABASE_URL=postgres, PUBLIC_URL="https://shop.example.com") == []
    [warning] = warnings(DATABASE_URL=postgres)
    assert "PUBLIC_URL is http://localhost:8000" in warning and "e-mail" in warning


def test_a_failed_build_serves_nothing_and_is_done_again_at_the_next_start(platform, monkeypatch, capfd):
    monkeypatch.setenv("FAKE_BUILD_FAILS", "1")
    assert cli._serve(platform) == 3
    captured = capfd.readouterr()
    assert "front-end build failed (exit 3)" in captured.err and "is ready" not in captured.out
    assert not frontend.is_current(platform)
    monkeypatch.delenv("FAKE_BUILD_FAILS")
    assert cli._serve(platform) == 0
    assert _builds(platform) == 1 and "is ready" in capfd.readouterr().out


def test_with_redis_not_answering_serve_starts_one_worker_and_says_so(platform, capfd):
    unreachable = load_settings({"DATA_DIR": str(platform.data_dir), "PORT": str(platform.port),
                                 "REDIS_URL": f"redis://127.0.0.1:{_free_port()}/0"})
    assert unreachable.workers > 1
    assert cli._serve(unreachable) == 0
    captured = capfd.readouterr()
    assert "Redis does not answer: serving with one worker" in captured.err
    assert "starting 1 worker," in captured.out and "is ready" in captured.out
