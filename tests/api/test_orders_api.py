"""The order list over HTTP: pages as API.md says, and a `Link: rel="next"` cursor that walks every order once."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import insert

from shopapp.db import session_scope
from shopapp.models import Order
from shopapp.models.base import utcnow
from tests.api.conftest import signup


def _orders(shop: dict, count: int) -> list[int]:
    """`count` orders of the shop, three at each moment; their ids newest first (ties: higher id first)."""
    now = utcnow()
    with session_scope() as session:
        session.connection().execute(insert(Order), [
            {"shop_id": shop["shop"]["id"], "order_no": f"A{uuid.uuid4().hex[:16].upper()}", "token_hash": "0" * 64,
             "email": f"buyer{n}@example.com", "recipient_phone": f"139{n:08d}", "address": {},
             "created_at": now - timedelta(minutes=n // 3), "updated_at": now}
            for n in range(count)
        ])
    with session_scope() as session:
        rows = session.exec(Order.__table__.select().where(Order.shop_id == shop["shop"]["id"])).all()
    return [row.id for row in sorted(rows, key=lambda row: (row.created_at, row.id), reverse=True)]


def test_pages_answer_items_and_total_as_api_md_says(client, shop):
    newest_first = _orders(shop, 7)
    answer = client.get("/orders", headers=shop["headers"], params={"page": 2, "per_page": 3})
    assert answer.status_code == 200, answer.text
    assert set(answer.json()) == {"items", "total"}
    assert answer.json()["total"] == 7 and [o["id"] for o in answer.json()["items"]] == newest_first[3:6]
    last = client.get("/orders", headers=shop["headers"], params={"page": 3, "per_page": 3})
    assert [o["id"] for o in last.json()["items"]] == newest_first[6:] and "next" not in last.links


def test_a_client_walks_every_order_once_with_the_cursor(client, shop):
    newest_first = _orders(shop, 20)
    seen, url = [], "/orders?per_page=6&status=pending_payment"
    while url:
        answer = client.get(url, headers=shop["headers"])
        assert answer.json()["total"] == 20
        seen += [o["id"] for o in answer.json()["items"]]
        url = answer.links.get("next", {}).get("url")
    assert seen == newest_first


def test_search_by_phone_fragment_and_a_bad_cursor_over_http(client, shop):
    _orders(shop, 12)
    other = signup(client, "other-shop")
    _orders(other, 12)
    found = client.get("/orders", headers=shop["headers"], params={"q": "00000011"}).json()
    assert found["total"] == 1 and found["items"][0]["id"]
    refused = client.get("/orders", headers=shop["headers"], params={"after": "nonsense"})
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["field_codes"] == {"after": "cursor_invalid"} and error["fields"]["after"] == "翻页位置无效，请从第一页重新开始"
