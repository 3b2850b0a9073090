"""Pre-sale over HTTP: products and variants carry {ships_at, quota, sold}; quotas sell places; orders keep dates."""

from __future__ import annotations

from datetime import date, timedelta

from tests.api.test_checkout_api import _cart, _checkout, checkouts_at_once_over_http

COLOURS = {"name": "颜色", "values": ["白", "黑"]}


def teapot(client, shop, **changes) -> dict:
    body = {"title": "紫砂壶", "status": "active", "options": [COLOURS], "variants": [
        {"sku": "POT-W", "option_values": ["白"], "price": 9900, "stock": 0},
        {"sku": "POT-B", "option_values": ["黑"], "price": 12900, "stock": 0,
         "presale": {"ships_at": "2030-06-01", "quota": 2}},
    ], "presale": {"ships_at": "2030-04-01", "quota": 5}, **changes}
    answer = client.post("/products", json=body, headers=shop["headers"])
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_products_and_variants_carry_their_pre_sale(client, shop):
    product = teapot(client, shop)
    assert product["presale"] == {"ships_at": "2030-04-01", "quota": 5, "sold": 0}
    white, black = product["variants"]
    assert (white["presale"], white["presale_ships_at"], white["sells_from"], white["available"]) == (
        None, "2030-04-01", "product_quota", 5,
    )
    assert (black["presale"], black["presale_ships_at"], black["sells_from"], black["available"]) == (
        {"ships_at": "2030-06-01", "quota": 2, "sold": 0}, "2030-06-01", "variant_quota", 2,
    )
    store = client.get(f"/store/{shop['shop']['slug']}/products/{product['id']}").json()
    assert store["presale"] == product["presale"] and [v["available"] for v in store["variants"]] == [5, 2]


def test_patch_sets_changes_and_ends_pre_sales(client, shop):
    product = teapot(client, shop)
    white, black = product["variants"]
    answer = client.patch(f"/products/{product['id']}", json={
        "presale": {"ships_at": "2030-04-10", "quota": 8},
        "variants": [{**white, "presale": {"ships_at": "2030-05-01"}}, {**black, "presale": None}],
    }, headers=shop["headers"])
    assert answer.status_code == 200, answer.text
    changed = answer.json()
    assert changed["presale"] == {"ships_at": "2030-04-10", "quota": 8, "sold": 0}
    assert [(v["presale"], v["presale_ships_at"], v["sells_from"]) for v in changed["variants"]] == [
        ({"ships_at": "2030-05-01", "quota": None, "sold": 0}, "2030-05-01", "product_quota"),
        (None, "2030-04-10", "product_quota"),
    ]
    # What GET answers goes back unchanged as a PATCH.
    again = client.patch(f"/products/{product['id']}", json=changed, headers=shop["headers"])
    assert again.status_code == 200 and again.json()["variants"] == changed["variants"]
    ended = client.patch(f"/products/{product['id']}", json={"presale": None}, headers=shop["headers"]).json()
    assert ended["presale"] is None and [v["sells_from"] for v in ended["variants"]] == ["stock", "stock"]


def test_bad_pre_sales_are_refused_in_chinese_and_english(client, shop):
    product = teapot(client, shop)
    past = (date.today() - timedelta(days=3)).isoformat()
    body = {"presale": {"ships_at": past, "quota": -1}, "variants": [
        {**product["variants"][0], "presale": {"ships_at": "soon", "quota": 1.5}}, product["variants"][1],
    ]}
    for lang, words in (("zh-CN", ("日期不能早于今天", "不能是负数")), ("en", ("Must not be in the past", "Must not be negative"))):
        answer = client.patch(f"/products/{product['id']}", json=body, headers={**shop["headers"], "Accept-Language": lang})
        assert answer.status_code == 422
        error = answer.json()["error"]
        assert error["field_codes"] == {
            "presale.ships_at": "date_in_past", "presale.quota": "must_not_be_negative",
            "variants.0.presale.ships_at": "date_invalid", "variants.0.presale.quota": "must_be_whole_number",
        }
        assert (error["fields"]["presale.ships_at"], error["fields"]["presale.quota"]) == words
    assert client.get(f"/products/{product['id']}", headers=shop["headers"]).json() == product


def test_a_quota_below_the_places_sold_is_refused(client, shop):
    product = teapot(client, shop)
    slug = shop["shop"]["slug"]
    black = product["variants"][1]["id"]
    assert _checkout(client, slug, _cart(client, slug, (black, 2))).status_code == 201
    answer = client.patch(f"/products/{product['id']}", json={"variants": [
        product["variants"][0], {**product["variants"][1], "presale": {"ships_at": "2030-06-01", "quota": 1}},
    ]}, headers={**shop["headers"], "Accept-Language": "en"})
    assert answer.status_code == 422
    assert answer.json()["error"]["field_codes"] == {"variants.1.presale.quota": "presale_quota_below_sold"}
    shown = client.get(f"/products/{product['id']}", headers=shop["headers"]).json()
    assert shown["variants"][1]["presale"] == {"ships_at": "2030-06-01", "quota": 2, "sold": 2}


def test_concurrent_checkouts_over_http_never_sell_more_than_the_quota(client, shop, api_url):
    product = teapot(client, shop)
    slug = shop["shop"]["slug"]
    white = product["variants"][0]["id"]
    tokens = [_cart(client, slug, (white, 1)) for _ in range(9)]
    results = checkouts_at_once_over_http(api_url, slug, tokens)
    assert results.count((201, "")) == 5 and results.count((409, "sold_out")) == 4
    shown = client.get(f"/products/{product['id']}", headers=shop["headers"]).json()
    assert shown["presale"]["sold"] == 5 and shown["variants"][0]["stock"] == 0


def test_orders_carry_each_items_ship_date_and_cancelling_frees_the_places(client, shop):
    product = teapot(client, shop)
    slug = shop["shop"]["slug"]
    white, black = (v["id"] for v in product["variants"])
    placed = _checkout(client, slug, _cart(client, slug, (white, 1), (black, 1))).json()

    page = client.get(f"/store/{slug}/orders/{placed['order_no']}", params={"token": placed["token"]}).json()
    assert page["presale"] is True and page["ships_at"] == "2030-06-01"
    assert sorted(i["presale_ships_at"] for i in page["items"]) == ["2030-04-01", "2030-06-01"]
    order = client.get(f"/orders/{placed['order_id']}", headers=shop["headers"]).json()
    assert {i["variant_id"]: i["sold_from"] for i in order["items"]} == {white: "product_quota", black: "variant_quota"}

    assert client.post(f"/orders/{placed['order_id']}/cancel", json={"reason": "买错了"}, headers=shop["headers"]).status_code == 200
    shown = client.get(f"/products/{product['id']}", headers=shop["headers"]).json()
    assert shown["presale"]["sold"] == 0 and shown["variants"][1]["presale"]["sold"] == 0


def test_export_then_import_keeps_pre_sales(client, shop):
    teapot(client, shop)
    first = client.get("/products/export", headers=shop["headers"])
    assert ",2030-06-01,2,2030-04-01,5," in first.text
    answer = client.post("/products/import", content=first.content, headers=shop["headers"])
    assert answer.json() == {"created": 0, "updated": 0, "dry_run": False, "errors": []}
    assert client.get("/products/export", headers=shop["headers"]).content == first.content
