"""A shopper on a phone claims the shop's coupon from the 领券 block and finds it in 我的 → 我的优惠券."""

import re
from datetime import UTC, datetime, timedelta

import httpx
from playwright.sync_api import expect

from tests.e2e.steps import DEMO_EMAIL, DEMO_PASSWORD

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

    phone.get_by_test_id("account-link").click()
    phone.get_by_test_id("wallet-link").click()
    wallet = phone.get_by_test_id("coupon-wallet")
    expect(wallet).to_contain_text("新人券")
    expect(wallet).to_contain_text("满¥50减¥10")
    expect(wallet).to_contain_text("未使用")
