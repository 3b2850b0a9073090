"""The platform operator: made by the CLI, signs in at /ops/login, finds a shop, suspends it with a reason and a
confirmation; a shopper on a phone then meets the neutral 店铺暂停营业 page (HTTP 503); restoring brings it back.
A shopper reports a shop from its footer and the operator resolves the report; the operator pays out a batch and
marks it paid; an owner whose pictures fill the plan's storage is refused an upload, told which plan has room."""

import io
import os
import re
import sqlite3
import subprocess
import sys
import time
import uuid

import httpx
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.conftest import IPHONE, ROOT, watch_the_policy


def create_operator(platform_data, email: str, password: str) -> None:
    env = {**os.environ, "DATA_DIR": str(platform_data), "RUN_JOBS": "false"}
    for name in ("DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)
    made = subprocess.run([sys.executable, "-m", "shopapp", "create-operator", "--email", email, "--password", password],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr


def test_an_operator_suspends_a_shop_and_a_shopper_sees_the_paused_page(browser, phone, platform_url, platform_data):
    slug = "paused-" + uuid.uuid4().hex[:8]
    signed = httpx.post(f"{platform_url}/api/v1/auth/signup", json={
        "email": f"{slug}@example.com", "password": "secret-pass", "shop_name": "暂停测试店", "shop_slug": slug,
    })
    assert signed.status_code == 201, signed.text
    email, password = f"ops-{uuid.uuid4().hex[:6]}@platform.example", "operator-pass-1"
    create_operator(platform_data, email, password)

    # The operator works on a phone too (390 px): every step below is done at that width.
    context = browser.new_context(base_url=platform_url, **IPHONE)
    violations = watch_the_policy(context)
    page = context.new_page()
    page.goto("/ops")
    expect(page).to_have_url(re.compile("/ops/login/?$"))
    page.get_by_label("邮箱").fill(email)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile("/ops/?$"))
    page.get_by_label("搜索店名、地址或店主邮箱").fill(slug)
    page.get_by_role("button", name="搜索").click()
    expect(page.get_by_test_id("ops-shop-row")).to_have_count(1)
    page.get_by_test_id("ops-shop-row").click()
    expect(page.get_by_role("heading", name="暂停测试店")).to_be_visible()

    page.get_by_role("button", name="暂停营业").click()
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_role("alert")).to_be_visible()  # no reason: refused, nothing changed
    expect(page.get_by_test_id("ops-shop-status")).to_have_text("营业中")
    page.get_by_label("原因（必填，记入操作日志）").fill("出售假冒商品")
    page.get_by_role("button", name="暂停营业").click()
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_test_id("ops-shop-status")).to_have_text("已暂停")

    assert _answers(phone, f"/s/{slug}", 503)
    expect(phone.get_by_role("heading", name="店铺暂停营业")).to_be_visible()
    expect(phone.get_by_text("出售假冒商品")).to_have_count(0)

    page.get_by_role("link", name="操作日志").click()
    expect(page.get_by_test_id("ops-audit-entry").first).to_contain_text("出售假冒商品")
    page.go_back()
    page.get_by_label("原因（必填，记入操作日志）").fill("已整改")
    page.get_by_role("button", name="恢复营业").click()
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_test_id("ops-shop-status")).to_have_text("营业中")
    assert _answers(phone, f"/s/{slug}", 200)

    page.get_by_label("套餐", exact=True).select_option(label="基础版")
    page.get_by_label("天数（留空不限）").fill("30")
    page.get_by_role("button", name="赠送", exact=True).click()
    expect(page.get_by_role("alert")).to_be_visible()  # no reason: nothing granted
    page.get_by_label("套餐", exact=True).select_option(label="基础版")
    page.get_by_label("天数（留空不限）").fill("30")
    page.get_by_label("原因（必填）").fill("合作伙伴")
    page.get_by_role("button", name="赠送", exact=True).click()
    expect(page.get_by_text("基础版 · 平台赠送").first).to_be_visible()
    context.close()
    assert violations == [], "the operator's pages broke their Content-Security-Policy"


def test_an_operator_edits_a_plan_and_a_bad_price_changes_nothing(page, platform_url, platform_data):
    _log_in_operator(page, platform_data)
    page.get_by_role("link", name="套餐").click()
    pro = page.get_by_test_id("ops-plan").filter(has_text="专业版")
    expect(pro).to_contain_text("¥198")
    before = httpx.get(f"{platform_url}/api/v1/plans").json()["items"]

    pro.get_by_test_id("ops-plan-edit").click()
    form = page.get_by_test_id("ops-plan-form")
    form.get_by_label("月费（元）").fill("一百")
    form.get_by_role("button", name="保存").click()
    expect(form.get_by_role("alert").first).to_be_visible()
    assert httpx.get(f"{platform_url}/api/v1/plans").json()["items"] == before

    form.get_by_label("月费（元）").fill("218")
    form.get_by_role("button", name="保存").click()
    expect(pro).to_contain_text("¥218")
    assert next(p for p in httpx.get(f"{platform_url}/api/v1/plans").json()["items"] if p["code"] == "pro")["monthly_price"] == 21800

    pro.get_by_test_id("ops-plan-edit").click()  # the price back, for the journeys after this one
    page.get_by_test_id("ops-plan-form").get_by_label("月费（元）").fill("198")
    page.get_by_test_id("ops-plan-form").get_by_role("button", name="保存").click()
    expect(pro).to_contain_text("¥198")
    page.get_by_role("link", name="操作日志").click()
    expect(page.get_by_test_id("ops-audit-entry").first).to_contain_text("修改套餐")


def _sign_up(platform_url: str, prefix: str, name: str) -> tuple[str, int]:
    slug = prefix + "-" + uuid.uuid4().hex[:8]
    signed = httpx.post(f"{platform_url}/api/v1/auth/signup", json={
        "email": f"{slug}@example.com", "password": "secret-pass", "shop_name": name, "shop_slug": slug,
    })
    assert signed.status_code == 201, signed.text
    return slug, signed.json()["shop"]["id"]


def _issue_plan_invoice(platform_data, shop_id: int) -> None:
    code = ("import sys; from shopapp.db import session_scope; from shopapp.services.platform import invoices\n"
            "with session_scope() as session:\n"
            "    invoices.issue(session, int(sys.argv[1]), 'plan', [{'description': '基础版 · 月付', 'amount': 6800}])")
    env = {**os.environ, "DATA_DIR": str(platform_data), "RUN_JOBS": "false"}
    for name in ("DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)
    subprocess.run([sys.executable, "-c", code, str(shop_id)], cwd=ROOT, env=env, check=True, timeout=120)


def _log_in_operator(page, platform_data) -> None:
    email, password = f"ops-{uuid.uuid4().hex[:6]}@platform.example", "operator-pass-1"
    create_operator(platform_data, email, password)
    page.goto("/ops/login")
    page.get_by_label("邮箱").fill(email)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile("/ops/?$"))


def test_a_shopper_reports_a_shop_and_the_operator_resolves_it_then_pays_out_a_batch(browser, phone, platform_url, platform_data):
    slug, shop_id = _sign_up(platform_url, "reported", "被举报的店")
    # The shop has money the platform collected for it (orders settled: the API tests walk that road).
    with sqlite3.connect(platform_data / "shopapp.db") as db:
        db.execute("INSERT INTO balance_entry (shop_id, kind, reference, amount, created_at) "
                   "VALUES (?, 'order_completed', ?, 25800, '2026-12-01 08:00:00.000000')", (shop_id, f"E2E-{slug}"))

    # A shopper on a phone: the footer's 举报, a reason and what happened.
    phone.goto(f"/s/{slug}")
    expect(phone.get_by_test_id("store-name")).to_have_text("被举报的店")
    phone.get_by_test_id("report-link").click()
    expect(phone).to_have_url(re.compile(f"/s/{slug}/report/?$"))
    expect(phone.get_by_role("heading", name="举报这家店铺")).to_be_visible()
    phone.get_by_role("button", name="提交举报").click()
    expect(phone.get_by_text("请选择举报原因")).to_be_visible()  # nothing chosen: refused, nothing sent
    phone.get_by_label("举报原因").select_option(label="假冒伪劣")
    phone.get_by_label("具体情况").fill("收到的耳机是山寨货，包装印刷模糊")
    phone.get_by_role("button", name="提交举报").click()
    expect(phone.get_by_test_id("report-sent")).to_be_visible()

    # The operator, on a phone too: the queue, a note, a confirmation.
    context = browser.new_context(base_url=platform_url, **IPHONE)
    violations = watch_the_policy(context)
    page = context.new_page()
    _log_in_operator(page, platform_data)
    page.get_by_role("link", name="举报", exact=True).click()
    report = page.get_by_test_id("ops-report").filter(has_text="被举报的店")
    expect(report).to_contain_text("收到的耳机是山寨货")
    report.get_by_role("button", name="标记已处理").click()
    report.get_by_role("button", name="确定").click()
    expect(page.get_by_role("alert")).to_be_visible()  # no note: refused, the report stays open
    report.get_by_label("处理说明（必填，记入操作日志）").fill("已核实，通知店主下架")
    report.get_by_role("button", name="标记已处理").click()
    report.get_by_role("button", name="确定").click()
    expect(page.get_by_test_id("ops-report").filter(has_text="被举报的店")).to_have_count(0)
    page.get_by_role("button", name="已处理").click()
    expect(page.get_by_test_id("ops-report").filter(has_text="被举报的店")).to_contain_text("已核实，通知店主下架")
    page.get_by_test_id("ops-report").filter(has_text="被举报的店").get_by_role("link").click()
    expect(page.get_by_test_id("ops-shop-report").first).to_contain_text("假冒伪劣")
    expect(page.get_by_role("button", name="暂停营业")).to_be_visible()  # suspending is one step away

    # Payouts: the balance is due; a batch (confirmed), then marked paid with the bank's reference.
    page.get_by_role("link", name="打款").click()
    expect(page.get_by_test_id("ops-payout-due").filter(has_text="被举报的店")).to_contain_text("¥258")
    page.get_by_role("button", name="生成打款批次").click()
    page.get_by_role("button", name="确定").click()
    batch = page.get_by_test_id("ops-payout-batch").first
    expect(batch.get_by_test_id("ops-payout-status")).to_have_text("待转账")
    expect(batch).to_contain_text("被举报的店")
    expect(page.get_by_test_id("ops-payout-due")).to_have_count(0)
    batch.get_by_label("银行流水号").fill("ICBC-E2E-0001")
    batch.get_by_role("button", name="确认已打款").click()
    batch.get_by_role("button", name="确定").click()
    expect(batch.get_by_test_id("ops-payout-status")).to_have_text("已打款")
    expect(batch).to_contain_text("ICBC-E2E-0001")

    # Invoices: the shop's (a plan paid, issued by the billing service in the served platform's database).
    _issue_plan_invoice(platform_data, shop_id)
    page.get_by_role("link", name="发票").click()
    page.get_by_label("搜索店名、店铺地址或发票号").fill(slug)
    page.get_by_role("button", name="搜索").click()
    invoice = page.get_by_test_id("ops-invoice")
    expect(invoice).to_have_count(1)
    expect(invoice).to_contain_text("被举报的店")
    expect(invoice).to_contain_text("¥68")
    expect(invoice).to_contain_text("已支付")
    pdf = invoice.get_by_role("link", name="PDF").get_attribute("href")
    assert page.request.get(platform_url + pdf).body().startswith(b"%PDF")

    page.get_by_role("link", name="操作日志").click()
    expect(page.get_by_test_id("ops-audit-entry").first).to_contain_text("确认已打款")
    expect(page.get_by_test_id("ops-audit-entry").filter(has_text="处理举报").first).to_contain_text("已核实，通知店主下架")
    context.close()
    assert violations == [], "the operator's pages broke their Content-Security-Policy"


def test_an_owner_at_the_storage_limit_is_refused_an_upload_naming_the_plan_with_room(page, platform_url, platform_data):
    slug, shop_id = _sign_up(platform_url, "full", "图片满了的店")
    # The trial is over (the free plan's 500 MB), and the shop's pictures fill all but ten bytes of it.
    with sqlite3.connect(platform_data / "shopapp.db") as db:
        db.execute("UPDATE shop_plan SET starts_at = '2020-01-01 00:00:00.000000', ends_at = '2020-01-15 00:00:00.000000' "
                   "WHERE shop_id = ?", (shop_id,))
        db.execute("INSERT INTO shop_storage (shop_id, bytes, updated_at) VALUES (?, ?, '2026-12-01 08:00:00.000000')",
                   (shop_id, 500 * 1024 * 1024 - 10))
    page.goto("/login")
    page.get_by_label("邮箱").fill(f"{slug}@example.com")
    page.get_by_label("密码").fill("secret-pass")
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile("/console"))
    page.goto("/console/billing")
    expect(page.get_by_test_id("storage-usage")).to_have_text("已用 500.0 MB / 500 MB")

    page.goto("/console/settings")
    logo = io.BytesIO()
    Image.new("RGB", (300, 300), (40, 90, 200)).save(logo, "JPEG")
    page.locator("#shop_logo input[type=file]").set_input_files({"name": "logo.jpg", "mimeType": "image/jpeg", "buffer": logo.getvalue()})
    refusal = page.get_by_text(re.compile("存储空间已满"))
    expect(refusal).to_be_visible()
    expect(refusal).to_contain_text("免费版")
    expect(refusal).to_contain_text("基础版")
    expect(page.get_by_role("img", name="店铺 Logo")).to_have_count(0)


def _answers(page, path: str, status: int) -> bool:
    """Whether `path` answers `status` within a few seconds: with several workers (the journeys on Redis) the
    others learn of a suspension or a restore within shop_status.SLUG_SECONDS, as designed."""
    deadline = time.monotonic() + 5
    while (answer := page.goto(path).status) != status and time.monotonic() < deadline:
        time.sleep(0.3)
    return answer == status
