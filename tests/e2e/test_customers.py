"""The owner's customer list on a phone (390 px): a buyer found by the last 4 digits of their phone,
tagged from the list (after a confirmation), the tagged customers saved as a segment with its count, an
e-mail campaign to that segment tested on the owner and sent, and the buyer's unsubscribe link."""

import re
import sqlite3

import httpx
from playwright.sync_api import expect

from tests.e2e.steps import log_in_as_demo_owner, run_jobs
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


def _campaign_mail_to(platform_data, address: str) -> str:
    """The newest campaign e-mail the served platform queued for `address`."""
    with sqlite3.connect(platform_data / "shopapp.db") as db:
        row = db.execute("SELECT body FROM outbox_email WHERE \"to\" = ? AND campaign_id IS NOT NULL "
                         "ORDER BY id DESC LIMIT 1", (address,)).fetchone()
    assert row, f"no campaign e-mail to {address}"
    return row[0]


def test_the_owner_finds_a_customer_by_the_last_4_digits_tags_them_and_builds_a_segment(phone, platform_url, platform_data):
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

    # An e-mail campaign to the segment: tested on the owner first, then sent after naming who gets it.
    owner.goto("/console/segments")
    owner.get_by_test_id("saved-segments").get_by_role("link", name="给这个分群发邮件").first.click()
    expect(owner.get_by_label("发给哪个客户分群")).to_have_value(re.compile(r"\d+"))
    owner.get_by_label("活动名称（只有你看得到）").fill("春茶回购邮件")
    owner.get_by_label("邮件标题").fill("明前龙井到货了")
    owner.locator("[contenteditable=true]").fill("老朋友，今年的明前龙井到了。")
    owner.get_by_role("button", name="保存草稿").click()
    expect(owner.get_by_role("status")).to_have_text("已保存")
    owner.get_by_role("button", name="发测试邮件给我").click()
    expect(owner.get_by_role("status")).to_contain_text("测试邮件已发到")
    owner.get_by_role("button", name="立即发送").click()
    expect(owner.get_by_test_id("send-question")).to_contain_text("「春茶老客」的 1 位客户")
    owner.get_by_test_id("confirm-send").click()
    expect(owner.get_by_test_id("campaign-status")).to_contain_text("待发送")
    assert owner.evaluate("document.documentElement.scrollWidth") <= 390

    # The jobs list the recipients and queue their mail; the buyer's unsubscribe link asks, its button unsubscribes.
    run_jobs(platform_data, platform_url, "start_campaigns", "send_campaigns")
    link = re.search(r"https?://\S+/api/v1/mail/unsubscribe/\S+", _campaign_mail_to(platform_data, EMAIL)).group(0)
    owner.goto(link)
    owner.get_by_role("button", name="退订").click()
    expect(owner.get_by_text("已退订")).to_be_visible()
