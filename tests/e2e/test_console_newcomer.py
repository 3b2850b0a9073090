"""What a new owner trips over in the console (issue 13): the first screen, drafts, the words on an order,
refused pictures, the phone, and the shipping label."""

import io
import re

import httpx
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.e2e.steps import DEMO_EMAIL, DEMO_PASSWORD, log_in_as_demo_owner
from tests.e2e.test_console_orders import ADDRESS

STEPS = ("add_product", "set_shipping", "set_up_payment", "decorate", "share")


def _sign_up(page: Page, slug: str, name: str) -> None:
    page.goto("/signup")
    page.get_by_label("邮箱").fill(f"{slug}@example.com")
    page.get_by_label("密码").fill("my-first-shop")
    page.get_by_label("店铺名称").fill(name)
    page.get_by_label("店铺网址").fill(slug)
    page.get_by_role("button", name="创建店铺").click()
    expect(page).to_have_url(re.compile("/console/?$"), timeout=30_000)


def _open_menu_and_go(phone: Page, label: str) -> None:
    phone.get_by_test_id("console-menu-button").click()
    drawer = phone.get_by_test_id("console-drawer")
    expect(drawer).to_be_visible()
    drawer.get_by_role("link", name=label, exact=True).click()


def test_a_new_owner_on_a_phone_follows_the_checklist_from_welcome_to_a_product_on_sale(phone):
    _sign_up(phone, "first-shop", "小林的茶铺")
    expect(phone.get_by_test_id("console-welcome")).to_have_text("欢迎, 小林的茶铺")
    checklist = phone.get_by_test_id("onboarding-checklist")
    for step in STEPS:
        expect(checklist.get_by_test_id(f"onboarding-step-{step}")).to_have_attribute("data-done", "false")
    expect(checklist).to_contain_text("上架第一件商品")
    expect(phone.get_by_test_id("share-qr-code")).to_have_attribute("src", re.compile("^data:image/png;base64,"))

    # A new product starts as a draft: saving says shoppers cannot see it, and 上架 is one click away.
    checklist.get_by_role("link", name=re.compile("添加商品")).click()
    phone.get_by_label("商品名称").fill("桂花乌龙")
    phone.get_by_label("商品名称").blur()
    phone.get_by_label("价格（元）").first.fill("68")
    phone.get_by_label("库存").first.fill("20")
    phone.get_by_label("库存").first.blur()
    phone.get_by_test_id("save-product").click()
    expect(phone).to_have_url(re.compile(r"/console/products/\d+/?$"))
    expect(phone.get_by_test_id("save-notice")).to_contain_text("还是草稿：顾客看不到它")
    expect(phone.get_by_test_id("product-visibility")).to_have_text("草稿 · 顾客看不到")
    phone.get_by_test_id("publish-product").click()
    expect(phone.get_by_test_id("product-visibility")).to_have_text("在售 · 顾客可以看到")
    expect(phone.get_by_test_id("save-notice")).to_have_text("已保存")
    expect(phone.get_by_test_id("publish-product")).to_have_count(0)

    # Back home through the phone's menu: the step has ticked itself; copying the link ticks the last one.
    _open_menu_and_go(phone, "概况")
    expect(phone.get_by_test_id("onboarding-step-add_product")).to_have_attribute("data-done", "true")
    expect(phone.get_by_test_id("onboarding-progress")).to_contain_text("1 / 5")
    phone.context.grant_permissions(["clipboard-read", "clipboard-write"])
    phone.get_by_role("button", name="复制链接").click()
    expect(phone.get_by_test_id("onboarding-step-share")).to_have_attribute("data-done", "true")
    phone.reload()
    expect(phone.get_by_test_id("onboarding-step-share")).to_have_attribute("data-done", "true")
    expect(phone.get_by_test_id("onboarding-progress")).to_contain_text("2 / 5")


def test_the_demo_owner_is_welcomed_back_and_the_busy_demo_needs_no_checklist(page):
    log_in_as_demo_owner(page)
    expect(page.get_by_test_id("console-welcome")).to_have_text("欢迎回来, 一叶茶舍")
    expect(page.get_by_test_id("sales-figures")).to_be_visible()
    expect(page.get_by_test_id("onboarding-checklist")).to_have_count(0)


def test_the_demo_has_two_months_of_sales_and_hovering_the_chart_is_a_light_highlight(page):
    log_in_as_demo_owner(page)
    page.get_by_role("tab", name="近 30 天").click()
    expect(page.get_by_test_id("sales-figures")).to_contain_text(re.compile(r"付款订单\s*\d{2,}|\d{2,}\s*付款订单"))
    bars = page.locator(".recharts-bar-rectangle path")
    expect(bars.first).to_be_visible()
    assert bars.count() >= 20  # a bar for most of the 30 days
    page.get_by_test_id("sales-chart").hover()
    cursor = page.locator(".recharts-tooltip-cursor")
    expect(cursor).to_have_attribute("fill", "#ecfdf5")


def test_an_orders_timeline_and_payments_read_in_the_consoles_language(page):
    log_in_as_demo_owner(page)
    page.goto("/console/orders")
    page.get_by_role("tab", name="已完成").click()
    rows = page.get_by_test_id("order-rows")
    expect(rows.get_by_test_id("order-row-status").first).to_have_text("已完成")
    # The page's oldest: one of the demo's shipped orders (journeys run before may have completed
    # orders of virtual goods, newest first, which were never shipped).
    rows.get_by_role("link").last.click()
    timeline = page.get_by_test_id("order-timeline")
    for words in ("顾客下单 · 顾客", "已付款 · 测试支付", f"已发货 · {DEMO_EMAIL}", "交易完成 · 系统"):
        expect(timeline).to_contain_text(words)
    expect(page.get_by_test_id("order-payments")).to_contain_text("测试支付 · 支付成功")
    for code in ("placed", "shopper", "payment:", "user:", "sandbox", "succeeded"):
        expect(timeline).not_to_contain_text(code)
    page.get_by_test_id("lang-switch").click()
    expect(timeline).to_contain_text("Order placed · Shopper")
    expect(page.get_by_test_id("order-payments")).to_contain_text("Test payment · Succeeded")
    page.get_by_test_id("lang-switch").click()


def test_a_picture_too_big_or_not_a_picture_is_refused_beside_the_drop_zone_with_the_limit(page):
    log_in_as_demo_owner(page)
    page.goto("/console/products")
    page.get_by_role("link", name="青瓷盖碗 三才碗").click()
    files = page.locator("#product_images input[type=file]")
    files.set_input_files([{"name": "海报.jpg", "mimeType": "image/jpeg", "buffer": b"\xff\xd8\xff" + b"0" * int(20.9 * 1024 * 1024)}])
    problems = page.get_by_test_id("picture-problems")
    expect(problems).to_contain_text("海报.jpg 有 20.9 MB，超过了单张 10 MB 的上限")
    files.set_input_files([{"name": "说明.jpg", "mimeType": "image/jpeg", "buffer": b"just some words, not a picture"}])
    expect(problems).to_contain_text("说明.jpg: 只支持 JPEG、PNG、WebP 或 GIF 图片")
    # Next to where it was dropped, not at the top of the page.
    drop_zone, message = page.locator("#product_images").bounding_box(), problems.bounding_box()
    assert 0 <= message["y"] - (drop_zone["y"] + drop_zone["height"]) < 40


def test_on_a_phone_the_menu_is_a_drawer_and_order_statuses_stay_on_one_line(phone):
    phone.goto("/login")
    phone.get_by_label("邮箱").fill(DEMO_EMAIL)
    phone.get_by_label("密码").fill(DEMO_PASSWORD)
    phone.get_by_role("button", name="登录").click()
    expect(phone.get_by_test_id("console-shop-name")).to_have_text("一叶茶舍")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # nothing pokes out sideways
    phone.get_by_test_id("console-menu-button").click()
    drawer = phone.get_by_test_id("console-drawer")
    for label in ("概况", "商品", "分类", "订单", "配送", "客服", "店铺设置"):
        box = drawer.get_by_role("link", name=label, exact=True).bounding_box()
        assert box["width"] > box["height"] and box["height"] < 48, (label, box)  # one line, not a column of characters
    drawer.get_by_role("link", name="订单", exact=True).click()
    expect(phone).to_have_url(re.compile("/console/orders/?$"))
    expect(phone.get_by_test_id("console-drawer")).to_have_count(0)
    statuses = phone.get_by_test_id("order-row-status")
    expect(statuses.first).to_be_visible()
    for n in range(min(5, statuses.count())):
        assert statuses.nth(n).bounding_box()["height"] < 30  # one line of text
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_first_label_asks_for_the_sender_address_and_shows_the_variant(page, platform_url):
    api = f"{platform_url}/api/v1"
    owner = httpx.post(f"{api}/auth/signup", json={"email": "label-shop@example.com", "password": "my-first-shop",
                                                  "shop_name": "标签茶铺", "shop_slug": "label-shop"}).json()
    headers = {"Authorization": f"Bearer {owner['token']}"}
    product = httpx.post(f"{api}/products", headers=headers, json={
        "title": "白毫银针", "status": "active", "options": [{"name": "规格", "values": ["50克", "250克"]}],
        "variants": [{"sku": "YZ-50", "option_values": ["50克"], "price": 9800, "stock": 5},
                     {"sku": "YZ-250", "option_values": ["250克"], "price": 39800, "stock": 5}]}).json()
    big = next(v["id"] for v in product["variants"] if v["sku"] == "YZ-250")
    cart = httpx.post(f"{api}/store/label-shop/carts").json()["cart_token"]
    httpx.post(f"{api}/store/label-shop/carts/{cart}/items", json={"variant_id": big, "qty": 1}).raise_for_status()
    placed = httpx.post(f"{api}/store/label-shop/checkout", json={"cart_token": cart, "email": "a@example.com", "address": ADDRESS}).json()
    httpx.post(f"{api}/payments/sandbox/{placed['payment']['id']}/pay", json={"outcome": "success"}).raise_for_status()
    httpx.post(f"{api}/orders/{placed['order_id']}/shipments", headers=headers,
               json={"carrier": "SF", "tracking_no": "SF1234567890777"}).raise_for_status()

    page.goto("/login")
    page.get_by_label("邮箱").fill("label-shop@example.com")
    page.get_by_label("密码").fill("my-first-shop")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_test_id("console-shop-name")).to_have_text("标签茶铺")
    page.goto(f"/console/orders/{placed['order_id']}")
    form = page.get_by_test_id("sender-address-form")
    expect(form).to_contain_text("快递公司不收没有寄件地址的包裹")
    expect(page.get_by_role("link", name="打印面单")).to_have_count(0)
    form.get_by_label("寄件人").fill("标签茶铺仓库")
    form.get_by_label("寄件电话").fill("0571-88881234")
    form.get_by_label("省份").select_option("浙江省")
    form.get_by_label("城市").fill("杭州市")
    form.get_by_label("区/县").fill("余杭区")
    form.get_by_label("详细地址").fill("仓前街道 8 号")
    form.get_by_role("button", name="保存寄件地址").click()
    label = page.get_by_role("link", name="打印面单")
    expect(label).to_be_visible()
    expect(page.get_by_test_id("sender-address-form")).to_have_count(0)
    pdf = page.request.get(label.get_attribute("href"))
    text = PdfReader(io.BytesIO(pdf.body())).pages[0].extract_text()
    assert "标签茶铺仓库" in text and "浙江省杭州市余杭区仓前街道 8 号" in text and "白毫银针 · 250克 ×1" in text
