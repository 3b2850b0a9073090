"""A newcomer opens a shop in the browser, lands in the console, and sees the shop's storefront."""

import re

from playwright.sync_api import expect

from tests.e2e.steps import DEMO_EMAIL, DEMO_PASSWORD


def test_a_newcomer_signs_up_lands_in_the_console_and_opens_the_storefront(page):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("开一家")
    page.get_by_role("link", name="免费开店").first.click()
    expect(page).to_have_url(re.compile("/signup/?$"))

    page.get_by_label("邮箱").fill("newcomer@example.com")
    page.get_by_label("密码").fill("my-first-shop")
    page.get_by_label("店铺名称").fill("小王的咖啡馆")
    page.get_by_label("店铺网址").fill("wang-coffee")
    page.get_by_role("button", name="创建店铺").click()

    expect(page).to_have_url(re.compile("/console/?$"), timeout=30_000)
    expect(page.get_by_test_id("console-shop-name")).to_have_text("小王的咖啡馆")
    page.get_by_test_id("storefront-link").click()
    expect(page).to_have_url(re.compile("/s/wang-coffee/?$"))
    expect(page.get_by_test_id("store-name")).to_have_text("小王的咖啡馆")


def test_bad_signup_shows_the_message_next_to_the_field_and_keeps_the_input(page):
    page.goto("/signup")
    page.get_by_label("邮箱").fill("not-an-email")
    page.get_by_label("密码").fill("12345678")
    page.get_by_label("店铺名称").fill("茶")
    page.get_by_label("店铺网址").fill("admin")
    page.get_by_role("button", name="创建店铺").click()
    expect(page.locator("#email-note")).to_have_text("邮箱格式不正确")
    expect(page.locator("#password-note")).to_have_text("密码不能全是数字")
    expect(page.locator("#shop_slug-note")).to_have_text("这个网址是系统保留的，请换一个")
    expect(page.get_by_label("店铺名称")).to_have_value("茶")
    expect(page).to_have_url(re.compile("/signup/?$"))


def test_the_console_needs_a_login(page):
    page.goto("/console")
    expect(page).to_have_url(re.compile("/login/?$"))


def test_the_demo_owner_logs_in_and_switches_to_english(page):
    page.goto("/login")
    page.get_by_label("邮箱").fill(DEMO_EMAIL)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_test_id("console-shop-name")).to_have_text("一叶茶舍")
    page.get_by_test_id("lang-switch").click()
    expect(page.get_by_role("link", name="Settings")).to_be_visible()
    page.get_by_role("link", name="Settings").click()
    expect(page.get_by_label("Shop name")).to_have_value("一叶茶舍")


def test_an_unknown_shop_shows_a_friendly_404(phone):
    phone.goto("/s/no-such-shop")
    expect(phone.get_by_test_id("store-not-found")).to_have_text("店铺不存在")


def test_the_demo_storefront_shows_products_on_a_phone(phone):
    phone.goto("/s/demo-tea")
    expect(phone.get_by_test_id("store-name")).to_have_text("一叶茶舍")
    expect(phone.get_by_role("link", name=re.compile("西湖龙井")).first).to_be_visible()  # its card, and its flash sale's
