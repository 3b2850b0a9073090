"""Storefront countdowns on a phone whose own clock is five hours fast: the demo home's flash-sale section (the
running sale with its sold bar, the coming one counting to its start) and a 限时折扣's end on the product
page and the 秒杀 block's count to the start all tick from the server's clock (countdown_clock)."""

import re
from datetime import UTC, datetime, timedelta

import httpx
from playwright.sync_api import expect

from tests.e2e.steps import DEMO_EMAIL, DEMO_PASSWORD

FAST_PHONE = "(() => { const real = Date.now; Date.now = () => real() + 5 * 3600 * 1000; })();"  # the phone's clock is wrong
HHMMSS = r"(\d+天 )?\d\d:\d\d:\d\d"


def _ticks(clock) -> None:
    """The countdown moves on by itself (countdown.js), with no reload."""
    first = clock.inner_text()
    expect(clock).not_to_have_text(first, timeout=4000)


def test_a_phone_shopper_sees_the_homes_flash_sales_counting_down_on_the_servers_clock(phone):
    phone.add_init_script(FAST_PHONE)
    phone.goto("/s/demo-tea")
    section = phone.locator("[data-testid=store-section][data-section=flash_sale]")
    expect(section).to_contain_text("限时秒杀")
    running = section.locator("[data-testid=flash-card][data-status=active]").filter(has_text="整点秒杀")
    coming = section.locator("[data-testid=flash-card][data-status=scheduled]").filter(has_text="明日秒杀")
    expect(running.get_by_test_id("flash-card-sold")).to_have_text(re.compile(r"^已抢 \d+%$"))
    expect(running).to_contain_text("距结束")
    expect(running.get_by_test_id("flash-card-countdown")).to_have_text(re.compile(rf"^{HHMMSS}$"))
    expect(coming).to_contain_text("即将开始")
    expect(coming).to_contain_text("距开始")
    # It opens within two hours of the demo's seeding: never the 00:00:00 a phone five hours fast would show.
    clock = coming.get_by_test_id("flash-card-countdown")
    expect(clock).to_have_text(re.compile(r"^0[01]:\d\d:\d\d$"))
    expect(clock).not_to_have_text("00:00:00")
    _ticks(clock)
    running.click()
    expect(phone).to_have_url(re.compile(r"/s/demo-tea/p/\d+$"))
    expect(phone.get_by_test_id("flash-sale")).to_contain_text("整点秒杀")

    # The coming sale's own page counts down the same way, its button shut until the server opens it.
    phone.go_back()
    coming.click()
    block = phone.get_by_test_id("flash-sale")
    expect(block).to_contain_text("明日秒杀")
    expect(block.get_by_test_id("flash-countdown")).to_have_text(re.compile(r"^0[01]:\d\d:\d\d$"))
    expect(block.get_by_test_id("flash-not-yet")).to_be_disabled()
    expect(block.get_by_role("button", name="立即抢购")).to_be_hidden()
    _ticks(block.get_by_test_id("flash-countdown"))


def test_a_limited_discounts_end_ticks_on_the_servers_clock_on_a_phone(phone, platform_url):
    with httpx.Client(base_url=platform_url + "/api/v1", timeout=30) as api:
        headers = {"Authorization": "Bearer " + api.post("/auth/login", json={"email": DEMO_EMAIL, "password": DEMO_PASSWORD}).json()["token"]}
        products = api.get("/products", headers=headers, params={"status": "active", "per_page": 50}).json()["items"]
        product = next(p for p in products if p["title"].startswith("黄山毛峰"))
        now = datetime.now(UTC)
        made = api.post("/promotions", headers=headers, json={
            "kind": "limited_discount", "name": "毛峰限时 8 折", "percent_off": 20, "product_ids": [product["id"]],
            "starts_at": (now - timedelta(minutes=5)).isoformat(), "ends_at": (now + timedelta(hours=2, minutes=3)).isoformat(),
        })
        assert made.status_code == 201, made.text
        try:
            phone.add_init_script(FAST_PHONE)
            phone.goto(f"/s/demo-tea/p/{product['id']}")
            ends = phone.get_by_test_id("sale-countdown")
            expect(ends).to_contain_text("限时折扣截止")
            clock = ends.get_by_test_id("sale-clock")
            expect(clock).to_have_text(re.compile(r"^02:0[0-3]:\d\d$"))  # the server's two hours, not the phone's none
            _ticks(clock)
        finally:
            api.post(f"/promotions/{made.json()['id']}/end", headers=headers)
