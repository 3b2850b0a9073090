"""E-mail campaigns over HTTP: write, test, send to a segment, and the mail's own links (open, click, unsubscribe)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from shopapp.db import session_scope
from shopapp.models import OutboxEmail, Variant
from shopapp.services.customers import campaigns
from shopapp.services.shops import accounts
from tests.api.conftest import signup
from tests.shopping import paid_order, product_on_sale


@pytest.fixture
def store(client, shop) -> dict:
    """The shop with two buyers and a saved segment of them."""
    with session_scope() as session:
        owner = accounts.authenticate(session, shop["token"])
        variant = product_on_sale(session, owner, stock=50, price=3800)
        for email in ("mei@example.com", "lin@example.com"):
            paid_order(session, owner, (variant, 1), email=email)
        tea = session.get(Variant, variant).product_id
        session.commit()
    made = client.post("/segments", json={"name": "买家", "filters": {"orders_min": 1}}, headers=shop["headers"])
    assert made.status_code == 201, made.text
    return {**shop, "tea": tea, "segment": made.json()["id"]}


def _create(client, store, **extra) -> dict:
    body = {"name": "新茶", "subject": "春茶上新", "segment": str(store["segment"]),
            "body_html": '<p>来看看<a href="https://example.com/new">新茶</a></p>', "product_ids": [store["tea"]], **extra}
    answer = client.post("/campaigns", json=body, headers=store["headers"])
    assert answer.status_code == 201, answer.text
    return answer.json()


def _run_jobs() -> None:
    with session_scope() as session:
        campaigns.start_due(session)
        while campaigns.send_due(session):
            pass


def _token_of(campaign_id: int, email: str) -> str:
    with session_scope() as session:
        mail = session.exec(select(OutboxEmail).where(OutboxEmail.campaign_id == campaign_id, OutboxEmail.to == email)).one()
        return mail.unsubscribe_url.rsplit("/", 1)[1]


def test_the_owner_writes_tests_and_sends_a_campaign_and_reads_its_numbers(client, store):
    made = _create(client, store)
    assert made["status"] == "draft" and made["products"][0]["id"] == store["tea"]
    tested = client.post(f"/campaigns/{made['id']}/test", headers=store["headers"])
    assert tested.json() == {"to": "tea-house@example.com"}
    sent = client.post(f"/campaigns/{made['id']}/send", json={}, headers=store["headers"])
    assert sent.status_code == 200 and sent.json()["status"] == "scheduled"
    _run_jobs()
    token = _token_of(made["id"], "mei@example.com")
    opened = client.get(f"/mail/o/{token}.gif")
    assert opened.status_code == 200 and opened.headers["content-type"] == "image/gif"
    clicked = client.get(f"/mail/c/{token}/1", follow_redirects=False)
    assert clicked.status_code == 302 and clicked.headers["location"] == "https://example.com/new"
    product = client.get(f"/mail/c/{token}/2", follow_redirects=False)
    assert product.headers["location"].endswith(f"/s/tea-house/p/{store['tea']}")
    shown = client.get(f"/campaigns/{made['id']}", headers=store["headers"]).json()
    assert (shown["recipients"], shown["opened"], shown["clicked"], shown["status"]) == (2, 1, 1, "sent")
    listed = client.get("/campaigns", headers=store["headers"]).json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == made["id"]


def test_the_unsubscribe_link_asks_once_and_one_click_works_for_every_later_campaign(client, store):
    first = _create(client, store)
    client.post(f"/campaigns/{first['id']}/send", json={}, headers=store["headers"])
    _run_jobs()
    token = _token_of(first["id"], "mei@example.com")
    page = client.get(f"/mail/unsubscribe/{token}")
    assert page.status_code == 200 and "<form" in page.text and "m***@example.com" in page.text
    assert "已退订" not in page.text  # opening the link (a mail scanner) unsubscribes nobody
    done = client.post(f"/mail/unsubscribe/{token}", content="List-Unsubscribe=One-Click",
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert done.status_code == 200 and "已退订" in done.text
    again = client.get(f"/mail/unsubscribe/{token}")
    assert "Unsubscribed" in again.text and "<form" not in again.text  # in both languages, and done
    second = _create(client, store)
    client.post(f"/campaigns/{second['id']}/send", json={}, headers=store["headers"])
    _run_jobs()
    shown = client.get(f"/campaigns/{second['id']}", headers=store["headers"]).json()
    assert (shown["recipients"], shown["skipped"]) == (1, 1)


def test_unknown_mail_links_answer_plainly(client):
    assert client.get("/mail/unsubscribe/nope").status_code == 404
    assert client.get("/mail/c/nope/1", follow_redirects=False).status_code == 404
    assert client.get("/mail/o/nope.gif").status_code == 200  # a picture always shows


def test_bad_campaigns_are_refused_with_the_field_and_nothing_changes(client, store):
    bad = client.post("/campaigns", json={"name": "", "subject": "s", "segment": "9999"}, headers=store["headers"])
    assert bad.status_code == 422
    assert set(bad.json()["error"]["fields"]) == {"name", "segment"}
    made = _create(client, store)
    late = client.post(f"/campaigns/{made['id']}/send", json={"send_at": "2020-01-01T10:00"}, headers=store["headers"])
    assert late.status_code == 422 and late.json()["error"]["field_codes"] == {"send_at": "time_in_past"}
    garbled = client.post(f"/campaigns/{made['id']}/send", json={"send_at": "next tuesday"}, headers=store["headers"])
    assert garbled.status_code == 422
    empty = client.post("/segments", json={"name": "无人", "filters": {"orders_min": 50}}, headers=store["headers"]).json()
    nobody = _create(client, store, segment=str(empty["id"]))
    refused = client.post(f"/campaigns/{nobody['id']}/send", json={}, headers=store["headers"])
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "campaign_segment_empty"
    assert client.get(f"/campaigns/{made['id']}", headers=store["headers"]).json()["status"] == "draft"


def test_another_shop_cannot_read_or_send_the_campaign(client, store):
    made = _create(client, store)
    other = signup(client, "other-shop")
    assert client.get(f"/campaigns/{made['id']}", headers=other["headers"]).status_code == 404
    assert client.post(f"/campaigns/{made['id']}/send", json={}, headers=other["headers"]).status_code == 404
