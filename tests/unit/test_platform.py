"""The platform's side: plans as the operator's data, a new shop's trial and its fall to the free plan, the
limits the services check, operators, suspension (read-only, data intact) and the audit log."""

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import select

from shopapp.models import OperatorAudit, Product, ShopPlan
from shopapp.models.base import clock_at, utcnow
from shopapp.services.catalog import products
from shopapp.services.core import plan_limits
from shopapp.services.core.clock import shop_today
from shopapp.services.core.errors import Conflict, Invalid, NotFound, PlanLimit, ShopSuspended, Unauthorized
from shopapp.services.platform import audit, operators, plans, platform_figures, shop_directory, suspension
from shopapp.services.shops import accounts, api_keys, staff
from tests.conftest import make_shop

LATER = timedelta(days=plan_limits.TRIAL_DAYS, hours=1)


def operator(session, email="ops@platform.example"):
    operators.create_operator(session, email=email, password="operator-pass")
    token = operators.login(session, email=email, password="operator-pass")
    return operators.authenticate(session, token)


def product(title="龙井"):
    return {"title": title, "variants": [{"price": 1000, "stock": 3}]}


def test_the_default_plans_are_data_the_public_list_shows(session):
    listed = plans.list_plans(session)
    assert [plan["name"] for plan in listed] == ["免费版", "基础版", "专业版"]
    free, basic, pro = listed
    assert free["monthly_price"] == 0 and basic["monthly_price"] == 6800 and pro["yearly_price"] == 198000
    assert free["limits"]["products"] == 50 and pro["limits"]["products"] is None
    assert "api_keys" not in free["features"] and "custom_domain" in pro["features"]
    assert pro["commission_percent"] == 0.6


def test_a_new_shop_tries_the_paid_plan_then_falls_to_the_free_plan(session, owner):
    now = plan_limits.current_plan(session, owner.shop_id)
    assert (now.plan.code, now.kind) == ("pro", "trial")
    with clock_at(utcnow() + LATER):
        later = plan_limits.current_plan(session, owner.shop_id)
    assert (later.plan.code, later.kind) == ("free", "free")


def test_a_subscription_period_holds_after_the_trial(session, owner):
    basic = next(plan for plan in plan_limits.ensure_plans(session) if plan.code == "basic")
    start = utcnow() + timedelta(days=plan_limits.TRIAL_DAYS)
    plan_limits.add_period(session, owner.shop_id, basic.id, "subscription", starts_at=start, ends_at=start + timedelta(days=30))
    assert plan_limits.current_plan(session, owner.shop_id).plan.code == "pro"
    with clock_at(utcnow() + LATER):
        assert plan_limits.current_plan(session, owner.shop_id).plan.code == "basic"
    with clock_at(utcnow() + LATER + timedelta(days=31)):
        assert plan_limits.current_plan(session, owner.shop_id).plan.code == "free"


def test_the_product_limit_names_the_plan_that_allows_more_and_deletes_nothing(session, owner):
    ops = operator(session)
    free = next(plan for plan in plan_limits.ensure_plans(session) if plan.is_free)
    plans.save_plan(session, ops, {"limits": {"products": 2, "staff": 2, "storage_mb": 500}}, free.id)
    for title in ("一", "二", "三"):
        products.create_product(session, owner, product(title))  # the trial has room
    with clock_at(utcnow() + LATER):
        with pytest.raises(PlanLimit) as refused:
            products.create_product(session, owner, product("四"))
    assert refused.value.params["upgrade_zh"] == "基础版" and refused.value.params["plan_en"] == "Free"
    assert session.exec(select(Product).where(Product.shop_id == owner.shop_id)).all().__len__() == 3


def test_the_staff_limit_counts_open_invitations(session, owner):
    with clock_at(utcnow() + LATER):
        staff.invite(session, owner, email="a@example.com", role="support")  # owner + 1 = the free plan's 2
        with pytest.raises(PlanLimit) as refused:
            staff.invite(session, owner, email="b@example.com", role="support")
    assert refused.value.params["upgrade_zh"] == "基础版"


def test_api_keys_need_a_plan_that_includes_them(session, owner):
    api_keys.create(session, owner, "erp")
    with clock_at(utcnow() + LATER):
        with pytest.raises(PlanLimit) as refused:
            api_keys.create(session, owner, "another")
    assert refused.value.code == "plan_feature_missing" and refused.value.params["upgrade_zh"] == "基础版"


def test_the_operator_edits_a_plan_and_bad_input_changes_nothing(session):
    ops = operator(session)
    basic = next(plan for plan in plan_limits.ensure_plans(session) if plan.code == "basic")
    saved = plans.save_plan(session, ops, {"monthly_price": 7800, "commission_percent": "0.8",
                                           "features": ["api_keys", "affiliates"]}, basic.id)
    assert saved["monthly_price"] == 7800 and saved["commission_bp"] == 80 and saved["features"] == ["affiliates", "api_keys"]
    with pytest.raises(Invalid) as refused:
        plans.save_plan(session, ops, {"monthly_price": -1, "commission_percent": "120", "features": ["teleport"]}, basic.id)
    assert set(refused.value.fields) == {"monthly_price", "commission_percent", "features"}
    assert plans.get_plan(session, basic.id).monthly_price == 7800
    actions = [entry["action"] for entry in audit.list_entries(session)["items"]]
    assert actions == ["update_plan", "operator_login", "create_operator"]


def test_operators_come_from_the_cli_and_never_run_a_shop(session, owner):
    with pytest.raises(Conflict):
        operators.create_operator(session, email="owner@example.com", password="operator-pass")
    ops = operator(session)
    assert ops.email == "ops@platform.example"
    with pytest.raises(Unauthorized):  # an operator has no shop to sign in to
        accounts.login(session, email="ops@platform.example", password="operator-pass")
    assert operators.login(session, email="owner@example.com", password="secret-pass") is None
    owner_token = accounts.sign_in(session, accounts.user_by_email(session, "owner@example.com")).token
    with pytest.raises(NotFound):
        operators.authenticate(session, owner_token)
    invite = staff.invite(session, owner, email="ops@platform.example", role="support")
    with pytest.raises(Exception) as refused:
        staff.accept_invite(session, token=invite, password="operator-pass")
    assert refused.value.code == "operator_cannot_join_shop"


def test_a_suspended_shop_reads_but_writes_nothing_and_restoring_brings_it_back(session, owner):
    made = products.create_product(session, owner, product())
    ops = operator(session)
    with pytest.raises(Invalid):
        suspension.suspend(session, ops, owner.shop_id, "  ")
    suspension.suspend(session, ops, owner.shop_id, "售卖违禁品")
    token = accounts.sign_in(session, accounts.user_by_email(session, "owner@example.com")).token
    paused = accounts.authenticate(session, token)
    assert paused.suspended
    with pytest.raises(ShopSuspended):
        products.create_product(session, paused, product("新品"))
    assert products.list_products(session, paused.shop_id)[1] == 1  # still there, nothing deleted
    assert session.get(Product, made.id) is not None
    with pytest.raises(Conflict):
        suspension.suspend(session, ops, owner.shop_id, "again")
    suspension.restore(session, ops, owner.shop_id, "已整改")
    products.create_product(session, accounts.authenticate(session, token), product("新品"))
    entries = audit.list_entries(session, shop_id=owner.shop_id)["items"]
    assert [(e["action"], e["reason"], e["operator"]) for e in entries] == [
        ("restore_shop", "已整改", "ops@platform.example"), ("suspend_shop", "售卖违禁品", "ops@platform.example"),
    ]


def test_the_shop_list_searches_pages_and_tells_status_and_plan(session, owner):
    make_shop(session, "green-tea")
    ops = operator(session)
    suspension.suspend(session, ops, owner.shop_id, "spam")
    listed = shop_directory.list_shops(session, per_page=1)
    assert listed["total"] == 2 and len(listed["items"]) == 1
    found = shop_directory.list_shops(session, q="tea-house")["items"]
    assert [(s["slug"], s["status"], s["plan"], s["orders_30d"]) for s in found] == [("tea-house", "suspended", "专业版", 0)]
    assert [s["slug"] for s in shop_directory.list_shops(session, status="active")["items"]] == ["green-tea"]
    page = shop_directory.shop_page(session, owner.shop_id)
    assert page["owner"]["email"] == "owner@example.com" and page["suspension"]["reason"] == "spam"
    assert page["plan_history"][0]["kind"] == "trial" and page["audit"][0]["action"] == "suspend_shop"


def test_platform_figures_count_shops_opened_and_active(session, owner):
    make_shop(session, "green-tea")
    figures = platform_figures.figures(session, 7)
    assert len(figures["days"]) == 7 and figures["days"][-1]["shops_opened"] == 2
    assert figures["shops"] == 2 and figures["active_shops"] == 2 and figures["churned_shops"] == 0
    assert figures["plan_revenue"] == 0 and figures["commission"] == 0  # measured by billing (billing.revenue_between)


def test_trial_periods_are_history_that_stays(session, owner):
    with clock_at(utcnow() + LATER):
        plan_limits.current_plan(session, owner.shop_id)
    assert session.exec(select(ShopPlan).where(ShopPlan.shop_id == owner.shop_id)).one().kind == "trial"
    assert session.exec(select(OperatorAudit)).all() == []


def test_reports_reach_back_only_as_far_as_the_plan_allows(session, owner):
    from shopapp.services.analytics import ranges, reports

    old = ranges.period(from_=(shop_today() - timedelta(days=60)).isoformat(), to=shop_today().isoformat())
    reports.overview(session, owner, old)  # the trial includes reports history
    with clock_at(utcnow() + LATER):
        reports.overview(session, owner, ranges.period("30d"))  # the last 30 days: every plan
        with pytest.raises(PlanLimit) as refused:
            reports.overview(session, owner, ranges.period(from_=(shop_today() - timedelta(days=60)).isoformat(),
                                                           to=shop_today().isoformat()))
    assert refused.value.params["feature"] == "reports_history"


def test_concurrent_creations_never_pass_the_plan_limit(session, owner):
    """Eight threads race for the last two places of the free plan's product limit: exactly two win."""
    import threading

    from shopapp.db import session_scope

    ops = operator(session)
    free = plan_limits.free_plan(session)
    plans.save_plan(session, ops, {"limits": {"products": 3, "staff": 2, "storage_mb": 500}}, free.id)
    products.create_product(session, owner, product("一"))
    session.exec(update(ShopPlan).where(ShopPlan.shop_id == owner.shop_id).values(ends_at=utcnow()))
    session.commit()
    start, outcomes = threading.Barrier(8), []

    def create(n: int) -> None:
        start.wait()
        try:
            with session_scope() as session:
                products.create_product(session, owner, product(f"茶{n}"))
            outcomes.append("made")
        except PlanLimit:
            outcomes.append("refused")

    threads = [threading.Thread(target=create, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["made"] * 2 + ["refused"] * 6
    assert products.product_count(session, owner.shop_id) == 3


def test_the_cli_makes_operators_and_says_why_it_will_not(session, owner, capsys):
    from shopapp import cli

    session.commit()  # the fixture's read ends: the CLI writes in a transaction of its own

    assert cli.main(["create-operator", "--email", "Boss@Platform.example", "--password", "operator-pass"]) == 0
    assert "boss@platform.example" in capsys.readouterr().out
    assert cli.main(["create-operator", "--email", "owner@example.com", "--password", "operator-pass"]) == 1
    assert "runs a shop" in capsys.readouterr().err
    assert cli.main(["create-operator", "--email", "new@platform.example", "--password", "short"]) == 1
    assert "password" in capsys.readouterr().err


def test_the_free_plan_keeps_drafts_and_promoters_but_sends_no_campaign_and_starts_no_affiliate_programme(session, owner):
    from shopapp.services.customers import campaigns
    from shopapp.services.marketing import affiliates

    free = plan_limits.free_plan(session)
    session.exec(update(ShopPlan).where(ShopPlan.shop_id == owner.shop_id).values(ends_at=utcnow()))
    session.commit()
    draft = campaigns.create_campaign(session, owner, {"name": "春茶", "subject": "上新", "segment": "new", "body_html": "<p>hi</p>"})
    with pytest.raises(PlanLimit) as refused:
        campaigns.schedule(session, owner, draft["id"])
    assert refused.value.code == "plan_feature_missing" and refused.value.params["plan_zh"] == free.name
    with pytest.raises(PlanLimit):
        affiliates.save_program(session, owner, {"enabled": True, "level1_percent": 10, "level2_percent": 5,
                                                 "binding_days": 30, "settle_days": 7})
    assert campaigns.get_campaign(session, owner, draft["id"])["status"] == "draft"
