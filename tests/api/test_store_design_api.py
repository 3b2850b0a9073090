"""店铺装修 over HTTP: the owner's draft stays the owner's until published; versions come back."""

from tests.api.conftest import signup
from tests.api.test_products_api import png


def _notice(text: str) -> dict:
    return {"pages": {"home": {"sections": [{"type": "notice", "settings": {"text": text}}]}}}


def _shopper_notice(client, preview: str = "") -> str:
    answer = client.get("/store/tea-house/design", params={"preview": preview})
    assert answer.status_code == 200, answer.text
    return answer.json()["page"]["sections"][0]["settings"].get("text", "")  # "" for the first home's search box


def test_a_draft_is_not_shown_to_shoppers_until_the_owner_publishes(client, shop):
    headers = shop["headers"]
    saved = client.put("/store-design/draft", json=_notice("今日上新"), headers=headers)
    assert saved.status_code == 200, saved.text
    assert _shopper_notice(client) == ""  # still the shop's first home (a banner)
    token = client.get("/store-design", headers=headers).json()["preview_token"]
    assert _shopper_notice(client, token) == "今日上新"
    published = client.post("/store-design/publish", headers=headers)
    assert published.status_code == 201 and published.json()["version"] == 1
    assert _shopper_notice(client) == "今日上新"


def test_restoring_an_earlier_version_brings_it_back(client, shop):
    headers = shop["headers"]
    for text in ("春季", "夏季"):
        client.put("/store-design/draft", json=_notice(text), headers=headers)
        client.post("/store-design/publish", headers=headers)
    versions = client.get("/store-design/versions", headers=headers).json()["items"]
    assert [v["version"] for v in versions] == [2, 1] and versions[0]["published_by"] == "tea-house@example.com"
    restored = client.post("/store-design/versions/1/restore", headers=headers)
    assert restored.json()["pages"]["home"]["sections"][0]["settings"]["text"] == "春季"
    assert _shopper_notice(client) == "夏季"
    client.post("/store-design/publish", headers=headers)
    assert _shopper_notice(client) == "春季"


def test_bad_designs_get_422_with_the_field_and_change_nothing(client, shop):
    headers = shop["headers"]
    answer = client.put("/store-design/draft", json={"pages": {"home": {"sections": [{"type": "popup"}]}}}, headers=headers)
    assert answer.status_code == 422 and "pages.home.sections.0.type" in answer.text
    answer = client.put("/store-design/draft", json=_notice("x") | {"theme": {"colors": {"text": "#eeeeee"}}}, headers=headers)
    assert answer.status_code == 422 and "theme.colors.text" in answer.text
    assert client.get("/store-design", headers=headers).json()["draft"]["pages"]["home"]["sections"][1]["type"] == "banner"


def test_an_uploaded_picture_can_be_used_and_another_shop_cannot_touch_the_design(client, shop):
    headers = shop["headers"]
    upload = client.post("/store-design/pictures", files={"file": ("b.png", png(), "image/png")}, headers=headers)
    assert upload.status_code == 201, upload.text
    url = upload.json()["url"]
    banner = {"type": "banner", "blocks": [{"image_url": url, "title": "新茶"}]}
    assert client.put("/store-design/draft", json={"pages": {"home": {"sections": [banner]}}}, headers=headers).status_code == 200
    not_image = client.post("/store-design/pictures", files={"file": ("x.png", b"hello", "image/png")}, headers=headers)
    assert not_image.status_code == 422
    other = signup(client, "other-shop")
    answer = client.put("/store-design/draft", json={"pages": {"home": {"sections": [banner]}}}, headers=other["headers"])
    assert answer.status_code == 422 and "media_not_in_shop" in answer.text


def test_only_the_draft_preview_may_be_framed_and_only_by_this_site(api_url):
    import httpx

    preview = httpx.get(api_url + "/s/tea-house?preview=abc")
    assert "frame-ancestors 'self'" in preview.headers["content-security-policy"]
    assert preview.headers["x-frame-options"] == "SAMEORIGIN"
    for path in ("/s/tea-house", "/console/design", "/api/v1/health?preview=abc"):
        answer = httpx.get(api_url + path)
        assert "frame-ancestors 'none'" in answer.headers["content-security-policy"], path
        assert answer.headers["x-frame-options"] == "DENY", path


def test_a_micro_page_has_its_own_address_once_published(client, shop):
    headers = shop["headers"]
    page = {"title": "春茶节", "sections": [{"type": "notice", "settings": {"text": "春茶节开始"}}]}
    assert client.put("/store-design/draft", json={"pages": {"spring": page}}, headers=headers).status_code == 200
    assert client.get("/store/tea-house/design", params={"page": "spring"}).status_code == 404  # not published yet
    client.post("/store-design/publish", headers=headers)
    shown = client.get("/store/tea-house/design", params={"page": "spring"}).json()["page"]
    assert shown["title"] == "春茶节" and shown["sections"][0]["settings"]["text"] == "春茶节开始"
    bad = client.put("/store-design/draft", json={"pages": {"Spring Sale!": page}}, headers=headers)
    assert bad.status_code == 422 and "handle_invalid" in bad.text
    client.put("/store-design/draft", json={"pages": {"spring": None}}, headers=headers)
    assert "spring" not in client.get("/store-design", headers=headers).json()["draft"]["pages"]


def test_the_shops_favicon_is_named_in_its_pages_once_published(client, shop, api_url):
    import httpx

    headers = shop["headers"]
    icon = client.post("/store-design/pictures", files={"file": ("i.png", png((64, 64)), "image/png")}, headers=headers).json()["url"]
    theme = client.get("/store-design", headers=headers).json()["draft"]["theme"]
    assert client.put("/store-design/draft", json={"theme": theme | {"favicon_url": icon}}, headers=headers).status_code == 200
    assert icon not in httpx.get(api_url + "/s/tea-house").text
    client.post("/store-design/publish", headers=headers)
    assert f'<link rel="icon" href="{icon}"/>' in httpx.get(api_url + "/s/tea-house").text


def test_a_video_is_uploaded_listed_and_a_file_that_is_not_one_refused(client, shop):
    headers = shop["headers"]
    mp4 = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41" + b"\x00" * 256
    upload = client.post("/store-design/videos", files={"file": ("clip.mp4", mp4, "video/mp4")}, headers=headers)
    assert upload.status_code == 201, upload.text
    url = upload.json()["url"]
    assert url in [v["url"] for v in client.get("/store-design/videos", headers=headers).json()["items"]]
    video = {"type": "video", "settings": {"title": "制茶", "video_url": url}}
    assert client.put("/store-design/draft", json={"pages": {"home": {"sections": [video]}}}, headers=headers).status_code == 200
    disguised = client.post("/store-design/videos", files={"file": ("clip.mp4", b"MZ\x90\x00 not a video", "video/mp4")}, headers=headers)
    assert disguised.status_code == 422 and "not_a_video" in disguised.text
    other = signup(client, "video-other")
    assert url not in [v["url"] for v in client.get("/store-design/videos", headers=other["headers"]).json()["items"]]
