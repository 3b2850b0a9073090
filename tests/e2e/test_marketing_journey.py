"""The marketing centre from end to end (issue 16): on a phone a logged-in shopper claims the shop's coupon
from the 领券 block, sees at checkout the 满减 and the coupon taken off line by line, pays part with points
and the rest in the sandbox; in the console the owner refunds one of the two units, and the shopper gets
back what that unit was paid, with the points it earned taken back and the points it used returned in
proportion (PRICING.md)."""

import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.steps import DEMO_EMAIL, DEMO_PASSWORD, fill_checkout_address, log_in_as_demo_owner

EMAIL = "tea.saver@example.com"
PASSWORD = "tea-saver-2026"
PRICE = 18200  # 祁门红茶 特级 100克
POINTS_GIVEN, POINTS_USED = 1000, 500  # 100 points take ¥1 off: ¥5
LOYALTY = {"enabled": True, "points_per_yuan": 1, "points_per_yuan_off": 100, "max_points_percent": 50, "levels": []}


@pytest.fixture
def owner_api(platform_url):
    with httpx.Client(base_url=platform_url + "/api/v1", timeout=30) as api:
        token = api.post("/auth/login", json={"email": DEMO_EMAIL, "password": DEMO_PASSWORD}).json()["token"]
        api.headers["Authorization"] = f"Bearer {token}"
        yield api


@pytest.fixture
def activities(owner_api):
    """A 满300减30 on the black tea, a claimable 满¥50减¥10 coupon and points switched on; afterwards the
    promotion and the coupon end and the points settings are as they were, so the other journeys' prices
    stay the catalogue's."""
    before = owner_api.get("/loyalty").json()
    tea = next(p for p in owner_api.get("/products", params={"q": "祁门红茶"}).json()["items"] if "祁门红茶" in p["title"])
    now = datetime.now(UTC)
    times = {"starts_at": (now - timedelta(hours=1)).isoformat(), "ends_at": (now + timedelta(days=1)).isoformat()}
    promotion = owner_api.post("/promotions", json={
        "kind": "tiered", "name": "红茶满减", **times, "product_ids": [tea["id"]],
        "tiers": [{"min_amount": 30000, "amount_off": 3000}],
    })
    assert promotion.status_code == 201, promotion.text
    coupon = owner_api.post("/coupons", json={
        "name": "茶友券", "kind": "amount", "amount_off": 1000, "min_amount": 5000, "claimable": True, **times,
    })
    assert coupon.status_code == 201, coupon.text
    loyalty = owner_api.put("/loyalty", json=LOYALTY)
    assert loyalty.status_code == 200, loyalty.text
    yield {"coupon_id": coupon.json()["id"]}
    owner_api.post(f"/promotions/{promotion.json()['id']}/end")
    owner_api.post(f"/coupons/{coupon.json()['id']}/end")
    levels = [{key: value for key, value in level.items() if key != "id"} for level in before.pop("levels")]
    owner_api.put("/loyalty", json={**before, "levels": levels})


def test_a_shopper_saves_with_a_spend_and_save_a_coupon_and_points_and_a_partial_refund_gives_the_unit_back(
    phone, page, platform_url, owner_api, activities,
):
    registered = httpx.post(f"{platform_url}/api/v1/store/demo-tea/customers", json={"email": EMAIL, "password": PASSWORD})
    assert registered.status_code == 201, registered.text
    customer_id = registered.json()["customer"]["id"]
    given = owner_api.post(f"/customers/{customer_id}/points", json={"delta": POINTS_GIVEN, "reason": "老顾客礼"})
    assert given.status_code == 200 and given.json()["available"] == POINTS_GIVEN, given.text

    # Logged in on the phone, the shopper claims the coupon from the home page's 领券 block.
    phone.goto("/s/demo-tea/account")
    phone.get_by_label("邮箱").fill(EMAIL)
    phone.get_by_label("密码").fill(PASSWORD)
    phone.get_by_test_id("account-submit").click()
    expect(phone.get_by_test_id("account-no-orders")).to_be_visible()
    phone.goto("/s/demo-tea")
    claim = phone.get_by_test_id(f"claim-{activities['coupon_id']}")
    expect(claim).to_have_text("领取")
    claim.click()
    expect(claim).to_have_text("已领取")
    expect(claim).to_be_disabled()

    # Two units of the black tea: ¥364, over the 满300.
    phone.get_by_role("link", name=re.compile("祁门红茶")).first.click()
    phone.get_by_role("button", name="100克").click()
    expect(phone.get_by_test_id("product-price")).to_have_text("¥182")
    phone.get_by_role("button", name="增加数量").click()
    expect(phone.get_by_test_id("qty")).to_have_text("2")
    phone.get_by_role("button", name="加入购物车").click()
    expect(phone.get_by_test_id("cart-count")).to_have_text("2")
    phone.get_by_role("link", name="去购物车").click()
    expect(phone.get_by_test_id("cart-subtotal")).to_have_text("¥364")
    phone.get_by_role("link", name="去结算").click()

    # The checkout takes the 满减 off first, then the best coupon of the wallet, each on a line of its own.
    savings = phone.get_by_test_id("checkout-savings")
    expect(savings.locator("li")).to_have_count(2)
    expect(savings.locator("li").nth(0)).to_contain_text("满300减30")
    expect(savings.locator("li").nth(0)).to_contain_text("-¥30")
    expect(savings.locator("li").nth(1)).to_contain_text("-¥10")
    expect(phone.get_by_test_id("coupon-option").filter(has_text="茶友券").get_by_role("radio")).to_be_checked()
    expect(phone.get_by_test_id("checkout-total")).to_have_text("¥324")

    # 500 of the 1000 points pay ¥5 more.
    phone.get_by_label("积分抵现").fill(str(POINTS_USED))
    phone.get_by_role("button", name="抵扣", exact=True).click()
    expect(savings.locator("li")).to_have_count(3)
    expect(savings.locator("li").nth(2)).to_contain_text("-¥5")
    expect(phone.get_by_test_id("checkout-discount-total")).to_have_text("-¥45")
    expect(phone.get_by_test_id("checkout-total")).to_have_text("¥319")

    fill_checkout_address(phone)
    phone.get_by_role("button", name="提交订单").click()
    expect(phone.get_by_role("heading", name=re.compile("沙箱支付"))).to_be_visible(timeout=30_000)
    expect(phone.get_by_text("¥319")).to_be_visible()
    phone.get_by_role("button", name=re.compile("支付成功")).click()
    expect(phone.get_by_test_id("order-status")).to_have_text("待发货", timeout=30_000)

    order = _latest_order_of(owner_api, EMAIL)
    (item,) = order["items"]
    assert (order["total"], order["discount_total"], item["qty"], item["paid"]) == (31900, 4500, 2, 31900)
    assert [saving["source"] for saving in order["discounts"]] == ["tiered", "coupon", "points"]
    points = owner_api.get(f"/customers/{customer_id}/points").json()
    assert (points["available"], points["frozen"]) == (POINTS_GIVEN - POINTS_USED, 319)  # 1 point per ¥1 paid

    # The owner refunds one of the two units: what it was paid, floor(¥319 × 1 / 2).
    log_in_as_demo_owner(page)
    page.goto(f"/console/orders/{order['id']}")
    expect(page.get_by_test_id("console-order-item")).to_contain_text("祁门红茶")
    page.get_by_label(re.compile("^退款件数")).fill("1")
    page.get_by_label("退款原因").click()  # leaving the box works the amount out
    expect(page.get_by_test_id("refund-amount")).to_have_value("159.50")
    page.get_by_label("退款原因").fill("少发一件")
    page.get_by_role("button", name="退款", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("退款已提交，款项原路退回。")

    refunds = owner_api.get(f"/orders/{order['id']}/refunds").json()
    refunds = refunds["items"] if isinstance(refunds, dict) else refunds
    assert [refund["amount"] for refund in refunds] == [item["paid"] * 1 // 2]
    # Half the merchandise is left: the order keeps floor(319 / 2) of the points it earned and the
    # shopper loses floor(500 / 2) of the points spent; the rest of each goes back.
    points = owner_api.get(f"/customers/{customer_id}/points").json()
    assert (points["available"], points["frozen"]) == (POINTS_GIVEN - POINTS_USED + 250, 159)
    moves = {move["kind"]: move for move in points["moves"]}
    assert (moves["returned"]["delta"], moves["refund_taken"]["frozen_delta"]) == (250, -160)


def _latest_order_of(api: httpx.Client, email: str) -> dict:
    found = api.get("/orders", params={"q": email}).json()["items"]
    assert found, f"no order for {email}"
    return api.get(f"/orders/{found[0]['id']}").json()
