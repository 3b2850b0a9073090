"""分销 affiliates over HTTP, end to end: the owner switches the programme on, a shopper becomes a promoter
(and invites a second level), a friend signs up through the link, their paid order earns both levels a
frozen commission, completion plus the settle days makes it available, the promoter withdraws and the
owner approves; a refund after settlement takes the commission back. Bad input changes nothing."""

from __future__ import annotations

import threading
from datetime import timedelta

import httpx

from shopapp.db import session_scope
from shopapp.models.base import clock_at, utcnow
from shopapp.services.marketing import affiliate_money
from tests.api.conftest import signup
from tests.api.test_fulfillment_api import _order, _product
from tests.api.test_points_api import _complete
from tests.shopping import ADDRESS

PROGRAM = {"enabled": True, "level1_percent": 10, "level2_percent": 5, "binding_days": 30, "settle_days": 7}


def _shopper(client, slug: str, email: str, **extra) -> dict:
    answer = client.post(f"/store/{slug}/customers", json={"email": email, "password": "secret-pass-1", **extra})
    assert answer.status_code == 201, answer.text
    body = answer.json()
    return {"id": body["customer"]["id"], "headers": {"Authorization": f"Bearer {body['token']}"}}


def _promoter(client, slug: str, email: str, invite_code: str | None = None) -> dict:
    shopper = _shopper(client, slug, email)
    made = client.post(f"/store/{slug}/affiliates", headers=shopper["headers"],
                       json={"invite_code": invite_code} if invite_code else {})
    assert made.status_code == 201, made.text
    return {**shopper, **made.json()}


def _buy(client, slug: str, shopper: dict, variant_id: int, qty: int) -> dict:
    cart = client.post(f"/store/{slug}/carts").json()["cart_token"]
    client.post(f"/store/{slug}/carts/{cart}/items", json={"variant_id": variant_id, "qty": qty})
    placed = client.post(f"/store/{slug}/checkout", headers=shopper["headers"], json={
        "cart_token": cart, "email": "friend@example.com", "address": ADDRESS,
    })
    assert placed.status_code == 201, placed.text
    paid = client.post(f"/payments/sandbox/{placed.json()['payment']['id']}/pay", json={"outcome": "success"})
    assert paid.json()["order_status"] == "paid", paid.text
    return placed.json()


def _mine(client, slug: str, shopper: dict) -> dict:
    answer = client.get(f"/store/{slug}/customers/me/affiliate", headers=shopper["headers"])
    assert answer.status_code == 200, answer.text
    return answer.json()


def _money(mine: dict) -> tuple[int, int, int]:
    return mine["frozen"], mine["available"], mine["withdrawn"]


def test_a_link_earns_two_levels_of_commission_that_settles_is_withdrawn_and_is_taken_back_on_refund(client, shop):
    slug = shop["shop"]["slug"]
    assert client.put("/affiliate-program", headers=shop["headers"], json=PROGRAM).json() == PROGRAM
    li = _promoter(client, slug, "li@example.com")
    assert li["link"].endswith(f"/s/{slug}?ref={li['code']}")
    wang = _promoter(client, slug, "wang@example.com", invite_code=li["code"])
    assert _mine(client, slug, li)["team"]["invited"] == 1

    friend = _shopper(client, slug, "friend@example.com", ref=wang["code"])  # signs up through Wang's link
    tea = _product(shop, price=10_000, stock=20)
    placed = _buy(client, slug, friend, tea, 2)
    order = _order(client, shop, placed["order_id"])
    merchandise = sum(item["paid"] for item in order["items"])
    assert merchandise == 20_000
    wang_view = _mine(client, slug, wang)
    assert _money(wang_view) == (2_000, 0, 0) and _money(_mine(client, slug, li)) == (1_000, 0, 0)
    assert [(c["order_no"], c["level"], c["amount"], c["status"]) for c in wang_view["commissions"]] == [
        (order["order_no"], 1, 2_000, "frozen")]
    assert wang_view["team"] == {"level1": 1, "level2": 0, "invited": 0}
    assert _mine(client, slug, li)["team"]["level2"] == 1

    # Frozen: nothing to withdraw yet.
    early = client.post(f"/store/{slug}/customers/me/affiliate/withdrawals", headers=wang["headers"], json={"amount": 1})
    assert early.status_code == 422 and early.json()["error"]["field_codes"] == {"amount": "withdrawal_over_available"}

    _complete(client, shop, order["id"])  # completed 30 days from now (自动确认收货)
    with session_scope() as session, clock_at(utcnow() + timedelta(days=36)):
        assert affiliate_money.settle_due(session) == 0
    with session_scope() as session, clock_at(utcnow() + timedelta(days=38)):
        assert affiliate_money.settle_due(session) == 2
    assert _money(_mine(client, slug, wang)) == (0, 2_000, 0)
    assert _mine(client, slug, wang)["commissions"][0]["status"] == "available"

    asked = client.post(f"/store/{slug}/customers/me/affiliate/withdrawals", headers=wang["headers"], json={"amount": 1_500})
    assert asked.status_code == 201 and asked.json()["status"] == "requested"
    waiting = client.get("/withdrawals?status=requested", headers=shop["headers"]).json()
    assert [(w["id"], w["promoter_code"], w["amount"]) for w in waiting["items"]] == [(asked.json()["id"], wang["code"], 1_500)]
    approved = client.post(f"/withdrawals/{asked.json()['id']}/approve", headers=shop["headers"])
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert client.post(f"/withdrawals/{asked.json()['id']}/approve", headers=shop["headers"]).status_code == 409
    assert _money(_mine(client, slug, wang)) == (0, 500, 1_500)

    # The whole order refunded after settlement and withdrawal: the commission goes back, available below zero.
    refund = client.post(f"/orders/{order['id']}/refunds", headers=shop["headers"], json={
        "reason": "退货", "items": [{"order_item_id": order["items"][0]["id"], "qty": 2}],
    })
    assert refund.status_code == 201, refund.text
    assert _money(_mine(client, slug, wang)) == (0, -1_500, 1_500)
    assert _money(_mine(client, slug, li)) == (0, 0, 0)
    commissions = client.get("/commissions", headers=shop["headers"]).json()
    assert {(c["level"], c["amount"], c["status"]) for c in commissions["items"]} == {(1, 0, "reversed"), (2, 0, "reversed")}
    figures = client.get("/affiliate-program/figures", headers=shop["headers"]).json()
    assert figures == {"promoters": 2, "commission": 0, "withdrawn": 1_500, "requested": 0}


def test_bad_settings_codes_and_amounts_are_refused_and_change_nothing(client, shop):
    slug = shop["shop"]["slug"]
    lin = _shopper(client, slug, "lin@example.com")
    off = client.post(f"/store/{slug}/affiliates", headers=lin["headers"], json={})
    assert off.status_code == 409 and off.json()["error"]["code"] == "affiliate_program_off"
    client.put("/affiliate-program", headers=shop["headers"], json=PROGRAM)

    bad = client.put("/affiliate-program", headers=shop["headers"], json={"level1_percent": 80, "binding_days": 0})
    assert bad.status_code == 422
    assert bad.json()["error"]["field_codes"] == {"level1_percent": "commission_percent_too_high", "binding_days": "must_be_positive"}
    assert client.get("/affiliate-program", headers=shop["headers"]).json() == PROGRAM

    other = signup(client, "other-shop", "other@example.com")
    client.put("/affiliate-program", headers=other["headers"], json=PROGRAM)
    foreign = _promoter(client, "other-shop", "far@example.com")
    refused = client.post(f"/store/{slug}/affiliates", headers=lin["headers"], json={"invite_code": foreign["code"]})
    assert refused.status_code == 422 and refused.json()["error"]["field_codes"] == {"invite_code": "promoter_code_unknown"}
    assert client.get(f"/store/{slug}/customers/me/affiliate", headers=lin["headers"]).status_code == 404

    me = client.post(f"/store/{slug}/affiliates", headers=lin["headers"], json={})
    again = client.post(f"/store/{slug}/affiliates", headers=lin["headers"], json={})
    assert (me.status_code, again.status_code, again.json()["code"]) == (201, 200, me.json()["code"])
    own = client.post(f"/store/{slug}/affiliate-bindings", headers=lin["headers"], json={"ref": me.json()["code"]})
    assert own.status_code == 422 and own.json()["error"]["field_codes"] == {"ref": "own_promoter_code"}
    elsewhere = client.post(f"/store/{slug}/affiliate-bindings", headers=lin["headers"], json={"ref": foreign["code"]})
    assert elsewhere.status_code == 422 and elsewhere.json()["error"]["field_codes"] == {"ref": "promoter_code_unknown"}
    for amount in (0, -1, "ten", 10):
        answer = client.post(f"/store/{slug}/customers/me/affiliate/withdrawals", headers=lin["headers"], json={"amount": amount})
        assert answer.status_code == 422, answer.text
    assert client.get("/withdrawals", headers=shop["headers"]).json()["total"] == 0
    # Another shop's owner sees none of it.
    assert client.get("/promoters", headers=other["headers"]).json()["total"] == 1
    assert client.get("/promoters", headers=shop["headers"]).json()["total"] == 1


def test_a_visit_binds_the_first_link_only_and_the_poster_is_a_png(client, shop):
    slug = shop["shop"]["slug"]
    client.put("/affiliate-program", headers=shop["headers"], json=PROGRAM)
    li, wang = _promoter(client, slug, "li@example.com"), _promoter(client, slug, "wang@example.com")
    friend = _shopper(client, slug, "friend@example.com")
    first = client.post(f"/store/{slug}/affiliate-bindings", headers=friend["headers"], json={"ref": li["code"]}).json()
    assert first["bound"] and first["binding"]["promoter_code"] == li["code"]
    second = client.post(f"/store/{slug}/affiliate-bindings", headers=friend["headers"], json={"ref": wang["code"]}).json()
    assert not second["bound"] and second["binding"]["promoter_code"] == li["code"]

    _shopper(client, slug, "later@example.com")
    logged_in = client.post(f"/store/{slug}/customers/login",
                            json={"email": "later@example.com", "password": "secret-pass-1", "ref": wang["code"]})
    assert logged_in.status_code == 200, logged_in.text
    assert _mine(client, slug, wang)["team"]["level1"] == 1  # logging in through Wang's link bound them

    poster = client.get(f"/store/{slug}/affiliates/{li['code']}/poster.png")
    assert poster.status_code == 200 and poster.headers["content-type"] == "image/png"
    assert poster.content.startswith(b"\x89PNG")
    assert client.get(f"/store/{slug}/affiliates/NOPE1234/poster.png").status_code == 404


def test_two_withdrawals_at_once_over_http_take_the_balance_once(client, shop, api_url):
    slug = shop["shop"]["slug"]
    client.put("/affiliate-program", headers=shop["headers"], json={**PROGRAM, "settle_days": 0})
    wang = _promoter(client, slug, "wang@example.com")
    friend = _shopper(client, slug, "friend@example.com", ref=wang["code"])
    placed = _buy(client, slug, friend, _product(shop, price=10_000, stock=5), 1)
    _complete(client, shop, placed["order_id"])
    assert _money(_mine(client, slug, wang)) == (0, 1_000, 0)

    start = threading.Barrier(2)
    statuses: list[int] = []

    def ask() -> None:
        with httpx.Client(base_url=api_url + "/api/v1", timeout=30) as own:
            start.wait()
            statuses.append(own.post(f"/store/{slug}/customers/me/affiliate/withdrawals", headers=wang["headers"],
                                     json={"amount": 1_000}).status_code)

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201, 422]
    mine = _mine(client, slug, wang)
    assert (mine["available"], mine["requested"]) == (0, 1_000)
