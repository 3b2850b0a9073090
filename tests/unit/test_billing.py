"""The platform's billing rules as plain services: proration to the day, invoice numbers without gaps
under concurrent issuing, commission rounding and its reversal, host names and what a Host serves."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from shopapp.db import session_scope
from shopapp.models import Plan
from shopapp.models.base import utcnow
from shopapp.services.core import plan_limits
from shopapp.services.core.errors import Conflict, Invalid
from shopapp.services.platform import billing, domains, invoices
from shopapp.services.settlement import ledger
from tests.conftest import make_shop


def _plan(session, code) -> Plan:
    return next(p for p in plan_limits.ensure_plans(session) if p.code == code)


def test_an_upgrade_costs_the_daily_difference_for_each_day_left(session):
    basic, pro = _plan(session, "basic"), _plan(session, "pro")
    now = utcnow()
    assert billing._upgrade_price(basic, "month", pro, "month", now + timedelta(days=30), now) == 13000
    assert billing._upgrade_price(basic, "month", pro, "month", now + timedelta(days=1, hours=2), now) == round(13000 / 30 * 2)
    # A yearly basic moving to a monthly pro pays the per-day difference, never less than nothing.
    assert billing._upgrade_price(basic, "year", pro, "month", now + timedelta(days=10), now) == round((19800 / 30 - 68000 / 365) * 10)
    assert billing._upgrade_price(pro, "month", basic, "month", now + timedelta(days=10), now) == 0


def test_invoice_numbers_never_skip_or_repeat_when_issued_at_once(session, owner):
    session.commit()
    start = threading.Barrier(6)
    numbers: list[str] = []

    def bill():
        start.wait()
        with session_scope() as own:
            numbers.append(invoices.issue(own, owner.shop_id, "plan", [{"description": "x", "amount": 100}]).number)

    threads = [threading.Thread(target=bill) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(n[-6:] for n in numbers) == [f"{i:06d}" for i in range(1, 7)]


def test_a_rolled_back_invoice_gives_its_number_back(session, owner):
    session.commit()
    with pytest.raises(RuntimeError), session_scope() as own:
        invoices.issue(own, owner.shop_id, "plan", [{"description": "x", "amount": 100}])
        raise RuntimeError("the payment's transaction failed")
    with session_scope() as own:
        assert invoices.issue(own, owner.shop_id, "plan", [{"description": "y", "amount": 100}]).number.endswith("-000001")


def test_commission_is_rounded_half_up_in_fen():
    assert ledger._share(8333, 60) == 50  # 49.998
    assert ledger._share(2500, 60) == 15
    assert ledger._share(83, 60) == 0


def test_the_same_plan_twice_is_refused_and_a_bad_period_changes_nothing(session, owner):
    basic = _plan(session, "basic")
    with pytest.raises(Invalid):
        billing.change_plan(session, owner, basic.id, "week")
    payment = billing.change_plan(session, owner, basic.id, "month")["payment"]
    session.commit()
    billing.sandbox_pay(session, payment["id"], "success")
    with pytest.raises(Conflict):
        billing.change_plan(session, owner, basic.id, "month")


def test_host_names_are_checked_and_only_verified_ones_serve_a_shop(session, owner, monkeypatch):
    from shopapp.settings import get_settings

    monkeypatch.setenv("PLATFORM_DOMAIN", "shops.example")
    get_settings.cache_clear()
    domains.forget_cache()
    try:
        assert domains.checked_hostname(" Shop.Example.COM. ") == "shop.example.com"
        for bad in ("shop", "a..b.com", "shops.example", "x.shops.example", "1.2.3.4", "http://"):
            with pytest.raises(Invalid):
                domains.checked_hostname(bad)
        added = domains.add_domain(session, owner, "shop.example.com")
        assert domains.site_for_host(session, "shop.example.com").kind == "unknown"  # pending
        other = make_shop(session, "other-shop")
        with pytest.raises(Conflict):
            domains.add_domain(session, other, "shop.example.com")
        assert domains.site_for_host(session, "tea-house.shops.example") == domains.Site("shop", "tea-house")
        assert domains.site_for_host(session, "localhost").kind == "platform"
        assert added["status"] == "pending"
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
        domains.forget_cache()
