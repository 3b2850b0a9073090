"""Issue 14's attacks over HTTP, each refused: a foreign origin reading an owner's data with their cookie,
missing security headers, a forged Host in redirects, a script-readable login cookie, paying someone's
order by guessing its payment number."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import time

import httpx
import pytest

from shopapp.db import session_scope
from shopapp.services.core.errors import Unauthorized
from shopapp.services.orders import export, payments
from shopapp.services.shops import accounts, sign_in_tickets
from shopapp.settings import get_settings
from tests.api.conftest import signup
from tests.api.test_checkout_api import _cart, _checkout, _product
from tests.live_backend import production_backend

EVIL = "https://evil.example"


# 1. CORS and the cookie: only the platform's own origin ------------------------------------------

@pytest.fixture(scope="module")
def platform():
    """The real server (Reflex with its CORS layer around our API), as `make run` serves it."""
    with production_backend() as backend:
        yield backend


def test_another_origin_cannot_read_an_owners_orders_with_their_cookie(platform):
    api = platform.url + "/api/v1"
    owner = httpx.post(f"{api}/auth/signup", json={
        "email": "cors@example.com", "password": "secret-pass", "shop_name": "茶", "shop_slug": "cors-tea",
    }).json()
    cookie = {"cookie": f"shopapp_session={owner['token']}"}

    # A page on another origin (even another port of this host) asking with the owner's cookie.
    stolen = httpx.get(f"{api}/orders", headers={**cookie, "origin": EVIL, "sec-fetch-site": "same-site"})
    assert stolen.status_code == 401
    assert "access-control-allow-origin" not in stolen.headers  # so the browser keeps the answer from that page
    preflight = httpx.options(f"{api}/orders", headers={
        "origin": EVIL, "access-control-request-method": "GET", "access-control-request-headers": "authorization",
    })
    assert preflight.headers.get("access-control-allow-origin") != EVIL

    # The platform's own pages still may.
    own = platform.url  # PUBLIC_URL of this server
    mine = httpx.get(f"{api}/orders", headers={**cookie, "origin": own, "sec-fetch-site": "same-origin"})
    assert mine.status_code == 200 and mine.headers["access-control-allow-origin"] == own
    # An integration's bearer token works from anywhere (it is not ambient: a page cannot send it by itself).
    assert httpx.get(f"{api}/orders", headers={"authorization": f"Bearer {owner['token']}"}).status_code == 200


def test_the_cookie_counts_only_from_the_platforms_own_pages(client, shop):
    cookies = {"shopapp_session": shop["token"]}
    own = get_settings().public_url
    assert client.get("/shop", cookies=cookies, headers={"origin": own}).status_code == 200
    assert client.get("/shop", cookies=cookies, headers={"sec-fetch-site": "none"}).status_code == 200  # typed in
    assert client.get("/shop", cookies=cookies, headers={"origin": "http://localhost:9999"}).status_code == 401
    assert client.get("/shop", cookies=cookies, headers={"sec-fetch-site": "same-site"}).status_code == 401
    assert client.get("/shop", cookies=cookies, headers={"sec-fetch-site": "cross-site"}).status_code == 401


# 6. Security headers ------------------------------------------------------------------------------

def test_every_answer_carries_the_security_headers(client, shop):
    for answer in (client.get("/health"), client.get("/orders", headers=shop["headers"]), client.get("/no-such-thing")):
        headers = answer.headers
        csp = headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp and "base-uri 'self'" in csp
        assert "'unsafe-eval'" not in csp and "script-src 'self'" in csp
        assert "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";", 1)[0]
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert "camera=()" in headers["permissions-policy"]


def test_the_policy_allows_exactly_the_builds_inline_scripts(tmp_path):
    from shopapp.api.security import inline_script_hashes

    (tmp_path / "page.html").write_text(
        '<script>window.boot = 1;</script><script type="module" src="/assets/app.js"></script>'
        '<script type="application/ld+json">{"@type": "Product"}</script>'
    )
    boot = base64.b64encode(hashlib.sha256(b"window.boot = 1;").digest()).decode()
    assert inline_script_hashes(tmp_path) == (f"'sha256-{boot}'",)  # only the script that runs, by its hash


# 8. Redirects never follow the Host header ---------------------------------------------------------

def test_a_forged_host_never_becomes_a_redirect_target(client, shop):
    answer = client.get("/orders/", headers={**shop["headers"], "host": "evil.example"}, follow_redirects=False)
    assert answer.status_code in (307, 308)
    assert answer.headers["location"].startswith("/api/v1/orders")
    assert "evil.example" not in answer.headers["location"]


# 7. The session cookie is HttpOnly, set by the server ----------------------------------------------

def test_the_session_cookie_is_set_by_the_server_httponly_and_strict(client, shop):
    ticket = sign_in_tickets.issue(shop["token"])
    answer = client.get("/session/start", params={"ticket": ticket, "next": "/console/orders"}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/console/orders"
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"shopapp_session={shop['token']};")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # PUBLIC_URL is http:// here; https:// adds it


def test_a_forged_or_old_ticket_sets_no_cookie_and_next_never_leaves_the_site(client, shop):
    forged = client.get("/session/start", params={"ticket": "gAAAAAforged"}, follow_redirects=False)
    assert forged.headers["location"] == "/login" and "set-cookie" not in forged.headers
    # An API key is not a console session: no ticket is made of it.
    with pytest.raises(Unauthorized):
        sign_in_tickets.issue("sk_live_something")
    ticket = sign_in_tickets.issue(shop["token"], issued_at=int(time.time()) - sign_in_tickets.TICKET_SECONDS - 5)
    old = client.get("/session/start", params={"ticket": ticket}, follow_redirects=False)
    assert old.headers["location"] == "/login" and "set-cookie" not in old.headers
    away = client.get("/session/start", params={"ticket": sign_in_tickets.issue(shop["token"]), "next": "//evil.example/x"},
                      follow_redirects=False)
    assert away.headers["location"] == "/console"


def test_logging_out_clears_the_cookie(client):
    answer = client.get("/session/end", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/login"
    assert 'shopapp_session=""' in answer.headers["set-cookie"] and "Max-Age=0" in answer.headers["set-cookie"]


# 11. The sandbox pays only with the payment's unguessable id ---------------------------------------

def test_a_guessed_or_sequential_payment_id_pays_nothing(client, shop):
    slug = shop["shop"]["slug"]
    body = _checkout(client, slug, _cart(client, slug, (_product(shop), 1))).json()
    payment_id = body["payment"]["id"]
    assert isinstance(payment_id, str) and payment_id.startswith("pay_") and len(payment_id) > 36
    assert f"/payments/sandbox/{payment_id}/pay" in body["payment"]["pay_url"]
    number = payment_id.split("_")[1]

    for guess in (number, str(int(number) + 1), f"pay_{number}_" + "A" * 32, f"pay_{int(number) + 1}_{payment_id.split('_', 2)[2]}"):
        refused = client.post(f"/payments/sandbox/{guess}/pay", json={"outcome": "success"})
        assert refused.status_code == 404 and refused.json()["error"]["code"] == "payment_not_found"
        assert client.get(f"/payments/sandbox/{guess}/pay").status_code == 404
    order = client.get(f"/orders/{body['order_id']}", headers=shop["headers"]).json()
    assert order["status"] == "pending_payment"

    paid = client.post(f"/payments/sandbox/{payment_id}/pay", json={"outcome": "success"})
    assert paid.status_code == 200 and paid.json()["order_status"] == "paid"


def test_sandbox_payments_are_marked_as_test_payments(client, shop):
    slug = shop["shop"]["slug"]
    body = _checkout(client, slug, _cart(client, slug, (_product(shop), 1))).json()
    client.post(f"/payments/sandbox/{body['payment']['id']}/pay", json={"outcome": "success"})
    page = client.get(f"/store/{slug}/orders/{body['order_no']}", params={"token": body["token"]}).json()
    assert page["test_payment"] is True
    order = client.get(f"/orders/{body['order_id']}", headers=shop["headers"]).json()
    assert order["payments"][0]["test"] is True
    assert payments.payment_notice() == "sandbox"  # the console's banner: no real money comes in
    with session_scope() as session:  # the orders spreadsheet the console exports
        report = export.export_orders(session, accounts.authenticate(session, shop["token"]))
    header, line = report.splitlines()[:2]
    assert header.endswith(",payment") and line.endswith(",测试支付 (sandbox)")


def test_with_sandbox_payments_off_a_shop_takes_no_orders_it_cannot_be_paid_for(client, monkeypatch):
    shop = signup(client, slug="no-sandbox")
    slug = shop["shop"]["slug"]
    token = _cart(client, slug, (_product(shop), 1))
    monkeypatch.setattr(payments, "get_settings", lambda: dataclasses.replace(get_settings(), sandbox_payments=False))
    refused = _checkout(client, slug, token)
    assert refused.status_code == 422 and "provider" in refused.json()["error"]["fields"]
    assert payments.payment_notice() == "none"  # and the console says so
