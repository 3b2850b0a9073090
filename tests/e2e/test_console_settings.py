"""Shop settings in the browser: profile and logo show on the storefront; staff invitations; API keys."""

import io
import re

from PIL import Image
from playwright.sync_api import expect

from tests.e2e.steps import log_in_as_demo_owner


def test_profile_and_logo_changes_show_on_the_storefront(page):
    log_in_as_demo_owner(page)
    page.get_by_role("link", name="店铺设置").click()
    policy = page.get_by_label("发货政策")
    policy.fill("每天下午四点前付款，当天发货。")
    page.get_by_role("button", name="保存").first.click()
    expect(page.get_by_role("status").first).to_have_text("已保存")

    logo = io.BytesIO()
    Image.new("RGB", (300, 300), (200, 40, 40)).save(logo, "JPEG")
    page.locator("#shop_logo input[type=file]").set_input_files({"name": "logo.jpg", "mimeType": "image/jpeg", "buffer": logo.getvalue()})
    expect(page.get_by_role("img", name="店铺 Logo")).to_have_attribute("src", re.compile(r"/media/shops/\d+/logo/"))

    page.goto("/s/demo-tea")
    page.get_by_text("发货", exact=True).click()
    expect(page.get_by_text("每天下午四点前付款，当天发货。")).to_be_visible()
    expect(page.locator("header img")).to_have_attribute("src", re.compile("/logo/"))


def test_the_owner_invites_staff_and_manages_api_keys(page):
    log_in_as_demo_owner(page)
    page.goto("/console/settings")
    page.locator("#invite_email").fill("helper@example.com")
    page.locator("#invite_role").select_option("support")
    page.get_by_role("button", name="邀请员工").click()
    expect(page.get_by_text("邀请已发送到 helper@example.com")).to_be_visible()
    expect(page.get_by_text("待接受的邀请")).to_be_visible()

    page.get_by_label("密钥名称").fill("ERP 同步")
    page.get_by_role("button", name="创建密钥").click()
    expect(page.get_by_test_id("new-api-key")).to_have_text(re.compile(r"^sk_"))
    expect(page.get_by_test_id("api-key-made-by").first).to_have_text("创建人 demo@example.com")
    page.get_by_role("button", name="吊销").click()
    expect(page.get_by_text("吊销后使用此密钥的程序将立即失效，确定吗？")).to_be_visible()
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_text("已吊销")).to_be_visible()


def test_the_owner_adds_a_shipping_method_that_checkout_offers_where_it_ships(page):
    log_in_as_demo_owner(page)
    page.get_by_role("link", name="配送").click()
    methods = page.get_by_test_id("shipping-methods")
    expect(methods).to_contain_text("快递")
    form = page.get_by_test_id("shipping-form")
    form.get_by_label("名称").fill("顺丰次日达")
    form.get_by_label("首重运费").fill("十二")
    form.get_by_role("button", name="浙江省").click()
    form.get_by_role("button", name="保存").click()
    # A wrong amount is explained next to its field; what was typed stays.
    expect(form.get_by_role("alert").filter(has_text="请输入金额")).to_be_visible()
    expect(form.get_by_label("名称")).to_have_value("顺丰次日达")
    form.get_by_label("首重运费").fill("12")
    form.get_by_label("续重每公斤").fill("2")
    form.get_by_role("button", name="上海市").click()
    form.get_by_role("button", name="保存").click()
    expect(page.get_by_role("status")).to_contain_text("顺丰次日达")
    expect(methods).to_contain_text("浙江省、上海市")
    # The saved method's values leave the form, ready for the next one.
    expect(form.get_by_label("名称")).to_have_value("")

    # Checkout offers it for Zhejiang, not for Beijing.
    offered = page.request.get("/api/v1/store/demo-tea/shipping-methods?province=浙江").json()["items"]
    assert [m["fee"] for m in offered if m["name"] == "顺丰次日达"] == [1200]
    offered = page.request.get("/api/v1/store/demo-tea/shipping-methods?province=北京").json()["items"]
    assert "顺丰次日达" not in [m["name"] for m in offered]

    # Edited: the form fills with its values, the new fee shows in its row.
    row = methods.get_by_role("listitem").filter(has_text="顺丰次日达")
    row.get_by_role("button", name="编辑").click()
    expect(form.get_by_label("名称")).to_have_value("顺丰次日达")
    expect(form.get_by_label("首重运费")).to_have_value("12")
    form.get_by_label("首重运费").fill("15")
    form.get_by_role("button", name="保存").click()
    expect(row).to_contain_text("首重运费 ¥15 ·")
    expect(row).to_contain_text("浙江省、上海市")

    # Turned off, it leaves the checkout; its row says so.
    row.get_by_role("button", name="停用").click()
    expect(row).to_contain_text("已停用")
    offered = page.request.get("/api/v1/store/demo-tea/shipping-methods?province=浙江").json()["items"]
    assert "顺丰次日达" not in [m["name"] for m in offered]
