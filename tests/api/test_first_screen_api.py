"""A shop page's first screen in the HTML the server sends (before any JavaScript runs): the published
home's first sections, a product's picture, title and price, everything escaped."""

import re

import httpx

from tests.api.test_products_api import png
from tests.api.test_seo_api import make_product


def first_screen(api_url: str, path: str) -> str:
    answer = httpx.get(api_url + path)
    assert answer.status_code == 200
    found = re.search(r"<body>(<first-screen[ >].*?</first-screen>)", answer.text, re.S)
    assert found, "no first screen at the start of <body>"
    return found.group(1)


def _publish(client, headers, sections: list[dict]) -> None:
    assert client.put("/store-design/draft", json={"pages": {"home": {"sections": sections}}}, headers=headers).status_code == 200
    assert client.post("/store-design/publish", headers=headers).status_code == 201


def test_the_shop_page_draws_the_published_homes_first_sections_and_not_the_draft(client, shop, api_url):
    headers = shop["headers"]
    picture = client.post("/store-design/pictures", files={"file": ("b.png", png(), "image/png")}, headers=headers).json()["url"]
    _publish(client, headers, [{"type": "notice", "settings": {"text": "新茶上市，满 199 包邮"}},
                               {"type": "banner", "blocks": [{"image_url": picture, "title": "春茶"}]}])
    client.put("/store-design/draft", json={"pages": {"home": {"sections": [{"type": "notice", "settings": {"text": "还没发布的草稿"}}]}}},
               headers=headers)

    screen = first_screen(api_url, "/s/tea-house")
    assert "新茶上市，满 199 包邮" in screen and "tea-house 店" in screen  # the notice and the header
    assert f'<img src="{picture}" alt="春茶" width="960" height="400" loading="eager" fetchpriority="high"' in screen
    assert "还没发布的草稿" not in screen
    # The owner's preview link shows the draft, as the app then does.
    token = client.get("/store-design", headers=headers).json()["preview_token"]
    assert "还没发布的草稿" in first_screen(api_url, f"/s/tea-house?preview={token}")


def test_a_product_page_draws_its_picture_title_and_price(client, shop, api_url):
    product_id = make_product(shop["token"])
    screen = first_screen(api_url, f"/s/tea-house/p/{product_id}")
    assert '<h1 class="text-xl font-bold leading-snug">西湖龙井 &lt;明前&gt;</h1>' in screen
    assert '<span class="text-2xl font-bold text-red-600">¥128</span>' in screen


def test_what_an_owner_typed_is_escaped(client, shop, api_url):
    _publish(client, shop["headers"], [{"type": "notice", "settings": {"text": '<script>alert("x")</script>上新'}},
                                       {"type": "search", "settings": {"placeholder": '"><img src=x onerror=alert(1)>'}}])
    screen = first_screen(api_url, "/s/tea-house")
    assert "<script>alert" not in screen and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;上新" in screen
    assert "<img src=x" not in screen and 'placeholder="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"' in screen


def test_a_page_the_app_must_draw_whole_has_no_first_screen(client, shop, api_url):
    """A home that starts with a product list waits for the app (nothing would be drawn twice)."""
    _publish(client, shop["headers"], [{"type": "product_grid", "settings": {"source": "newest"}}])
    assert "<first-screen" not in httpx.get(api_url + "/s/tea-house").text


def test_a_missing_product_is_the_apps_not_found_page_without_a_first_screen(shop, api_url):
    for missing in ("999999", str(2**63)):
        answer = httpx.get(f"{api_url}/s/tea-house/p/{missing}")
        assert answer.status_code == 404 and "<first-screen" not in answer.text and answer.text.startswith("<!DOCTYPE html>")
