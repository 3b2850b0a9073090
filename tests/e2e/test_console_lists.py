"""A console list one page at a time: the owner searches 21 products and turns to the second page and back."""

import httpx
from playwright.sync_api import expect

from tests.e2e.steps import DEMO_EMAIL, DEMO_PASSWORD, log_in_as_demo_owner


def test_the_owner_turns_the_product_list_to_the_next_page_and_back(page, platform_url):
    api = f"{platform_url}/api/v1"
    token = httpx.post(f"{api}/auth/login", json={"email": DEMO_EMAIL, "password": DEMO_PASSWORD}).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    made = [httpx.post(f"{api}/products", headers=headers, json={
        "title": f"翻页样品 {n:02d}", "variants": [{"price": 1000 + n, "stock": 1}],
    }).raise_for_status().json()["id"] for n in range(21)]
    try:
        _turn_pages(page)
    finally:  # the demo shop is shared by every journey: its product list's first page stays as it was
        for product_id in made:
            httpx.delete(f"{api}/products/{product_id}", headers=headers).raise_for_status()


def _turn_pages(page):
    log_in_as_demo_owner(page)
    page.goto("/console/products")
    page.get_by_label("搜索商品名称或货号").fill("翻页样品")
    page.get_by_role("button", name="搜索", exact=True).click()
    position = page.get_by_test_id("pager-position")
    expect(position).to_have_text("1 / 2")
    page.get_by_role("button", name="下一页").click()
    expect(position).to_have_text("2 / 2")
    expect(page.get_by_role("button", name="下一页")).to_be_disabled()
    page.get_by_role("button", name="上一页").click()
    expect(position).to_have_text("1 / 2")
