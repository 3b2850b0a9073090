"""拼团 on phones: the owner creates a group buy in the console, one shopper opens a group from the product page and
pays, a friend joins through the shared link and pays, and both see the group formed (the console counts it); and
a group whose window runs out fails and its member is refunded in full by the job."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta

import httpx
from playwright.sync_api import Page, expect

from shopapp.services.core.clock import CHINA_TIME
from tests.e2e.conftest import IPHONE, ROOT, watch_the_policy
from tests.e2e.steps import DEMO_EMAIL, DEMO_PASSWORD, log_in_as_demo_owner

PASSWORD = "tea-lover-2026"


def _owner_headers(platform_url: str) -> dict:
    token = httpx.post(f"{platform_url}/api/v1/auth/login", json={"email": DEMO_EMAIL, "password": DEMO_PASSWORD}).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def _product(platform_url: str, title: str) -> int:
    """A product of its own for this journey (other journeys buy the demo's teas)."""
    made = httpx.post(f"{platform_url}/api/v1/products", headers=_owner_headers(platform_url), json={
        "title": title, "status": "active", "variants": [{"sku": f"GB-{uuid.uuid4().hex[:6]}", "price": 8800, "stock": 30, "weight_grams": 300}],
    })
    assert made.status_code == 201, made.text
    return made.json()["id"]


def _shopper_logged_in(page: Page, platform_url: str, email: str) -> None:
    registered = httpx.post(f"{platform_url}/api/v1/store/demo-tea/customers", json={"email": email, "password": PASSWORD, "name": email[:4]})
    assert registered.status_code == 201, registered.text
    page.goto("/s/demo-tea/account")
    page.get_by_label("邮箱").fill(email)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_test_id("account-submit").click()
    expect(page.get_by_test_id("account-no-orders")).to_be_visible()


def _pay_for_group(page: Page, name: str) -> None:
    """The group page's form: an address, then the sandbox pay page, back on the order page."""
    form = page.get_by_test_id("group-form")
    form.get_by_label("收货人").fill(name)
    form.get_by_label("手机号").fill("13800138000")
    form.get_by_label("省份").fill("浙江省")
    form.get_by_label("城市").fill("杭州市")
    form.get_by_label("区/县").fill("西湖区")
    form.get_by_label("详细地址").fill("文三路 100 号")
    form.get_by_label("邮编").fill("310012")
    page.get_by_test_id("group-submit").click()
    expect(page.get_by_role("heading", name=re.compile("沙箱支付"))).to_be_visible(timeout=30_000)
    page.get_by_role("button", name=re.compile("支付成功")).click()
    expect(page.get_by_test_id("order-status")).to_have_text("待发货", timeout=30_000)


def _group_status(platform_url: str, group_id: int) -> str:
    return httpx.get(f"{platform_url}/api/v1/store/demo-tea/groups/{group_id}").json()["status"]


def _local(moment: datetime) -> str:
    return moment.astimezone(CHINA_TIME).strftime("%Y-%m-%dT%H:%M")


def test_two_shoppers_form_a_group_from_the_product_page_and_the_shared_link(page, phone, browser, platform_url):
    product_id = _product(platform_url, "拼团紫砂杯")
    log_in_as_demo_owner(page)
    page.goto("/console/marketing")
    page.get_by_role("link", name=re.compile("拼团")).click()
    expect(page.get_by_role("heading", name="拼团", exact=True)).to_be_visible()
    form = page.get_by_test_id("group-buy-form")
    form.get_by_label("活动名称").fill("紫砂杯两人团")
    form.get_by_test_id("variant-search").fill("拼团紫砂杯")  # the product found by its name, not typed as an id
    form.get_by_test_id("variant-option").first.click()
    expect(form.get_by_test_id("variant-chosen")).to_contain_text("拼团紫砂杯")
    form.get_by_label("拼团价（元）").fill("100")
    form.get_by_label("开始时间").fill(_local(datetime.now(UTC) - timedelta(minutes=5)))
    form.get_by_label("结束时间").fill(_local(datetime.now(UTC) + timedelta(days=7)))
    page.get_by_test_id("group-buy-save").click()
    expect(page.get_by_role("alert").filter(has_text="拼团价必须低于原价")).to_be_visible()  # ¥100 is above ¥88
    form.get_by_label("拼团价（元）").fill("66")
    page.get_by_test_id("group-buy-save").click()
    expect(page.get_by_test_id("group-buy-list")).to_contain_text("紫砂杯两人团")

    # The first shopper opens a group from the product page and pays the group price.
    _shopper_logged_in(phone, platform_url, f"gb-open-{uuid.uuid4().hex[:6]}@example.com")
    phone.goto(f"/s/demo-tea/p/{product_id}")
    expect(phone.get_by_test_id("group-offer")).to_contain_text("¥66")
    phone.get_by_test_id("group-open").click()
    expect(phone.get_by_test_id("group-form")).to_be_visible()
    _pay_for_group(phone, "张三")
    expect(phone.get_by_test_id("order-group-status")).to_contain_text("还差 1 人")
    phone.get_by_test_id("order-group-link").click()
    expect(phone.get_by_test_id("group-status")).to_have_text("拼团中")
    share = phone.get_by_test_id("group-share").input_value()
    assert re.search(r"/s/demo-tea/groups/\d+$", share)

    # The product page now lists the group: one missing, with the time left ticking.
    phone.goto(f"/s/demo-tea/p/{product_id}")
    expect(phone.get_by_test_id("open-group")).to_contain_text("还差 1 人")
    expect(phone.get_by_test_id("open-group").locator("[data-countdown-ends]")).to_have_text(re.compile(r"^(23|24):\d\d:\d\d$"))

    # A friend opens the shared link on another phone and joins in one form.
    friend_context = browser.new_context(base_url=platform_url, **IPHONE)
    violations = watch_the_policy(friend_context)
    friend = friend_context.new_page()
    try:
        _shopper_logged_in(friend, platform_url, f"gb-join-{uuid.uuid4().hex[:6]}@example.com")
        friend.goto(share)
        expect(friend.get_by_test_id("group-missing-count")).to_have_text("1")
        _pay_for_group(friend, "李四")
        expect(friend.get_by_test_id("order-group-status")).to_have_text("拼团成功，等待发货")
    finally:
        friend_context.close()
    assert violations == []

    phone.goto(share.split(platform_url, 1)[-1])
    expect(phone.get_by_test_id("group-status")).to_have_text("拼团成功，等待发货")
    expect(phone.get_by_test_id("group-member")).to_have_count(2)
    page.reload()
    expect(page.get_by_test_id("group-buy-list").locator("li").filter(has_text="紫砂杯两人团").get_by_test_id("group-buy-numbers")).to_contain_text("已成团 1")


def test_a_group_that_does_not_fill_in_time_fails_and_its_member_is_refunded(phone, platform_url, platform_data):
    product_id = _product(platform_url, "拼团公道杯")
    now = datetime.now(UTC)
    made = httpx.post(f"{platform_url}/api/v1/group-buys", headers=_owner_headers(platform_url), json={
        "name": "公道杯三人团", "product_id": product_id, "prices": {}, "group_size": 3, "hours_to_form": 1,
        "starts_at": (now - timedelta(minutes=1)).isoformat(), "ends_at": (now + timedelta(days=1)).isoformat(),
    })
    assert made.status_code == 422  # no group price: refused, nothing made
    variant_id = httpx.get(f"{platform_url}/api/v1/store/demo-tea/products/{product_id}").json()["variants"][0]["id"]
    made = httpx.post(f"{platform_url}/api/v1/group-buys", headers=_owner_headers(platform_url), json={
        "name": "公道杯三人团", "product_id": product_id, "prices": {str(variant_id): 5000}, "group_size": 3, "hours_to_form": 1,
        "starts_at": (now - timedelta(minutes=1)).isoformat(), "ends_at": (now + timedelta(days=1)).isoformat(),
    })
    assert made.status_code == 201, made.text

    _shopper_logged_in(phone, platform_url, f"gb-fail-{uuid.uuid4().hex[:6]}@example.com")
    phone.goto(f"/s/demo-tea/group-buys/{made.json()['id']}")
    _pay_for_group(phone, "王五")
    expect(phone.get_by_test_id("order-group-status")).to_contain_text("还差 2 人")

    # The hour passes (the group's window is moved into the past) and the platform's job closes due groups,
    # run once as a jobs worker would (`python -m shopapp jobs`) on the served platform's database.
    group_id = int(phone.get_by_test_id("order-group-link").get_attribute("href").rsplit("/", 1)[-1])
    with sqlite3.connect(platform_data / "shopapp.db") as db:
        db.execute("UPDATE group_buy_group SET expires_at = '2000-01-01 00:00:00.000000' WHERE id = ?", (group_id,))
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "REFLEX_REDIS_URL")}
    deadline = time.time() + 90  # the served platform's own job loop may hold the job's lease for its interval
    while _group_status(platform_url, group_id) != "failed" and time.time() < deadline:
        ran = subprocess.run(
            [sys.executable, "-c", "from shopapp import jobs; jobs.run_due_jobs([j for j in jobs.JOBS if j.name == 'close_group_buys'])"],
            cwd=ROOT, env={**env, "DATA_DIR": str(platform_data)}, capture_output=True, text=True, timeout=120,
        )
        assert ran.returncode == 0, ran.stderr[-2000:]
        time.sleep(1)
    assert _group_status(platform_url, group_id) == "failed"
    phone.reload()
    expect(phone.get_by_test_id("order-group-status")).to_have_text("拼团失败，已全额退款")
    expect(phone.get_by_test_id("order-status")).to_have_text("已关闭")
    expect(phone.get_by_text("已退款")).to_be_visible()
