"""The platform's side for an owner: connecting a domain of their own (the shop then answers on it, a
Host of its own), and upgrading the plan and paying through the platform's sandbox."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import httpx
from playwright.sync_api import expect

from tests.e2e.conftest import CHROMIUM_ARGS, IPHONE

DOMAIN = "tea.e2e-owner.example"


def _new_owner(platform_url: str, slug: str, email: str) -> dict:
    answer = httpx.post(f"{platform_url}/api/v1/auth/signup", json={
        "email": email, "password": "my-own-shop-pass", "shop_name": "自家茶铺", "shop_slug": slug})
    assert answer.status_code == 201, answer.text
    return answer.json()


def _log_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("邮箱").fill(email)
    page.get_by_label("密码").fill("my-own-shop-pass")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_test_id("console-shop-name")).to_have_text("自家茶铺")


def test_an_owner_adds_a_domain_and_the_shop_answers_on_it(page, browser, platform_url, dns_zone):
    _new_owner(platform_url, "own-domain-tea", "domain-owner@example.com")
    _log_in(page, "domain-owner@example.com")
    page.get_by_role("link", name="域名").first.click()
    expect(page).to_have_url(re.compile("/console/domains/?$"))
    page.get_by_label("域名").fill("Tea.E2E-Owner.example")
    page.get_by_test_id("add-domain").click()
    domain = page.get_by_test_id("domain")
    expect(domain).to_contain_text(DOMAIN)
    expect(domain.get_by_test_id("domain-status")).to_have_text("待验证")
    # Verifying before the records exist is refused with a clear message; nothing changes.
    domain.get_by_test_id("verify-domain").click()
    expect(domain.get_by_test_id("verify-problem")).to_contain_text("TXT")
    expect(domain.get_by_test_id("domain-status")).to_have_text("待验证")

    txt = domain.get_by_test_id("record-TXT").inner_text()
    dns_zone.set(f"_shopapp-verify.{DOMAIN}", "TXT", txt)
    dns_zone.set(DOMAIN, "CNAME", domain.get_by_test_id("record-CNAME").inner_text())
    domain.get_by_test_id("verify-domain").click()
    expect(domain.get_by_test_id("domain-status")).to_have_text("已生效")

    # A shopper's browser that resolves the domain to this machine: the request carries Host: DOMAIN.
    port = urlsplit(platform_url).port

    site = f"http://{DOMAIN}:{port}"
    html = httpx.get(f"{platform_url}/", headers={"Host": f"{DOMAIN}:{port}"}).text
    assert f'<link rel="canonical" href="{site}/"/>' in html
    shopper_browser = browser.browser_type.launch(
        executable_path="/usr/bin/chromium", args=[*CHROMIUM_ARGS, f"--host-resolver-rules=MAP {DOMAIN} 127.0.0.1"])
    try:
        context = shopper_browser.new_context(**IPHONE)
        shopper = context.new_page()
        shopper.goto(site + "/")
        expect(shopper.get_by_text("自家茶铺").first).to_be_visible()
        expect(shopper).to_have_url(re.compile(rf"^{re.escape(site)}/s/own-domain-tea/?$"))
        # Another shop's pages never show on this domain.
        assert httpx.get(f"{platform_url}/s/demo-tea", headers={"Host": f"{DOMAIN}:{port}"}).status_code == 404
        context.close()
    finally:
        shopper_browser.close()
    # A Host nobody verified never shows the shop (without PLATFORM_DOMAIN it is the platform's own page;
    # with it, a plain 404: tests/api/test_domains.py).
    unknown = httpx.get(f"{platform_url}/", headers={"Host": f"nobody.e2e-owner.example:{port}"})
    assert "自家茶铺" not in unknown.text and "own-domain-tea" not in unknown.text


def test_an_owner_upgrades_and_pays_with_the_sandbox(page, platform_url):
    _new_owner(platform_url, "plan-tea", "plan-owner@example.com")
    _log_in(page, "plan-owner@example.com")
    page.get_by_role("link", name="套餐与账单").first.click()
    expect(page.get_by_test_id("plan-status")).to_have_text("试用中")
    page.get_by_test_id("choose-basic-month").click()
    expect(page).to_have_url(re.compile("/api/v1/subscription/payments/"))
    page.get_by_role("button", name="支付成功 Pay").click()
    expect(page).to_have_url(re.compile("/console/billing/?$"))
    expect(page.get_by_test_id("current-plan")).to_have_text("基础版")
    expect(page.get_by_test_id("plan-status")).to_have_text("已订阅")
    expect(page.get_by_test_id("invoices").locator("li")).to_have_count(1)

    page.get_by_test_id("choose-pro-month").click()  # the upgrade: the difference for the days left
    expect(page).to_have_url(re.compile("/api/v1/subscription/payments/"))
    page.get_by_role("button", name="支付成功 Pay").click()
    expect(page.get_by_test_id("current-plan")).to_have_text("专业版")
    expect(page.get_by_test_id("invoices").locator("li")).to_have_count(2)
    expect(page.get_by_test_id("payment-mode")).to_contain_text("平台代收")
