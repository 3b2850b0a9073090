"""Shopper accounts over HTTP: register, log in with a guest cart, buy, and find the order in the account."""

from __future__ import annotations

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
