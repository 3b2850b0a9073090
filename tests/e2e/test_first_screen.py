"""A shopper on a phone opens the shop and a product: the first screen comes with the page's HTML, and
once the app has drawn the page it is gone, without anything on the screen having moved."""

import pytest
from playwright.sync_api import expect

# Every layout shift the page records (not those right after the shopper's own input), summed.
SHIFTS = """window.__shifts = 0;
new PerformanceObserver((list) => { for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shifts += e.value; })
  .observe({type: "layout-shift", buffered: true});"""


@pytest.mark.parametrize(("path", "drawn"), [("/s/demo-tea", "store-section"), ("/s/demo-tea/p/1", "product-price")])
def test_the_first_screen_makes_way_for_the_app_without_a_layout_shift(phone, path, drawn):
    assert "<body><first-screen" in phone.request.get(path).text()
    phone.add_init_script(SHIFTS)
    phone.goto(path)
    expect(phone.get_by_test_id(drawn).first).to_be_visible()
    expect(phone.locator("first-screen")).to_have_count(0)
    phone.wait_for_timeout(1500)  # the page's later pictures and blocks have arrived
    assert phone.evaluate("window.__shifts") == 0
