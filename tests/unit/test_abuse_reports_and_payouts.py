"""Reports of abuse and payout batches as services: a report needs a listed reason and words, one address files
a handful an hour, resolving needs a note and happens once; a batch is made once per balance and marked paid once,
each step in the audit log."""

from __future__ import annotations

import pytest
from sqlmodel import select

from shopapp.models import BalanceEntry, OperatorAudit
from shopapp.services.core.errors import Conflict, Invalid, NotFound, RateLimited
from shopapp.services.platform import abuse_reports, operators, payouts
from tests.conftest import make_shop

FORM = {"reason": "fraud", "details": "付了款不发货，客服拉黑了我"}


@pytest.fixture
def operator(session):
    operators.create_operator(session, email="ops@platform.example", password="operator-pass")
    return operators.authenticate(session, operators.login(session, email="ops@platform.example", password="operator-pass"))


def test_a_report_needs_a_listed_reason_and_words_and_one_address_files_only_a_few_an_hour(session, owner):
    with pytest.raises(Invalid) as refused:
        abuse_reports.file_report(session, "tea-house", {"reason": "meh", "details": ""}, "203.0.113.9")
    assert refused.value.fields == {"reason": "report_reason_invalid", "details": "required"}
    with pytest.raises(NotFound):
        abuse_reports.file_report(session, "nobody-here", FORM, "203.0.113.9")
    for _ in range(abuse_reports.REPORTS_PER_HOUR):
        abuse_reports.file_report(session, "tea-house", FORM, "203.0.113.9")
    with pytest.raises(RateLimited):
        abuse_reports.file_report(session, "tea-house", FORM, "203.0.113.9")
    abuse_reports.file_report(session, "tea-house", FORM, "198.51.100.7")  # somebody else still can
    assert abuse_reports.list_reports(session)["total"] == abuse_reports.REPORTS_PER_HOUR + 1


def test_a_filled_honeypot_is_thanked_and_nothing_is_kept(session, owner):
    assert abuse_reports.file_report(session, "tea-house", {**FORM, "website": "x"}, "203.0.113.9") == {"received": True}
    assert abuse_reports.list_reports(session, status="")["total"] == 0


def test_resolving_needs_a_note_happens_once_and_is_audited(session, owner, operator):
    abuse_reports.file_report(session, "tea-house", FORM, "203.0.113.9")
    make_shop(session, "wine-cellar")
    abuse_reports.file_report(session, "wine-cellar", FORM, "203.0.113.10")
    report = abuse_reports.list_reports(session, shop_id=owner.shop_id)["items"][0]
    with pytest.raises(Invalid):
        abuse_reports.resolve(session, operator, report["id"], "  ")
    done = abuse_reports.resolve(session, operator, report["id"], "已联系店主退款")
    assert done["status"] == "resolved" and done["resolution"] == "已联系店主退款"
    with pytest.raises(Conflict):
        abuse_reports.resolve(session, operator, report["id"], "again")
    assert abuse_reports.list_reports(session)["open"] == 1  # the other shop's report still waits
    entry = session.exec(select(OperatorAudit).where(OperatorAudit.action == "resolve_report")).one()
    assert (entry.shop_id, entry.reason, entry.data) == (owner.shop_id, "已联系店主退款", {"report_id": report["id"]})


def test_a_payout_batch_takes_each_balance_once_and_is_marked_paid_once(session, owner, operator):
    other = make_shop(session, "wine-cellar")
    session.add(BalanceEntry(shop_id=owner.shop_id, kind="order_completed", reference="A1", amount=12000))
    session.add(BalanceEntry(shop_id=other.shop_id, kind="order_completed", reference="B1", amount=50))
    session.flush()
    assert [item["balance"] for item in payouts.due(session, minimum=100)["items"]] == [12000]
    batch = payouts.run_batch(session, operator, minimum=100)
    assert (batch["shops"], batch["total"], batch["status"]) == (1, 12000, "made")
    with pytest.raises(Conflict):
        payouts.run_batch(session, operator, minimum=100)
    assert payouts.due(session)["items"][0]["shop_id"] == other.shop_id  # the small balance stays for later
    with pytest.raises(Invalid):
        payouts.mark_paid(session, operator, batch["id"], "")
    paid = payouts.mark_paid(session, operator, batch["id"], "CMB-778")
    assert paid["status"] == "paid" and paid["paid_by"] == "ops@platform.example"
    with pytest.raises(Conflict):
        payouts.mark_paid(session, operator, batch["id"], "CMB-779")
    with pytest.raises(NotFound):
        payouts.mark_paid(session, operator, 999, "x")
    actions = [row.action for row in session.exec(select(OperatorAudit).order_by(OperatorAudit.id)).all()]
    assert actions[-2:] == ["payout_batch", "payout_paid"]
