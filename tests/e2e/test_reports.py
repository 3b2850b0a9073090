"""The owner sees where a shopper came from: a phone opens the demo shop from a WeChat link, buys, and the
reports show the visit, the source and the paid order."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import IPHONE, watch_the_policy
from tests.e2e.steps import fill_checkout_address, log_in_as_demo_owner

# WeChat's in-app browser on an iPhone: a shopper, not a crawler (Playwright's own agent names HeadlessChrome).
WECHAT = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Mobile/15E148 MicroMessenger/8.0.50(0x18003237) NetType/WIFI Language/zh_CN")


def test_a_shopper_from_wechat_buys_and_the_owner_sees_the_visit_the_source_and_the_order_on_a_phone(browser, platform_url, phone):
    shopper = browser.new_context(base_url=platform_url, user_agent=WECHAT, **IPHONE)
    violations = watch_the_policy(shopper)
    buyer = shopper.new_page()
    buyer.goto("/s/demo-tea?utm_source=wechat&utm_medium=social")
    buyer.get_by_role("link", name=re.compile("祁门红茶")).click()
    buyer.get_by_role("button", name="100克").click()
    buyer.get_by_role("button", name="加入购物车").click()
    expect(buyer.get_by_test_id("cart-count")).to_have_text("1")
    buyer.get_by_role("link", name="去购物车").click()
    buyer.get_by_role("link", name="去结算").click()
    expect(buyer.get_by_test_id("checkout-total")).to_have_text(re.compile("¥"))
    buyer.get_by_label("邮箱").fill("wechat-buyer@example.com")
    fill_checkout_address(buyer)
    buyer.get_by_role("button", name="提交订单").click()
    buyer.get_by_role("button", name=re.compile("支付成功")).click()
    expect(buyer.get_by_test_id("order-status")).to_have_text("待发货", timeout=30_000)
    shopper.close()
    assert violations == [], "the storefront broke its Content-Security-Policy"

    owner = phone  # the owner checks from a 390 px phone: the drawer menu, then the reports
    log_in_as_demo_owner(owner)
    owner.get_by_test_id("console-menu-button").click()
    owner.get_by_test_id("console-drawer").get_by_role("link", name="数据报表").click()
    expect(owner).to_have_url(re.compile("/console/reports$"))
    owner.get_by_test_id("range-today").click()
    cards = owner.get_by_test_id("report-cards")
    expect(cards.get_by_test_id("report-card").filter(has_text="访客").first).to_contain_text(re.compile(r"访客\s*[1-9]"))
    expect(cards.get_by_test_id("report-card").filter(has_text="付款订单")).to_contain_text(re.compile(r"付款订单\s*[1-9]"))
    wechat = owner.get_by_test_id("source-row").filter(has_text="wechat")
    expect(wechat).to_contain_text("social")
    expect(wechat.locator("td").nth(4)).to_have_text("1")  # the buyer came from WeChat
    expect(owner.get_by_test_id("report-funnel")).to_contain_text("付款")
    # Other journeys of the day ship to Zhejiang too: the row is there, its count is at least this order.
    expect(owner.get_by_test_id("region-row").filter(has_text="浙江省")).to_contain_text(re.compile(r"浙江省\s*[1-9]"))
    assert owner.evaluate("document.documentElement.scrollWidth") <= 390  # wide tables scroll inside their card
