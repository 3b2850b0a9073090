"""After-sales in the browser: the shopper asks for a return and refund; the owner approves; the shopper
sends the parcel back; the owner receives it and the money goes back, the goods back on sale."""

import re

import httpx
from playwright.sync_api import expect

from tests.e2e.steps import log_in_as_demo_owner
from tests.e2e.test_support_desk import paid_and_shipped_order


def test_a_return_is_requested_approved_sent_back_and_refunded(browser, platform_url, phone):
    order_no, token = paid_and_shipped_order(platform_url)
    phone.goto(f"/s/demo-tea/orders/{order_no}?token={token}")
    phone.get_by_label("退货退款").check()
    phone.get_by_label("说明原因，例如：收到时茶罐破损").fill("口味和描述不符，想退货")
    phone.get_by_role("button", name="提交售后申请").click()
    expect(phone.get_by_test_id("aftersales-status")).to_contain_text("待商家处理")

    owner = browser.new_context(base_url=platform_url, viewport={"width": 1280, "height": 900}).new_page()
    log_in_as_demo_owner(owner)
    owner.goto("/console/orders")
    owner.get_by_label("订单号、邮箱、收货人或手机号").fill(order_no)
    owner.get_by_role("button", name="搜索").click()
    owner.get_by_role("link", name=order_no).click()
    expect(owner.get_by_test_id("console-aftersales-status")).to_contain_text("待商家处理")
    owner.get_by_label("给顾客的说明（拒绝时必填）").fill("请寄回：杭州市西湖区文三路 1 号")
    owner.get_by_role("button", name="同意").click()
    expect(owner.get_by_test_id("console-aftersales-status")).to_contain_text("待寄回")

    phone.reload()
    expect(phone.get_by_test_id("aftersales-status")).to_contain_text("待寄回")
    phone.get_by_label("退货快递单号").fill("YT1234567890123")
    phone.get_by_role("combobox").first.select_option("YTO")
    phone.get_by_role("button", name="提交退货单号").click()
    expect(phone.get_by_test_id("aftersales-status")).to_contain_text("退货寄回中")

    owner.reload()
    owner.get_by_role("button", name="已收到退货，退款").click()
    expect(owner.get_by_test_id("console-aftersales-status")).to_contain_text("已退款")
    expect(owner.get_by_test_id("console-order-status")).to_have_text(re.compile("已关闭"))
    api = f"{platform_url}/api/v1"
    assert httpx.get(f"{api}/store/demo-tea/orders/{order_no}", params={"token": token}).json()["status"] == "closed"
