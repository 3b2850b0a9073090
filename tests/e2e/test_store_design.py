"""店铺装修 in the browser: the owner decorates the home in the editor, sees every change in the live
preview, publishes, and a shopper on a phone sees the new home (and nothing of it before publishing)."""

import io
import re

from PIL import Image
from playwright.sync_api import expect

from tests.e2e.steps import log_in_as_demo_owner

BLUE = "rgb(29, 78, 216)"  # #1d4ed8, the main colour the owner picks


def _picture() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 500), (180, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def _saves(page) -> int:
    return int(page.get_by_test_id("design-saved").get_attribute("data-saves") or 0)


def _saved_after(page, before: int) -> None:
    """A change is kept once the draft's save count moved past `before` (the preview reloads with it)."""
    expect(page.get_by_test_id("design-saved")).not_to_have_attribute("data-saves", str(before))


def test_the_owner_decorates_the_home_and_a_phone_shopper_sees_it_once_published(page, phone):
    log_in_as_demo_owner(page)
    page.goto("/console/design")
    rows = page.get_by_test_id("section-row")
    expect(rows).to_have_count(5)
    preview = page.frame_locator("[data-testid=preview]")
    expect(preview.get_by_test_id("store-section").first).to_have_attribute("data-section", "search")

    # A banner with an uploaded picture.
    page.get_by_test_id("add-section").click()
    before = _saves(page)
    page.get_by_test_id("library-banner").click()
    _saved_after(page, before)
    expect(rows).to_have_count(6)
    page.locator("[data-field='blocks.0.image_url']").get_by_test_id("upload-picture").click()
    page.locator("#design_picture input[type=file]").set_input_files({"name": "banner.jpg", "mimeType": "image/jpeg", "buffer": _picture()})
    banner_picture = preview.locator("[data-testid=banner] img[src*='/design/']")
    expect(banner_picture).to_be_visible()

    # The banner to the top with the keyboard's buttons, then the product grid dragged above it.
    for _ in range(5):
        before = _saves(page)
        page.locator("[data-testid=section-row][data-selected=yes]").get_by_test_id("move-up").click()  # the new banner
        _saved_after(page, before)
    expect(rows.first).to_have_attribute("data-selected", "yes")
    before = _saves(page)
    page.locator("[data-testid=section-row][data-type=product_grid]").drag_to(rows.first)
    _saved_after(page, before)
    expect(rows.first).to_have_attribute("data-type", "product_grid")
    expect(rows.nth(1)).to_have_attribute("data-selected", "yes")
    expect(preview.get_by_test_id("store-section").first).to_have_attribute("data-section", "product_grid")

    # The main colour.
    page.get_by_test_id("panel-theme").click()
    page.locator("[data-field='colors.primary'] input").fill("#1d4ed8")
    expect(preview.get_by_role("link", name=re.compile("查看全部商品"))).to_have_css("color", BLUE)

    # Shoppers see nothing of the draft yet.
    phone.goto("/s/demo-tea")
    expect(phone.get_by_test_id("store-section").first).to_have_attribute("data-section", "search")
    expect(phone.locator("[data-testid=banner] img[src*='/design/']")).to_have_count(0)

    page.get_by_test_id("publish").click()
    expect(page.get_by_test_id("published-note")).to_be_visible()
    page.get_by_test_id("panel-versions").click()
    expect(page.get_by_test_id("versions").get_by_text("demo@example.com")).to_be_visible()

    phone.goto("/s/demo-tea")
    expect(phone.get_by_test_id("store-section").first).to_have_attribute("data-section", "product_grid")
    expect(phone.locator("[data-testid=banner] img[src*='/design/']")).to_be_visible()
    expect(phone.get_by_role("link", name=re.compile("查看全部商品"))).to_have_css("color", BLUE)

    # Nothing typed is lost across a reload: the draft comes back as it was left.
    page.reload()
    expect(page.get_by_test_id("section-row").first).to_have_attribute("data-type", "product_grid")
