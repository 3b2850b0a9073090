"""The owner's orders in the browser: a new paid order appears by itself; an unpaid one is cancelled with a confirmation."""

import re

import httpx
from playwright.sync_api import expect

from tests.e2e.steps import log_in_as_demo_owner

ADDRESS = {"name": "李四", "phone": "13912345678", "province": "广东省", "city": "深圳市", "district": "南山区",
           "line1": "科技园 1 号", "postcode": "518000"}


def place_order(platform_url: str, *, pay: bool, qty: int = 1) -> str:
    """A shopper's order through the public API (what the storefront pages call in-process)."""
    api = f"{platform_url}/api/v1"
    product = httpx.get(f"{api}/store/demo-tea/products/2").json()
    token = httpx.post(f"{api}/store/demo-tea/carts").json()["cart_token"]
    httpx.post(f"{api}/store/demo-tea/carts/{token}/items", json={"variant_id": product["variants"][0]["id"], "qty": qty}).raise_for_status()
    placed = httpx.post(f"{api}/store/demo-tea/checkout", json={"cart_token": token, "email": "li4@example.com", "address": ADDRESS})
    placed.raise_for_status()
    if pay:
        payment_id = placed.json()["payment"]["id"]
        httpx.post(f"{api}/payments/sandbox/{payment_id}/pay", json={"outcome": "success"}).raise_for_status()
    return placed.json()["order_no"]


def test_a_new_paid_order_shows_up_without_a_reload(page, platform_url):
    log_in_as_demo_owner(page)
    page.get_by_role("link", name="订单", exact=True).click()
    expect(page.get_by_role("heading", name="订单")).to_be_visible()
    order_no = place_order(platform_url, pay=True)
    row = page.get_by_role("row", name=re.compile(order_no))
    expect(row).to_be_visible(timeout=20_000)
    expect(row).to_contain_text("待发货")
    row.get_by_role("link").click()
    expect(page.get_by_test_id("order-timeline")).to_contain_text("已付款 · 测试支付")


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


def test_the_owner_ships_a_paid_order_tracks_it_and_refunds_part(page, platform_url):
    order_no = place_order(platform_url, pay=True)
    log_in_as_demo_owner(page)
    page.goto("/console/orders")
    page.get_by_label("订单号、邮箱、收货人或手机号").fill(order_no)
    page.get_by_role("button", name="搜索").click()
    page.get_by_role("link", name=order_no).click()
    expect(page.get_by_test_id("console-order-status")).to_have_text("待发货")

    page.get_by_label("快递公司").select_option("SF")
    page.get_by_label("快递单号").fill("12345")
    page.get_by_role("button", name="确认发货").click()
    expect(page.get_by_role("alert").first).to_be_visible()  # a malformed tracking number changes nothing
    expect(page.get_by_test_id("console-order-status")).to_have_text("待发货")

    page.get_by_label("快递单号").fill("SF1234567890123")
    page.get_by_role("button", name="确认发货").click()
    expect(page.get_by_test_id("console-order-status")).to_have_text("已发货")
    label = page.get_by_role("link", name="打印面单")
    expect(label).to_have_attribute("href", re.compile(r"/api/v1/shipments/\d+/label\.pdf"))
    pdf = page.request.get(label.get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")

    page.get_by_label("物流状态").select_option("delivered")
    page.get_by_label("物流说明，如：已到达杭州转运中心").fill("本人签收")
    page.get_by_role("button", name="添加物流记录").click()
    expect(page.get_by_test_id("console-order-status")).to_have_text("已签收")

    page.get_by_label("退款金额（元）").fill("10")
    page.get_by_label("退款原因").fill("包装破损补偿")
    page.get_by_role("button", name="退款").click()
    expect(page.get_by_role("status")).to_have_text("退款已提交，款项原路退回。")


def test_the_console_home_shows_the_days_numbers(page, platform_url):
    place_order(platform_url, pay=True)
    log_in_as_demo_owner(page)
    figures = page.get_by_test_id("sales-figures")
    expect(figures).to_contain_text("成交额")
    expect(figures).to_contain_text(re.compile(r"¥[1-9]"))
    page.get_by_role("tab", name="近 30 天").click()
    expect(figures).to_contain_text("付款订单")
    expect(page.locator(".recharts-surface")).to_be_visible()


def test_orders_export_and_internal_notes(page, platform_url):
    order_no = place_order(platform_url, pay=True)
    log_in_as_demo_owner(page)
    page.goto("/console/orders")
    with page.expect_download() as download:
        page.get_by_role("button", name="导出 CSV").click()
    exported = download.value.path().read_text(encoding="utf-8-sig")
    assert exported.startswith("order_no,") and order_no in exported
    page.get_by_label("订单号、邮箱、收货人或手机号").fill(order_no)
    page.get_by_role("button", name="搜索").click()
    page.get_by_role("link", name=order_no).click()
    page.get_by_label("内部备注（顾客看不到）").fill("顾客要求周一送达")
    page.get_by_role("button", name="添加备注").click()
    expect(page.get_by_test_id("order-timeline")).to_contain_text("顾客要求周一送达")


def test_two_orders_of_one_customer_ship_together_and_print_in_one_pdf(page, platform_url):
    first, second = place_order(platform_url, pay=True), place_order(platform_url, pay=True)
    log_in_as_demo_owner(page)
    page.goto("/console/orders")
    page.get_by_role("tab", name="待发货").click()
    for order_no in (first, second):
        box = page.get_by_role("checkbox", name=order_no)
        box.click()
        expect(box).to_be_checked()
    page.get_by_label("快递公司").select_option("ZTO")
    page.get_by_label("快递单号").fill("75398765432101")
    page.get_by_role("button", name="合并发货").click()
    expect(page.get_by_role("status")).to_have_text("已合并为一个包裹发货。")

    page.get_by_role("tab", name="已发货").click()
    for order_no in (first, second):
        page.get_by_role("checkbox", name=order_no).click()
    page.get_by_role("button", name="批量打印面单").click()
    link = page.get_by_test_id("labels-link")
    expect(link).to_have_attribute("href", re.compile(r"labels\.pdf\?ids=\d+$"))
    pdf = page.request.get(link.get_attribute("href"))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
