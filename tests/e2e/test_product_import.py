"""Batch work in the browser: export the catalogue, change it in a spreadsheet, preview, import."""

import re

from playwright.sync_api import expect

from tests.e2e.steps import log_in_as_demo_owner


def test_export_edit_preview_and_import(page, tmp_path):
    log_in_as_demo_owner(page)
    page.goto("/console/products")
    page.get_by_role("link", name="批量导入导出").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="导出 CSV").click()
    exported = download.value.path().read_bytes().decode("utf-8-sig")
    assert exported.splitlines()[0].startswith("product_id,title")
    lines = exported.splitlines()
    first = next(i for i, line in enumerate(lines) if ",T01-50," in line)
    lines[first] = lines[first].replace(",128,", ",138,", 1)
    broken = lines[:2] + [lines[2].replace(",T", ",BAD SKU WITH,") + ",extra,cells"] + lines[3:]

    bad_file = tmp_path / "broken.csv"
    bad_file.write_text("\n".join(broken), encoding="utf-8-sig")
    page.locator("#product_csv input[type=file]").set_input_files(str(bad_file))
    expect(page.get_by_test_id("import-problems")).to_contain_text("3")
    expect(page.get_by_role("button", name="开始导入")).to_have_count(0)

    good_file = tmp_path / "products.csv"
    good_file.write_text("\n".join(lines), encoding="utf-8-sig")
    page.locator("#product_csv input[type=file]").set_input_files(str(good_file))
    expect(page.get_by_test_id("import-preview")).to_contain_text(re.compile(r"将更新商品: 1 · 问题: 0"))
    page.get_by_role("button", name="开始导入").click()
    expect(page.get_by_role("status")).to_contain_text("导入完成：新建 0 件，更新 1 件。", timeout=30_000)

    page.goto("/s/demo-tea/p/1")
    expect(page.get_by_test_id("product-price")).to_have_text("¥138")
