"""The platform operator: made by the CLI, signs in at /ops/login, finds a shop, suspends it with a reason and a
confirmation; a shopper on a phone then meets the neutral 店铺暂停营业 page (HTTP 503); restoring brings it back."""

import os
import re
import subprocess
import sys
import uuid

import httpx
from playwright.sync_api import expect

from tests.e2e.conftest import IPHONE, ROOT, watch_the_policy


def create_operator(platform_data, email: str, password: str) -> None:
    env = {**os.environ, "DATA_DIR": str(platform_data), "RUN_JOBS": "false"}
    for name in ("DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)
    made = subprocess.run([sys.executable, "-m", "shopapp", "create-operator", "--email", email, "--password", password],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr


def test_an_operator_suspends_a_shop_and_a_shopper_sees_the_paused_page(browser, phone, platform_url, platform_data):
    slug = "paused-" + uuid.uuid4().hex[:8]
    signed = httpx.post(f"{platform_url}/api/v1/auth/signup", json={
        "email": f"{slug}@example.com", "password": "secret-pass", "shop_name": "暂停测试店", "shop_slug": slug,
    })
    assert signed.status_code == 201, signed.text
    email, password = f"ops-{uuid.uuid4().hex[:6]}@platform.example", "operator-pass-1"
    create_operator(platform_data, email, password)

    # The operator works on a phone too (390 px): every step below is done at that width.
    context = browser.new_context(base_url=platform_url, **IPHONE)
    violations = watch_the_policy(context)
    page = context.new_page()
    page.goto("/ops")
    expect(page).to_have_url(re.compile("/ops/login/?$"))
    page.get_by_label("邮箱").fill(email)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile("/ops/?$"))
    page.get_by_label("搜索店名、地址或店主邮箱").fill(slug)
    page.get_by_role("button", name="搜索").click()
    expect(page.get_by_test_id("ops-shop-row")).to_have_count(1)
    page.get_by_test_id("ops-shop-row").click()
    expect(page.get_by_role("heading", name="暂停测试店")).to_be_visible()

    page.get_by_role("button", name="暂停营业").click()
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_role("alert")).to_be_visible()  # no reason: refused, nothing changed
    expect(page.get_by_test_id("ops-shop-status")).to_have_text("营业中")
    page.get_by_label("原因（必填，记入操作日志）").fill("出售假冒商品")
    page.get_by_role("button", name="暂停营业").click()
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_test_id("ops-shop-status")).to_have_text("已暂停")

    answer = phone.goto(f"/s/{slug}")
    assert answer.status == 503
    expect(phone.get_by_role("heading", name="店铺暂停营业")).to_be_visible()
    expect(phone.get_by_text("出售假冒商品")).to_have_count(0)

    page.get_by_role("link", name="操作日志").click()
    expect(page.get_by_test_id("ops-audit-entry").first).to_contain_text("出售假冒商品")
    page.go_back()
    page.get_by_label("原因（必填，记入操作日志）").fill("已整改")
    page.get_by_role("button", name="恢复营业").click()
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_test_id("ops-shop-status")).to_have_text("营业中")
    assert phone.goto(f"/s/{slug}").status == 200
    context.close()
    assert violations == [], "the operator's pages broke their Content-Security-Policy"
