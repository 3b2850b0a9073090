"""The owner's product workbench in the browser: create with a variant grid, fix a bad price, bulk edit."""

import io
import re

from PIL import Image
from playwright.sync_api import expect

from tests.e2e.steps import log_in_as_demo_owner


def test_the_owner_creates_a_product_with_a_variant_grid(page):
    log_in_as_demo_owner(page)
    page.goto("/console/products/new")
    page.get_by_label("商品名称").fill("手工粗陶杯")
    page.get_by_label("商品名称").blur()
    page.get_by_role("button", name="添加规格维度").click()
    page.get_by_role("button", name="添加规格维度").click()
    names, values = page.get_by_label("规格名，如 颜色"), page.get_by_label("规格值，用逗号分隔")
    names.nth(0).fill("颜色")
    values.nth(0).fill("米白, 炭黑")
    names.nth(1).fill("容量")
    values.nth(1).fill("200毫升，300毫升")
    values.nth(1).blur()
    page.get_by_test_id("generate-grid").click()
    grid = page.get_by_test_id("variant-grid")
    expect(grid.locator("tbody tr")).to_have_count(4)
    expect(grid).to_contain_text("炭黑 / 300毫升")

    page.get_by_label("米白 / 200毫升 价格（元）").fill("-5")
    page.get_by_label("米白 / 200毫升 价格（元）").blur()
    page.get_by_test_id("save-product").click()
    expect(grid.get_by_role("alert")).to_have_text("价格不能是负数")

    for label, price in (("米白 / 200毫升", "39"), ("米白 / 300毫升", "49"), ("炭黑 / 200毫升", "39.9"), ("炭黑 / 300毫升", "49.9")):
        page.get_by_label(f"{label} 价格（元）").fill(price)
        page.get_by_label(f"{label} 库存").fill("12")
        page.get_by_label(f"{label} 库存").blur()
    page.get_by_test_id("save-product").click()
    expect(page).to_have_url(re.compile(r"/console/products/\d+/?$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("手工粗陶杯")
    expect(page.get_by_label("炭黑 / 200毫升 价格（元）")).to_have_value("39.90")

    page.get_by_role("link", name="商品").first.click()
    page.get_by_label("搜索商品名称或货号").fill("粗陶")
    page.get_by_role("button", name="搜索").click()
    row = page.get_by_role("row", name=re.compile("手工粗陶杯"))
    expect(row).to_contain_text("¥39–¥49.90")
    expect(row).to_contain_text("48")


def test_the_owner_uploads_images_to_a_product(page):
    log_in_as_demo_owner(page)
    page.goto("/console/products")
    page.get_by_role("link", name="日式铸铁壶 无涂层").click()
    images = page.get_by_test_id("image-list").locator("li")
    expect(images).to_have_count(1)
    picture = io.BytesIO()
    Image.new("RGB", (800, 600), (30, 90, 60)).save(picture, "PNG")
    page.locator("input[type=file]").set_input_files(
        [{"name": "side.png", "mimeType": "image/png", "buffer": picture.getvalue()},
         {"name": "notes.png", "mimeType": "image/png", "buffer": b"this is not a picture"}]
    )
    expect(images).to_have_count(2)
    expect(page.get_by_role("alert").first).to_contain_text("notes.png")


def test_bulk_edit_moves_chosen_products_to_draft(page):
    log_in_as_demo_owner(page)
    page.goto("/console/products")
    for name in ("茉莉花茶 飘雪", "杭白菊 胎菊"):
        box = page.get_by_role("checkbox", name=name)
        box.click()  # the page's state holds the choice, so the tick appears a moment later
        expect(box).to_be_checked()
    page.get_by_label("值").select_option("draft")
    page.get_by_role("button", name="应用").click()
    expect(page.get_by_role("status")).to_have_text("已更新 2 件商品")
    page.get_by_role("tab", name="草稿").click()
    expect(page.get_by_role("row", name=re.compile("茉莉花茶"))).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("杭白菊"))).to_be_visible()


def test_the_owner_builds_the_category_tree(page):
    log_in_as_demo_owner(page)
    page.get_by_role("link", name="分类").click()
    page.get_by_label("分类名称").fill("普洱生茶")
    page.get_by_label("上级分类").select_option(label="普洱茶")
    page.get_by_role("button", name="添加分类").click()
    tree = page.get_by_test_id("category-tree")
    expect(tree.get_by_label("普洱生茶")).to_be_visible()
    page.get_by_label("分类名称").fill("绿茶")
    page.get_by_role("button", name="添加分类").click()
    expect(page.get_by_role("alert").filter(has_text="同一层级下已有同名分类")).to_be_visible()


def test_the_assistant_suggests_a_title_the_owner_may_take(page):
    log_in_as_demo_owner(page)
    page.goto("/console/products")
    page.get_by_label("搜索商品名称或货号").fill("正山小种")
    page.get_by_role("button", name="搜索").click()
    page.get_by_role("link", name="正山小种 桐木关").click()
    page.get_by_label("语气").select_option("premium")
    page.get_by_test_id("ai-copy").click()
    title = page.get_by_test_id("ai-title").first
    expect(title).to_be_visible(timeout=20_000)
    suggested = title.inner_text()
    assert 0 < len(suggested) <= 60
    page.get_by_role("button", name="采用").first.click()
    expect(page.get_by_label("商品名称")).to_have_value(suggested)


def test_the_product_list_sorts_and_filters(page):
    log_in_as_demo_owner(page)
    page.goto("/console/products")
    page.get_by_role("combobox", name="分类").select_option(label="茶具")
    expect(page.get_by_text("共: 7")).to_be_visible()
    page.get_by_role("combobox", name="排序").select_option("price_desc")
    expect(page.locator("tbody tr").first).to_contain_text("日式铸铁壶")
    page.get_by_role("textbox", name="最低价").fill("500")
    page.get_by_role("button", name="按价格筛选").click()
    expect(page.get_by_text("共: 2")).to_be_visible()
    page.get_by_role("textbox", name="最高价").fill("100")
    page.get_by_role("button", name="按价格筛选").click()
    expect(page.get_by_role("alert")).to_contain_text("最低价不能高于最高价")
    expect(page.get_by_text("共: 2")).to_be_visible()


def test_the_low_stock_badge_opens_the_list_with_waiting_shoppers(page):
    log_in_as_demo_owner(page)
    page.goto("/console/products")
    page.get_by_test_id("low-stock-badge").click()
    low = page.get_by_test_id("low-stock-list")
    expect(low).to_contain_text("安吉白茶 珍稀品种")
    expect(low).to_contain_text("250克")


def test_the_owner_sets_the_low_stock_line(page):
    log_in_as_demo_owner(page)
    page.goto("/console/products")
    badge = page.get_by_test_id("low-stock-badge")
    expect(badge).to_be_visible()
    before = int(badge.inner_text().split(":")[-1])
    page.goto("/console/settings")
    page.get_by_label("库存预警值").fill("1000")
    page.get_by_role("button", name="保存").first.click()
    expect(page.get_by_role("status").first).to_have_text("已保存")
    page.goto("/console/products")
    expect(badge).not_to_have_text(re.compile(rf":\s*{before}$"))  # the page has read the new line
    assert int(badge.inner_text().split(":")[-1]) > before
    page.goto("/console/settings")  # back to the demo's line, for the other journeys
    page.get_by_label("库存预警值").fill("5")
    page.get_by_role("button", name="保存").first.click()
    expect(page.get_by_role("status").first).to_have_text("已保存")


def test_a_stock_change_shows_in_the_products_stock_history(page):
    log_in_as_demo_owner(page)
    page.goto("/console/products")
    page.get_by_role("link", name="青瓷盖碗 三才碗").click()
    page.get_by_role("button", name="查看库存记录").click()
    history = page.get_by_test_id("stock-history")
    expect(history.locator("tbody tr").first).to_be_visible()  # the demo's opening stock
    stock = page.get_by_test_id("variant-grid").get_by_label(re.compile(" 库存$")).first
    before = int(stock.input_value())
    stock.fill(str(before + 7))
    stock.blur()
    page.get_by_test_id("save-product").click()
    newest = history.locator("tbody tr").first
    expect(newest).to_contain_text("+7")
    expect(newest).to_contain_text(f"{before} → {before + 7}")
    expect(newest).to_contain_text("demo@example.com")
