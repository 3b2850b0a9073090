"""A shopper on a phone claims the shop's coupon from the 领券 block and finds it in 我的 → 我的优惠券."""

import re
from datetime import UTC, datetime, timedelta

import httpx
from playwright.sync_api import expect

from tests.e2e.steps import DEMO_EMAIL, DEMO_PASSWORD, log_in_as_demo_owner

EMAIL = "coupon.hunter@example.com"
PASSWORD = "tea-coupon-2026"


def _owner_makes_a_claimable_coupon(platform_url: str) -> None:
    with httpx.Client(base_url=platform_url + "/api/v1", timeout=30) as api:
        token = api.post("/auth/login", json={"email": DEMO_EMAIL, "password": DEMO_PASSWORD}).json()["token"]
        now = datetime.now(UTC)
        made = api.post("/coupons", headers={"Authorization": f"Bearer {token}"}, json={
            "name": "新人券", "kind": "amount", "amount_off": 1000, "min_amount": 5000, "claimable": True,
            "starts_at": (now - timedelta(hours=1)).isoformat(), "ends_at": (now + timedelta(days=7)).isoformat(),
        })
        assert made.status_code == 201, made.text


def test_a_shopper_claims_a_coupon_on_the_storefront_and_sees_it_in_my_coupons(phone, platform_url):
    _owner_makes_a_claimable_coupon(platform_url)
    phone.goto("/s/demo-tea")
    block = phone.get_by_test_id("coupon-block")
    expect(block).to_contain_text("满¥50减¥10")
    block.get_by_role("button", name="登录后领取").first.click()  # a guest: log in first
    expect(phone).to_have_url(re.compile("/s/demo-tea/account$"))
    phone.get_by_role("button", name="还没有账号？注册一个").click()
    phone.get_by_label("邮箱").fill(EMAIL)
    phone.get_by_label("密码").fill(PASSWORD)
    phone.get_by_test_id("account-submit").click()
    expect(phone.get_by_test_id("account-no-orders")).to_be_visible()

    phone.goto("/s/demo-tea")
    claim = phone.get_by_test_id("coupon-block").get_by_role("button", name="领取").first
    claim.click()
    expect(phone.get_by_test_id("coupon-block").get_by_role("button", name="已领取").first).to_be_disabled()

    # A product's page offers the coupons that cover it; claiming one already held says so.
    phone.get_by_role("link", name=re.compile("祁门红茶")).first.click()
    expect(phone.get_by_test_id("product-title")).to_contain_text("祁门红茶")
    block = phone.get_by_test_id("coupon-block")
    expect(block).to_contain_text("满¥50减¥10")
    block.get_by_role("button", name="领取").first.click()
    expect(block.get_by_role("alert")).to_contain_text("达到每人限领数量")

    phone.get_by_test_id("account-link").click()
    phone.get_by_test_id("wallet-link").click()
    wallet = phone.get_by_test_id("coupon-wallet")
    expect(wallet).to_contain_text("新人券")
    expect(wallet).to_contain_text("满¥50减¥10")
    expect(wallet).to_contain_text("未使用")


def test_the_owner_makes_a_coupon_its_codes_issues_it_and_ends_it_in_the_console(page):
    log_in_as_demo_owner(page)
    page.get_by_role("link", name="营销中心").first.click()
    page.get_by_test_id("marketing-cards").get_by_role("link", name=re.compile("^优惠券")).click()
    form = page.get_by_test_id("coupon-form")
    form.get_by_label("名称").fill("会员日券")
    form.get_by_label("减免金额").fill("15")
    form.get_by_label("使用门槛").fill("九十九")
    form.get_by_label("开始时间").fill("2026-12-01T00:00")
    form.get_by_label("结束时间").fill("2026-11-01T00:00")
    form.get_by_role("button", name="创建优惠券").click()
    # Each wrong field is explained next to it; nothing is made.
    expect(form.get_by_role("alert").filter(has_text="结束时间必须晚于开始时间")).to_be_visible()
    expect(form.get_by_role("alert").filter(has_text="金额")).to_be_visible()
    form.get_by_label("使用门槛").fill("99")
    form.get_by_label("开始时间").fill("2026-01-01T00:00")
    form.get_by_label("结束时间").fill("2036-01-01T00:00")
    form.get_by_label("券码（可不填）").fill("vip day")
    form.get_by_test_id("scope-search").fill("龙井")  # the coupon covers one product, picked by its name
    form.get_by_test_id("scope-option").filter(has_text="西湖龙井绿茶 明前特级").click()
    expect(form.get_by_test_id("scope-product")).to_contain_text("西湖龙井绿茶 明前特级")
    form.get_by_role("button", name="创建优惠券").click()
    expect(page.get_by_role("status").filter(has_text="已创建优惠券")).to_contain_text("会员日券")

    row = page.get_by_test_id("coupon-list").locator("li").filter(has_text="会员日券")
    expect(row).to_contain_text("满¥99减¥15")
    expect(row).to_contain_text("VIPDAY")
    expect(row).to_contain_text("指定商品可用")
    row.get_by_role("button", name="一次性券码").click()
    row.get_by_label("生成数量").fill("5")
    with page.expect_download() as download:
        row.get_by_role("button", name="生成并下载").click()
    lines = open(download.value.path(), encoding="utf-8-sig").read().split()
    assert lines[0] == "code,used" and len(lines) == 6

    row.get_by_role("button", name="发给顾客").click()
    row.get_by_label("顾客邮箱").fill("nobody.here@example.com")
    row.get_by_test_id("coupon-panel").get_by_role("button", name="发给顾客").click()
    expect(row.get_by_test_id("issue-result")).to_contain_text("不是本店的顾客")

    row.get_by_role("button", name="结束").click()
    row.get_by_role("button", name="确定").click()
    expect(row).to_contain_text("已结束")
