"""The owner's customer list on a phone (390 px): a buyer found by the last 4 digits of their phone,
tagged from the list (after a confirmation), the tagged customers saved as a segment with its count."""

import httpx
from playwright.sync_api import expect

from tests.e2e.steps import log_in_as_demo_owner
from tests.e2e.test_console_orders import ADDRESS

EMAIL = "zhou.crm@example.com"
PHONE = "13655557391"


def _guest_buys(platform_url: str) -> None:
    api = f"{platform_url}/api/v1"
    product = httpx.get(f"{api}/store/demo-tea/products/3").json()
    cart = httpx.post(f"{api}/store/demo-tea/carts").json()["cart_token"]
    httpx.post(f"{api}/store/demo-tea/carts/{cart}/items", json={"variant_id": product["variants"][0]["id"], "qty": 1}).raise_for_status()
    placed = httpx.post(f"{api}/store/demo-tea/checkout", json={"cart_token": cart, "email": EMAIL, "address": {**ADDRESS, "phone": PHONE}}).json()
    httpx.post(f"{api}/payments/sandbox/{placed['payment']['id']}/pay", json={"outcome": "success"}).raise_for_status()


def test_the_owner_finds_a_customer_by_the_last_4_digits_tags_them_and_builds_a_segment(phone, platform_url):
    _guest_buys(platform_url)
    owner = phone
    log_in_as_demo_owner(owner)
    owner.goto("/console/customers")
    owner.get_by_test_id("customer-search").fill("7391")
    owner.get_by_role("button", name="搜索").click()
    rows = owner.get_by_test_id("customer-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(EMAIL)
    expect(rows.first).to_contain_text("136****7391")

    box = owner.get_by_role("checkbox", name=EMAIL)
    box.click()
    expect(box).to_be_checked()
    owner.get_by_test_id("bulk-tag").fill("春茶回购")
    owner.get_by_role("button", name="批量打标签").click()
    owner.get_by_test_id("confirm-tag").click()
    expect(owner.get_by_role("status")).to_have_text("已给 1 位客户加上标签「春茶回购」")

    # Only the tag now: the customers carrying it, kept as a segment.
    owner.get_by_test_id("customer-search").fill("")
    owner.get_by_text("更多筛选").click()
    owner.get_by_label("标签", exact=True).fill("春茶回购")
    owner.get_by_role("button", name="搜索").click()
    expect(owner.get_by_test_id("customer-row")).to_have_count(1)
    owner.get_by_test_id("segment-name").fill("春茶老客")
    owner.get_by_role("button", name="把当前筛选存为分群").click()
    expect(owner.get_by_role("status")).to_have_text("已保存分群「春茶老客」")

    owner.goto("/console/segments")
    saved = owner.get_by_test_id("saved-segments")
    expect(saved).to_contain_text("春茶老客")
    expect(saved.get_by_test_id("segment-figures")).to_contain_text("1 · ")
    expect(owner.get_by_test_id("rfm-thresholds")).to_contain_text("90")
    saved.get_by_role("link", name="春茶老客").click()
    expect(owner.get_by_test_id("segment-shown")).to_contain_text("春茶老客")
    expect(owner.get_by_test_id("customer-row")).to_have_count(1)
    expect(owner.get_by_test_id("customer-row").first).to_contain_text(EMAIL)
    assert owner.evaluate("document.documentElement.scrollWidth") <= 390
