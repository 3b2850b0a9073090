"""Savings at checkout on a phone: the cart shows what the checkout will charge, and a promo code the
shop cannot take is refused next to its box, in the shopper's language, with what they typed kept.
In the console, a refund of some units of a line is filled in from what the line was paid."""

import re

import httpx
from playwright.sync_api import expect

from tests.e2e.steps import fill_checkout_address, log_in_as_demo_owner
from tests.e2e.test_console_orders import place_order

TYPED = "SPRING-" + "8" * 40  # longer than any code of ours


def test_a_mistyped_promo_code_is_refused_next_to_its_box_and_stays_typed(phone):
    phone.goto("/s/demo-tea")
    phone.get_by_role("link", name=re.compile("祁门红茶")).click()
    phone.get_by_role("button", name="100克").click()
    phone.get_by_role("button", name="加入购物车").click()
    expect(phone.get_by_test_id("cart-count")).to_have_text("1")
    phone.get_by_role("link", name="去购物车").click()
    expect(phone.get_by_test_id("cart-subtotal")).to_have_text("¥182")
    expect(phone.get_by_test_id("cart-total")).to_have_text("¥182")
    phone.get_by_role("link", name="去结算").click()

    expect(phone.get_by_test_id("checkout-total")).to_have_text("¥182")  # free shipping over ¥99
    phone.get_by_label("邮箱").fill("saver@example.com")
    fill_checkout_address(phone)
    code = phone.get_by_label("优惠码")
    code.fill(TYPED)
    phone.get_by_role("button", name="使用", exact=True).click()
    expect(phone.locator("#coupon_code-note")).to_have_text("优惠码格式不对，请检查后重新输入")
    expect(code).to_have_value(TYPED)
    expect(code).to_have_attribute("aria-invalid", "true")
    expect(phone.get_by_test_id("checkout-total")).to_have_text("¥182")  # still priced, without the code

    # In English, and at the pay button too: refused by its box, nothing placed, nothing retyped.
    phone.get_by_test_id("lang-switch").click()
    expect(phone.get_by_role("button", name="Apply", exact=True)).to_be_visible()
    phone.get_by_role("button", name="Apply", exact=True).click()
    expect(phone.locator("#coupon_code-note")).to_have_text("This is not a valid code; please check it and type it again")
    phone.get_by_role("button", name="Place order").click()
    expect(phone.get_by_role("alert").filter(has_text="Please check the marked fields")).to_be_visible()
    expect(phone.locator("#coupon_code-note")).to_have_text("This is not a valid code; please check it and type it again")
    expect(phone.get_by_label("Promo code")).to_have_value(TYPED)
    expect(phone).to_have_url(re.compile("/checkout"))


def test_the_owner_refunds_one_unit_of_a_line_at_what_it_was_paid(page, platform_url):
    api = f"{platform_url}/api/v1"
    variant = httpx.get(f"{api}/store/demo-tea/products/2").json()["variants"][0]
    order_no = place_order(platform_url, pay=True, qty=3)
    log_in_as_demo_owner(page)
    page.goto("/console/orders")
    page.get_by_label("订单号、邮箱、收货人或手机号").fill(order_no)
    page.get_by_role("button", name="搜索").click()
    page.get_by_role("link", name=order_no).click()
    expect(page.get_by_test_id("console-order-item")).to_contain_text(re.compile(r"¥"))

    # One of three units: floor(paid × 1 / 3), filled in from the line's paid (no saving here: its price).
    page.get_by_label(re.compile("^退款件数")).fill("1")
    page.get_by_label("退款原因").click()  # leaving the box works the amount out
    amount = page.get_by_test_id("refund-amount")
    expect(amount).to_have_value(yuan(variant["price"] * 3 // 3))
    page.get_by_label("退款原因").fill("少发一件")
    page.get_by_role("button", name="退款", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("退款已提交，款项原路退回。")
    expect(page.get_by_test_id("order-timeline")).to_contain_text("退款")


def yuan(fen: int) -> str:
    return f"{fen // 100}" if fen % 100 == 0 else f"{fen // 100}.{fen % 100:02d}"
