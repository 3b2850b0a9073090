"""积分商城 on a phone: a guest tapping 兑换 is sent to log in and comes back; the logged-in shopper sees
their points and each reward's points and stock, a reward beyond their points says so, and a coupon
bought with 300 points (after "用 300 积分兑换…？") lands in 我的优惠券; a tea cup asks for the address and
becomes an order at ¥0."""

import os
import re
import subprocess
import sys
import uuid

import httpx
from playwright.sync_api import expect

from tests.e2e.steps import DEMO_EMAIL, DEMO_PASSWORD, fill_checkout_address

PASSWORD = "tea-lover-2026"

# The owner's side, as the console's 积分 page would do it: points on (unless they are already), a coupon,
# two coupon rewards (one the shopper can afford, one they cannot), a tea cup, and 1 000 points for the shopper.
SET_UP = """
import sys
from datetime import timedelta
from sqlmodel import select
from shopapp.db import session_scope
from shopapp.models import Customer
from shopapp.models.base import utcnow
from shopapp.services.marketing import coupons, levels, points, rewards
from shopapp.services.shops import accounts

email, password, shopper, tag = sys.argv[1:]
with session_scope() as session:
    owner = accounts.authenticate(session, accounts.login(session, email=email, password=password).token)
    if levels.active_settings(session, owner.shop_id) is None:
        levels.save_loyalty(session, owner, {"points_per_yuan": 1, "points_per_yuan_off": 100, "max_points_percent": 50, "levels": []})
    now = utcnow()
    coupon = coupons.create_coupon(session, owner, {
        "name": "兑换券" + tag, "kind": "amount", "amount_off": 1000, "min_amount": 5000,
        "starts_at": (now - timedelta(hours=1)).isoformat(), "ends_at": (now + timedelta(days=30)).isoformat(),
    })
    rewards.create_reward(session, owner, {"kind": "coupon", "coupon_id": coupon["id"], "points": 300, "stock": 5})
    dear = coupons.create_coupon(session, owner, {
        "name": "大额券" + tag, "kind": "amount", "amount_off": 5000, "min_amount": 20000,
        "starts_at": (now - timedelta(hours=1)).isoformat(), "ends_at": (now + timedelta(days=30)).isoformat(),
    })
    rewards.create_reward(session, owner, {"kind": "coupon", "coupon_id": dear["id"], "points": 90000, "stock": 2})
    rewards.create_reward(session, owner, {"kind": "product", "sku": "W01-1", "points": 222, "stock": 3})
    customer_id = session.exec(select(Customer.id).where(Customer.shop_id == owner.shop_id, Customer.email == shopper)).one()
    points.adjust(session, owner, customer_id, 1000, "积分商城测试")
"""


def _set_up(platform_data, platform_url, shopper: str, tag: str) -> None:
    env = {**os.environ, "DATA_DIR": str(platform_data), "PORT": platform_url.rsplit(":", 1)[1].strip("/")}
    for name in ("DATABASE_URL", "REDIS_URL", "PUBLIC_URL"):
        env.pop(name, None)
    subprocess.run([sys.executable, "-c", SET_UP, DEMO_EMAIL, DEMO_PASSWORD, shopper, tag], env=env, check=True, timeout=120)


def test_a_shopper_logs_in_from_the_mall_redeems_a_coupon_into_the_wallet_and_a_cup_as_an_order(phone, platform_data, platform_url):
    tag = uuid.uuid4().hex[:6]
    email = f"mall.{tag}@example.com"
    registered = httpx.post(f"{platform_url}/api/v1/store/demo-tea/customers", json={"email": email, "password": PASSWORD})
    assert registered.status_code == 201, registered.text
    _set_up(platform_data, platform_url, email, tag)
    cheap = phone.get_by_test_id("mall-reward").filter(has_text="兑换券" + tag)
    dear = phone.get_by_test_id("mall-reward").filter(has_text="大额券" + tag)

    # A guest sees the rewards; 兑换 sends them to log in, and back to the mall.
    phone.goto("/s/demo-tea/points-mall")
    expect(phone.get_by_role("heading", name="积分商城")).to_be_visible()
    expect(cheap).to_contain_text("300")
    expect(cheap).to_contain_text("剩余 5")
    cheap.get_by_test_id("mall-redeem").click()
    expect(phone).to_have_url(re.compile(r"/s/demo-tea/account\?next="))
    phone.get_by_label("邮箱").fill(email)
    phone.get_by_label("密码").fill(PASSWORD)
    phone.get_by_test_id("account-submit").click()
    expect(phone.get_by_test_id("mall-available")).to_have_text("1000")

    # Beyond their points: the button is off and says why.
    expect(dear.get_by_test_id("mall-redeem")).to_be_disabled()
    expect(dear).to_contain_text("积分不足")

    cheap.get_by_test_id("mall-redeem").click()
    expect(phone.get_by_test_id("mall-question")).to_have_text(f"用 300 积分兑换 兑换券{tag}？")
    phone.get_by_test_id("mall-confirm").click()
    expect(phone.get_by_test_id("mall-coupon-done")).to_contain_text("兑换券" + tag)
    expect(phone.get_by_test_id("mall-available")).to_have_text("700")
    expect(cheap).to_contain_text("剩余 4")
    phone.get_by_test_id("mall-wallet-link").click()
    expect(phone.get_by_test_id("coupon-wallet")).to_contain_text("兑换券" + tag)

    # A product is delivered: the address first (refused while empty), then its ¥0 order opens.
    phone.goto("/s/demo-tea/points-mall")
    cup = phone.get_by_test_id("mall-reward").filter(has_text="222")
    cup.get_by_test_id("mall-redeem").click()
    expect(phone.get_by_test_id("mall-question")).to_contain_text("用 222 积分兑换")
    phone.get_by_test_id("mall-confirm").click()
    expect(phone.get_by_test_id("mall-confirmation").get_by_role("alert").first).to_be_visible()
    expect(phone.get_by_test_id("mall-available")).to_have_text("700")
    fill_checkout_address(phone)
    phone.get_by_test_id("mall-confirm").click()
    expect(phone.get_by_test_id("order-status")).to_have_text("待发货", timeout=30_000)
    expect(phone.get_by_test_id("order-item")).to_have_count(1)
    phone.goto("/s/demo-tea/points-mall")
    expect(phone.get_by_test_id("mall-available")).to_have_text("478")
