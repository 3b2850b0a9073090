"""Shopper accounts over HTTP: register, log in with a guest cart, buy, and find the order in the account."""

from __future__ import annotations

import re

from sqlmodel import select

from shopapp.db import session_scope
from shopapp.models import OutboxEmail
from tests.api.conftest import signup
from tests.api.test_checkout_api import CHECKOUT, _cart, _product

PASSWORD = "tea-lover-1"


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_register_log_in_buy_and_see_the_order_history(client, shop):
    slug = shop["shop"]["slug"]
    tea = _product(shop, stock=10, price=3800)
    registered = client.post(f"/store/{slug}/customers", json={"email": "lin@example.com", "password": PASSWORD, "name": "林"})
    assert registered.status_code == 201, registered.text
    assert registered.json()["customer"]["email"] == "lin@example.com"

    # Later, as a guest on another device: a cart, then log in; the cart comes along.
    guest_cart = _cart(client, slug, (tea, 2))
    logged_in = client.post(f"/store/{slug}/customers/login", json={"email": "lin@example.com", "password": PASSWORD, "cart_token": guest_cart})
    assert logged_in.status_code == 200, logged_in.text
    body = logged_in.json()
    assert body["cart_token"] == guest_cart
    me = client.get(f"/store/{slug}/customers/me", headers=_bearer(body["token"]))
    assert me.status_code == 200 and me.json()["name"] == "林"

    placed = client.post(f"/store/{slug}/checkout", json={**CHECKOUT, "cart_token": guest_cart}, headers=_bearer(body["token"]))
    assert placed.status_code == 201, placed.text
    history = client.get(f"/store/{slug}/customers/me/orders", headers=_bearer(body["token"])).json()
    assert history["total"] == 1 and history["items"][0]["order_no"] == placed.json()["order_no"]
    assert history["items"][0]["total"] == placed.json()["total"] and history["items"][0]["item_count"] == 2
    # The order page opens with the log-in instead of the link's token.
    page = client.get(f"/store/{slug}/orders/{placed.json()['order_no']}", headers=_bearer(body["token"]))
    assert page.status_code == 200 and page.json()["status"] == "pending_payment"

    assert client.post(f"/store/{slug}/customers/logout", headers=_bearer(body["token"])).status_code == 204
    assert client.get(f"/store/{slug}/customers/me/orders", headers=_bearer(body["token"])).status_code == 401


def test_bad_registration_and_wrong_password_are_refused_clearly(client, shop):
    slug = shop["shop"]["slug"]
    bad = client.post(f"/store/{slug}/customers", json={"email": "nope", "password": "123"})
    assert bad.status_code == 422
    assert set(bad.json()["error"]["fields"]) == {"email", "password"}
    client.post(f"/store/{slug}/customers", json={"email": "lin@example.com", "password": PASSWORD})
    wrong = client.post(f"/store/{slug}/customers/login", json={"email": "lin@example.com", "password": "not-it-at-all"})
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "wrong_credentials"


def test_a_shoppers_token_is_worthless_in_another_shop(client, shop):
    other = signup(client, "green-leaf")
    token = client.post(f"/store/{shop['shop']['slug']}/customers", json={"email": "lin@example.com", "password": PASSWORD}).json()["token"]
    assert client.get(f"/store/{other['shop']['slug']}/customers/me", headers=_bearer(token)).status_code == 401
    # Nor is it an owner's token.
    assert client.get("/orders", headers=_bearer(token)).status_code == 401


def test_a_shopper_who_forgot_the_password_sets_a_new_one_by_the_emailed_link(client, shop):
    slug = shop["shop"]["slug"]
    client.post(f"/store/{slug}/customers", json={"email": "lin@example.com", "password": PASSWORD})
    for email in ("lin@example.com", "nobody@example.com"):
        answer = client.post(f"/store/{slug}/customers/password-reset", json={"email": email})
        assert answer.status_code == 202 and answer.json() == {"status": "sent_if_known"}
    with session_scope() as session:
        body = session.exec(select(OutboxEmail.body).where(OutboxEmail.to == "lin@example.com").order_by(OutboxEmail.id)).all()[-1]
    token = re.search(r"/account/reset/(\S+)", body).group(1)
    weak = client.post(f"/store/{slug}/customers/password-reset/confirm", json={"token": token, "password": "123"})
    assert weak.status_code == 422
    done = client.post(f"/store/{slug}/customers/password-reset/confirm", json={"token": token, "password": "new-tea-pass-2"})
    assert done.status_code == 200 and done.json()["customer"]["email"] == "lin@example.com"
    again = client.post(f"/store/{slug}/customers/password-reset/confirm", json={"token": token, "password": "new-tea-pass-3"})
    assert again.status_code == 404 and again.json()["error"]["code"] == "reset_link_invalid"
    assert client.post(f"/store/{slug}/customers/login", json={"email": "lin@example.com", "password": "new-tea-pass-2"}).status_code == 200


def test_a_guest_who_registers_and_verifies_the_email_finds_the_earlier_orders(client, shop):
    slug = shop["shop"]["slug"]
    tea = _product(shop, stock=10, price=3800)
    guest = client.post(f"/store/{slug}/checkout", json={**CHECKOUT, "email": "lin@example.com", "cart_token": _cart(client, slug, (tea, 1))})
    assert guest.status_code == 201, guest.text
    token = client.post(f"/store/{slug}/customers", json={"email": "lin@example.com", "password": PASSWORD}).json()["token"]
    me = client.get(f"/store/{slug}/customers/me", headers=_bearer(token)).json()
    assert me["email_verified"] is False
    assert client.get(f"/store/{slug}/customers/me/orders", headers=_bearer(token)).json()["total"] == 0
    # Asking again at once is refused; the e-mail's link does it.
    again = client.post(f"/store/{slug}/customers/me/verification-email", headers=_bearer(token))
    assert again.status_code == 429
    with session_scope() as session:
        body = session.exec(select(OutboxEmail.body).where(OutboxEmail.to == "lin@example.com", OutboxEmail.subject.contains("验证"))).one()
    link_token = re.search(r"/account/verify/(\S+)", body).group(1)
    verified = client.post(f"/store/{slug}/customers/verify-email", json={"token": link_token})
    assert verified.status_code == 200 and verified.json()["orders_joined"] == 1
    orders = client.get(f"/store/{slug}/customers/me/orders", headers=_bearer(token)).json()
    assert [o["order_no"] for o in orders["items"]] == [guest.json()["order_no"]]
    assert client.get(f"/store/{slug}/customers/me", headers=_bearer(token)).json()["email_verified"] is True
    wrong = client.post(f"/store/{slug}/customers/verify-email", json={"token": link_token + "0"})
    assert wrong.status_code == 404 and wrong.json()["error"]["code"] == "verify_link_invalid"
