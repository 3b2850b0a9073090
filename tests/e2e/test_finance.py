"""The owner opens 财务 on a phone, sees today's figures match the order just paid, and downloads the CSV."""

from __future__ import annotations

import httpx
from playwright.sync_api import expect

from shopapp.services.core.clock import shop_today
from shopapp.services.core.money import format_money, yuan_text
from tests.shopping import ADDRESS


def test_the_owner_sees_todays_sale_in_finance_and_downloads_it(phone, platform_url):
    api = f"{platform_url}/api/v1"
    owner = httpx.post(f"{api}/auth/signup", json={"email": "ledger@example.com", "password": "my-ledger-shop",
                                                  "shop_name": "账本茶铺", "shop_slug": "ledger-shop"}).json()
    headers = {"Authorization": f"Bearer {owner['token']}"}
    product = httpx.post(f"{api}/products", headers=headers, json={
        "title": "正山小种", "status": "active", "variants": [{"sku": "ZS-1", "price": 6800, "stock": 5}],
    }).json()
    cart = httpx.post(f"{api}/store/ledger-shop/carts").json()["cart_token"]
    httpx.post(f"{api}/store/ledger-shop/carts/{cart}/items",
               json={"variant_id": product["variants"][0]["id"], "qty": 2}).raise_for_status()
    placed = httpx.post(f"{api}/store/ledger-shop/checkout", json={"cart_token": cart, "email": "a@example.com", "address": ADDRESS}).json()
    httpx.post(f"{api}/payments/sandbox/{placed['payment']['id']}/pay", json={"outcome": "success"}).raise_for_status()
    order = httpx.get(f"{api}/orders/{placed['order_id']}", headers=headers).json()

    phone.goto("/login")
    phone.get_by_label("邮箱").fill("ledger@example.com")
    phone.get_by_label("密码").fill("my-ledger-shop")
    phone.get_by_role("button", name="登录").click()
    expect(phone.get_by_test_id("console-shop-name")).to_have_text("账本茶铺")
    phone.get_by_test_id("console-menu-button").click()
    phone.get_by_test_id("console-drawer").get_by_role("link", name="财务").click()
    expect(phone).to_have_url(f"{platform_url}/console/finance")

    phone.get_by_test_id("finance-periods").get_by_role("button", name="今天").click()
    table = phone.get_by_test_id("finance-table")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(2)  # today, then the totals
    today = rows.first
    expect(today.locator("td").first).to_have_text(shop_today().isoformat())
    expect(today.locator("[data-figure=gmv]")).to_have_text(format_money(order["total"]))
    expect(today.locator("[data-figure=paid_orders]")).to_have_text("1")
    expect(today.locator("[data-figure=shipping]")).to_have_text(format_money(order["shipping_total"]))
    expect(phone.get_by_test_id("finance-providers")).to_contain_text("测试支付")
    expect(phone.get_by_test_id("reconciliation-clean")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # the tables scroll, not the page

    with phone.expect_download() as download:
        phone.get_by_test_id("finance-download-csv").click()
    exported = download.value.path().read_text(encoding="utf-8-sig").splitlines()
    assert exported[0].startswith("日期,付款订单,商品金额,优惠,运费,成交额")
    assert exported[1].split(",")[:2] == [shop_today().isoformat(), "1"]
    assert exported[1].split(",")[5] == yuan_text(order["total"])
