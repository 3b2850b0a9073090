"""Issue 14's browser attacks, each refused in Chromium: a page on another port of this host reading the
owner's data or framing the console, a script reading the login cookie, a forged Host in a redirect."""

from __future__ import annotations

import http.server
import re
import threading
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.steps import log_in_as_demo_owner


@pytest.fixture
def other_port_page(platform_url) -> Iterator[str]:
    """A page on the same host, another port: same-site for the browser, but not the platform's origin."""
    pages: dict[str, bytes] = {
        "/steal": (
            "<!doctype html><title>steal</title><pre id=out>waiting</pre><script>"
            "const out = document.getElementById('out');"
            "Promise.all(['/api/v1/orders', '/api/v1/api-keys', '/api/v1/products/export'].map(path =>"
            f"  fetch('{platform_url}' + path, {{credentials: 'include'}})"
            "    .then(r => r.status + ' read', e => 'refused')))"
            ".then(results => out.textContent = results.join(','));"
            "</script>"
        ).encode(),
        "/frame": f"<!doctype html><title>frame</title><iframe id=f src='{platform_url}/console' width=800 height=600></iframe>".encode(),
    }

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the stdlib's name
            body = pages.get(self.path, b"")
            self.send_response(200 if body else 404)
            self.send_header("content-type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    # localhost like the platform (same site), another port (another origin).
    yield f"http://localhost:{server.server_port}"
    server.shutdown()


def test_the_login_cookie_is_httponly_and_set_by_the_server(page):
    log_in_as_demo_owner(page)
    cookie = next(c for c in page.context.cookies() if c["name"] == "shopapp_session")
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Strict"
    assert "shopapp_session" not in page.evaluate("document.cookie")  # no script on the page can read it
    # Still signed in after a reload: the server knows who this is from the cookie alone.
    page.reload()
    expect(page.get_by_test_id("console-shop-name")).to_have_text("一叶茶舍")


def test_logging_out_ends_the_session_and_clears_the_cookie(page):
    log_in_as_demo_owner(page)
    page.get_by_role("button", name="退出").click()
    expect(page).to_have_url(re.compile("/login/?$"))
    assert not [c for c in page.context.cookies() if c["name"] == "shopapp_session"]
    page.goto("/console")
    expect(page).to_have_url(re.compile("/login/?$"))


def test_a_page_on_another_port_cannot_read_the_owners_data(browser, platform_url, other_port_page):
    context = browser.new_context(base_url=platform_url)
    try:
        owner = context.new_page()
        log_in_as_demo_owner(owner)
        attacker = context.new_page()
        attacker.goto(other_port_page + "/steal")
        expect(attacker.locator("#out")).to_have_text("refused,refused,refused")
    finally:
        context.close()


def test_no_other_page_can_frame_the_console(browser, platform_url, other_port_page):
    context = browser.new_context(base_url=platform_url)
    try:
        owner = context.new_page()
        log_in_as_demo_owner(owner)
        attacker = context.new_page()
        attacker.goto(other_port_page + "/frame")
        attacker.wait_for_timeout(3000)
        framed = attacker.frame_locator("#f")
        expect(framed.get_by_test_id("console-shop-name")).to_have_count(0)
        frame = attacker.frame(url=re.compile("/console"))
        assert frame is None or "一叶茶舍" not in frame.content()
    finally:
        context.close()


def test_every_page_sends_the_security_headers(platform_url):
    for path in ("/", "/login", "/console", "/s/demo-tea", "/api/v1/health"):
        answer = httpx.get(platform_url + path, follow_redirects=True)
        csp = answer.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "'unsafe-eval'" not in csp, path
        assert re.search(r"script-src 'self'( 'sha256-[A-Za-z0-9+/=]+')+;", csp), path  # the build's inline scripts, by hash
        assert answer.headers["x-frame-options"] == "DENY" and answer.headers["x-content-type-options"] == "nosniff", path
        assert answer.headers["referrer-policy"] and answer.headers["permissions-policy"], path


def test_a_forged_host_header_never_becomes_a_redirect(platform_url):
    for path in ("/login", "/console", "/api/v1/orders/"):
        answer = httpx.get(platform_url + path, headers={"host": "evil.example"}, follow_redirects=False)
        assert "evil.example" not in answer.headers.get("location", ""), path


def test_the_console_warns_while_only_test_payments_exist(page):
    log_in_as_demo_owner(page)
    expect(page.get_by_test_id("sandbox-banner")).to_contain_text("测试支付")
