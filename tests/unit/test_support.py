"""Customer-service conversations: who the shopper is, what each side sees, and the desk's work."""

from __future__ import annotations

import pytest
from sqlmodel import select

from shopapp.models import Message
from shopapp.services.core.errors import Conflict, Invalid, NotFound
from shopapp.services.shops import accounts, staff
from shopapp.services.support import conversations
from tests.conftest import make_shop
from tests.shopping import product_on_sale
from tests.support_shop import conversation, paid_order, shipped


def _support_agent(session, owner, email="agent@example.com"):
    token = staff.invite(session, owner, email=email, role="support")
    signed = staff.accept_invite(session, token=token, password="agent-pass-1")
    session.commit()
    return accounts.authenticate(session, signed.token)


# Who the shopper is ------------------------------------------------------------------------------

def test_the_order_page_link_verifies_the_shopper_at_once(session, owner):
    order, link_token = paid_order(session, owner, product_on_sale(session, owner), "li@example.com")
    started, _ = conversation(
        session, owner.shop_id, "li@example.com", "我的订单到哪了?", order_no=order.order_no, order_token=link_token,
    )
    assert (started.verified, started.verified_by, started.order_id) == (True, "order_link", order.id)
    seen = conversations.get_conversation(session, owner, started.id)
    assert [o["order_no"] for o in seen["orders"]] == [order.order_no]


def test_an_order_number_verifies_when_its_order_has_the_same_email_in_any_case(session, owner):
    order, _ = paid_order(session, owner, product_on_sale(session, owner), "li@example.com")
    started, _ = conversation(session, owner.shop_id, "Li@Example.COM", "where is it?", order_no=order.order_no.lower())
    assert (started.verified, started.verified_by) == (True, "order_number")


def test_someone_elses_order_number_reveals_nothing_and_verifies_nothing(session, owner):
    order, _ = paid_order(session, owner, product_on_sale(session, owner), "li@example.com")
    started, token = conversation(session, owner.shop_id, "mallory@example.com", "我的订单呢", order_no=order.order_no)
    assert started.verified is False and started.order_id is None
    desk = conversations.get_conversation(session, owner, started.id)
    assert desk["orders"] == [] and desk["customer"]["verified"] is False
    shopper_view = str(conversations.shopper_conversation(session, owner.shop_id, started.id, token))
    assert order.order_no not in shopper_view and "li@example.com" not in shopper_view


def test_a_wrong_order_link_token_verifies_nothing(session, owner):
    order, _ = paid_order(session, owner, product_on_sale(session, owner), "li@example.com")
    started, _ = conversation(
        session, owner.shop_id, "li@example.com", "hi", order_no=order.order_no, order_token="ord_guessed",
    )
    # The number alone still matches this e-mail, so it verifies, but as an order number, not a link.
    assert started.verified_by == "order_number"
    other, _ = conversation(
        session, owner.shop_id, "eve@example.com", "hi", order_no=order.order_no, order_token="ord_guessed",
    )
    assert other.verified is False


def test_an_order_number_written_later_in_the_conversation_verifies_the_shopper(session, owner):
    order, _ = paid_order(session, owner, product_on_sale(session, owner), "li@example.com")
    started, token = conversation(session, owner.shop_id, "li@example.com", "我的快递到哪了")
    assert started.verified is False
    conversations.post_shopper_message(session, owner.shop_id, started.id, token, f"订单号是 {order.order_no}")
    session.commit()
    assert started.verified is True and started.order_id == order.id
    shopper_view = conversations.shopper_conversation(session, owner.shop_id, started.id, token)
    assert shopper_view["messages"][-1]["author"] == "system" and order.order_no in shopper_view["messages"][-1]["text"]


def test_an_order_of_another_shop_never_verifies(session, owner):
    other_shop = make_shop(session, "other-shop")
    order, link_token = paid_order(session, other_shop, product_on_sale(session, other_shop), "li@example.com")
    started, _ = conversation(
        session, owner.shop_id, "li@example.com", "hi", order_no=order.order_no, order_token=link_token,
    )
    assert started.verified is False


# Messages ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "problem"), [("", "required"), ("   ", "required"), ("字" * 5000, "too_long")])
def test_an_empty_or_overlong_message_is_refused_and_nothing_is_stored(session, owner, text, problem):
    started, token = conversation(session, owner.shop_id, "li@example.com", "hello")
    with pytest.raises(Invalid) as refused:
        conversations.post_shopper_message(session, owner.shop_id, started.id, token, text)
    assert refused.value.fields == {"text": problem}
    with pytest.raises(Invalid) as refused:
        conversations.start_conversation(session, owner.shop_id, "li@example.com", text)
    assert refused.value.fields == {"message": problem}
    session.rollback()
    assert len(session.exec(select(Message)).all()) == 1


def test_a_message_of_exactly_2000_characters_is_accepted(session, owner):
    started, token = conversation(session, owner.shop_id, "li@example.com", "hello")
    message = conversations.post_shopper_message(session, owner.shop_id, started.id, token, "好" * 2000)
    assert len(message.text) == 2000


def test_html_in_a_message_is_kept_as_text(session, owner):
    html = '<img src=x onerror="alert(1)"><b>急</b>'
    started, token = conversation(session, owner.shop_id, "li@example.com", html)
    seen = conversations.shopper_conversation(session, owner.shop_id, started.id, token)
    assert seen["messages"][0]["text"] == html
    assert conversations.get_conversation(session, owner, started.id)["messages"][0]["text"] == html


def test_another_shoppers_token_finds_nothing(session, owner):
    mine, _ = conversation(session, owner.shop_id, "li@example.com", "hello")
    _, their_token = conversation(session, owner.shop_id, "wang@example.com", "hi")
    for token in (their_token, "", "cv_guess"):
        with pytest.raises(NotFound):
            conversations.shopper_conversation(session, owner.shop_id, mine.id, token)
        with pytest.raises(NotFound):
            conversations.post_shopper_message(session, owner.shop_id, mine.id, token, "let me in")


def test_a_conversation_token_does_not_open_it_through_another_shop(session, owner):
    started, token = conversation(session, owner.shop_id, "li@example.com", "hello")
    other = make_shop(session, "other-shop")
    with pytest.raises(NotFound):
        conversations.shopper_conversation(session, other.shop_id, started.id, token)


# The desk ----------------------------------------------------------------------------------------

def test_the_inbox_shows_unread_messages_and_how_long_the_shopper_waits(session, owner):
    started, token = conversation(session, owner.shop_id, "li@example.com", "hello")
    conversations.post_shopper_message(session, owner.shop_id, started.id, token, "anyone there?")
    session.commit()
    items, total = conversations.list_conversations(session, owner, status="open")
    assert total == 1 and items[0]["unread_by_staff"] == 2 and items[0]["waiting_seconds"] >= 0
    assert items[0]["last_message"] == "anyone there?"
    conversations.reply(session, owner, started.id, "您好，在的！")
    session.commit()
    items, _ = conversations.list_conversations(session, owner)
    assert items[0]["unread_by_staff"] == 0 and items[0]["waiting_seconds"] is None
    assert items[0]["last_message"] == "您好，在的！" and items[0]["assigned_user_id"] == owner.user_id


def test_the_shopper_sees_replies_but_never_internal_notes(session, owner):
    started, token = conversation(session, owner.shop_id, "li@example.com", "hello")
    conversations.add_note(session, owner, started.id, "VIP, 老客户，多送小样")
    conversations.reply(session, owner, started.id, "您好！")
    session.commit()
    seen = conversations.shopper_conversation(session, owner.shop_id, started.id, token)
    assert [(m["author"], m["text"]) for m in seen["messages"]] == [("shopper", "hello"), ("staff", "您好！")]
    assert "staff_user_id" not in seen["messages"][1]
    desk = conversations.get_conversation(session, owner, started.id)
    assert [m["internal"] for m in desk["messages"]] == [False, True, False]


def test_closing_ends_replies_until_reopened_and_the_shopper_writing_again_reopens(session, owner):
    started, token = conversation(session, owner.shop_id, "li@example.com", "hello")
    conversations.close(session, owner, started.id)
    session.commit()
    assert conversations.list_conversations(session, owner, status="open")[1] == 0
    with pytest.raises(Conflict) as refused:
        conversations.reply(session, owner, started.id, "还在吗")
    assert refused.value.code == "conversation_closed"
    conversations.post_shopper_message(session, owner.shop_id, started.id, token, "one more thing")
    session.commit()
    assert started.status == "open"
    conversations.close(session, owner, started.id)
    conversations.reopen(session, owner, started.id)
    conversations.reply(session, owner, started.id, "请讲")
    events = [m["event"] for m in conversations.get_conversation(session, owner, started.id)["messages"] if m["event"]]
    assert events == ["closed", "reopened", "closed", "reopened"]


def test_a_conversation_is_handed_over_only_to_staff_of_this_shop(session, owner):
    agent = _support_agent(session, owner)
    outsider = make_shop(session, "other-shop")
    started, token = conversation(session, owner.shop_id, "li@example.com", "hello")
    conversations.assign(session, owner, started.id, agent.user_id)
    session.commit()
    assert conversations.list_conversations(session, agent, assigned_user_id=agent.user_id)[1] == 1
    with pytest.raises(Invalid) as refused:
        conversations.assign(session, owner, started.id, outsider.user_id)
    assert refused.value.fields == {"user_id": "staff_not_found"}
    note = conversations.get_conversation(session, agent, started.id, "en")["messages"][-1]
    assert note["internal"] and note["text"] == "Handed over to agent@example.com"
    assert "agent@example.com" not in str(conversations.shopper_conversation(session, owner.shop_id, started.id, token))


def test_a_support_agent_answers_customers(session, owner):
    agent = _support_agent(session, owner)
    started, _ = conversation(session, owner.shop_id, "li@example.com", "hello")
    message = conversations.reply(session, agent, started.id, "您好")
    assert message.staff_user_id == agent.user_id and message.author == "staff"


def test_another_shops_conversation_is_not_found_anywhere_on_the_desk(session, owner):
    started, _ = conversation(session, owner.shop_id, "li@example.com", "hello")
    other = make_shop(session, "other-shop")
    for act in (
        lambda: conversations.get_conversation(session, other, started.id),
        lambda: conversations.reply(session, other, started.id, "hi"),
        lambda: conversations.add_note(session, other, started.id, "hi"),
        lambda: conversations.close(session, other, started.id),
        lambda: conversations.reopen(session, other, started.id),
        lambda: conversations.assign(session, other, started.id, None),
        lambda: conversations.mark_read(session, other, started.id),
    ):
        with pytest.raises(NotFound):
            act()
    assert conversations.list_conversations(session, other) == ([], 0)


def test_the_desk_sees_the_verified_customers_orders_with_items_payment_and_tracking(session, owner):
    tea = product_on_sale(session, owner, title="西湖龙井 明前特级")
    order, link = paid_order(session, owner, tea, "li@example.com")
    shipped(session, owner, order, "SF", "SF1234567890123")
    other_customer, _ = paid_order(session, owner, tea, "wang@example.com")
    started, _ = conversation(
        session, owner.shop_id, "li@example.com", "到哪了", order_no=order.order_no, order_token=link,
    )
    seen = conversations.get_conversation(session, owner, started.id)
    assert [o["order_no"] for o in seen["orders"]] == [order.order_no]
    shown = seen["orders"][0]
    assert shown["items"][0]["title"] == "西湖龙井 明前特级"
    assert [(p["provider"], p["status"]) for p in shown["payments"]] == [("sandbox", "succeeded")]
    parcel = shown["shipments"][0]
    assert (parcel["carrier_name"], parcel["tracking_no"]) == ("顺丰速运", "SF1234567890123")
    assert parcel["events"][0]["description"] == "快件已到达【杭州转运中心】"
    assert set(seen["policies"]) == {"shipping_policy", "returns_policy"}
    assert other_customer.order_no not in str(seen)


# Quick replies -----------------------------------------------------------------------------------

def test_quick_replies_are_kept_per_shop(session, owner):
    row = conversations.create_quick_reply(session, owner, "发货时间", "付款后 48 小时内发货。")
    session.commit()
    conversations.update_quick_reply(session, owner, row.id, text="付款后 24 小时内发货。")
    items, total = conversations.list_quick_replies(session, owner)
    assert total == 1 and items[0]["text"] == "付款后 24 小时内发货。"
    other = make_shop(session, "other-shop")
    assert conversations.list_quick_replies(session, other) == ([], 0)
    with pytest.raises(NotFound):
        conversations.delete_quick_reply(session, other, row.id)
    with pytest.raises(Invalid) as refused:
        conversations.create_quick_reply(session, owner, "", "x" * 2001)
    assert refused.value.fields == {"title": "required", "text": "too_long"}
    conversations.delete_quick_reply(session, owner, row.id)
    assert conversations.list_quick_replies(session, owner)[1] == 0


def test_the_desk_sees_the_customers_after_sales_requests(session, owner):
    from shopapp.services.orders import aftersales
    from shopapp.services.support import conversations
    from tests.shopping import paid_order, product_on_sale

    variant_id = product_on_sale(session, owner, stock=5, price=3800)
    order, token = paid_order(session, owner, (variant_id, 1), email="fan@example.com")
    aftersales.request_aftersales(session, owner.shop_id, order.order_no, token, "refund_only", "买错了")
    conversation, _ = conversations.start_conversation(session, owner.shop_id, "fan@example.com", "退款进度?", order_no=order.order_no,
                                                 order_token=token)
    shown = conversations.get_conversation(session, owner, conversation.id)
    assert shown["orders"][0]["aftersales"][0]["kind"] == "refund_only"
    assert shown["orders"][0]["aftersales"][0]["status"] == "requested"
