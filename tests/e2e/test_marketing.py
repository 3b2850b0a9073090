"""The owner starts a 满减 in the 营销中心 and a shopper on a phone sees it on the product page, then the owner ends it."""

import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from tests.e2e.steps import let_other_workers_see_it, log_in_as_demo_owner


def _china_minute(moment: datetime) -> str:
    return (moment + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M")


def test_owner_creates_a_spend_and_save_and_a_phone_shopper_sees_its_badge(page, phone):
    log_in_as_demo_owner(page)
    page.get_by_role("link", name="营销中心").first.click()
    expect(page).to_have_url(re.compile("/console/marketing/?$"))
    page.get_by_role("link", name=re.compile("^满减")).click()
    expect(page).to_have_url(re.compile("/console/marketing/promotions/tiered/?$"))

    form = page.get_by_test_id("promotion-form")
    form.get_by_label("活动名称").fill("龙井满 300 减 40")
    now = datetime.now(UTC)
    form.get_by_label("开始时间").fill(_china_minute(now - timedelta(hours=1)))
    form.get_by_label("结束时间").fill(_china_minute(now - timedelta(hours=2)))
    form.get_by_test_id("scope-search").fill("龙井")
    form.get_by_test_id("scope-option").filter(has_text="西湖龙井绿茶 明前特级").click()
    form.get_by_test_id("tier-min").first.fill("300")
    form.get_by_test_id("tier-value").first.fill("40")
    form.get_by_test_id("promotion-save").click()
    expect(form.get_by_role("alert").filter(has_text="结束时间必须晚于开始时间")).to_be_visible()  # refused, nothing saved
    form.get_by_label("结束时间").fill(_china_minute(now + timedelta(days=3)))
    form.get_by_test_id("promotion-save").click()
    expect(page.get_by_test_id("promotion-saved")).to_contain_text("龙井满 300 减 40")
    row = page.get_by_test_id("promotion-row").filter(has_text="龙井满 300 减 40")
    expect(row).to_contain_text("进行中")
    expect(row).to_contain_text("满300减40")
    row.get_by_role("button", name="编辑").click()  # the form shows the scope it was saved with, by name
    expect(form.get_by_test_id("scope-product")).to_have_text(re.compile("西湖龙井绿茶 明前特级"))
    form.get_by_role("button", name="取消").click()
    expect(form.get_by_test_id("scope-product")).to_have_count(0)

    let_other_workers_see_it()
    phone.goto("/s/demo-tea/p/1")
    expect(phone.get_by_test_id("product-title")).to_have_text("西湖龙井绿茶 明前特级")
    expect(phone.get_by_test_id("promotion-badge").filter(has_text="满 300 减 40")).to_be_visible()

    row.get_by_role("button", name="立即结束").click()
    row.get_by_role("button", name="确定").click()
    expect(row).to_contain_text("已结束")
    let_other_workers_see_it()
    phone.reload()
    expect(phone.get_by_test_id("product-title")).to_have_text("西湖龙井绿茶 明前特级")
    expect(phone.get_by_test_id("promotion-badge")).to_have_count(0)


def test_owner_sets_a_limited_time_price_per_variant_by_picking_it(page):
    form = _new_promotion(page, "limited_discount", "毛峰限时价")
    form.get_by_test_id("prices-search").fill("毛峰")
    form.get_by_test_id("prices-option").first.click()
    price = form.get_by_test_id("variant-price")
    price.fill("9.9")
    price.blur()
    form.get_by_test_id("promotion-save").click()
    expect(page.get_by_test_id("promotion-saved")).to_contain_text("毛峰限时价")
    row = page.get_by_test_id("promotion-row").filter(has_text="毛峰限时价")
    row.get_by_role("button", name="编辑").click()  # the price comes back on its variant, by name
    expect(form.get_by_test_id("variant-price-row")).to_contain_text("毛峰")
    expect(form.get_by_test_id("variant-price")).to_have_value("9.90")


def test_owner_gives_a_gift_over_a_spend_choosing_it_by_name(page):
    form = _new_promotion(page, "tiered", "满 500 送好礼")
    form.get_by_test_id("tier-min").first.fill("500")
    form.get_by_label("优惠方式").first.select_option("gift_variant_id")
    gift = form.get_by_test_id("tier-gift")
    gift.select_option(label=gift.locator("option").filter(has_text="青瓷盖碗").first.inner_text())
    form.get_by_test_id("promotion-save").click()
    expect(page.get_by_test_id("promotion-saved")).to_contain_text("满 500 送好礼")
    row = page.get_by_test_id("promotion-row").filter(has_text="满 500 送好礼")
    row.get_by_role("button", name="编辑").click()  # the gift comes back chosen, by its name
    expect(form.get_by_test_id("tier-gift").locator("option:checked")).to_contain_text("青瓷盖碗")


def _new_promotion(page, kind: str, name: str):
    """The owner opens the form of a new promotion of `kind`, names it and runs it from an hour ago for a day."""
    log_in_as_demo_owner(page)
    page.goto(f"/console/marketing/promotions/{kind}")
    form = page.get_by_test_id("promotion-form")
    form.get_by_label("活动名称").fill(name)
    now = datetime.now(UTC)
    form.get_by_label("开始时间").fill(_china_minute(now - timedelta(hours=1)))
    form.get_by_label("结束时间").fill(_china_minute(now + timedelta(days=1)))
    return form
