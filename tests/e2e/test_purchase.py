"""The promise of the storefront: a shopper on a phone buys a chosen variant, from the home page to a paid order."""

import re

from playwright.sync_api import expect

from tests.e2e.steps import DEMO_EMAIL, DEMO_PASSWORD, fill_checkout_address


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
    expect(phone.get_by_test_id("cart-total")).to_have_text("¥364")  # no savings: the goods cost their list price
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
    # The pay page wears the shop's name and leads back to it and to the order.
    expect(phone.get_by_role("link", name="一叶茶舍")).to_be_visible()
    expect(phone.get_by_role("link", name=re.compile("返回订单"))).to_be_visible()
    phone.get_by_role("button", name=re.compile("支付成功")).click()

    expect(phone.get_by_test_id("order-status")).to_have_text("待发货", timeout=30_000)
    expect(phone.get_by_text("祁门红茶 特级")).to_be_visible()
    expect(phone.get_by_text("张三 13800138000")).to_be_visible()


def test_a_sold_out_variant_cannot_be_added(phone):
    phone.goto("/s/demo-tea")
    phone.get_by_role("link", name=re.compile("安吉白茶")).click()
    phone.get_by_role("button", name=re.compile("250克")).click()
    expect(phone.get_by_test_id("buy-bar")).to_have_count(0)


def test_a_shopper_buys_a_gift_card_without_an_address(phone):
    # The owner lists a virtual product (over the API, as a script or another channel would).
    token = phone.request.post("/api/v1/auth/login", data={"email": DEMO_EMAIL, "password": DEMO_PASSWORD}).json()["token"]
    card = phone.request.post("/api/v1/products", headers={"Authorization": f"Bearer {token}"}, data={
        "title": "电子礼品卡 ¥50", "status": "active", "product_type": "virtual",
        "variants": [{"sku": "GIFT-50", "price": 5000, "stock": 100}],
    }).json()
    phone.goto(f"/s/demo-tea/p/{card['id']}")
    phone.get_by_role("button", name="加入购物车").click()
    expect(phone.get_by_test_id("cart-count")).to_have_text("1")
    phone.get_by_role("link", name="去购物车").click()
    phone.get_by_role("link", name="去结算").click()

    # No address and no shipping: the total is the card's price.
    expect(phone.get_by_text("虚拟商品无需收货地址和配送")).to_be_visible()
    expect(phone.get_by_label("收货人")).to_have_count(0)
    expect(phone.get_by_test_id("checkout-total")).to_have_text("¥50")
    phone.get_by_label("邮箱").fill("gift@example.com")
    phone.get_by_role("button", name="提交订单").click()
    expect(phone.get_by_role("heading", name=re.compile("沙箱支付"))).to_be_visible(timeout=30_000)
    phone.get_by_role("button", name=re.compile("支付成功")).click()
    # Nothing to ship: paid is complete.
    expect(phone.get_by_test_id("order-status")).to_have_text("已完成", timeout=30_000)
    expect(phone.get_by_text("虚拟商品无需收货地址和配送")).to_be_visible()
