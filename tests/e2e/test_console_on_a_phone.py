"""An owner checks the shop from a phone: the console's search forms still read 搜索 on one line."""

from playwright.sync_api import expect

from tests.e2e.steps import log_in_as_demo_owner


def test_the_console_search_buttons_do_not_wrap_on_a_390px_phone(phone):
    log_in_as_demo_owner(phone)
    for path in ("/console/products", "/console/orders"):
        phone.goto(path)
        button = phone.get_by_role("button", name="搜索", exact=True)
        expect(button).to_be_visible()
        box = button.bounding_box()
        # One line of text: wider than tall, and no taller than a single-line button.
        assert box["width"] > box["height"] and box["height"] < 48, (path, box)
        assert box["x"] + box["width"] <= 390, (path, box)
