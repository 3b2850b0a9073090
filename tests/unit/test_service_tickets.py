"""服务工单: the desk turns a conversation or an after-sales request into a ticket with an owner and a due time."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shopapp.models.base import utcnow
from shopapp.services.core.errors import Invalid, NotFound
from shopapp.services.orders import aftersales
from shopapp.services.support import conversations, tickets
from tests.conftest import make_shop
from tests.shopping import paid_order, product_on_sale


def _conversation(session, owner, email="li@example.com"):
    started, _ = conversations.start_conversation(session, owner.shop_id, email, "茶叶受潮了")
    session.commit()
    return started


def test_a_conversation_becomes_a_ticket_once_with_a_due_time_from_its_priority(session, owner):
    started = _conversation(session, owner)
    ticket = tickets.open_ticket(session, owner, conversation_id=started.id, priority="urgent", assignee_user_id=owner.user_id)
    assert ticket["status"] == "open" and ticket["assignee_user_id"] == owner.user_id
    assert timedelta(hours=3) < ticket["due_at"] - utcnow() <= timedelta(hours=4)
    again = tickets.open_ticket(session, owner, conversation_id=started.id)
    assert again["id"] == ticket["id"]


def test_an_after_sales_request_becomes_a_ticket(session, owner):
    variant_id = product_on_sale(session, owner, stock=5)
    order, token = paid_order(session, owner, (variant_id, 1), email="fan@example.com")
    request = aftersales.request_aftersales(session, owner.shop_id, order.order_no, token, "refund_only", "买错了")
    session.commit()
    ticket = tickets.open_ticket(session, owner, aftersales_id=request.id)
    assert "买错了" in ticket["subject"] and ticket["priority"] == "normal"


def test_the_desk_lists_live_tickets_soonest_due_first_and_not_the_resolved(session, owner):
    first, second, third = (_conversation(session, owner, f"c{i}@example.com") for i in range(3))
    late = tickets.open_ticket(session, owner, conversation_id=first.id, due_at=(utcnow() + timedelta(days=3)).isoformat())
    soon = tickets.open_ticket(session, owner, conversation_id=second.id, due_at=(utcnow() - timedelta(hours=1)).isoformat())
    done = tickets.open_ticket(session, owner, conversation_id=third.id)
    tickets.update_ticket(session, owner, done["id"], {"status": "resolved"})
    items, total = tickets.live_tickets(session, owner)
    assert total == 2 and [item["id"] for item in items] == [soon["id"], late["id"]]
    assert items[0]["overdue"] and not items[1]["overdue"]


def test_bad_ticket_input_is_refused_and_another_shop_sees_nothing(session, owner):
    started = _conversation(session, owner)
    with pytest.raises(Invalid) as refused:
        tickets.open_ticket(session, owner, conversation_id=started.id, priority="asap", due_at="tomorrow")
    assert refused.value.fields == {"priority": "choice_invalid", "due_at": "date_invalid"}
    with pytest.raises(Invalid):
        tickets.open_ticket(session, owner)
    other = make_shop(session, "other-shop")
    with pytest.raises(NotFound):
        tickets.open_ticket(session, other, conversation_id=started.id)
    ticket = tickets.open_ticket(session, owner, conversation_id=started.id)
    with pytest.raises(Invalid) as refused:
        tickets.update_ticket(session, owner, ticket["id"], {"assignee_user_id": other.user_id})
    assert refused.value.fields == {"assignee_user_id": "staff_not_found"}
    with pytest.raises(NotFound):
        tickets.update_ticket(session, other, ticket["id"], {"status": "closed"})
    assert tickets.live_tickets(session, other)[1] == 0
