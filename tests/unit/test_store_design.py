"""店铺装修: the owner's draft is checked whole, shoppers see only what was published, versions come back."""

import pytest

from shopapp.services.catalog import products
from shopapp.services.core.errors import Forbidden, Invalid
from shopapp.services.shops import design, design_pages, design_rules, design_videos
from tests.conftest import make_shop


def _home(*sections):
    return {"pages": {"home": {"sections": list(sections)}}}


def _refused(session, owner, changes) -> dict:
    with pytest.raises(Invalid) as caught:
        design.save_draft(session, owner, changes)
    return caught.value.fields


def test_an_unknown_section_type_is_refused_and_nothing_is_saved(session, owner):
    before = design.draft_design(session, owner.shop_id)
    assert _refused(session, owner, _home({"type": "notice"}, {"type": "marquee"})) == {"pages.home.sections.1.type": "section_type_invalid"}
    assert design.draft_design(session, owner.shop_id) == before


def test_a_javascript_link_or_another_shops_link_is_refused(session, owner):
    make_shop(session, "other-shop")
    fields = _refused(session, owner, _home(
        {"type": "notice", "settings": {"text": "看看", "link": "javascript:alert(1)"}},
        {"type": "notice", "settings": {"text": "别家", "link": "/s/other-shop/p/1"}},
        {"type": "image_text", "settings": {"link": "https://evil.example/s/tea-house"}},
    ))
    assert fields == {
        "pages.home.sections.0.settings.link": "link_unsafe",
        "pages.home.sections.1.settings.link": "link_outside_shop",
        "pages.home.sections.2.settings.link": "link_outside_shop",
    }
    saved = design.save_draft(session, owner, _home({"type": "notice", "settings": {"text": "新品", "link": "/s/tea-house/search?q=茶"}}))
    assert saved["draft"]["pages"]["home"]["sections"][0]["settings"]["link"] == "/s/tea-house/search?q=茶"


def test_script_event_handlers_or_a_javascript_link_in_rich_text_are_refused_and_nothing_is_saved(session, owner):
    before = design.draft_design(session, owner.shop_id)
    for html in ('<p>好茶<script>alert(1)</script></p>', '<p onclick="steal()">好茶</p>', '<a href="javascript:x()">点</a>',
                 '<a href=" java\tscript:x()">点</a>', '<img src="x" onerror="steal()">', '<iframe src="/s/tea-house"></iframe>'):
        assert _refused(session, owner, _home({"type": "rich_text", "settings": {"html": html}})) == {
            "pages.home.sections.0.settings.html": "html_unsafe"}, html
    assert design.draft_design(session, owner.shop_id) == before


def test_rich_text_keeps_its_formatting_and_pictures_only_from_the_shop(session, owner):
    html = '<h2>新茶</h2><p><b>好</b> <i>茶</i></p><ul><li>一</li></ul><a href="/s/tea-house/p/1">看看</a>'
    saved = design.save_draft(session, owner, _home({"type": "rich_text", "settings": {"html": html + '<p style="color:red">红</p>'}}))
    kept = saved["draft"]["pages"]["home"]["sections"][0]["settings"]["html"]
    assert all(part in kept for part in ("<h2>新茶</h2>", "<b>好</b>", "<i>茶</i>", "<li>一</li>", 'href="/s/tea-house/p/1"'))
    assert "style" not in kept  # not running code, only dropped by the sanitiser
    fields = _refused(session, owner, _home({"type": "rich_text", "settings": {"html": '<img src="https://cdn.example/x.jpg" alt="">'}}))
    assert fields == {"pages.home.sections.0.settings.html": "media_not_in_shop"}


def test_a_video_is_told_by_its_bytes_and_size_and_only_a_kept_one_goes_into_a_section(session, owner, monkeypatch):
    mp4 = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41" + b"\x00" * 64
    webm = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\x82\x84webm" + b"\x00" * 64
    for refused in (b"hello, not a video", b"\x00\x00\x00\x18ftypheic" + b"\x00" * 64, b"\x1a\x45\xdf\xa3\x42\x82\x88matroska"):
        with pytest.raises(Invalid) as caught:
            design_videos.add_video(session, owner, refused)
        assert caught.value.fields == {"file": "not_a_video"}
    monkeypatch.setattr(design_videos, "MAX_VIDEO_BYTES", 100)
    with pytest.raises(Invalid) as caught:
        design_videos.add_video(session, owner, mp4 + b"\x00" * 100)
    assert caught.value.fields == {"file": "video_too_large"}
    monkeypatch.undo()

    first = design_videos.add_video(session, owner, mp4)
    second = design_videos.add_video(session, owner, webm)
    assert first["url"].endswith(".mp4") and second["url"].endswith(".webm")
    assert {v["url"] for v in design_videos.list_videos(session, owner)} >= {first["url"], second["url"]}
    saved = design.save_draft(session, owner, _home({"type": "video", "settings": {"video_url": first["url"]}}))
    assert saved["draft"]["pages"]["home"]["sections"][0]["settings"]["video_url"] == first["url"]
    picture = first["url"].replace("/videos/", "/").replace(".mp4", "/960.webp")
    assert _refused(session, owner, _home({"type": "video", "settings": {"video_url": picture}})) == {
        "pages.home.sections.0.settings.video_url": "not_a_video"}
    other = make_shop(session, "video-neighbour")
    assert {v["url"] for v in design_videos.list_videos(session, other)}.isdisjoint({first["url"], second["url"]})


def test_the_live_preview_shows_a_checked_draft_only_with_the_preview_token(session, owner):
    before = design.draft_design(session, owner.shop_id)
    token = design.preview_token(owner.shop_id)
    page = {"sections": [{"id": "n1", "type": "notice", "settings": {"text": "正在输入"}}]}
    shown = design.live_preview(session, owner.shop_id, token, "home", design_rules.DEFAULT_THEME, page)
    assert shown["pages"]["home"]["sections"][0]["settings"]["text"] == "正在输入"
    with pytest.raises(Forbidden):
        design.live_preview(session, owner.shop_id, "guess", "home", design_rules.DEFAULT_THEME, page)
    unsafe = {"sections": [{"id": "r1", "type": "rich_text", "settings": {"html": "<script>alert(1)</script>"}}]}
    with pytest.raises(Invalid):
        design.live_preview(session, owner.shop_id, token, "home", design_rules.DEFAULT_THEME, unsafe)
    assert design.draft_design(session, owner.shop_id) == before  # a preview saves nothing


def test_unreadable_colours_are_refused_and_a_pale_accent_only_warned(session, owner):
    theme = dict(design_rules.DEFAULT_THEME)
    fields = _refused(session, owner, {"theme": {**theme, "colors": {"text": "#cccccc", "background": "#ffffff", "primary": "#fde68a"}}})
    assert fields == {"theme.colors.text": "contrast_too_low", "theme.colors.primary": "contrast_too_low"}
    assert _refused(session, owner, {"theme": {**theme, "colors": {"primary": "red"}}}) == {"theme.colors.primary": "color_invalid"}
    saved = design.save_draft(session, owner, {"theme": {**theme, "colors": {"accent": "#fefefe", "background": "#ffffff"}}})
    assert saved["warnings"] == [{"field": "theme.colors.accent", "code": "contrast_low"}]


def test_two_hundred_sections_are_refused(session, owner):
    fields = _refused(session, owner, {"pages": {"home": {"sections": [{"type": "divider"}] * 100},
                                                 "more": {"sections": [{"type": "spacer"}] * 100}}})
    assert fields == {"pages": "too_many_sections"}


def test_a_picture_from_elsewhere_is_refused(session, owner):
    fields = _refused(session, owner, _home({"type": "image_text", "settings": {"image_url": "https://cdn.example/x.jpg"}}))
    assert fields == {"pages.home.sections.0.settings.image_url": "media_not_in_shop"}


def test_shoppers_see_the_draft_only_after_publishing_and_a_restore_brings_a_version_back(session, owner):
    design.save_draft(session, owner, _home({"type": "notice", "settings": {"text": "第一版"}}))
    assert design.published_design(session, owner.shop_id)["pages"]["home"]["sections"][1]["type"] == "banner"  # the old home
    assert design.publish(session, owner)["version"] == 1
    design.save_draft(session, owner, _home({"type": "notice", "settings": {"text": "第二版"}}))
    assert _notice(design.published_design(session, owner.shop_id)) == "第一版"
    assert _notice(design.design_for_visit(session, owner.shop_id, design.preview_token(owner.shop_id))) == "第二版"
    assert _notice(design.design_for_visit(session, owner.shop_id, "guess")) == "第一版"
    design.publish(session, owner)
    assert [v["version"] for v in design.list_versions(session, owner)] == [2, 1]
    assert design.list_versions(session, owner)[0]["published_by"] == "owner@example.com"
    design.restore(session, owner, 1)
    assert _notice(design.draft_design(session, owner.shop_id)) == "第一版"
    assert _notice(design.published_design(session, owner.shop_id)) == "第二版"


def test_a_grid_of_picked_products_shows_only_this_shops_active_ones(session, owner):
    tea = products.create_product(session, owner, {"title": "红茶", "status": "active", "variants": [{"price": 100, "stock": 1}]})
    session.flush()
    design.save_draft(session, owner, _home({"type": "featured_products", "settings": {"product_ids": [tea.id]}},
                                            {"type": "product_grid", "settings": {"source": "best_selling"}},
                                            {"type": "spacer", "hidden": True}))
    filled = design_pages.filled_page(session, owner.shop_id, design.draft_design(session, owner.shop_id)["pages"]["home"])
    assert [s["type"] for s in filled] == ["featured_products", "product_grid"]
    assert [p["title"] for p in filled[0]["products"]] == ["红茶"] == [p["title"] for p in filled[1]["products"]]


def test_staff_who_may_not_edit_the_shop_cannot_change_its_design(session, owner):
    from dataclasses import replace

    with pytest.raises(Forbidden):
        design.save_draft(session, replace(owner, role="staff"), _home())


def _notice(found: dict) -> str:
    return found["pages"]["home"]["sections"][0]["settings"]["text"]


def test_the_editor_moves_duplicates_hides_and_types_into_sections():
    from shopapp.services.shops import design_edit

    page = [{"id": "a", "type": "banner", "settings": {}}, {"id": "b", "type": "notice", "settings": {}},
            {"id": "g", "type": "product_grid", "settings": {}}]
    assert [s["id"] for s in design_edit.moved_before(page, "g", "a")] == ["g", "a", "b"]  # dragged onto the banner
    assert [s["id"] for s in design_edit.moved(page, "a", 5)] == ["b", "g", "a"]
    assert [s["id"] for s in design_edit.moved(page, "a", -1)] == ["a", "b", "g"]
    copied = design_edit.duplicated(page, "b")
    assert [s["type"] for s in copied] == ["banner", "notice", "notice", "product_grid"] and copied[2]["id"] != "b"
    assert design_edit.toggled(page, "b")[1]["hidden"] is True
    typed = design_edit.with_field(page, "g", "limit", "8")
    assert typed[2]["settings"]["limit"] == 8
    with_slide = design_edit.with_field(design_edit.with_block(page, "a"), "a", "blocks.0.title", "新茶")
    assert with_slide[0]["blocks"][0]["title"] == "新茶"
    assert design_edit.with_block(with_slide, "a", remove_index=-1)[0]["blocks"] == []


def test_two_people_publishing_at_once_make_two_versions(session, owner):
    """Owner and an admin press 发布 together: versions 1 and 2, never two version 1s."""
    import threading

    from shopapp.db import session_scope

    design.save_draft(session, owner, _home({"type": "notice", "settings": {"text": "同时发布"}}))
    session.commit()
    start, published, failed = threading.Barrier(3), [], []

    def press_publish() -> None:
        start.wait()
        try:
            with session_scope() as own:
                published.append(design.publish(own, owner)["version"])
        except Exception as exc:  # any failure is reported below
            failed.append(repr(exc))

    threads = [threading.Thread(target=press_publish) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failed == [] and sorted(published) == [1, 2, 3]
    assert [v["version"] for v in design.list_versions(session, owner)] == [3, 2, 1]


def test_menus_link_only_inside_the_shop_and_every_ready_made_style_is_readable(session, owner):
    theme = dict(design_rules.DEFAULT_THEME)
    fields = _refused(session, owner, {"theme": {**theme, "tab_bar": [{"label": "别家", "link": "/s/other/pages/x"}],
                                                 "footer_links": [{"label": "x", "link": "data:text/html,hi"}]}})
    assert fields == {"theme.tab_bar.0.link": "link_outside_shop", "theme.footer_links.0.link": "link_unsafe"}
    for name, preset in design_rules.PRESETS.items():
        saved = design.save_draft(session, owner, {"theme": {**theme, **preset, "preset": name}})
        assert saved["warnings"] == [], name
