"""`python -m shopapp serve` says the platform is ready once, when it answers, with the addresses to open, and
passes on none of Reflex's start-up lines that would mislead (a premature address, `reflex run` advice, Node 20)."""

import socket
import stat
import sys
import textwrap

from shopapp import cli
from shopapp.settings import load_settings

FAKE_REFLEX = textwrap.dedent("""\
    #!{python}
    # Stands in for `reflex run --env prod --single-port --backend-port PORT`: says what Reflex says, builds, serves.
    import http.server, sys, threading, time
    port = int(sys.argv[sys.argv.index("--backend-port") + 1])
    print("Initialized shopapp using the blank template. Run `uv run reflex run` to start the app.", flush=True)
    print("Warning: Your version (20.19.2) of Node.js is out of date. Upgrade to 22.22 or higher.", flush=True)
    print("Warning: Page s/[slug]/cart is being redefined with the same component.", flush=True)
    print("─" * 80 + " App Running " + "─" * 80, flush=True)
    print("App running at: http://0.0.0.0:%d/" % port, flush=True)
    # Reflex draws its lines as wide as COLUMNS says: wide enough, none is wrapped (and half filtered).
    import os
    print("columns %s" % os.environ.get("COLUMNS"), flush=True)
    print("Compiling: 100% 52/52", flush=True)
    time.sleep(1.5)
    class Ok(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200); self.end_headers(); self.wfile.write(b"ok")
        def log_message(self, *args):
            pass
    server = http.server.HTTPServer(("127.0.0.1", port), Ok)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    time.sleep(3)
    print("shutting down", flush=True)
""")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_prints_one_ready_line_with_the_demo_addresses_only_once_it_answers(tmp_path, monkeypatch, capfd):
    fake = tmp_path / "bin" / "reflex"
    fake.parent.mkdir()
    fake.write_text(FAKE_REFLEX.format(python=sys.executable))
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{fake.parent}:{__import__('os').environ['PATH']}")
    monkeypatch.setattr(cli, "_migrate", lambda: 0)
    monkeypatch.setattr(cli, "demo_on_first_start", lambda settings: "made-for-this-install")
    monkeypatch.setattr(cli, "_demo_shop_exists", lambda: True)
    port = _free_port()
    settings = load_settings({"DATA_DIR": str(tmp_path), "PORT": str(port)})

    assert cli._serve(settings) == 0
    out = capfd.readouterr().out
    lines = out.splitlines()
    ready = [line for line in lines if "is ready" in line]
    assert ready == [
        f"开店宝 shopapp is ready: http://localhost:{port}  ·  demo shop http://localhost:{port}/s/demo-tea"
        f"  ·  console http://localhost:{port}/login (demo@example.com / made-for-this-install, shown only now)"
        "  ·  Ctrl-C stops"
    ]
    assert lines.index(ready[0]) > lines.index("Compiling: 100% 52/52")  # after the build, not before
    for misleading in ("reflex run", "Node.js", "App running at", "0.0.0.0", "serving on", "redefined"):
        assert misleading not in out
    assert "columns 200" in lines
    assert all(len(line) <= 100 for line in lines if "App Running" in line)  # Reflex's rule, as wide as the terminal
