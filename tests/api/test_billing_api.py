"""Billing over HTTP with the sandbox: subscribe, upgrade prorated to the day, downgrade at the period's end,
a failed renewal and its grace, invoices as PDF with numbers without gaps, and forged or replayed
billing notifications refused."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlmodel import select

from shopapp.db import session_scope
from shopapp.models import OutboxEmail, Subscription
from shopapp.models.base import utcnow
from shopapp.services.platform import billing
from tests.api.conftest import signup


def _plans(client) -> dict:
    return {plan["code"]: plan for plan in client.get("/plans").json()["items"]}


def _subscribe(client, shop, plan_id, period="month"):
    answer = client.post("/subscription", json={"plan_id": plan_id, "period": period}, headers=shop["headers"])
    assert answer.status_code == 201, answer.text
    return answer.json()["payment"]


def _pay(client, payment, outcome="success"):
    answer = client.post(f"/subscription/payments/{payment['id']}/pay", json={"outcome": outcome})
    assert answer.status_code == 200, answer.text
    return answer.json()


def _sub(client, shop) -> dict:
    return client.get("/subscription", headers=shop["headers"]).json()


def _move_period_end(shop_id: int, end):
    with session_scope() as session:
        sub = session.exec(select(Subscription).where(Subscription.shop_id == shop_id)).one()
        sub.period_end = end
        session.add(sub)


def _shop_id(shop) -> int:
    return shop["shop"]["id"]


def _renewals():
    with session_scope() as session:
        return billing.run_renewals(session)


@pytest.fixture
def owner(client):
    return signup(client)


def test_a_new_shop_is_on_trial_and_subscribes_with_the_sandbox(client, owner):
    plans = _plans(client)
    before = _sub(client, owner)
    assert before["status"] == "trial" and before["plan"]["code"] == "pro"
    payment = _subscribe(client, owner, plans["basic"]["id"])
    assert payment["provider"] == "sandbox" and payment["amount"] == 6800
    assert "/api/v1/subscription/payments/" in payment["pay_url"]
    page = client.get(payment["pay_url"].split("/api/v1", 1)[1])
    assert page.status_code == 200 and "¥68" in page.text
    assert _pay(client, payment)["status"] == "succeeded"
    after = _sub(client, owner)
    assert (after["status"], after["plan"]["code"], after["period"]) == ("active", "basic", "month")
    assert after["pending_payment"] is None
    [invoice] = after["invoices"]
    assert invoice["total"] == 6800 and invoice["number"].endswith("-000001")
    pdf = client.get(f"/subscription/invoices/{invoice['id']}/pdf", headers=owner["headers"])
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert invoice["number"] in text and "68.00" in text
    # Another shop never reads it.
    other = signup(client, "other-shop")
    assert client.get(f"/subscription/invoices/{invoice['id']}/pdf", headers=other["headers"]).status_code == 404


def test_invoice_numbers_follow_each_other_without_gaps_across_shops(client, owner):
    plans = _plans(client)
    other = signup(client, "other-shop")
    for shop in (owner, other, owner):
        _pay(client, _subscribe(client, shop, plans["basic"]["id"]) if shop is not owner or not _sub(client, owner)["invoices"]
             else _subscribe(client, shop, plans["pro"]["id"]))
    numbers = sorted(i["number"] for shop in (owner, other) for i in _sub(client, shop)["invoices"])
    assert [n[-6:] for n in numbers] == ["000001", "000002", "000003"]


def test_an_upgrade_pays_the_difference_for_the_days_left(client, owner):
    plans = _plans(client)
    _pay(client, _subscribe(client, owner, plans["basic"]["id"]))
    _move_period_end(_shop_id(owner), utcnow() + timedelta(days=10) - timedelta(hours=1))
    upgrade = _subscribe(client, owner, plans["pro"]["id"])
    # (198.00 − 68.00) a month of 30 days, for the 10 days left: 43.33.
    assert upgrade["kind"] == "upgrade" and upgrade["amount"] == round((19800 - 6800) / 30 * 10)
    end_before = _sub(client, owner)["period_end"]
    _pay(client, upgrade)
    after = _sub(client, owner)
    assert after["plan"]["code"] == "pro" and after["status"] == "active" and after["period_end"] == end_before
    assert [i["total"] for i in after["invoices"]] == [upgrade["amount"], 6800]


def test_a_downgrade_waits_for_the_end_of_the_period(client, owner):
    plans = _plans(client)
    _pay(client, _subscribe(client, owner, plans["pro"]["id"]))
    answer = client.post("/subscription", json={"plan_id": plans["basic"]["id"], "period": "month"}, headers=owner["headers"])
    assert answer.status_code == 200, answer.text
    scheduled = answer.json()["subscription"]
    assert scheduled["plan"]["code"] == "pro" and scheduled["next_plan"]["code"] == "basic"
    _move_period_end(_shop_id(owner), utcnow() - timedelta(minutes=1))
    assert _renewals()["renewing"] == 1
    renewing = _sub(client, owner)
    assert renewing["status"] == "grace" and renewing["plan"]["code"] == "basic"
    assert renewing["pending_payment"]["amount"] == 6800 and renewing["pending_payment"]["kind"] == "renewal"
    _pay(client, renewing["pending_payment"])
    assert _sub(client, owner)["status"] == "active"


def test_a_failed_renewal_gives_seven_days_of_grace_then_the_free_plan(client, owner):
    plans = _plans(client)
    _pay(client, _subscribe(client, owner, plans["basic"]["id"]))
    # A reminder a few days before the end, once.
    _move_period_end(_shop_id(owner), utcnow() + timedelta(days=3))
    assert _renewals()["reminded"] == 1 and _renewals()["reminded"] == 0
    _move_period_end(_shop_id(owner), utcnow() - timedelta(minutes=1))
    _renewals()
    grace = _sub(client, owner)
    assert grace["status"] == "grace" and grace["plan"]["code"] == "basic"
    assert _pay(client, grace["pending_payment"], "fail")["status"] == "failed"
    assert _sub(client, owner)["status"] == "grace"  # a failed payment: still the grace
    with session_scope() as session:
        sub = session.exec(select(Subscription).where(Subscription.shop_id == _shop_id(owner))).one()
        assert (sub.grace_ends_at - sub.period_end) == timedelta(days=7)
        sub.grace_ends_at = utcnow() - timedelta(seconds=1)
        session.add(sub)
    # The grace's plan period ends at its own end: move it too, as seven days passing would.
    from shopapp.models import ShopPlan
    with session_scope() as session:
        for period in session.exec(select(ShopPlan).where(ShopPlan.shop_id == _shop_id(owner), ShopPlan.note == "grace")).all():
            period.ends_at = utcnow() - timedelta(seconds=1)
            session.add(period)
    assert _renewals()["lapsed"] == 1
    after = _sub(client, owner)
    assert after["status"] == "free" and after["plan"]["code"] == "free"
    with session_scope() as session:
        subjects = [m.subject for m in session.exec(select(OutboxEmail).where(OutboxEmail.shop_id == _shop_id(owner))).all()]
    assert any("到期" in s for s in subjects) and any("续费待支付" in s for s in subjects) and any("免费版" in s for s in subjects)


def test_forged_and_replayed_billing_notifications_change_nothing(client, owner):
    plans = _plans(client)
    payment = _subscribe(client, owner, plans["basic"]["id"])
    with session_scope() as session:
        genuine = billing.sandbox_notification(session, payment["id"], "succeeded")
    forged = {**genuine, "amount": "1"}
    refused = client.post("/subscription/notify/sandbox", json=forged)
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "signature_invalid"
    unsigned = {**genuine, "sign": "0" * 64}
    assert client.post("/subscription/notify/sandbox", json=unsigned).status_code == 400
    assert _sub(client, owner)["status"] == "trial"
    first = client.post("/subscription/notify/sandbox", json=genuine)
    assert first.status_code == 200 and first.json() == {"status": "succeeded", "repeat": False}
    again = client.post("/subscription/notify/sandbox", json=genuine)
    assert again.json() == {"status": "succeeded", "repeat": True}
    assert len(_sub(client, owner)["invoices"]) == 1
    # An order's notification endpoint knows nothing of bills.
    assert client.post("/payments/sandbox/notify", json=genuine).status_code == 404


def test_bad_choices_are_refused(client, owner):
    plans = _plans(client)
    assert client.post("/subscription", json={"plan_id": 99999, "period": "month"}, headers=owner["headers"]).status_code == 422
    assert client.post("/subscription", json={"plan_id": plans["basic"]["id"], "period": "week"}, headers=owner["headers"]).status_code == 422
    assert client.post("/subscription", json={"plan_id": plans["basic"]["id"], "period": "month"}).status_code == 401


def test_a_downgrade_below_what_the_shop_uses_is_explained_allowed_and_deletes_nothing(client, owner):
    plans = _plans(client)
    _pay(client, _subscribe(client, owner, plans["pro"]["id"]))
    for email in ("a@example.com", "b@example.com"):
        invited = client.post("/staff/invites", json={"email": email, "role": "support"}, headers=owner["headers"])
        assert invited.status_code == 201, invited.text
    answer = client.post("/subscription", json={"plan_id": plans["free"]["id"], "period": "month"}, headers=owner["headers"])
    assert answer.status_code == 200, answer.text
    scheduled = answer.json()["subscription"]
    assert scheduled["next_plan"]["code"] == "free"
    assert scheduled["downgrade_notes"] == [{"limit": "staff", "used": 3, "allowed": plans["free"]["limits"]["staff"]}]
    _move_period_end(_shop_id(owner), utcnow() - timedelta(minutes=1))
    assert _renewals()["downgraded"] == 1
    after = _sub(client, owner)
    assert after["status"] == "free" and after["plan"]["code"] == "free"
    assert len(client.get("/staff", headers=owner["headers"]).json()["invites"]) == 2  # nothing deleted


def test_one_notification_delivered_four_times_at_once_activates_once(client, owner, api_url):
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    plans = _plans(client)
    payment = _subscribe(client, owner, plans["basic"]["id"])
    with session_scope() as session:
        genuine = billing.sandbox_notification(session, payment["id"], "succeeded")

    def deliver(_):
        with httpx.Client(base_url=api_url + "/api/v1", timeout=60) as own:
            return own.post("/subscription/notify/sandbox", json=genuine).json()

    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(deliver, range(4)))
    assert sorted(a["repeat"] for a in answers) == [False, True, True, True]
    after = _sub(client, owner)
    assert after["status"] == "active" and len(after["invoices"]) == 1
