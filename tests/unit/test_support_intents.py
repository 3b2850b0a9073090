"""Issue 22: the support desk's intent recogniser (scikit-learn over character n-grams and jieba words,
trained from shopapp/services/support/ai/phrasings) on wordings it was not trained on: colloquial
Chinese and English, typos, emoji, mixed languages, several questions in one message."""

from __future__ import annotations

import json
import threading

import pytest

from shopapp.services.support.ai import intents
from shopapp.services.support.ai.intents import INTENTS, classify, detect_intent, split_questions
from tests.unit.test_ai_helpers import _li_asks, desk  # noqa: F401 - the fixture


@pytest.mark.parametrize(("message", "intent"), [
    # Wordings that once got a greeting (issue 22), none of them in the phrasings bank.
    ("快递号发我一下", "tracking"),
    ("啥时候发火啊", "when_ship"),  # a typo: 发火 for 发货
    ("钱付了没", "payment"),
    ("did u get my money", "payment"),
    ("我要人工客服！！", "human"),
    ("能不能开张发票", "invoice"),
    ("收件地址我写错了😭", "change_address"),
    ("it says delivered but nothing arrived 🙁", "not_received"),
    ("物流显示已经签收了可我没拿到", "not_received"),
    ("退给我的钱是多少", "refund_status"),
    ("取消订单吧不想买了", "cancel"),
    ("plz cancel my order", "cancel"),
    ("shipping fee to beijing?", "shipping_info"),
    ("有没有满减券", "discount"),
    ("wheres my pakage", "where_is_order"),
    ("this jacket in size L in stock?", "stock"),
    ("我180斤穿几码", "size"),
    ("你们在上海有门店吗", "other"),
])
def test_unseen_wordings_are_recognised(message, intent):
    assert detect_intent(message) == intent


def test_every_topic_has_phrasings_in_both_languages_and_none_outside_the_topics():
    for path in intents.PHRASINGS.glob("*.json"):
        bank = json.loads(path.read_text(encoding="utf-8"))
        topics = {key for key in bank if key != "about"}
        assert topics == set(INTENTS), path.name
        assert all(len(bank[topic]) >= 10 for topic in topics), path.name


def test_the_held_out_questions_are_not_in_the_phrasings_bank():
    """The held-out set must stay unseen: none of its questions is a training phrasing."""
    from pathlib import Path

    bench = Path(__file__).resolve().parents[2] / "bench"
    asked = {
        intents._normalise(m) for q in json.loads((bench / "support_questions_heldout.json").read_text())["questions"] for m in q["messages"]
    }
    bank = {
        intents._normalise(p) for path in intents.PHRASINGS.glob("*.json")
        for key, phrasings in json.loads(path.read_text(encoding="utf-8")).items() if key != "about" for p in phrasings
    }
    assert not asked & bank


def test_several_questions_in_one_message_are_each_recognised():
    assert [q["intent"] for q in split_questions("到哪了？另外能改一下收件电话吗")] == ["where_is_order", "change_address"]
    assert [q["intent"] for q in split_questions("Did my payment go through and can I get an invoice")] == ["payment", "invoice"]
    assert [q["intent"] for q in split_questions("龙井有现货吗，运费怎么算，能开票吗")] == ["stock", "shipping_info", "invoice"]
    # One topic said twice is one question; greetings and thanks are none.
    assert [q["intent"] for q in split_questions("亲在吗？我的快递到哪了？快递到哪了啊")] == ["where_is_order"]
    assert split_questions("好的谢谢 😊") == []


def test_an_order_number_or_an_email_alone_asks_nothing():
    assert split_questions("order 261206ABCDEFGH, email a@example.com") == []
    assert split_questions("261206ABCDEFGH") == []


def test_an_unsure_recogniser_says_other():
    intent, confidence = classify("量子力学的薛定谔方程")
    assert intent == "other" or confidence < 0.5


def test_the_recogniser_is_trained_once_even_when_many_threads_ask_at_once(monkeypatch):
    intents._forget()
    trained = []
    real = intents._train

    def counting():
        trained.append(1)
        return real()

    monkeypatch.setattr(intents, "_train", counting)
    answers = []
    threads = [threading.Thread(target=lambda: answers.append(detect_intent("什么时候发货"))) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == ["when_ship"] * 6
    assert len(trained) == 1


# The offline engine's answers to the new topics ------------------------------------------------

def test_it_says_delivered_but_never_arrived_gets_the_parcel_and_a_colleague(session, desk):  # noqa: F811
    from shopapp.services.support.ai import service as ai
    from tests.unit.test_ai_helpers import _source

    started = _li_asks(session, desk, "物流说送到了，但我啥也没收到")
    answer = ai.reply_suggestions(session, desk.owner, started.id)
    first = answer["suggestions"][0]
    assert "SF1234567890123" in first["text"] and "同事" in first["text"]
    assert _source(first, "shipment", desk.li_parcel.id)
    assert answer["follow_up"] is True


def test_a_change_of_address_before_shipping_names_the_order_and_a_colleague_in_english(session, desk):  # noqa: F811
    from shopapp.services.support import conversations as conv
    from shopapp.services.support.ai import service as ai
    from tests.support_shop import conversation

    started, _ = conversation(session, desk.owner.shop_id, "zhao@example.com", "oops, wrong phone number on my order")
    conv.post_shopper_message(session, desk.owner.shop_id, started.id, _, desk.zhao_order.order_no)
    session.commit()
    first = ai.reply_suggestions(session, desk.owner, started.id)["suggestions"][0]
    assert desk.zhao_order.order_no in first["text"] and "colleague" in first["text"]


def test_asking_for_a_person_and_the_parcel_at_once_gets_both(session, desk):  # noqa: F811
    from shopapp.services.support.ai import service as ai

    started = _li_asks(session, desk, "包裹到哪了？顺便帮我转个人工")
    text = ai.reply_suggestions(session, desk.owner, started.id)["suggestions"][0]["text"]
    assert "SF1234567890123" in text and "转接人工" in text and "您好，感谢您的咨询" not in text


def test_a_question_about_discounts_is_answered_from_the_coupons_anyone_can_claim(session, desk):  # noqa: F811
    from datetime import timedelta

    from shopapp.models.base import utcnow as now
    from shopapp.services.marketing import coupons
    from shopapp.services.support.ai import service as ai
    from tests.support_shop import conversation

    started, _ = conversation(session, desk.owner.shop_id, "newcomer@example.com", "有没有优惠券呀")
    session.commit()
    before = ai.reply_suggestions(session, desk.owner, started.id)
    assert "转给店主" in before["suggestions"][0]["text"] and before["follow_up"] is True
    coupon = coupons.create_coupon(session, desk.owner, {
        "name": "新客立减", "kind": "amount", "amount_off": 1000, "min_amount": 9900, "claimable": True,
        "starts_at": (now() - timedelta(days=1)).isoformat(), "ends_at": (now() + timedelta(days=7)).isoformat(),
    })
    session.commit()
    after = ai.reply_suggestions(session, desk.owner, started.id)
    first = after["suggestions"][0]
    assert "新客立减" in first["text"] and "满¥99减¥10" in first["text"]
    assert first["sources"] == [{"type": "coupon", "id": coupon["id"], "label": "新客立减"}]
    assert after["follow_up"] is False
