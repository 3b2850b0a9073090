"""Steps several journeys share."""

import re

from playwright.sync_api import Page, expect

DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "demo-tea-2026"


def log_in_as_demo_owner(page: Page) -> None:
    page.goto("/login")
    page.get_by_label("邮箱").fill(DEMO_EMAIL)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile("/console/?$"))
    expect(page.get_by_test_id("console-shop-name")).to_have_text("一叶茶舍")
