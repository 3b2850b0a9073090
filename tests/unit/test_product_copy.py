"""Product copy worth using (issue 22): marketplace titles and sectioned descriptions from the product's facts only,
and a model's suggestions kept only when every number and claim in them is in those facts."""

from __future__ import annotations

import json

import pytest

from shopapp.services.catalog import categories, products, views
from shopapp.services.core.errors import Invalid, NotFound
from shopapp.services.insights import copy_grounding, copy_offline, copywriting
from shopapp.services.shops import shops
from tests.conftest import make_shop
from tests.openai_fake import FakeModel

DESCRIPTION = ("<p>产自杭州西湖产区，明前采摘，豆花香清幽，汤色嫩绿明亮。</p>"
               "<p>冲泡建议 85 度水温，3 克茶叶配 150 毫升水。</p>")
RETURNS = "收货后 7 天内，未拆封茶叶支持无理由退货。"


@pytest.fixture
def longjing(session, owner) -> int:
    green = categories.create_category(session, owner, "绿茶")
    shops.update_profile(session, owner, {"returns_policy": RETURNS, "shipping_policy": "现货 48 小时内发货。"})
    product = products.create_product(session, owner, {
        "title": "西湖龙井绿茶 明前特级", "status": "active", "description_html": DESCRIPTION, "category_ids": [green.id],
        "options": [{"name": "规格", "values": ["50克", "100克", "250克"]}],
        "variants": [{"option_values": [v], "price": p, "stock": 20} for v, p in (("50克", 12800), ("100克", 24300), ("250克", 57600))],
    })
    session.commit()
    return product.id


def _facts(session, owner, product_id, keywords=None):
    return copywriting.copy_request(session, owner, product_id, keywords=keywords).facts


def test_offline_titles_put_the_category_and_selling_points_first_within_30_characters(session, owner, longjing):
    facts = _facts(session, owner, longjing)
    titles = copy_offline.titles(facts)
    assert len(titles) >= 3
    assert titles[0].startswith("绿茶 西湖龙井 明前特级")
    for title in titles:
        assert copy_offline.title_width(title) <= 30
        assert title.replace(" ", "") != facts.title.replace(" ", "")  # never the title it already has
        words = title.split()
        assert len(words) == len(set(words))  # no word twice: no keyword stuffing
        assert copy_grounding.problems(facts, [title]) == []
    assert any("豆花香清幽" in t for t in titles) and any("50克-250克" in t for t in titles)


def test_the_offline_description_has_the_sections_the_facts_allow_and_only_their_words(session, owner, longjing):
    facts = _facts(session, owner, longjing)
    full = copy_offline.descriptions(facts)[0]["html"]
    for heading in ("卖点", "规格参数", "冲泡方法", "售后说明"):
        assert f"<h3>{heading}</h3>" in full
    assert "明前采摘" in full and "规格：50克 / 100克 / 250克" in full and RETURNS in full and "85 度水温" in full
    assert "<li>明前采摘</li>" in full  # a bullet per selling point
    # Every number and claim comes from the facts (the headings are the template's own words).
    assert [p for p in copy_grounding.problems(facts, [full]) if not p.startswith("phrase:")] == []


def test_a_product_that_says_nothing_about_use_gets_no_usage_section(session, owner):
    product = products.create_product(session, owner, {"title": "青瓷盖碗", "status": "active",
                                                       "description_html": "<p>龙泉青瓷，釉色温润，容量 150 毫升。</p>",
                                                       "variants": [{"price": 16800, "stock": 5}]})
    session.commit()
    facts = _facts(session, owner, product.id)
    full = copy_offline.descriptions(facts)[0]["html"]
    assert "方法" not in full and "容量：150 毫升" in full
    assert "<h3>售后说明</h3>" not in full  # the shop has written no policy yet


def test_grounding_finds_every_number_and_claim_the_facts_do_not_hold(session, owner, longjing):
    facts = _facts(session, owner, longjing)
    assert copy_grounding.problems(facts, ["西湖龙井 明前特级 50克", "¥128.00 起", "汤色嫩绿明亮"]) == []
    found = copy_grounding.problems(facts, ["有机认证 西湖龙井 999克 包邮", "三天减肥十斤"])
    assert {"claim:有机", "claim:认证", "number:999", "claim:包邮", "claim:减肥"} <= set(found)
    assert any(p.startswith("phrase:") for p in found)


def test_the_owners_keywords_lead_and_count_as_facts(session, owner, longjing):
    facts = _facts(session, owner, longjing, keywords=["春茶", "礼盒"])
    title = copy_offline.titles(facts)[0]
    assert title.startswith("春茶 礼盒 绿茶") and copy_grounding.problems(facts, [title]) == []


# With a model ------------------------------------------------------------------------------------

class CopyModel(FakeModel):
    """Answers a copy request with `reply` (a function of the facts it was sent), as the model would."""

    reply = None

    def _content(self, request: dict) -> str:
        system = request["messages"][0]["content"]
        facts = json.loads(system.split("PRODUCT FACTS (JSON):", 1)[1])
        return self.reply(facts)


@pytest.fixture
def copy_model(monkeypatch):
    fake = CopyModel().start()
    monkeypatch.setattr(copywriting, "get_settings", fake.settings)
    yield fake
    fake.stop()


def test_the_models_grounded_suggestions_are_kept_and_invented_ones_dropped(session, owner, longjing, copy_model):
    copy_model.reply = lambda facts: json.dumps({"suggestions": [
        {"title": "绿茶 西湖龙井 明前特级 豆花香清幽 250克", "selling_points": ["明前采摘", "汤色嫩绿明亮"], "usage": ["85 度水温冲泡"]},
        {"title": "有机认证 西湖龙井 买一送一", "selling_points": ["国家级非遗工艺"]},
        {"title": "西湖龙井 明前特级 999克 特惠", "selling_points": ["明前采摘"]},
    ]}, ensure_ascii=False)
    request = copywriting.copy_request(session, owner, longjing)
    answer = copywriting.write_copy(request)
    assert answer["engine"] == "openai" and "error" not in answer
    assert answer["titles"] == ["绿茶 西湖龙井 明前特级 豆花香清幽 250克"]
    assert len(answer["rejected"]) == 2 and "claim:有机" in answer["rejected"][0]["problems"]
    assert "number:999" in answer["rejected"][1]["problems"]
    html = answer["descriptions"][0]["html"]
    assert "<h3>卖点</h3>" in html and "明前采摘" in html and RETURNS in html
    sent = copy_model.requests[-1]
    assert sent["response_format"] == {"type": "json_object"}  # JSON asked for where the endpoint takes it


def test_a_model_that_invents_everything_falls_back_to_the_offline_writer_with_a_label(session, owner, longjing, copy_model):
    copy_model.reply = lambda facts: "```json\n" + json.dumps({"title": f"{facts['title']} 官方正品 限时特惠"}, ensure_ascii=False) + "\n```"
    answer = copywriting.write_copy(copywriting.copy_request(session, owner, longjing))
    assert answer["engine"] == "offline" and answer["error"] == "ai_copy_ungrounded"
    assert answer["rejected"][0]["problems"] and answer["titles"][0].startswith("绿茶")


def test_a_plain_text_title_is_used_when_grounded_and_prose_is_not(session, owner, longjing, copy_model):
    copy_model.reply = lambda facts: "标题：绿茶 西湖龙井 明前特级 豆花香清幽\n这款茶……"
    answer = copywriting.write_copy(copywriting.copy_request(session, owner, longjing))
    assert answer["engine"] == "openai" and answer["titles"] == ["绿茶 西湖龙井 明前特级 豆花香清幽"]
    assert "<h3>规格参数</h3>" in answer["description_html"]  # the rest from the facts
    copy_model.reply = lambda facts: "Here are some lovely ideas for your wonderful listing!"
    answer = copywriting.write_copy(copywriting.copy_request(session, owner, longjing))
    assert answer["engine"] == "offline" and answer["error"] == "ai_copy_ungrounded" and answer["titles"]
    copy_model.reply = lambda facts: ""
    answer = copywriting.write_copy(copywriting.copy_request(session, owner, longjing))
    assert answer["engine"] == "offline" and answer["error"] == "ai_answer_malformed"


def test_an_english_product_gets_english_titles_and_sections(session, owner):
    product = products.create_product(session, owner, {
        "title": "Dragon Well Green Tea", "status": "active",
        "description_html": "<p>Hand-picked before Qingming, chestnut aroma, bright jade liquor. Steep at 80°C for 2 minutes.</p>",
        "options": [{"name": "Size", "values": ["50g", "100g"]}],
        "variants": [{"option_values": ["50g"], "price": 9800, "stock": 3}, {"option_values": ["100g"], "price": 18800, "stock": 3}]})
    session.commit()
    facts = _facts(session, owner, product.id)
    titles = copy_offline.titles(facts)
    assert titles[0] == "Dragon Well Green Tea, Hand-picked before Qingming, 50g-100g"
    assert all(copy_offline.title_width(t) <= 30 and copy_grounding.problems(facts, [t]) == [] for t in titles)
    full = copy_offline.descriptions(facts)[0]["html"]
    assert "<h3>Highlights</h3>" in full and "<li>chestnut aroma</li>" in full and "<h3>How to brew</h3><ul><li>Steep at 80°C" in full
    assert copy_grounding.problems(facts, ["Dragon Well Green Tea, certified organic, 100% natural"]) != []


def test_copy_requests_are_checked_and_another_shops_product_is_not_found(session, owner, longjing):
    with pytest.raises(Invalid) as refused:
        copywriting.copy_request(session, owner, longjing, ["slogan"], "loud", [f"词{n}" for n in range(11)])
    assert refused.value.fields == {"fields": "copy_fields_invalid", "tone": "tone_invalid", "keywords": "too_many_keywords"}
    with pytest.raises(NotFound):
        copywriting.copy_request(session, make_shop(session, "other-shop"), longjing)


def test_writing_copy_saves_nothing(session, owner, longjing):
    before = views.get_product(session, owner.shop_id, longjing)
    title, description = before.title, before.description_html
    copywriting.write_copy(copywriting.copy_request(session, owner, longjing, ["title", "description"], "premium", ["春茶"]))
    session.expire_all()
    after = views.get_product(session, owner.shop_id, longjing)
    assert (after.title, after.description_html) == (title, description)
