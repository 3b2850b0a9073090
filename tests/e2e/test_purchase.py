"""The promise of the storefront: a shopper on a phone buys a chosen variant, from the home page to a paid order."""

import re

from playwright.sync_api import expect

from tests.e2e.steps import fill_checkout_address


def test_a_shopper_buys_a_chosen_variant_and_pays(phone):
    phone.goto("/s/demo-tea")
    phone.get_by_role("link", name=re.compile("祁门红茶")).click()
    phone.get_by_role("button", name="100克").click()
    expect(phone.get_by_test_id("product-price")).to_have_text("¥182")
    phone.get_by_role("button", name="增加数量").click()
    expect(phone.get_by_test_id("qty")).to_have_text("2")
    phone.get_by_role("button", name="加入购物车").click()
    expect(phone.get_by_test_id("cart-count")).to_have_text("2")

    phone.get_by_role("link", name="去购物车").click()
    expect(phone.get_by_test_id("cart-lines")).to_contain_text("祁门红茶 特级")
    expect(phone.get_by_test_id("cart-lines")).to_contain_text("100克")
    expect(phone.get_by_test_id("cart-subtotal")).to_have_text("¥364")
    phone.get_by_role("link", name="去结算").click()

    expect(phone.get_by_test_id("checkout-total")).to_have_text(re.compile("¥"))
    phone.get_by_label("邮箱").fill("buyer@example.com")
    fill_checkout_address(phone, postcode="31001")
    phone.get_by_role("button", name="提交订单").click()
    expect(phone.get_by_role("alert").filter(has_text="邮编为 6 位数字")).to_be_visible()
    expect(phone.get_by_label("收货人")).to_have_value("张三")

    phone.get_by_label("邮编").fill("310012")
    phone.get_by_role("button", name="提交订单").click()
    expect(phone.get_by_role("heading", name=re.compile("沙箱支付"))).to_be_visible(timeout=30_000)
    expect(phone.get_by_text("¥364")).to_be_visible()  # free shipping over ¥99
    phone.get_by_role("button", name=re.compile("支付成功")).click()

    expect(phone.get_by_test_id("order-status")).to_have_text("待发货", timeout=30_000)
    expect(phone.get_by_text("祁门红茶 特级")).to_be_visible()
    expect(phone.get_by_text("张三 13800138000")).to_be_visible()


def test_a_sold_out_variant_cannot_be_added(phone):
    phone.goto("/s/demo-tea")
    phone.get_by_role("link", name=re.compile("安吉白茶")).click()
    phone.get_by_role("button", name=re.compile("250克")).click()
    expect(phone.get_by_test_id("buy-bar")).to_have_count(0)
