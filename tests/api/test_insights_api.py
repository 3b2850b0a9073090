"""Issue 22 over HTTP: a product's recommendations and 猜你喜欢 (public, per shop), restock suggestions (owner),
and product copy with several suggestions to choose from."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from sqlmodel import select

from shopapp.db import session_scope
from shopapp.models import Variant
from shopapp.models.base import clock_at
from shopapp.services.core.clock import shop_today, shop_zone
from shopapp.services.insights import recommendations
from shopapp.services.shops import accounts
from tests.api.conftest import signup
from tests.shopping import paid_order


@pytest.fixture
def store(client, shop) -> dict:
    ids = {}
    for title, sku, stock in (("西湖龙井 明前特级", "LJ", 40), ("青瓷盖碗 三才碗", "GW", 9), ("正山小种 桐木关", "ZS", 50)):
        answer = client.post("/products", json={"title": title, "status": "active", "description_html": "<p>明前采摘，豆花香清幽。</p>",
                                                "variants": [{"sku": sku, "price": 12800, "stock": stock}]}, headers=shop["headers"])
        assert answer.status_code == 201, answer.text
        ids[sku] = answer.json()["id"]
    with session_scope() as session:
        owner = accounts.authenticate(session, shop["token"])
        variant = dict(session.exec(select(Variant.sku, Variant.id).where(Variant.shop_id == owner.shop_id)).all())
        today = shop_today(owner.shop_id)
        for back in range(14, 0, -1):  # two weeks of the tea, sold with its bowl until the 9 bowls are gone
            lines = [(variant["LJ"], 1)] + ([(variant["GW"], 1)] if back > 5 else [])
            with clock_at(datetime.combine(today - timedelta(days=back), time(10), shop_zone())):
                paid_order(session, owner, *lines)
        recommendations.refresh_all(session)
    return {**shop, "ids": ids, "slug": shop["shop"]["slug"]}


def test_a_product_page_reads_its_bought_together_and_similar_products(client, store):
    ids = store["ids"]
    body = client.get(f"/store/{store['slug']}/products/{ids['LJ']}/recommendations").json()
    assert [p["id"] for p in body["bought_together"]] == [ids["GW"]]
    assert body["bought_together"][0]["title"] == "青瓷盖碗 三才碗" and "cost" not in body["bought_together"][0]
    assert isinstance(body["similar"], list)
    assert client.get(f"/store/{store['slug']}/products/999999/recommendations").status_code == 404
    other = signup(client, "other-shop")
    assert client.get(f"/store/{other['shop']['slug']}/products/{ids['LJ']}/recommendations").status_code == 404


def test_guess_you_like_without_a_shopper_gives_the_best_sellers(client, store):
    body = client.get(f"/store/{store['slug']}/recommendations").json()
    assert body["personal"] is False and body["items"][0]["id"] in {store["ids"]["LJ"], store["ids"]["GW"]}
    forged = client.get(f"/store/{store['slug']}/recommendations", headers={"Authorization": "Bearer cs_forged"})
    assert forged.status_code == 200 and forged.json()["personal"] is False


def test_guess_you_like_for_a_logged_in_shopper_is_their_own(client, store):
    registered = client.post(f"/store/{store['slug']}/customers", json={"email": "lin@example.com", "password": "secret-pass-1"})
    assert registered.status_code == 201, registered.text
    token, customer_id = registered.json()["token"], registered.json()["customer"]["id"]
    with session_scope() as session:
        owner = accounts.authenticate(session, store["token"])
        tea = session.exec(select(Variant.id).where(Variant.shop_id == owner.shop_id, Variant.sku == "LJ")).one()
        order, _ = paid_order(session, owner, (tea, 1), email="lin@example.com")
        order.customer_id = customer_id  # as if placed while logged in
        session.commit()
        recommendations.refresh_all(session)
    body = client.get(f"/store/{store['slug']}/recommendations", headers={"Authorization": f"Bearer {token}"}).json()
    picks = [p["id"] for p in body["items"]]
    assert body["personal"] is True and picks[0] == store["ids"]["GW"] and store["ids"]["LJ"] not in picks


def test_restock_suggestions_list_the_urgent_sku_for_the_owner_only(client, store):
    answer = client.get("/restock-suggestions", headers=store["headers"])
    assert answer.status_code == 200
    body = answer.json()
    assert body["lead_days"] == 7 and body["target_days"] == 30
    first = body["items"][0]
    assert first["sku"] == "GW" and first["urgency"] == "out" and first["suggested_qty"] > 0  # the 9 bowls are sold
    assert [i["sku"] for i in body["items"]] == ["GW"]  # 26 teas left at about one a day: enough for now
    everything = client.get("/restock-suggestions", params={"all": "true"}, headers=store["headers"]).json()["items"]
    tea = next(i for i in everything if i["sku"] == "LJ")
    assert tea["urgency"] == "ok" and 20 <= tea["days_of_cover"] <= 35 and tea["available"] == 26
    assert client.get("/restock-suggestions").status_code == 401
    assert client.get("/restock-suggestions", params={"page": 0}, headers=store["headers"]).status_code == 422
    other = signup(client, "other-shop")
    assert client.get("/restock-suggestions", headers=other["headers"]).json()["items"] == []


def test_product_copy_offers_several_titles_and_descriptions_never_the_current_title(client, store):
    answer = client.post(f"/products/{store['ids']['LJ']}/ai-copy", json={}, headers=store["headers"])
    body = answer.json()
    assert answer.status_code == 200 and body["engine"] == "offline"
    assert len(body["titles"]) >= 2 and body["title"] == body["titles"][0]
    assert all(t.replace(" ", "") != "西湖龙井明前特级" for t in body["titles"])
    assert body["descriptions"][0]["style"] == "full" and "<h3>卖点</h3>" in body["description_html"]
