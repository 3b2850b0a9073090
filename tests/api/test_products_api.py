"""The catalogue over HTTP: products, images, stock, categories, CSV, and the storefront's reads."""

from __future__ import annotations

import io

import httpx
import pytest
from PIL import Image

from tests.api.conftest import signup

SIZES = {"name": "尺码", "values": ["S", "M", "L"]}
COLOURS = {"name": "颜色", "values": ["红", "蓝"]}


def tea(**changes) -> dict:
    return {"title": "西湖龙井", "variants": [{"sku": "LJ-250", "price": 12800, "stock": 10, "cost": 6000}], **changes}


def create(client, shop, **changes) -> dict:
    answer = client.post("/products", json=tea(**changes), headers=shop["headers"])
    assert answer.status_code == 201, answer.text
    return answer.json()


def png(size=(1200, 800)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 160, 60)).save(buffer, "PNG")
    return buffer.getvalue()


def product_count(client, shop) -> int:
    return client.get("/products", headers=shop["headers"]).json()["total"]


def refusal(answer: httpx.Response, status: int) -> dict:
    """The error shape every refusal has; returns its field codes."""
    assert answer.status_code == status, answer.text
    error = answer.json()["error"]
    assert error["code"] and error["message"]
    return error["field_codes"]


# Products ------------------------------------------------------------------------------------

def test_a_product_with_options_gets_the_whole_grid_of_variants(client, shop):
    answer = client.post("/products", json={"title": "T恤", "options": [COLOURS, SIZES]}, headers=shop["headers"])
    assert answer.status_code == 201
    product = answer.json()
    assert [v["option_values"] for v in product["variants"]] == [
        ["红", "S"], ["红", "M"], ["红", "L"], ["蓝", "S"], ["蓝", "M"], ["蓝", "L"],
    ]
    assert client.get(f"/products/{product['id']}", headers=shop["headers"]).json()["variants"] == product["variants"]


def test_patch_changes_only_the_fields_sent(client, shop):
    product = create(client, shop, seo_title="龙井")
    answer = client.patch(f"/products/{product['id']}", json={"title": "明前龙井", "status": "active"}, headers=shop["headers"])
    assert answer.status_code == 200
    changed = answer.json()
    assert (changed["title"], changed["status"], changed["seo_title"]) == ("明前龙井", "active", "龙井")
    assert changed["variants"] == product["variants"]


@pytest.mark.parametrize(("payload", "field_codes"), [
    (tea(variants=[{"price": -1}]), {"variants.0.price": "price_negative"}),
    ({"title": "太多规格", "options": [
        {"name": "a", "values": [str(n) for n in range(11)]}, {"name": "b", "values": [str(n) for n in range(10)]},
    ]}, {"options": "too_many_variants"}),
    (tea(options=[SIZES], variants=[
        {"sku": "X", "option_values": ["S"], "price": 1}, {"sku": "X", "option_values": ["M"], "price": 1},
    ]), {"variants.1.sku": "sku_duplicate"}),
    (tea(category_ids=[987654]), {"category_ids": "category_not_found"}),
], ids=["negative price", "grid over 100", "duplicate sku", "unknown category"])
def test_bad_products_are_refused_with_the_error_shape_and_nothing_saved(client, shop, payload, field_codes):
    assert refusal(client.post("/products", json=payload, headers=shop["headers"]), 422) == field_codes
    assert product_count(client, shop) == 0


def test_a_sku_already_used_in_the_shop_is_refused(client, shop):
    create(client, shop)
    assert refusal(client.post("/products", json=tea(title="另一款"), headers=shop["headers"]), 422) == {
        "variants.0.sku": "sku_taken",
    }


def test_the_list_filters_and_pages(client, shop):
    for n in range(3):
        create(client, shop, title=f"茶 {n}", status="active" if n else "draft", variants=[{"price": 100 + n}])
    listed = client.get("/products?status=active&per_page=1&page=2", headers=shop["headers"]).json()
    assert listed["total"] == 2 and len(listed["items"]) == 1
    assert client.get("/products?q=茶 0", headers=shop["headers"]).json()["total"] == 1


def test_a_deleted_product_is_gone(client, shop):
    product = create(client, shop)
    assert client.delete(f"/products/{product['id']}", headers=shop["headers"]).status_code == 204
    assert refusal(client.get(f"/products/{product['id']}", headers=shop["headers"]), 404) == {}


# Images ----------------------------------------------------------------------------------------

def test_an_uploaded_png_becomes_webp_renditions_anyone_can_fetch(client, shop, api_url):
    product = create(client, shop)
    answer = client.post(
        f"/products/{product['id']}/images", files={"file": ("茶.png", png(), "image/png")}, data={"alt": "茶叶特写"},
        headers=shop["headers"],
    )
    assert answer.status_code == 201, answer.text
    image = answer.json()
    assert set(image) == {"id", "url", "thumb_url", "alt"} and image["alt"] == "茶叶特写"
    for url in (image["url"], image["thumb_url"]):
        fetched = httpx.get(api_url + url)
        assert fetched.status_code == 200 and fetched.content.startswith(b"RIFF")
        assert Image.open(io.BytesIO(fetched.content)).format == "WEBP"
    assert client.get(f"/products/{product['id']}", headers=shop["headers"]).json()["images"] == [image]


def test_a_text_file_named_png_is_refused(client, shop):
    product = create(client, shop)
    answer = client.post(
        f"/products/{product['id']}/images", files={"file": ("fake.png", "这不是图片".encode(), "image/png")},
        headers=shop["headers"],
    )
    assert refusal(answer, 422) == {"file": "image_type"}


def test_an_upload_over_10_mb_is_refused_without_being_stored(client, shop):
    product = create(client, shop)
    huge = b"\x89PNG\r\n\x1a\n" + b"\0" * (11 * 1024 * 1024)
    answer = client.post(
        f"/products/{product['id']}/images", files={"file": ("big.png", huge, "image/png")}, headers=shop["headers"],
    )
    assert answer.status_code in (413, 422) and answer.json()["error"]["code"]
    assert client.get(f"/products/{product['id']}", headers=shop["headers"]).json()["images"] == []


def test_an_oversized_upload_without_a_declared_length_is_cut_off(client, shop):
    product = create(client, shop)

    def chunks():
        for _ in range(12):
            yield b"\0" * (1024 * 1024)

    answer = client.post(
        f"/products/{product['id']}/images", content=chunks(),
        headers=shop["headers"] | {"Content-Type": "multipart/form-data; boundary=x"},
    )
    assert refusal(answer, 413) == {}


def test_images_are_reordered_described_and_deleted(client, shop):
    product = create(client, shop)
    path = f"/products/{product['id']}/images"
    first, second = (
        client.post(path, files={"file": ("a.png", png((300, 200)), "image/png")}, data={"alt": alt},
                    headers=shop["headers"]).json()
        for alt in ("一", "二")
    )
    moved = client.patch(f"{path}/{second['id']}", json={"position": 0, "alt": "主图"}, headers=shop["headers"])
    assert moved.status_code == 200 and moved.json()["alt"] == "主图"
    shown = client.get(f"/products/{product['id']}", headers=shop["headers"]).json()["images"]
    assert [i["id"] for i in shown] == [second["id"], first["id"]]
    assert client.delete(f"{path}/{second['id']}", headers=shop["headers"]).status_code == 204
    shown = client.get(f"/products/{product['id']}", headers=shop["headers"]).json()["images"]
    assert [i["id"] for i in shown] == [first["id"]]
    assert refusal(client.patch(f"{path}/{first['id']}", json={"position": -1}, headers=shop["headers"]), 422) == {
        "position": "must_not_be_negative",
    }


# Stock and categories --------------------------------------------------------------------------

def test_stock_moves_by_delta_or_to_a_level_but_never_below_zero(client, shop):
    variant_id = create(client, shop)["variants"][0]["id"]
    stock = f"/variants/{variant_id}/stock"
    assert client.post(stock, json={"delta": -3, "reason": "盘点损耗"}, headers=shop["headers"]).json()["stock"] == 7
    assert client.post(stock, json={"set": 20, "reason": "到货"}, headers=shop["headers"]).json()["stock"] == 20
    answer = client.post(stock, json={"delta": -21, "reason": "出库"}, headers=shop["headers"])
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "insufficient_stock"
    assert refusal(client.post(stock, json={"delta": 1, "set": 2, "reason": "x"}, headers=shop["headers"]), 422) == {
        "delta": "delta_or_set",
    }
    assert refusal(client.post(stock, json={"delta": 1}, headers=shop["headers"]), 422) == {"reason": "required"}
    product = client.get("/products", headers=shop["headers"]).json()["items"][0]
    assert product["stock"] == 20
    # The ledger: newest first, who, why, before and after; the refused move left no line.
    ledger = client.get(f"/products/{product['id']}/stock-moves", headers=shop["headers"]).json()
    assert ledger["total"] == 3
    assert [(m["delta"], m["before"], m["after"], m["reason"]) for m in ledger["items"][:2]] == [
        (13, 7, 20, "到货"), (-3, 10, 7, "盘点损耗"),
    ]
    assert ledger["items"][0]["actor_name"] == "tea-house@example.com"
    other = signup(client, "green-leaf")
    assert client.get(f"/products/{product['id']}/stock-moves", headers=other["headers"]).status_code == 404


def test_low_stock_lists_the_emptiest_variants_first(client, shop):
    create(client, shop, options=[SIZES], variants=[
        {"option_values": ["S"], "price": 1, "stock": 4}, {"option_values": ["M"], "price": 1, "stock": 0},
        {"option_values": ["L"], "price": 1, "stock": 50},
    ])
    low = client.get("/stock/low?threshold=5", headers=shop["headers"]).json()
    assert low["total"] == 2 and [i["stock"] for i in low["items"]] == [0, 4]
    # The shop's own line, set by the owner, is the default.
    changed = client.patch("/shop", json={"low_stock_threshold": 0}, headers=shop["headers"])
    assert changed.status_code == 200 and changed.json()["low_stock_threshold"] == 0
    assert [i["stock"] for i in client.get("/stock/low", headers=shop["headers"]).json()["items"]] == [0]
    refused = client.patch("/shop", json={"low_stock_threshold": -3}, headers=shop["headers"])
    assert refused.status_code == 422 and list(refused.json()["error"]["fields"]) == ["low_stock_threshold"]


def test_categories_are_created_and_listed_as_a_tree(client, shop):
    tea_category = client.post("/categories", json={"name": "茶叶"}, headers=shop["headers"])
    assert tea_category.status_code == 201
    green = client.post(
        "/categories", json={"name": "绿茶", "parent_id": tea_category.json()["id"]}, headers=shop["headers"],
    ).json()
    listed = client.get("/categories", headers=shop["headers"]).json()
    assert listed["total"] == 2 and {(c["name"], c["parent_id"]) for c in listed["items"]} == {
        ("茶叶", None), ("绿茶", tea_category.json()["id"]),
    }
    assert green["parent_id"] == tea_category.json()["id"]
    assert refusal(client.post("/categories", json={"name": ""}, headers=shop["headers"]), 422) == {"name": "required"}


# Tenancy ---------------------------------------------------------------------------------------

def test_another_shops_product_answers_404_everywhere(client, shop):
    product = create(client, shop)
    other = signup(client, "other-shop")["headers"]
    path = f"/products/{product['id']}"
    assert refusal(client.get(path, headers=other), 404) == {}
    assert refusal(client.patch(path, json={"title": "偷改"}, headers=other), 404) == {}
    assert refusal(client.post(f"{path}/images", files={"file": ("a.png", png(), "image/png")}, headers=other), 404) == {}
    assert refusal(client.post(f"/variants/{product['variants'][0]['id']}/stock", json={"delta": -1, "reason": "x"},
                               headers=other), 404) == {}
    assert refusal(client.delete(path, headers=other), 404) == {}
    assert client.get(path, headers=shop["headers"]).json()["title"] == "西湖龙井"
    assert client.get("/products", headers=other).json() == {"items": [], "total": 0}


def test_another_shops_image_answers_404(client, shop):
    product = create(client, shop)
    image = client.post(f"/products/{product['id']}/images", files={"file": ("a.png", png(), "image/png")},
                        headers=shop["headers"]).json()
    other = signup(client, "other-shop")["headers"]
    theirs = create(client, {"headers": other}, variants=[{"price": 1}])
    theirs_path = f"/products/{theirs['id']}/images/{image['id']}"
    assert refusal(client.patch(theirs_path, json={"alt": "x"}, headers=other), 404) == {}
    assert refusal(client.delete(f"/products/{product['id']}/images/{image['id']}", headers=other), 404) == {}


def test_without_a_token_nothing_is_shown(client, shop):
    create(client, shop)
    assert client.get("/products").status_code == 401
    assert client.get("/products/export").status_code == 401
    assert client.post("/products/import", content="title,price\n甲,1\n").status_code == 401


# Storefront ------------------------------------------------------------------------------------

def test_the_storefront_shows_active_products_only_and_never_the_cost(client, shop):
    active = create(client, shop, status="active")
    draft = create(client, shop, title="草稿茶", variants=[{"price": 1}])
    listed = client.get("/store/tea-house/products").json()
    assert [item["id"] for item in listed["items"]] == [active["id"]] and listed["total"] == 1

    shown = client.get(f"/store/tea-house/products/{active['id']}")
    assert shown.status_code == 200 and shown.json()["title"] == "西湖龙井"
    assert "cost" not in shown.text
    assert refusal(client.get(f"/store/tea-house/products/{draft['id']}"), 404) == {}


def test_the_storefront_never_shows_another_shops_product(client, shop):
    theirs = create(client, signup(client, "other-shop"), status="active")
    assert refusal(client.get(f"/store/tea-house/products/{theirs['id']}"), 404) == {}
    assert client.get("/store/tea-house/products").json()["total"] == 0
    assert refusal(client.get("/store/no-such-shop/products"), 404) == {}


# CSV -------------------------------------------------------------------------------------------

def upload_csv(client, shop, text: str, **params) -> httpx.Response:
    return client.post(
        "/products/import", params=params, content=text.encode("utf-8"),
        headers=shop["headers"] | {"Content-Type": "text/csv"},
    )


def test_a_broken_row_is_named_by_its_number_and_nothing_is_created(client, shop):
    answer = upload_csv(client, shop, "title,sku,price,stock\n龙井,LJ-1,12.80,5\n红茶,HC-1,十块,5\n")
    assert answer.status_code == 200
    body = answer.json()
    assert (body["created"], body["updated"]) == (0, 0)
    [error] = body["errors"]
    assert (error["row"], error["column"], error["code"]) == (3, "price", "must_be_money")
    assert error["message"].startswith("price: ")
    assert product_count(client, shop) == 0


def test_a_dry_run_previews_and_changes_nothing(client, shop):
    answer = upload_csv(client, shop, "title,sku,price\n龙井,LJ-1,12.80\n红茶,HC-1,9\n", dry_run="true")
    assert answer.json() == {"created": 2, "updated": 0, "dry_run": True, "errors": []}
    assert product_count(client, shop) == 0

    assert upload_csv(client, shop, "title,sku,price\n龙井,LJ-1,12.80\n红茶,HC-1,9\n").json()["created"] == 2
    assert product_count(client, shop) == 2


def test_export_then_import_then_export_changes_nothing(client, shop):
    create(client, shop, status="active", options=[SIZES], variants=[
        {"sku": f"T-{size}", "option_values": [size], "price": 1999, "stock": 3} for size in SIZES["values"]
    ])
    first = client.get("/products/export", headers=shop["headers"])
    assert first.status_code == 200 and first.headers["content-type"].startswith("text/csv")
    assert first.content.startswith("\ufeff".encode()) and "T-M,19.99" in first.text

    answer = upload_csv(client, shop, first.content.decode("utf-8"))
    assert answer.json() == {"created": 0, "updated": 0, "dry_run": False, "errors": []}
    assert client.get("/products/export", headers=shop["headers"]).content == first.content


def test_an_edited_export_updates_prices_and_stock(client, shop):
    product = create(client, shop)
    exported = client.get("/products/export", headers=shop["headers"]).text
    answer = upload_csv(client, shop, exported.replace(",LJ-250,128,,60,10,", ",LJ-250,99.90,,60,4,"))
    assert answer.json()["updated"] == 1, answer.text
    variant = client.get(f"/products/{product['id']}", headers=shop["headers"]).json()["variants"][0]
    assert (variant["price"], variant["stock"]) == (9990, 4)


def test_a_gb18030_sheet_from_chinese_excel_is_read(client, shop):
    answer = client.post("/products/import", content="title,price\n普洱,9\n".encode("gb18030"), headers=shop["headers"])
    assert answer.json()["created"] == 1
    assert client.get("/products", headers=shop["headers"]).json()["items"][0]["title"] == "普洱"
