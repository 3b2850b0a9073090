"""A shopper on a phone waits for a 秒杀 that opens a few seconds later: the countdown runs on the server's clock,
the button opens at the second, and the shopper buys at the flash price."""

import re
from datetime import UTC, datetime, timedelta

import httpx
from playwright.sync_api import expect

from tests.e2e.steps import DEMO_EMAIL, DEMO_PASSWORD, log_in_as_demo_owner

EMAIL = "flash.fan@example.com"
PASSWORD = "tea-flash-2026"
OPENS_IN = 20  # seconds: time for the shopper to register and open the page first


def _owner_schedules_a_flash_sale(platform_url: str) -> tuple[int, datetime]:
    """A sale on a tea the demo's own sale does not cover, opening OPENS_IN seconds from now."""
    with httpx.Client(base_url=platform_url + "/api/v1", timeout=30) as api:
        headers = {"Authorization": "Bearer " + api.post("/auth/login", json={"email": DEMO_EMAIL, "password": DEMO_PASSWORD}).json()["token"]}
        running = {s["product_id"] for s in api.get("/flash-sales", headers=headers).json()["items"]}
        products = api.get("/products", headers=headers, params={"status": "active", "per_page": 50}).json()["items"]
        product = next(p for p in products if p["id"] not in running)
        variant = api.get(f"/products/{product['id']}", headers=headers).json()["variants"][0]
        starts = datetime.now(UTC) + timedelta(seconds=OPENS_IN)
        made = api.post("/flash-sales", headers=headers, json={
            "name": "准点开抢", "variant_id": variant["id"], "price": max(1, variant["price"] // 2), "quantity": 5,
            "per_customer_limit": 1, "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=1)).isoformat(),
        })
        assert made.status_code == 201, made.text
        return product["id"], starts


def test_a_flash_sale_opens_at_its_second_and_a_shopper_buys_on_a_phone(phone, platform_url):
    product_id, starts = _owner_schedules_a_flash_sale(platform_url)
    phone.goto("/s/demo-tea/account")
    phone.get_by_role("button", name="还没有账号？注册一个").click()
    phone.get_by_label("邮箱").fill(EMAIL)
    phone.get_by_label("密码").fill(PASSWORD)
    phone.get_by_test_id("account-submit").click()
    expect(phone.get_by_test_id("account-no-orders")).to_be_visible()

    phone.goto(f"/s/demo-tea/p/{product_id}")
    block = phone.get_by_test_id("flash-sale")
    expect(block).to_contain_text("准点开抢")
    expect(block.get_by_test_id("flash-countdown")).to_have_text(re.compile(r"^00:00:\d\d$"))
    expect(block.get_by_test_id("flash-not-yet")).to_be_disabled()
    expect(block.get_by_role("button", name="立即抢购")).to_be_hidden()
    # The button opens at the second (the server's clock), not before.
    expect(block.get_by_role("button", name="立即抢购")).to_be_visible(timeout=(OPENS_IN + 15) * 1000)
    assert datetime.now(UTC) >= starts - timedelta(seconds=1)
    expect(block.get_by_test_id("flash-sold")).to_contain_text("已抢 0%")
    block.get_by_label("收货人").fill("张三")
    block.get_by_label("手机号").fill("13800138000")
    block.get_by_label("省份").fill("浙江省")
    block.get_by_label("城市").fill("杭州市")
    block.get_by_label("区/县").fill("西湖区")
    block.get_by_label("详细地址").fill("文三路 100 号")
    block.get_by_label("邮编").fill("310012")
    block.get_by_role("button", name="立即抢购").click()
    expect(phone).to_have_url(re.compile(r"/s/demo-tea/orders/"), timeout=15000)
    expect(phone.get_by_text("秒杀").first).to_be_visible()


def test_the_owner_creates_a_flash_sale_by_searching_a_product_reads_its_numbers_and_ends_it(page, platform_url):
    with httpx.Client(base_url=platform_url + "/api/v1", timeout=30) as api:
        headers = {"Authorization": "Bearer " + api.post("/auth/login", json={"email": DEMO_EMAIL, "password": DEMO_PASSWORD}).json()["token"]}
        product = api.get("/products", headers=headers, params={"status": "active", "per_page": 50}).json()["items"][-1]
        variant = api.get(f"/products/{product['id']}", headers=headers).json()["variants"][0]
    log_in_as_demo_owner(page)
    page.get_by_role("link", name="营销中心").first.click()
    page.get_by_test_id("marketing-cards").get_by_role("link", name=re.compile("^秒杀")).click()
    form = page.get_by_test_id("flash-sale-form")
    form.get_by_label("活动名称").fill("周末秒杀")
    # The product found by a few characters of its name, its variant tapped: nobody types an id.
    form.get_by_test_id("variant-search").fill(product["title"].split()[0])
    form.get_by_test_id("variant-option").filter(has_text=product["title"]).first.click()
    expect(form.get_by_test_id("variant-chosen")).to_contain_text(product["title"])
    form.get_by_label("秒杀价(元)").fill(f"{variant['price'] / 100 + 1:.2f}")  # above the usual price
    form.get_by_label("秒杀数量").fill("10")
    form.get_by_label("开始时间").fill("2026-01-01T00:00")
    form.get_by_label("结束时间").fill("2036-01-01T00:00")
    form.get_by_role("button", name="创建").click()
    expect(form.get_by_role("alert").filter(has_text="活动价必须低于原价")).to_be_visible()
    form.get_by_label("秒杀价(元)").fill("1")
    form.get_by_role("button", name="创建").click()
    expect(page.get_by_role("status").filter(has_text="已保存")).to_contain_text("周末秒杀")
    row = page.get_by_test_id("flash-sale-list").get_by_role("listitem").filter(has_text="周末秒杀")
    expect(row).to_contain_text("进行中")
    row.get_by_role("button", name="数据").click()
    expect(row.get_by_test_id("flash-report")).to_contain_text("已付款订单")
    row.get_by_role("button", name="立即结束").click()
    row.get_by_role("button", name="确定").click()
    expect(page.get_by_test_id("flash-sale-list").get_by_role("listitem").filter(has_text="周末秒杀")).to_contain_text("已结束")

