"""积分与会员 in the browser: the owner switches points on with a member level, gives a shopper points
with a reason (never below zero) and puts a tea cup in the 积分商城; the shopper finds the points, and
the level, in 我的积分 on a phone."""

import httpx
from playwright.sync_api import expect

from tests.e2e.steps import log_in_as_demo_owner

EMAIL = "mei.points@example.com"
PASSWORD = "tea-lover-2026"


def test_the_owner_sets_points_and_levels_gives_points_and_the_shopper_sees_them(page, phone, platform_url):
    registered = httpx.post(f"{platform_url}/api/v1/store/demo-tea/customers", json={"email": EMAIL, "password": PASSWORD})
    assert registered.status_code == 201, registered.text

    log_in_as_demo_owner(page)
    page.goto("/console/marketing/points")
    expect(page.get_by_role("heading", name="积分规则")).to_be_visible()
    page.get_by_label("开启积分与会员等级").check()
    page.get_by_label("多少积分抵 ¥1").fill("100")
    page.get_by_label("积分最多抵扣 (%)").fill("150")
    page.get_by_role("button", name="添加等级").click()
    levels = page.get_by_test_id("member-levels")
    levels.get_by_label("等级名称").fill("银卡")
    levels.get_by_label("累计消费 (元)").fill("0")
    levels.get_by_label("折扣 (% off)").fill("5")
    page.get_by_test_id("loyalty-save").click()
    expect(page.get_by_role("alert").filter(has_text="百分比不能超过 100")).to_be_visible()
    page.get_by_label("积分最多抵扣 (%)").fill("50")
    page.get_by_test_id("loyalty-save").click()
    expect(page.get_by_test_id("loyalty-saved")).to_be_visible()

    page.get_by_label("顾客邮箱").fill(EMAIL)
    page.get_by_test_id("points-find").click()
    expect(page.get_by_test_id("customer-points-available")).to_have_text("0")
    page.get_by_label("增减积分 (如 -50)").fill("500")
    page.get_by_label("原因").fill("开业礼")
    page.get_by_test_id("points-adjust").click()
    expect(page.get_by_test_id("customer-points-available")).to_have_text("500")
    expect(page.get_by_test_id("customer-points-moves")).to_contain_text("开业礼")
    page.get_by_label("增减积分 (如 -50)").fill("-600")
    page.get_by_label("原因").fill("扣回")
    page.get_by_test_id("points-adjust").click()
    expect(page.get_by_role("alert").filter(has_text="调整后积分不能小于 0")).to_be_visible()
    expect(page.get_by_test_id("customer-points-available")).to_have_text("500")

    # A tea cup in the 积分商城: an unknown SKU is refused next to its field, the right one is listed.
    page.get_by_label("商品 SKU").fill("NOPE-1")
    page.get_by_label("所需积分").fill("300")
    page.get_by_label("可兑数量").fill("5")
    page.get_by_test_id("points-add-reward").click()
    expect(page.get_by_role("alert").filter(has_text="找不到这个规格")).to_be_visible()
    page.get_by_label("商品 SKU").fill("W01-1")
    page.get_by_test_id("points-add-reward").click()
    expect(page.get_by_test_id("points-rewards")).to_contain_text("300")
    expect(page.get_by_test_id("customer-points-available")).to_have_text("500")  # the customer stays in view

    phone.goto("/s/demo-tea/account")
    phone.get_by_label("邮箱").fill(EMAIL)
    phone.get_by_label("密码").fill(PASSWORD)
    phone.get_by_test_id("account-submit").click()
    phone.get_by_test_id("account-points").click()
    expect(phone.get_by_test_id("points-available")).to_have_text("500")
    expect(phone.get_by_test_id("points-level")).to_contain_text("银卡")
    expect(phone.get_by_test_id("points-moves")).to_contain_text("商家调整")
    expect(phone.get_by_test_id("points-moves")).to_contain_text("+500")
