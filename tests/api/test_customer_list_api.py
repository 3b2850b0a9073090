"""The customer list, profiles, tags, segments, export and service tickets over HTTP."""

from __future__ import annotations

import pytest

from shopapp.db import session_scope
from shopapp.services.customers import shoppers
from shopapp.services.shops import accounts
from shopapp.services.support import conversations
from tests.api.conftest import signup
from tests.shopping import paid_order, product_on_sale


@pytest.fixture
def store(client, shop) -> dict:
    """The shop with two buyers: Mei (guest, phone ending 1234, bought twice) and Lin (an account, ending 5678)."""
    with session_scope() as session:
        owner = accounts.authenticate(session, shop["token"])
        tea = product_on_sale(session, owner, stock=50, price=3800)
        first, _ = paid_order(session, owner, (tea, 1), email="mei@example.com", phone="13900001234", name="梅")
        paid_order(session, owner, (tea, 2), email="mei@example.com", phone="13900001234", name="梅")
        shoppers.register(session, owner.shop_id, email="lin@example.com", password="secret-pass", name="林")
        paid_order(session, owner, (tea, 1), email="lin@example.com", phone="13700005678")
        started, _ = conversations.start_conversation(session, owner.shop_id, "mei@example.com", "什么时候发货?")
        session.commit()
    return {**shop, "order_no": first.order_no, "conversation_id": started.id}


def _list(client, store, **params) -> dict:
    answer = client.get("/customers", params=params, headers=store["headers"])
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_the_owner_lists_customers_and_finds_one_by_the_last_4_digits_of_a_phone(client, store):
    listed = _list(client, store)
    assert listed["total"] == 2
    assert {"id", "email", "name", "phone_masked", "orders_count", "total_spent", "last_order_at", "tags", "level", "points"} <= set(listed["items"][0])
    [mei] = _list(client, store, q="1234")["items"]
    assert (mei["email"], mei["phone_masked"], mei["orders_count"]) == ("mei@example.com", "139****1234", 2)
    assert "13900001234" not in str(listed)
    assert [i["email"] for i in _list(client, store, q=store["order_no"])["items"]] == ["mei@example.com"]
    assert [i["email"] for i in _list(client, store, sort="orders")["items"]] == ["mei@example.com", "lin@example.com"]


def test_the_owner_tags_a_customer_and_reads_the_profile(client, store):
    [mei] = _list(client, store, q="1234")["items"]
    changed = client.patch(f"/customers/{mei['id']}", json={"tags": ["VIP"], "note": "老客户"}, headers=store["headers"])
    assert changed.status_code == 200, changed.text
    profile = client.get(f"/customers/{mei['id']}", headers=store["headers"]).json()
    assert profile["tags"] == ["VIP"] and profile["note"] == "老客户"
    assert len(profile["orders"]) == 2 and profile["average_order"] == profile["total_spent"] // 2
    assert profile["addresses"][0]["phone"] == "13900001234"
    assert [c["id"] for c in profile["conversations"]] == [store["conversation_id"]]
    assert profile["coupons"] == [] and profile["aftersales"] == []
    assert [i["email"] for i in _list(client, store, tag="VIP")["items"]] == ["mei@example.com"]


def test_ten_thousand_tags_are_refused_and_nothing_changes(client, store):
    [mei] = _list(client, store, q="1234")["items"]
    refused = client.patch(f"/customers/{mei['id']}", json={"tags": [f"t{i}" for i in range(10_000)]}, headers=store["headers"])
    assert refused.status_code == 422
    assert refused.json()["error"]["field_codes"]["tags"] == "too_many_tags"
    assert client.get(f"/customers/{mei['id']}", headers=store["headers"]).json()["tags"] == []


def test_bulk_tagging_and_a_segment_built_from_the_filters(client, store):
    ids = [item["id"] for item in _list(client, store)["items"]]
    tagged = client.post("/customers/tags", json={"ids": ids, "tag": "春茶"}, headers=store["headers"])
    assert tagged.json() == {"tagged": 2}
    made = client.post("/segments", json={"name": "回头客", "filters": {"tag": "春茶", "orders_min": 2}}, headers=store["headers"])
    assert made.status_code == 201, made.text
    [mei] = _list(client, store, q="1234")["items"]
    assert (made.json()["count"], made.json()["spent"]) == (1, mei["total_spent"])
    listed = _list(client, store, segment=str(made.json()["id"]))
    assert [i["email"] for i in listed["items"]] == ["mei@example.com"]
    segments = client.get("/segments", headers=store["headers"]).json()
    assert segments["items"][0]["name"] == "回头客" and segments["thresholds"]["recent_days"] == 90
    groups = {row["key"]: row["count"] for row in segments["built_in"]}
    assert groups["important_value"] == 0 and groups["general_value"] == 1 and groups["new"] == 2
    assert [i["email"] for i in _list(client, store, segment="general_develop")["items"]] == ["lin@example.com"]
    bad = client.post("/segments", json={"name": "", "filters": {"orders_min": "many"}}, headers=store["headers"])
    assert bad.status_code == 422
    assert client.get("/customers", params={"segment": "nobody"}, headers=store["headers"]).status_code == 404
    assert client.delete(f"/segments/{made.json()['id']}", headers=store["headers"]).status_code == 204


def test_the_export_is_csv_excel_opens(client, store):
    answer = client.get("/customers/export", params={"q": "1234"}, headers=store["headers"])
    assert answer.status_code == 200
    assert answer.content.startswith(b"\xef\xbb\xbf")
    assert answer.text.count("\r\n") == 2 and "13900001234" in answer.text


def test_another_shop_sees_none_of_these_customers(client, store):
    other = signup(client, "other-shop")
    [mei] = _list(client, store, q="1234")["items"]
    assert client.get(f"/customers/{mei['id']}", headers=other["headers"]).status_code == 404
    assert client.patch(f"/customers/{mei['id']}", json={"note": "x"}, headers=other["headers"]).status_code == 404
    assert client.get("/customers", headers=other["headers"]).json()["total"] == 0
    assert client.get("/customers").status_code == 401


def test_the_desk_turns_a_conversation_into_a_ticket_listed_by_due_time(client, store):
    opened = client.post("/tickets", json={"conversation_id": store["conversation_id"], "priority": "high"}, headers=store["headers"])
    assert opened.status_code == 201, opened.text
    listed = client.get("/tickets", headers=store["headers"]).json()
    assert [t["id"] for t in listed["items"]] == [opened.json()["id"]]
    done = client.patch(f"/tickets/{opened.json()['id']}", json={"status": "resolved"}, headers=store["headers"])
    assert done.json()["status"] == "resolved"
    assert client.get("/tickets", headers=store["headers"]).json()["total"] == 0
    refused = client.post("/tickets", json={"conversation_id": store["conversation_id"], "priority": "now"}, headers=store["headers"])
    assert refused.status_code == 422 and refused.json()["error"]["field_codes"] == {"priority": "choice_invalid"}
