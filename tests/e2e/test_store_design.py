"""店铺装修 in the browser: the owner decorates the home in the editor, sees every change in the live
preview, publishes, and a shopper on a phone sees the new home (and nothing of it before publishing)."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.steps import let_other_workers_see_it, log_in_as_demo_owner

pytestmark = pytest.mark.changes_demo_home

MP4 = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41" + b"\x00" * 512  # an MP4's first box, as a phone writes it
BLUE = "rgb(29, 78, 216)"  # #1d4ed8, the main colour the owner picks


def _picture() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 500), (180, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def _saves(page) -> int:
    return int(page.get_by_test_id("design-saved").get_attribute("data-saves") or 0)


def _saved_after(page, before: int) -> None:
    """A change is kept once the draft's save count moved past `before`."""
    expect(page.get_by_test_id("design-saved")).not_to_have_attribute("data-saves", str(before))


def _drag_with_mouse(page, row, target) -> None:
    """Press on the row's handle, move over the target's upper half in small steps, let go."""
    start, end = row.get_by_test_id("drag-handle").bounding_box(), target.bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(end["x"] + 20, end["y"] + end["height"] / 4, steps=12)
    page.mouse.move(end["x"] + 20, end["y"] + 4, steps=4)
    page.mouse.up()


def _drag_with_finger(page, row, target) -> None:
    """A finger on the row's handle (real touch events, as a phone sends them), held, moved, lifted."""
    start, end = row.get_by_test_id("drag-handle").bounding_box(), target.bounding_box()
    touch = page.context.new_cdp_session(page)
    x, y = start["x"] + start["width"] / 2, start["y"] + start["height"] / 2
    touch.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    page.wait_for_timeout(200)  # a press, then the move: a quick swipe scrolls instead
    to_x, to_y = end["x"] + 20, end["y"] + 4
    for step in range(1, 16):
        touch.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [
            {"x": x + (to_x - x) * step / 15, "y": y + (to_y - y) * step / 15}]})
        page.wait_for_timeout(16)
    touch.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def test_the_owner_decorates_the_home_and_a_phone_shopper_sees_it_once_published(page, phone):
    log_in_as_demo_owner(page)
    page.goto("/console/design")
    rows = page.get_by_test_id("section-row")
    expect(rows).to_have_count(6)  # the demo's home: search, banner, flash sales, categories, featured, grid
    preview = page.frame_locator("[data-testid=preview]")
    expect(preview.get_by_test_id("store-section").first).to_have_attribute("data-section", "search")

    # A banner with an uploaded picture.
    page.get_by_test_id("add-section").click()
    before = _saves(page)
    page.get_by_test_id("library-banner").click()
    _saved_after(page, before)
    expect(rows).to_have_count(7)
    page.locator("[data-field='blocks.0.image_url']").get_by_test_id("upload-picture").click()
    page.locator("#design_picture input[type=file]").set_input_files({"name": "banner.jpg", "mimeType": "image/jpeg", "buffer": _picture()})
    banner_picture = preview.locator("[data-testid=banner] img[src*='/design/']")
    expect(banner_picture).to_be_visible()

    # The banner to the top with the keyboard's buttons, then the product grid dragged above it.
    for _ in range(6):
        before = _saves(page)
        page.locator("[data-testid=section-row][data-selected=yes]").get_by_test_id("move-up").click()  # the new banner
        _saved_after(page, before)
    expect(rows.first).to_have_attribute("data-selected", "yes")
    before = _saves(page)
    _drag_with_mouse(page, page.locator("[data-testid=section-row][data-type=product_grid]"), rows.first)
    _saved_after(page, before)
    expect(rows.first).to_have_attribute("data-type", "product_grid")
    expect(rows.nth(1)).to_have_attribute("data-selected", "yes")
    expect(preview.get_by_test_id("store-section").first).to_have_attribute("data-section", "product_grid")

    # The main colour.
    page.get_by_test_id("panel-theme").click()
    page.locator("[data-field='colors.primary'] input").fill("#1d4ed8")
    expect(preview.get_by_role("link", name=re.compile("查看全部商品"))).to_have_css("color", BLUE)

    # Rich text in the editor: bold words show in the preview as they are typed; a javascript: link is
    # refused with a message, and the preview keeps the last good text.
    page.get_by_test_id("panel-section").click()
    page.get_by_test_id("add-section").click()
    before = _saves(page)
    page.get_by_test_id("library-rich_text").click()
    _saved_after(page, before)
    editor = page.get_by_test_id("rich-text").locator("[contenteditable=true]")
    editor.click()
    editor.press("Control+a")
    page.get_by_title("Bold").click()
    editor.press_sequentially("明前龙井")
    expect(preview.locator("[data-section=rich_text] b, [data-section=rich_text] strong").filter(has_text="明前龙井")).to_be_visible()
    editor.press("Control+a")
    page.once("dialog", lambda dialog: dialog.accept("javascript:alert(1)"))
    page.get_by_title("Link").click()
    expect(page.get_by_test_id("design-problem")).to_contain_text("不能有脚本")
    expect(preview.locator("[data-section=rich_text] a")).to_have_count(0)

    # A video from the shop's media: a file that is not one is refused by its bytes; an MP4 goes into the
    # section and plays on the storefront only when tapped (nothing loads before).
    page.get_by_test_id("add-section").click()
    before = _saves(page)
    page.get_by_test_id("library-video").click()
    _saved_after(page, before)
    upload = page.locator("#design_video input[type=file]")
    upload.set_input_files({"name": "clip.mp4", "mimeType": "video/mp4", "buffer": b"MZ this is a program, not a video" * 8})
    expect(page.get_by_test_id("design-problem")).to_contain_text("不是 MP4 或 WebM 视频")
    upload.set_input_files({"name": "clip.mp4", "mimeType": "video/mp4", "buffer": MP4})
    video = preview.locator("[data-section=video] video")
    expect(video).to_have_attribute("src", re.compile(r"/design/videos/.+\.mp4$"))
    expect(video).to_have_attribute("preload", "none")
    expect(page.get_by_test_id("pick-video").locator("option")).to_have_count(2)

    # Shoppers see nothing of the draft yet.
    phone.goto("/s/demo-tea")
    expect(phone.get_by_test_id("store-section").first).to_have_attribute("data-section", "search")
    expect(phone.locator("[data-testid=banner] img[src*='/design/']")).to_have_count(0)

    page.get_by_test_id("publish").click()
    expect(page.get_by_test_id("published-note")).to_be_visible()
    page.get_by_test_id("panel-versions").click()
    # v1 is the demo's own home (its flash-sale section); v2 the owner's.
    expect(page.get_by_test_id("versions").get_by_text(re.compile(r"^v2 · .*demo@example\.com"))).to_be_visible()

    let_other_workers_see_it()
    phone.goto("/s/demo-tea")
    expect(phone.get_by_test_id("store-section").first).to_have_attribute("data-section", "product_grid")
    expect(phone.locator("[data-testid=banner] img[src*='/design/']")).to_be_visible()
    expect(phone.get_by_role("link", name=re.compile("查看全部商品"))).to_have_css("color", BLUE)

    # Nothing typed is lost across a reload: the draft comes back as it was left.
    page.reload()
    expect(page.get_by_test_id("section-row").first).to_have_attribute("data-type", "product_grid")


def test_the_owner_builds_a_micro_page_links_it_from_the_phone_tab_bar_and_restores_a_version(page, phone):
    log_in_as_demo_owner(page)
    page.goto("/console/design")
    expect(page.get_by_test_id("section-row").first).to_be_visible()
    page.get_by_test_id("publish").click()  # a version to come back to
    expect(page.get_by_test_id("published-note")).to_be_visible()
    baseline = page.get_by_test_id("published-note").inner_text().rsplit("v", 1)[1].strip()
    page.get_by_test_id("panel-menu").click()
    new_page = page.get_by_test_id("new-page")
    new_page.get_by_role("textbox", name="页面标题").fill("春茶节")
    new_page.get_by_role("textbox", name="页面地址 (英文、数字、-)").fill("spring")
    new_page.get_by_role("button", name="创建").click()
    expect(page.get_by_role("navigation", name="页面").get_by_role("button", name="spring")).to_be_visible()
    expect(page.get_by_test_id("section-row")).to_have_count(0)

    page.get_by_test_id("add-section").click()
    page.get_by_test_id("library-notice").click()
    expect(page.get_by_test_id("section-row")).to_have_count(1)
    before = _saves(page)
    page.locator("[data-field=text] textarea").fill("春茶节 全场包邮")
    _saved_after(page, before)
    expect(page.frame_locator("[data-testid=preview]").get_by_text("春茶节 全场包邮")).to_be_visible()

    page.get_by_test_id("panel-menu").click()
    tabs = page.get_by_test_id("links-tab_bar")
    before = _saves(page)
    tabs.get_by_role("button", name="+ 添加链接").click()
    _saved_after(page, before)
    before = _saves(page)
    tabs.get_by_role("textbox", name="名称").fill("春茶节")
    _saved_after(page, before)
    before = _saves(page)
    tabs.get_by_role("textbox", name="链接").fill("/s/demo-tea/pages/spring")
    _saved_after(page, before)
    before = _saves(page)
    tabs.get_by_role("textbox", name="链接").fill("javascript:alert(1)")
    expect(page.get_by_test_id("design-problem")).to_contain_text("链接不安全")
    tabs.get_by_role("textbox", name="链接").fill("/s/demo-tea/pages/spring")
    _saved_after(page, before)
    page.get_by_test_id("publish").click()
    expect(page.get_by_test_id("published-note")).not_to_have_text(re.compile(f"v{baseline}$"))

    let_other_workers_see_it()
    phone.goto("/s/demo-tea")
    phone.get_by_test_id("store-tab-bar").get_by_role("link", name="春茶节").click()
    expect(phone).to_have_url(re.compile("/s/demo-tea/pages/spring"))
    expect(phone.get_by_text("春茶节 全场包邮")).to_be_visible()

    # The version from before the page and the tab bar back into the draft, then published.
    page.get_by_test_id("panel-versions").click()
    page.get_by_test_id("versions").get_by_role("listitem").filter(has_text=f"v{baseline} ·").get_by_test_id("restore").click()
    page.get_by_role("button", name="确定恢复 (当前草稿会被替换)").click()
    expect(page.get_by_role("navigation", name="页面").get_by_role("button", name="spring")).to_have_count(0)
    published = page.get_by_test_id("published-note").inner_text()
    page.get_by_test_id("publish").click()
    expect(page.get_by_test_id("published-note")).not_to_have_text(published)
    let_other_workers_see_it()
    phone.goto("/s/demo-tea/pages/spring")
    expect(phone.get_by_test_id("page-missing")).to_be_visible()
    expect(phone.get_by_test_id("store-tab-bar")).to_have_count(0)


def test_an_owner_on_a_phone_drags_a_section_with_a_finger_and_the_preview_follows(phone):
    log_in_as_demo_owner(phone)
    phone.goto("/console/design")
    rows = phone.get_by_test_id("section-row")
    expect(rows.first).to_be_visible()
    third = rows.nth(2)  # the first rows fit on the phone's screen with the page's header
    kind, first_kind = third.get_attribute("data-type"), rows.first.get_attribute("data-type")
    before = _saves(phone)
    rows.first.scroll_into_view_if_needed()
    _drag_with_finger(phone, third, rows.first)
    _saved_after(phone, before)
    expect(rows.first).to_have_attribute("data-type", kind)
    expect(rows.nth(1)).to_have_attribute("data-type", first_kind)
    visible = phone.frame_locator("[data-testid=preview]").locator("[data-testid=store-section]")
    expect(visible.first).to_have_attribute("data-section", kind)
    # The keyboard's buttons are still there: ↓ puts it back below.
    before = _saves(phone)
    rows.first.get_by_test_id("move-down").click()
    _saved_after(phone, before)
    expect(rows.first).to_have_attribute("data-type", first_kind)
