"""An owner who forgot the password asks for a link on the log-in page and is back in the console."""

import re

import httpx
from playwright.sync_api import expect

from tests.e2e.steps import last_email_to

EMAIL = "forgetful.owner@example.com"


def test_an_owner_resets_the_password_from_the_login_page(page, platform_url, platform_data):
    answer = httpx.post(f"{platform_url}/api/v1/auth/signup", json={
        "email": EMAIL, "password": "first-pass-2026", "shop_name": "健忘茶铺", "shop_slug": "forgetful-tea",
    })
    assert answer.status_code == 201
    owner = {"Authorization": f"Bearer {answer.json()['token']}"}
    key = httpx.post(f"{platform_url}/api/v1/api-keys", headers=owner, json={"name": "旧脚本"}).json()["key"]

    page.goto("/login")
    page.get_by_role("link", name="忘记密码？").click()
    expect(page.get_by_role("heading", name="找回密码")).to_be_visible()
    page.get_by_label("邮箱").fill(EMAIL)
    page.get_by_role("button", name="发送重置链接").click()
    expect(page.get_by_test_id("reset-sent")).to_be_visible()

    link = re.search(r"https?://\S+/reset-password/\S+", last_email_to(platform_data, EMAIL)).group(0)
    page.goto(link)
    # Someone who knew the old password may have made a key: the page offers to revoke them, ticked.
    offer = page.get_by_test_id("revoke-api-keys")
    expect(offer).to_contain_text("同时吊销此账号创建的 API 密钥")
    expect(offer.get_by_role("checkbox")).to_be_checked()
    page.get_by_label("新密码").fill("12345678")
    page.get_by_role("button", name="保存并登录").click()
    expect(page.get_by_role("alert").filter(has_text="不能全是数字")).to_be_visible()
    page.get_by_label("新密码").fill("second-pass-2026")
    page.get_by_role("button", name="保存并登录").click()
    expect(page.get_by_test_id("console-shop-name")).to_have_text("健忘茶铺")
    assert httpx.get(f"{platform_url}/api/v1/shop", headers={"Authorization": f"Bearer {key}"}).status_code == 401
