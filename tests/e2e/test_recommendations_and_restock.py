"""Issue 22 in the browser: a shopper on a phone sees what others bought with a tea and similar products, and
follows one; the cart suggests what goes with it; the owner opens 建议补货 from the menu and reads a suggestion."""

import re

from playwright.sync_api import expect

from tests.e2e.steps import log_in_as_demo_owner


def test_a_shopper_on_a_phone_follows_a_recommendation_and_sees_more_in_the_cart(phone):
    phone.goto("/s/demo-tea/p/1")
    expect(phone.get_by_test_id("product-title")).to_have_text("西湖龙井绿茶 明前特级")
    together = phone.get_by_test_id("rec-bought-together")
    expect(together.get_by_role("heading", name="买了这个的人也买了")).to_be_visible()
    expect(together.get_by_role("link").first).to_be_visible()
    similar = phone.get_by_test_id("rec-similar")
    expect(similar.get_by_role("heading", name="相似商品")).to_be_visible()
    picked = similar.get_by_role("link").first
    title = picked.get_by_role("heading").inner_text()
    picked.click()
    expect(phone).to_have_url(re.compile(r"/s/demo-tea/p/(?!1/?$)\d+/?$"))
    expect(phone.get_by_test_id("product-title")).to_have_text(title)

    phone.get_by_role("button", name="加入购物车").click()
    phone.get_by_role("link", name="去购物车").click()
    expect(phone.get_by_test_id("cart-lines")).to_contain_text(title)
    cart_picks = phone.get_by_test_id("rec-cart")
    expect(cart_picks.get_by_role("heading", name="搭配推荐")).to_be_visible()
    expect(cart_picks).not_to_contain_text(title)  # never what is already in the cart


def test_the_owner_reads_restock_suggestions_from_the_menu(page):
    log_in_as_demo_owner(page)
    page.get_by_role("link", name="建议补货").first.click()
    expect(page).to_have_url(re.compile("/console/restock/?$"))
    expect(page.get_by_role("heading", name="建议补货")).to_be_visible()
    first = page.get_by_test_id("restock-row").first
    expect(first).to_contain_text("建议补货量")
    expect(first).to_contain_text("可售天数")
    expect(first).to_contain_text(re.compile("紧急|尽快|已断货"))
    shown = int(re.search(r"\d+", page.get_by_test_id("restock-total").inner_text()).group())
    page.get_by_test_id("restock-toggle").click()
    expect(page.get_by_test_id("restock-toggle")).to_have_text("只看需要补货的")
    expect(page.get_by_test_id("restock-total")).not_to_have_text(f"SKU 数: {shown}")


def test_restock_suggestions_read_on_a_390px_phone(phone):
    log_in_as_demo_owner(phone)
    phone.goto("/console/restock")
    row = phone.get_by_test_id("restock-row").first
    expect(row).to_contain_text("预计 30 天销量")
    box = row.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box


def test_the_owner_chooses_among_copy_suggestions_drawn_from_the_facts(page):
    log_in_as_demo_owner(page)
    page.goto("/console/products")
    page.get_by_label("搜索商品名称或货号").fill("正山小种")
    page.get_by_role("button", name="搜索").click()
    page.get_by_role("link", name="正山小种 桐木关").click()
    page.get_by_test_id("ai-copy").click()
    titles = page.get_by_test_id("ai-title")
    expect(titles.first).to_be_visible(timeout=20_000)
    assert titles.count() >= 2 and "正山小种 桐木关" not in [t.inner_text() for t in titles.all()]
    preview = page.get_by_test_id("ai-description")
    expect(preview).to_contain_text("卖点")
    expect(preview).to_contain_text("售后说明")
    expect(preview).to_contain_text("发货：")  # the full version quotes the shop's shipping policy
    page.get_by_role("button", name="精简版").click()
    expect(preview).not_to_contain_text("发货：")
    expect(page.get_by_test_id("ai-copy-engine")).to_contain_text("离线助手")
