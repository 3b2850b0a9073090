"""The owner sees where a shopper came from: a phone opens the demo shop from a WeChat link, buys, and the
reports show the visit, the source and the paid order. A range whose exact distinct counts would read too many
rows shows them estimated (约) and says why; a small range stays exact."""

import re
from datetime import timedelta

from playwright.sync_api import expect

from shopapp.services.core.clock import shop_today
from tests.e2e.conftest import IPHONE, REPORTS_EXACT_ROWS, watch_the_policy
from tests.e2e.steps import fill_checkout_address, log_in_as_demo_owner, run_on_platform

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


# Yesterday's visitors of the demo shop, as the events endpoint would have stored them (a journey cannot go back a
# day), then the nightly roll-up (the job's own function, whatever its lease says): yesterday and the day before sealed.
VISITS_YESTERDAY_ROLLED_UP = """
import sys
from datetime import timedelta
from sqlmodel import select
from shopapp.db import session_scope
from shopapp.models import Shop, VisitEvent
from shopapp.services.analytics import rollups
from shopapp.services.core.clock import shop_today, start_of_day
with session_scope() as session:
    shop_id = session.exec(select(Shop.id).where(Shop.slug == "demo-tea")).one()
    noon = start_of_day(shop_today(shop_id) - timedelta(days=1), shop_id) + timedelta(hours=12)
    session.add_all([VisitEvent(shop_id=shop_id, visitor_id=f"e2e-approximate-{n:04}", type="page_view", path="/s/demo-tea",
                                at=noon + timedelta(minutes=n)) for n in range(int(sys.argv[1]))])
with session_scope() as session:
    rollups.roll_up_recent(session)
"""


def test_a_range_past_the_exact_limit_shows_约_and_why_and_a_small_range_stays_exact(page, platform_url, platform_data):
    """The served platform estimates above REPORTS_EXACT_ROWS (20) visitor- or buyer-days. Yesterday gets more
    visitors than that, the nightly roll-up seals yesterday and the day before (their sketches with them): 近30天
    reads the sketches (约 on the distinct counts, the explanation, the orders exact); the day before yesterday alone
    holds only the demo's few buyers, counted exactly."""
    run_on_platform(platform_data, platform_url, VISITS_YESTERDAY_ROLLED_UP, str(REPORTS_EXACT_ROWS + 10))
    log_in_as_demo_owner(page)
    page.goto("/console/reports")
    cards = page.get_by_test_id("report-cards").get_by_test_id("report-card")
    page.get_by_test_id("range-30d").click()
    expect(page.get_by_test_id("range-30d")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_test_id("reports-approximate")).to_contain_text("约：所选区间较长")
    expect(page.get_by_test_id("reports-approximate")).to_contain_text("浏览量、订单、金额为精确值")
    visitors = cards.filter(has_text="访客").first
    expect(visitors).to_contain_text(re.compile(r"访客\s*约 \d+"))
    assert int(re.search(r"约 (\d+)", visitors.inner_text())[1]) >= REPORTS_EXACT_ROWS + 10  # yesterday's, and today's
    expect(cards.filter(has_text="买家")).to_contain_text(re.compile(r"买家\s*约 [1-9]"))
    expect(cards.filter(has_text="付款订单")).to_contain_text(re.compile(r"付款订单\s*[1-9]"))
    expect(cards.filter(has_text="付款订单")).not_to_contain_text("约")  # orders are added up, never estimated
    expect(page.get_by_test_id("report-funnel")).to_contain_text("约")

    day_before = (shop_today() - timedelta(days=2)).isoformat()
    page.get_by_test_id("range-custom").click()
    page.get_by_label("开始日期").fill(day_before)
    page.get_by_label("结束日期").fill(day_before)
    page.get_by_role("button", name="查看").click()
    expect(page.get_by_test_id("report-range")).to_have_text(day_before)
    expect(page.get_by_test_id("reports-approximate")).to_have_count(0)
    expect(cards.filter(has_text="买家")).to_contain_text(re.compile(r"买家\s*[1-9]"))  # the demo's orders that day
    expect(page.get_by_test_id("report-cards")).not_to_contain_text("约")
    expect(page.get_by_test_id("report-funnel")).not_to_contain_text("约")
