"""Reviews in the browser, on a phone: a shopper reviews a delivered item with a photo and sees it on the
product page once the owner has approved it in the console."""

import io

import httpx
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.steps import DEMO_EMAIL, DEMO_PASSWORD, log_in_as_demo_owner
from tests.e2e.test_console_orders import ADDRESS

REVIEW = "茶汤清亮，回甘明显 <b>不加粗</b>"


def _delivered_order(platform_url: str) -> tuple[str, str, int]:
    """An order of the demo shop's product 3, paid, shipped and signed for; returns (order_no, token, product_id)."""
    api = f"{platform_url}/api/v1"
    product = httpx.get(f"{api}/store/demo-tea/products/3").json()
    cart = httpx.post(f"{api}/store/demo-tea/carts").json()["cart_token"]
    httpx.post(f"{api}/store/demo-tea/carts/{cart}/items", json={"variant_id": product["variants"][0]["id"], "qty": 1}).raise_for_status()
    placed = httpx.post(f"{api}/store/demo-tea/checkout", json={"cart_token": cart, "email": "zhao6@example.com", "address": ADDRESS}).json()
    httpx.post(f"{api}/payments/sandbox/{placed['payment']['id']}/pay", json={"outcome": "success"}).raise_for_status()
    owner = {"Authorization": "Bearer " + httpx.post(f"{api}/auth/login", json={"email": DEMO_EMAIL, "password": DEMO_PASSWORD}).json()["token"]}
    parcel = httpx.post(f"{api}/orders/{placed['order_id']}/shipments", headers=owner,
                        json={"items": None, "carrier": "ZTO", "tracking_no": "75312345678902"}).json()
    httpx.post(f"{api}/shipments/{parcel['id']}/events", headers=owner,
               json={"status": "delivered", "description": "已签收"}).raise_for_status()
    return placed["order_no"], placed["token"], product["id"]


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (900, 900), (120, 160, 90)).save(out, "JPEG")
    return out.getvalue()


def test_a_shopper_reviews_a_delivered_item_with_a_photo_and_sees_it_once_the_owner_approves(browser, platform_url, phone):
    order_no, token, product_id = _delivered_order(platform_url)
    phone.goto(f"/s/demo-tea/orders/{order_no}?token={token}")
    phone.get_by_test_id("write-review").first.click()
    phone.get_by_test_id("star-4").click()
    phone.get_by_label("说说你的使用感受").fill(REVIEW)
    phone.locator("#review_photos input[type=file]").set_input_files({"name": "茶汤.jpg", "mimeType": "image/jpeg", "buffer": _photo()})
    expect(phone.get_by_test_id("review-photo-name")).to_have_text("茶汤.jpg")
    phone.get_by_test_id("submit-review").click()
    expect(phone.get_by_test_id("review-done")).to_contain_text("商家审核后")
    expect(phone.get_by_test_id("review-status").first).to_contain_text("待审核")

    owner = browser.new_context(base_url=platform_url, viewport={"width": 1280, "height": 900}).new_page()
    log_in_as_demo_owner(owner)
    owner.goto("/console/reviews?status=pending")
    row = owner.get_by_test_id("review-row").filter(has_text="茶汤清亮")
    expect(row.get_by_test_id("review-row-text")).to_have_text(REVIEW)
    row.get_by_test_id("review-publish").click()
    expect(owner.get_by_test_id("review-row").filter(has_text="茶汤清亮")).to_have_count(0)  # no longer pending

    phone.goto(f"/s/demo-tea/p/{product_id}")
    review = phone.get_by_test_id("review").filter(has_text="茶汤清亮")
    expect(review.get_by_test_id("review-text")).to_have_text(REVIEW)  # the markup shows as typed, never as bold
    expect(phone.get_by_test_id("rating-count")).to_be_visible()
    expect(phone.get_by_test_id("product-rating")).to_contain_text("★")
    review.get_by_test_id("review-photo").click()
    expect(phone.get_by_test_id("photo-viewer")).to_be_visible()
    phone.get_by_role("button", name="关闭图片").click()
    expect(phone.get_by_test_id("photo-viewer")).to_have_count(0)
    phone.get_by_test_id("review-tab-photos").click()
    expect(phone.get_by_test_id("review").filter(has_text="茶汤清亮")).to_have_count(1)
