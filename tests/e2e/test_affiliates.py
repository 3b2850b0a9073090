"""分销 in the browser, on phones: a shopper becomes a promoter in 推广中心 (code, link, poster); a friend opens
the link and signs up, and their paid order shows the promoter a frozen commission; the order completes,
the settle days pass (the settle job, the clock moved on), the commission is available; a withdrawal over
it is refused, one within it is requested, the owner marks it paid in the console, and the promoter sees it."""

import os
import subprocess
import sys

import httpx
from playwright.sync_api import expect

from tests.e2e.conftest import IPHONE, ROOT
from tests.e2e.steps import DEMO_EMAIL, DEMO_PASSWORD, log_in_as_demo_owner

PROMOTER = "xiaolin.promoter@example.com"
FRIEND = "afang.friend@example.com"
PASSWORD = "tea-friends-2026"
ADDRESS = {"name": "阿芳", "phone": "13912345678", "province": "广东省", "city": "深圳市", "district": "南山区",
           "line1": "科技园 1 号", "postcode": "518000"}
# Completes one order, then runs the settle job 8 days later (settle_days is 7 in the demo shop).
SETTLE = """
import sys
from datetime import timedelta
from sqlmodel import select
from shopapp.db import session_scope
from shopapp.models import Order
from shopapp.models.base import clock_at, utcnow
from shopapp.services.marketing import affiliate_money
from shopapp.services.orders import state
with session_scope() as session:
    order = session.exec(select(Order).where(Order.order_no == sys.argv[1])).one()
    state.transition(session, order, "completed", "system")
with session_scope() as session, clock_at(utcnow() + timedelta(days=8)):
    print(affiliate_money.settle_due(session))
"""


def _friend_buys(api: str, token: str) -> dict:
    product = httpx.get(f"{api}/store/demo-tea/products/2").json()
    cart = httpx.post(f"{api}/store/demo-tea/carts").json()["cart_token"]
    httpx.post(f"{api}/store/demo-tea/carts/{cart}/items", json={"variant_id": product["variants"][0]["id"], "qty": 2}).raise_for_status()
    placed = httpx.post(f"{api}/store/demo-tea/checkout", headers={"Authorization": f"Bearer {token}"},
                        json={"cart_token": cart, "email": FRIEND, "address": ADDRESS})
    placed.raise_for_status()
    httpx.post(f"{api}/payments/sandbox/{placed.json()['payment']['id']}/pay", json={"outcome": "success"}).raise_for_status()
    return placed.json()


def _yuan(fen: int) -> str:
    units, cents = divmod(fen, 100)
    return f"¥{units:,}" if cents == 0 else f"¥{units:,}.{cents:02d}"


def test_a_promoters_link_earns_a_commission_that_settles_and_is_withdrawn(page, phone, browser, platform_url, platform_data):
    api = f"{platform_url}/api/v1"
    registered = httpx.post(f"{api}/store/demo-tea/customers", json={"email": PROMOTER, "password": PASSWORD, "name": "小林"})
    assert registered.status_code == 201, registered.text

    # The promoter joins in 我的 → 推广中心.
    phone.goto("/s/demo-tea/account")
    phone.get_by_label("邮箱").fill(PROMOTER)
    phone.get_by_label("密码").fill(PASSWORD)
    phone.get_by_test_id("account-submit").click()
    phone.get_by_test_id("account-promoter").click()
    phone.get_by_label("邀请码（选填）").fill("NOSUCH99")
    phone.get_by_test_id("promoter-join").click()
    expect(phone.get_by_role("alert").filter(has_text="本店没有这个推广码")).to_be_visible()
    phone.get_by_label("邀请码（选填）").fill("")
    phone.get_by_test_id("promoter-join").click()
    code_box = phone.get_by_test_id("promoter-code")
    expect(code_box).not_to_be_empty()
    code = code_box.inner_text().strip()
    expect(phone.get_by_test_id("promoter-link")).to_have_value(f"{platform_url}/s/demo-tea?ref={code}")
    poster = phone.get_by_test_id("promoter-poster")
    expect(poster).to_be_visible()
    phone.wait_for_function("el => el.complete && el.naturalWidth > 0", arg=poster.element_handle())
    expect(phone.get_by_test_id("promoter-available")).to_have_text("¥0")

    # A friend opens the link on their phone and signs up: bound to the promoter.
    friend_context = browser.new_context(base_url=platform_url, **IPHONE)
    friend = friend_context.new_page()
    friend.goto(f"/s/demo-tea?ref={code}")
    expect(friend.get_by_test_id("account-link")).to_have_attribute("href", "/s/demo-tea/account")  # the shop is loaded
    friend.get_by_test_id("account-link").click()
    friend.get_by_role("button", name="还没有账号？注册一个").click()
    friend.get_by_label("邮箱").fill(FRIEND)
    friend.get_by_label("密码").fill(PASSWORD)
    friend.get_by_test_id("account-submit").click()
    expect(friend.get_by_test_id("account-no-orders")).to_be_visible()
    friend_context.close()

    token = httpx.post(f"{api}/store/demo-tea/customers/login", json={"email": FRIEND, "password": PASSWORD}).json()["token"]
    placed = _friend_buys(api, token)
    owner = {"Authorization": "Bearer " + httpx.post(f"{api}/auth/login", json={"email": DEMO_EMAIL, "password": DEMO_PASSWORD}).json()["token"]}
    order = httpx.get(f"{api}/orders/{placed['order_id']}", headers=owner).json()
    commission = (sum(item["paid"] for item in order["items"]) * 10 + 50) // 100  # 10 %, rounded half up

    phone.reload()
    expect(phone.get_by_test_id("promoter-frozen")).to_have_text(_yuan(commission))
    expect(phone.get_by_test_id("promoter-level1")).to_have_text("1")
    expect(phone.get_by_test_id("promoter-commissions")).to_contain_text(order["order_no"])
    expect(phone.get_by_test_id("promoter-commissions")).to_contain_text("冻结中")

    # Delivered, completed, and 8 days on the settle job makes it available.
    parcel = httpx.post(f"{api}/orders/{order['id']}/shipments", headers=owner, json={"carrier": "SF", "tracking_no": "SF7654321098765"})
    parcel.raise_for_status()
    env = {**os.environ, "DATA_DIR": str(platform_data)}
    for name in ("DATABASE_URL", "REDIS_URL", "REFLEX_REDIS_URL"):
        env.pop(name, None)
    settled = subprocess.run([sys.executable, "-c", SETTLE, order["order_no"]], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=120)
    assert settled.returncode == 0, settled.stderr
    assert int(settled.stdout.strip().splitlines()[-1]) >= 1

    phone.reload()
    expect(phone.get_by_test_id("promoter-available")).to_have_text(_yuan(commission))
    expect(phone.get_by_test_id("promoter-frozen")).to_have_text("¥0")
    expect(phone.get_by_test_id("promoter-commissions")).to_contain_text("可提现")

    # More than available is refused and changes nothing; the whole of it is requested.
    phone.get_by_label("提现金额（元）").fill("99999")
    phone.get_by_test_id("promoter-withdraw").click()
    expect(phone.get_by_role("alert").filter(has_text="提现金额不能超过可提现余额")).to_be_visible()
    expect(phone.get_by_test_id("promoter-available")).to_have_text(_yuan(commission))
    phone.get_by_label("提现金额（元）").fill(_yuan(commission).lstrip("¥").replace(",", ""))
    phone.get_by_test_id("promoter-withdraw").click()
    expect(phone.get_by_test_id("promoter-withdraw-sent")).to_be_visible()
    expect(phone.get_by_test_id("promoter-available")).to_have_text("¥0")
    expect(phone.get_by_test_id("promoter-withdrawals")).to_contain_text("待审核")

    # The owner pays outside the platform and marks it paid.
    log_in_as_demo_owner(page)
    page.goto("/console/marketing/affiliates")
    row = page.get_by_test_id("affiliates-withdrawals").get_by_role("listitem").filter(has_text=code)
    expect(row).to_contain_text("待审核")
    row.get_by_test_id("withdrawal-approve").click()
    expect(row).to_contain_text("已打款")

    phone.reload()
    expect(phone.get_by_test_id("promoter-withdrawn")).to_have_text(_yuan(commission))
    expect(phone.get_by_test_id("promoter-withdrawals")).to_contain_text("已打款")


def test_the_owner_sees_the_programme_and_bad_settings_are_refused(page):
    log_in_as_demo_owner(page)
    page.goto("/console/marketing")
    page.get_by_role("link", name="分销推广").click()
    expect(page.get_by_role("heading", name="分销推广", exact=True)).to_be_visible()
    expect(page.get_by_label("开启分销")).to_be_checked()  # the demo's programme is on
    page.get_by_label("一级佣金 (%)").fill("60")
    page.get_by_test_id("affiliates-save").click()
    expect(page.get_by_role("alert").filter(has_text="佣金比例不能超过 50%")).to_be_visible()
    page.reload()
    expect(page.get_by_label("一级佣金 (%)")).to_have_value("10")  # nothing changed
    expect(page.get_by_test_id("affiliates-promoters")).to_contain_text("茶友小林")  # the demo's promoter
