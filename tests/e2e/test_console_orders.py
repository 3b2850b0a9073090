"""The owner's orders in the browser: a new paid order appears by itself; an unpaid one is cancelled with a confirmation."""

import re

import httpx
from playwright.sync_api import expect

from tests.e2e.steps import log_in_as_demo_owner

ADDRESS = {"name": "李四", "phone": "13912345678", "province": "广东省", "city": "深圳市", "district": "南山区",
           "line1": "科技园 1 号", "postcode": "518000"}


def place_order(platform_url: str, *, pay: bool) -> str:
    """A shopper's order through the public API (what the storefront pages call in-process)."""
    api = f"{platform_url}/api/v1"
    product = httpx.get(f"{api}/store/demo-tea/products/2").json()
    token = httpx.post(f"{api}/store/demo-tea/carts").json()["cart_token"]
    httpx.post(f"{api}/store/demo-tea/carts/{token}/items", json={"variant_id": product["variants"][0]["id"], "qty": 1}).raise_for_status()
    placed = httpx.post(f"{api}/store/demo-tea/checkout", json={"cart_token": token, "email": "li4@example.com", "address": ADDRESS})
    placed.raise_for_status()
    if pay:
        payment_id = placed.json()["payment"]["id"]
        httpx.post(f"{api}/payments/sandbox/{payment_id}/pay", json={"outcome": "success"}).raise_for_status()
    return placed.json()["order_no"]


def test_a_new_paid_order_shows_up_without_a_reload(page, platform_url):
    log_in_as_demo_owner(page)
    page.get_by_role("link", name="订单").click()
    expect(page.get_by_role("heading", name="订单")).to_be_visible()
    order_no = place_order(platform_url, pay=True)
    row = page.get_by_role("row", name=re.compile(order_no))
    expect(row).to_be_visible(timeout=20_000)
    expect(row).to_contain_text("待发货")
    row.get_by_role("link").click()
    expect(page.get_by_test_id("order-timeline")).to_contain_text("paid")


def test_the_owner_cancels_an_unpaid_order_after_confirming(page, platform_url):
    order_no = place_order(platform_url, pay=False)
    log_in_as_demo_owner(page)
    page.goto("/console/orders")
    page.get_by_label("订单号、邮箱、收货人或手机号").fill(order_no)
    page.get_by_role("button", name="搜索").click()
    page.get_by_role("link", name=order_no).click()
    expect(page.get_by_test_id("console-order-status")).to_have_text("待付款")
    page.get_by_role("button", name="取消订单").click()
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_test_id("console-order-status")).to_have_text("已取消")
