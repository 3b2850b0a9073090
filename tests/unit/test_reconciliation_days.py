"""对账 read from the days the roll-up checked: the same answer as comparing everything live, a day put right
leaves the list when the job checks it again, and only days not checked are compared on a look."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import update
from sqlmodel import select

from shopapp.models import Payment, ReconciliationDay, Shop
from shopapp.services.analytics import finance, mismatches, reconciliation, rollups
from tests.unit.test_finance import DAY, two_days_of_sales  # noqa: F401 - the fixture

TWO_DAYS = finance.Range(date(2026, 12, 4), DAY)


def _plant_a_duplicate(session, owner, order) -> Payment:
    first = session.exec(select(Payment).where(Payment.order_id == order.id)).one()
    second = Payment(shop_id=owner.shop_id, order_id=order.id, provider="sandbox", reference=f"{order.order_no}-2",
                     status="succeeded", amount=order.total, created_at=first.created_at, updated_at=first.updated_at)
    session.add(second)
    session.commit()
    return second


def test_checked_days_answer_what_a_live_comparison_answers(session, owner, two_days_of_sales):  # noqa: F811
    plain, saved, _ = two_days_of_sales
    _plant_a_duplicate(session, owner, saved)
    session.exec(update(Payment).where(Payment.order_id == plain.id).values(status="failed"))
    session.commit()
    live = reconciliation.reconcile(session, owner, TWO_DAYS)
    assert {m["kind"] for m in live["mismatches"]} >= {"duplicate", "missing_payment"}

    rollups.rebuild(session, owner.shop_id, TWO_DAYS.first, TWO_DAYS.last)
    session.commit()
    assert len(session.exec(select(ReconciliationDay).where(ReconciliationDay.shop_id == owner.shop_id)).all()) == 2
    stored = reconciliation.reconcile(session, owner, TWO_DAYS)
    assert stored["providers"] == live["providers"]
    assert sorted(map(str, stored["mismatches"])) == sorted(map(str, live["mismatches"]))


def test_only_the_days_not_checked_are_compared_on_a_look(session, owner, two_days_of_sales, monkeypatch):  # noqa: F811
    reconciliation.check_day(session, owner.shop_id, TWO_DAYS.first)
    session.commit()
    compared = []
    real = mismatches.check
    monkeypatch.setattr(mismatches, "check", lambda s, shop_id, days, *rest: compared.append(days) or real(s, shop_id, days, *rest))
    reconciliation.reconcile(session, owner, TWO_DAYS)
    assert compared == [finance.Range(DAY, DAY)]


def test_a_duplicate_refunded_later_leaves_the_list_when_the_job_checks_again(session, owner, two_days_of_sales):  # noqa: F811
    _, saved, _ = two_days_of_sales
    second = _plant_a_duplicate(session, owner, saved)
    rollups.rebuild(session, owner.shop_id, TWO_DAYS.first, TWO_DAYS.last)
    session.commit()
    assert "duplicate" in _kinds(session, owner)

    session.exec(update(Payment).where(Payment.id == second.id).values(refunded_amount=second.amount, status="refunded"))
    session.commit()
    reconciliation.recheck_open_days(session, owner.shop_id, since=TWO_DAYS.first)
    session.commit()
    assert "duplicate" not in _kinds(session, owner)


def test_the_job_checks_again_only_the_recent_days_with_mismatches(session, owner, two_days_of_sales, monkeypatch):  # noqa: F811
    _, saved, _ = two_days_of_sales
    _plant_a_duplicate(session, owner, saved)
    rollups.rebuild(session, owner.shop_id, TWO_DAYS.first, TWO_DAYS.last)
    session.commit()
    checked = []
    monkeypatch.setattr(reconciliation, "check_day", lambda s, shop_id, day: checked.append(day) or 1)
    assert reconciliation.recheck_open_days(session, owner.shop_id, since=DAY + timedelta(days=1)) == 0
    assert checked == []
    reconciliation.recheck_open_days(session, owner.shop_id, since=TWO_DAYS.first)
    assert checked == list(session.exec(select(ReconciliationDay.day).where(
        ReconciliationDay.shop_id == owner.shop_id, ReconciliationDay.open_mismatches > 0)).all())
    assert checked  # the duplicate's day


def _kinds(session, owner) -> list[str]:
    return [m["kind"] for m in reconciliation.reconcile(session, owner, TWO_DAYS)["mismatches"]]


def test_the_roll_up_job_checks_days_rolled_up_before_reconciliation_was_stored(session, owner, two_days_of_sales):  # noqa: F811
    rollups.rebuild(session, owner.shop_id, TWO_DAYS.first, TWO_DAYS.last)
    session.exec(ReconciliationDay.__table__.delete())  # as after the upgrade: days sealed, none checked
    session.exec(update(Shop).where(Shop.id == owner.shop_id).values(created_at=datetime(2026, 11, 1, tzinfo=UTC)))
    session.commit()
    rollups.roll_up_recent(session, days_back=0)
    days = set(session.exec(select(ReconciliationDay.day).where(ReconciliationDay.shop_id == owner.shop_id)).all())
    assert TWO_DAYS.first in days and DAY in days


def test_money_sent_back_without_a_refund_row_is_a_refund_line_and_a_refund_row_counts_once(session, owner, two_days_of_sales):  # noqa: F811
    """The duplicate's money sent back at once (no Refund row) is a refund of the sandbox, in our records and in its
    own; the ¥15 refund of the first order (a Refund row) counts once, not again as money sent back."""
    _, saved, _ = two_days_of_sales
    second = _plant_a_duplicate(session, owner, saved)
    session.exec(update(Payment).where(Payment.id == second.id).values(
        refunded_amount=second.amount, status="refunded", updated_at=second.updated_at))
    session.commit()
    answer = reconciliation.reconcile(session, owner, TWO_DAYS)
    sandbox = next(row for row in answer["providers"] if row["provider"] == "sandbox")
    assert sandbox["refunds"] == 1500 + second.amount
    assert sandbox["statement"]["refunds"] == sandbox["refunds"]
    assert [m for m in answer["mismatches"] if m["what"] == "refund"] == []  # (the planted payment has no notification)
