"""E-mail campaigns: written once, sent to a segment through the outbox a few at a time, with a one-click
unsubscribe honoured by every later campaign, and opens and clicks counted through the platform's own links."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from sqlmodel import select

from shopapp.db import session_scope
from shopapp.models import Campaign, OutboxEmail, Variant
from shopapp.models.base import utcnow
from shopapp.services.core import outbox
from shopapp.services.core.errors import Conflict, Invalid, NotFound
from shopapp.services.customers import campaign_mail, campaigns, segments
from tests.conftest import make_shop
from tests.shopping import paid_order, product_on_sale


@pytest.fixture
def tea(session, owner) -> int:
    """The variant of a tea on sale (what the orders buy)."""
    return product_on_sale(session, owner, stock=500, price=3800)


def _product_of(session, variant_id: int) -> int:
    return session.get(Variant, variant_id).product_id


@pytest.fixture
def buyers(session, owner, tea) -> int:
    """A saved segment of three customers who each bought once; returns its id."""
    for name in ("mei", "lan", "zhu"):
        paid_order(session, owner, (tea, 1), email=f"{name}@example.com")
    made = segments.create_segment(session, owner, name="买过茶的", filters={"orders_min": 1})
    session.commit()
    return made["id"]


def _draft(session, owner, segment, **extra) -> dict:
    data = {"name": "双十二", "subject": "新茶到了", "segment": str(segment),
            "body_html": '<p>今年的<a href="https://example.com/spring">春茶</a>到了</p><script>alert(1)</script>', **extra}
    made = campaigns.create_campaign(session, owner, data)
    session.commit()
    return made


def _send_all(session) -> None:
    campaigns.start_due(session)
    while campaigns.send_due(session):
        pass


def _mails(session, campaign_id: int) -> list[OutboxEmail]:
    return session.exec(select(OutboxEmail).where(OutboxEmail.campaign_id == campaign_id).order_by(OutboxEmail.id)).all()


def test_a_campaign_reaches_each_member_of_its_segment_once_through_the_outbox(session, owner, buyers, tea):
    made = _draft(session, owner, buyers, product_ids=[_product_of(session, tea)])
    assert "<script>" not in made["body_html"] and made["status"] == "draft"
    assert made["products"][0]["id"] == _product_of(session, tea)
    campaigns.schedule(session, owner, made["id"])
    session.commit()
    _send_all(session)
    mails = _mails(session, made["id"])
    assert sorted(m.to for m in mails) == ["lan@example.com", "mei@example.com", "zhu@example.com"]
    assert all(m.unsubscribe_url and "/api/v1/mail/unsubscribe/" in m.unsubscribe_url for m in mails)
    assert "/api/v1/mail/o/" in mails[0].html and "春茶" in mails[0].body
    shown = campaigns.get_campaign(session, owner, made["id"])
    assert shown["status"] == "sent" and shown["recipients"] == 3


def test_sending_is_throttled_a_batch_per_run(session, owner, buyers):
    made = _draft(session, owner, buyers)
    campaigns.schedule(session, owner, made["id"])
    session.commit()
    campaigns.start_due(session)
    assert campaigns.send_due(session, limit=2) == 2
    assert len(_mails(session, made["id"])) == 2
    assert campaigns.get_campaign(session, owner, made["id"])["status"] == "sending"
    campaigns.send_due(session, limit=2)
    assert campaigns.get_campaign(session, owner, made["id"])["status"] == "sent"


def test_order_mail_goes_out_before_a_waiting_campaign(session, owner, buyers, monkeypatch):
    sent: list[str] = []
    monkeypatch.setattr(outbox, "_send", lambda message: sent.append(message.to))
    while outbox.deliver_due(session):  # the buyers' own order mails
        pass
    made = _draft(session, owner, buyers)
    campaigns.schedule(session, owner, made["id"])
    session.commit()
    _send_all(session)
    outbox.queue_email(session, shop_id=owner.shop_id, to="order@example.com", subject="订单已发货", body="…")
    session.commit()
    sent.clear()
    outbox.deliver_due(session, limit=1)
    assert sent == ["order@example.com"]


def test_an_unsubscribed_address_gets_no_later_campaign(session, owner, buyers):
    first = _draft(session, owner, buyers)
    campaigns.schedule(session, owner, first["id"])
    session.commit()
    _send_all(session)
    mei = next(m for m in _mails(session, first["id"]) if m.to == "mei@example.com")
    token = mei.unsubscribe_url.rsplit("/", 1)[1]
    assert campaign_mail.unsubscribe(session, token)["unsubscribed"] is True
    campaign_mail.unsubscribe(session, token)  # twice: still one unsubscribe
    session.commit()
    assert campaigns.get_campaign(session, owner, first["id"])["unsubscribed"] == 1
    second = _draft(session, owner, buyers)
    campaigns.schedule(session, owner, second["id"])
    session.commit()
    _send_all(session)
    assert sorted(m.to for m in _mails(session, second["id"])) == ["lan@example.com", "zhu@example.com"]
    assert campaigns.get_campaign(session, owner, second["id"])["skipped"] == 1


def test_opens_and_clicks_are_counted_once_per_recipient_and_links_lead_only_where_the_owner_linked(session, owner, buyers):
    made = _draft(session, owner, buyers)
    campaigns.schedule(session, owner, made["id"])
    session.commit()
    _send_all(session)
    mail = _mails(session, made["id"])[0]
    token = mail.unsubscribe_url.rsplit("/", 1)[1]
    tracked = re.findall(r'href="([^"]*/api/v1/mail/c/[^"]*)"', mail.html)
    assert tracked and tracked[0].endswith(f"/api/v1/mail/c/{token}/1")
    assert campaign_mail.follow_link(session, token, 1) == "https://example.com/spring"
    campaign_mail.follow_link(session, token, 1)
    campaign_mail.record_open(session, token)
    with pytest.raises(NotFound):
        campaign_mail.follow_link(session, token, 99)
    session.commit()
    shown = campaigns.get_campaign(session, owner, made["id"])
    assert (shown["opened"], shown["clicked"]) == (1, 1)


def test_two_opens_at_once_count_one(session, owner, buyers, engine):
    made = _draft(session, owner, buyers)
    campaigns.schedule(session, owner, made["id"])
    session.commit()
    _send_all(session)
    token = _mails(session, made["id"])[0].unsubscribe_url.rsplit("/", 1)[1]
    session.commit()  # the test's own session holds no write lock while the threads open

    def open_it():
        with session_scope() as own:
            campaign_mail.record_open(own, token)

    threads = [threading.Thread(target=open_it) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    session.expire_all()
    assert campaigns.get_campaign(session, owner, made["id"])["opened"] == 1


def test_a_campaign_to_an_empty_segment_is_refused_and_nothing_is_queued(session, owner):
    empty = segments.create_segment(session, owner, name="没人", filters={"orders_min": 99})
    made = _draft(session, owner, empty["id"])
    with pytest.raises(Conflict) as refused:
        campaigns.schedule(session, owner, made["id"])
    assert refused.value.code == "campaign_segment_empty"
    assert campaigns.get_campaign(session, owner, made["id"])["status"] == "draft"


def test_a_scheduled_campaign_waits_for_its_time_and_a_past_time_is_refused(session, owner, buyers):
    made = _draft(session, owner, buyers)
    with pytest.raises(Invalid) as refused:
        campaigns.schedule(session, owner, made["id"], (utcnow() - timedelta(hours=1)).isoformat())
    assert refused.value.fields == {"send_at": "time_in_past"}
    campaigns.schedule(session, owner, made["id"], (utcnow() + timedelta(hours=1)).isoformat())
    session.commit()
    assert campaigns.start_due(session) == 0
    row = session.get(Campaign, made["id"])
    row.send_at = utcnow() - timedelta(seconds=1)
    session.commit()
    assert campaigns.start_due(session) == 1


def test_a_sent_campaign_cannot_be_edited_and_a_cancelled_one_sends_no_more(session, owner, buyers):
    made = _draft(session, owner, buyers)
    campaigns.schedule(session, owner, made["id"])
    session.commit()
    campaigns.start_due(session)
    campaigns.send_due(session, limit=1)
    with pytest.raises(Conflict):
        campaigns.update_campaign(session, owner, made["id"], {"subject": "改了"})
    campaigns.cancel(session, owner, made["id"])
    session.commit()
    campaigns.send_due(session)
    assert len(_mails(session, made["id"])) == 1


def test_bad_input_is_named_and_saves_nothing(session, owner):
    other = make_shop(session, "other-shop")
    theirs = _product_of(session, product_on_sale(session, other, stock=1, price=100))
    with pytest.raises(Invalid) as refused:
        campaigns.create_campaign(session, owner, {"name": "", "subject": "x" * 200, "segment": "nobody",
                                                    "product_ids": [theirs]})
    assert refused.value.fields == {"name": "required", "subject": "too_long", "segment": "segment_not_found",
                                    "product_ids": "product_not_found"}
    assert campaigns.list_campaigns(session, owner)["total"] == 0


def test_another_shop_never_sees_or_sends_a_campaign(session, owner, buyers):
    made = _draft(session, owner, buyers)
    other = make_shop(session, "other-shop")
    with pytest.raises(NotFound):
        campaigns.get_campaign(session, other, made["id"])
    with pytest.raises(NotFound):
        campaigns.schedule(session, other, made["id"])


def test_the_test_send_goes_to_the_staff_member_only_with_links_as_written(session, owner, buyers):
    made = _draft(session, owner, buyers)
    assert campaigns.send_test(session, owner, made["id"]) == "owner@example.com"
    session.commit()
    [mail] = session.exec(select(OutboxEmail).where(OutboxEmail.to == "owner@example.com", OutboxEmail.subject.contains("新茶到了"))).all()
    assert 'href="https://example.com/spring"' in mail.html and mail.campaign_id is None
    assert campaigns.get_campaign(session, owner, made["id"])["status"] == "draft"
