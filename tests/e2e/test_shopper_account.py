"""A shopper's account on a phone: the guest cart survives registering, the order lands in 我的订单,
and logging in again on a fresh browser brings the account back."""

import re

import httpx
from playwright.sync_api import expect

from tests.e2e.conftest import IPHONE
from tests.e2e.steps import fill_checkout_address, last_email_to

EMAIL = "lin.account@example.com"
PASSWORD = "tea-lover-2026"


def test_a_guest_registers_keeps_the_cart_and_finds_the_order_in_the_account(phone, browser, platform_url):
    phone.goto("/s/demo-tea")
    phone.get_by_role("link", name=re.compile("祁门红茶")).click()
    phone.get_by_role("button", name="100克").click()
    phone.get_by_role("button", name="加入购物车").click()
    expect(phone.get_by_test_id("cart-count")).to_have_text("1")

    phone.get_by_test_id("account-link").click()
    phone.get_by_role("button", name="还没有账号？注册一个").click()
    expect(phone.get_by_role("heading", name="注册本店账号")).to_be_visible()
    phone.get_by_label("邮箱").fill(EMAIL)
    phone.get_by_label("密码").fill("12345678")
    phone.get_by_test_id("account-submit").click()
    expect(phone.get_by_role("alert").filter(has_text="不能全是数字")).to_be_visible()
    phone.get_by_label("密码").fill(PASSWORD)
    phone.get_by_test_id("account-submit").click()
    expect(phone.get_by_test_id("account-no-orders")).to_be_visible()
    expect(phone.get_by_test_id("cart-count")).to_have_text("1")  # the guest cart came along

    phone.get_by_role("link", name="购物车").click()
    phone.get_by_role("link", name="去结算").click()
    expect(phone.get_by_label("邮箱")).to_have_value(EMAIL)  # known from the account
    fill_checkout_address(phone)
    phone.get_by_role("button", name="提交订单").click()
    phone.get_by_role("button", name=re.compile("支付成功")).click(timeout=30_000)
    expect(phone.get_by_test_id("order-status")).to_have_text("待发货", timeout=30_000)

    phone.get_by_test_id("account-link").click()
    expect(phone.get_by_test_id("account-orders")).to_contain_text("待发货")
    phone.get_by_test_id("account-orders").get_by_role("link").first.click()
    expect(phone.get_by_test_id("order-status")).to_have_text("待发货")  # opened by the log-in, no link token
    expect(phone.get_by_text("祁门红茶 特级")).to_be_visible()

    # Another phone: log in, and the order history is there too.
    other = browser.new_context(base_url=platform_url, **IPHONE)
    try:
        second = other.new_page()
        second.set_default_timeout(20_000)
        second.goto("/s/demo-tea/account")
        second.get_by_label("邮箱").fill(EMAIL)
        second.get_by_label("密码").fill(PASSWORD)
        second.get_by_test_id("account-submit").click()
        expect(second.get_by_test_id("account-orders")).to_contain_text("待发货")
        second.get_by_role("button", name="退出登录").click()
        expect(second.get_by_role("heading", name="登录本店账号")).to_be_visible()
    finally:
        other.close()


def test_a_shopper_who_forgot_the_password_gets_back_in_by_the_emailed_link(phone, platform_url, platform_data):
    email = "forgetful@example.com"
    answer = httpx.post(f"{platform_url}/api/v1/store/demo-tea/customers", json={"email": email, "password": "first-pass-2026"})
    assert answer.status_code == 201

    phone.goto("/s/demo-tea/account")
    phone.get_by_role("button", name="忘记密码？").click()
    expect(phone.get_by_role("heading", name="找回密码")).to_be_visible()
    phone.get_by_label("邮箱").fill(email)
    phone.get_by_test_id("account-submit").click()
    expect(phone.get_by_test_id("reset-sent")).to_be_visible()

    link = re.search(r"https?://\S+/account/reset/\S+", last_email_to(platform_data, email)).group(0)
    phone.goto(link)
    phone.get_by_label("新密码").fill("second-pass-2026")
    phone.get_by_role("button", name="保存并登录").click()
    expect(phone.get_by_test_id("account-no-orders")).to_be_visible()
    expect(phone).to_have_url(re.compile("/s/demo-tea/account$"))


def test_a_guest_who_registers_with_the_same_email_finds_the_earlier_orders_after_verifying_it(phone, platform_url, platform_data):
    email = "guest.first@example.com"
    api = f"{platform_url}/api/v1/store/demo-tea"
    # Last week, as a guest: an order with this e-mail (over the API, as another device would).
    tea = httpx.get(f"{api}/products", params={"q": "祁门红茶"}).json()["items"][0]
    variant = httpx.get(f"{api}/products/{tea['id']}").json()["variants"][0]["id"]
    cart = httpx.post(f"{api}/carts").json()["cart_token"]
    httpx.post(f"{api}/carts/{cart}/items", json={"variant_id": variant, "qty": 1}).raise_for_status()
    placed = httpx.post(f"{api}/checkout", json={"cart_token": cart, "email": email, "address": {
        "name": "林", "phone": "13800138000", "province": "浙江省", "city": "杭州市", "district": "西湖区",
        "line1": "文三路 100 号", "postcode": "310012"}})
    assert placed.status_code == 201, placed.text

    phone.goto("/s/demo-tea/account")
    phone.get_by_role("button", name="还没有账号？注册一个").click()
    phone.get_by_label("邮箱").fill(email)
    phone.get_by_label("密码").fill(PASSWORD)
    phone.get_by_test_id("account-submit").click()
    # Not before the address is proven: the page says why the order is missing, and how.
    expect(phone.get_by_test_id("verify-notice")).to_contain_text(email)
    expect(phone.get_by_test_id("account-no-orders")).to_be_visible()

    link = re.search(r"https?://\S+/account/verify/\S+", last_email_to(platform_data, email)).group(0)
    phone.goto(link)
    expect(phone.get_by_test_id("verify-result")).to_contain_text("邮箱已验证")
    expect(phone.get_by_test_id("verify-result")).to_contain_text("1")
    phone.get_by_role("link", name="查看我的订单").click()
    expect(phone.get_by_test_id("account-orders")).to_contain_text(placed.json()["order_no"])
    expect(phone.get_by_test_id("verify-notice")).to_have_count(0)
