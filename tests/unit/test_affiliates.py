"""分销 affiliates, with worked examples: promoters and their codes, links binding shoppers (the first holds),
commissions at two levels on what lines were paid, frozen until the order has completed plus the settle
days, taken back in proportion on refund (after settlement too), and withdrawals never over available."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlmodel import select

from shopapp.db import session_scope
from shopapp.models import AffiliateMove, Commission, Order, Promoter
from shopapp.models.base import clock_at, utcnow
from shopapp.services.checkout import place, shopper_sign_in
from shopapp.services.core.errors import Conflict, Invalid, NotFound
from shopapp.services.customers import shoppers
from shopapp.services.marketing import affiliate_money, affiliate_poster, affiliates
from shopapp.services.orders import payments, refunds, state
from tests.conftest import make_shop
from tests.shopping import ADDRESS, cart_with, product_on_sale

PROGRAM = {"enabled": True, "level1_percent": 10, "level2_percent": 5, "binding_days": 30, "settle_days": 7}


def _program(session, owner, **changes) -> None:
    affiliates.save_program(session, owner, {**PROGRAM, **changes})
    session.commit()


def _shopper(session, owner, email: str) -> tuple[int, str]:
    logged_in = shoppers.register(session, owner.shop_id, email=email, password="secret-pass")
    session.commit()
    return logged_in.customer["id"], logged_in.token


def _promoter(session, owner, email: str, invite_code: str | None = None) -> tuple[int, str]:
    customer_id, _ = _shopper(session, owner, email)
    made = affiliates.become_promoter(session, owner.shop_id, customer_id, invite_code)
    session.commit()
    return customer_id, made["code"]


def _buy(session, owner, token: str, *lines, pay: bool = True) -> Order:
    cart = cart_with(session, owner.shop_id, *lines)
    placed = place.place_order(session, owner.shop_id, cart, "buyer@example.com", dict(ADDRESS), customer_token=token)
    if pay:
        payments.sandbox_pay(session, placed["payment"]["id"], "success")
    session.commit()
    return session.get(Order, placed["order_id"], populate_existing=True)


def _complete(session, order: Order) -> None:
    state.transition(session, order, "completed", "system")
    session.commit()


def _balances(session, owner, customer_id: int) -> tuple[int, int, int, int]:
    row = affiliates.promoter_of(session, owner.shop_id, customer_id)
    return row.frozen, row.available, row.requested, row.withdrawn


def _chain(session, owner):
    """Li invites Wang; the buyer came by Wang's link: Wang is level 1, Li level 2."""
    _program(session, owner)
    li, li_code = _promoter(session, owner, "li@example.com")
    wang, wang_code = _promoter(session, owner, "wang@example.com", invite_code=li_code)
    buyer, token = _shopper(session, owner, "buyer@example.com")
    assert affiliates.bind(session, owner.shop_id, buyer, wang_code)
    session.commit()
    return li, wang, buyer, token


# The programme ---------------------------------------------------------------------------------

def test_the_programme_is_off_until_saved_and_bad_settings_change_nothing(session, owner):
    assert affiliates.read_program(session, owner) == {**PROGRAM, "enabled": False}
    _program(session, owner, level1_percent=12)
    for bad, field, code in (
        ({"level1_percent": 51}, "level1_percent", "commission_percent_too_high"),
        ({"level2_percent": -1}, "level2_percent", "must_not_be_negative"),
        ({"binding_days": 0}, "binding_days", "must_be_positive"),
        ({"settle_days": "soon"}, "settle_days", "must_be_whole_number"),
        ({"enabled": "yes"}, "enabled", "yes_or_no"),
    ):
        with pytest.raises(Invalid) as refused:
            affiliates.save_program(session, owner, {**PROGRAM, **bad})
        assert refused.value.fields[field] == code
    session.rollback()
    assert affiliates.read_program(session, owner)["level1_percent"] == 12


# Promoters and bindings ------------------------------------------------------------------------

def test_a_shopper_becomes_a_promoter_once_with_a_code_and_a_link(session, owner):
    customer_id, _ = _shopper(session, owner, "mei@example.com")
    with pytest.raises(Conflict, match="affiliate_program_off"):
        affiliates.become_promoter(session, owner.shop_id, customer_id)
    _program(session, owner)
    made = affiliates.become_promoter(session, owner.shop_id, customer_id)
    assert made["created"] and len(made["code"]) == 8
    assert made["link"].endswith(f"/s/tea-house?ref={made['code']}")
    again = affiliates.become_promoter(session, owner.shop_id, customer_id)
    assert (again["code"], again["created"]) == (made["code"], False)


def test_an_invite_code_makes_the_inviter_level_two_and_another_shops_code_is_refused(session, owner):
    _program(session, owner)
    _, li_code = _promoter(session, owner, "li@example.com")
    other = make_shop(session, "other-shop")
    _program(session, other)
    _, foreign_code = _promoter(session, other, "far@example.com")
    wang, _ = _shopper(session, owner, "wang@example.com")

    for bad in (foreign_code, "NOPE1234", "x" * 40):
        with pytest.raises(Invalid) as refused:
            affiliates.become_promoter(session, owner.shop_id, wang, bad)
        assert refused.value.fields == {"invite_code": "promoter_code_unknown"}
    assert affiliates.promoter_of(session, owner.shop_id, wang) is None  # nothing changed

    affiliates.become_promoter(session, owner.shop_id, wang, li_code.lower())  # typed in lower case
    li = affiliates.promoter_by_code(session, owner.shop_id, li_code)
    assert affiliates.promoter_of(session, owner.shop_id, wang).inviter_id == li.id


def test_the_first_binding_holds_until_it_runs_out(session, owner):
    _program(session, owner, binding_days=30)
    _, first = _promoter(session, owner, "li@example.com")
    _, second = _promoter(session, owner, "wang@example.com")
    buyer, _ = _shopper(session, owner, "buyer@example.com")

    assert affiliates.bind(session, owner.shop_id, buyer, first)
    assert not affiliates.bind(session, owner.shop_id, buyer, second)  # the first holds
    assert affiliates.binding_dict(session, owner.shop_id, buyer)["promoter_code"] == first
    with clock_at(utcnow() + timedelta(days=31)):
        assert affiliates.bind(session, owner.shop_id, buyer, second)  # ran out: the new link binds
        assert affiliates.binding_dict(session, owner.shop_id, buyer)["promoter_code"] == second


def test_ones_own_code_another_shops_or_an_unknown_one_binds_nobody(session, owner):
    _program(session, owner)
    li, li_code = _promoter(session, owner, "li@example.com")
    other = make_shop(session, "other-shop")
    _program(session, other)
    _, foreign_code = _promoter(session, other, "far@example.com")
    buyer, _ = _shopper(session, owner, "buyer@example.com")

    assert not affiliates.bind(session, owner.shop_id, li, li_code)  # a visit through one's own link
    assert not affiliates.bind(session, owner.shop_id, buyer, foreign_code)
    with pytest.raises(Invalid) as refused:
        affiliates.bind(session, owner.shop_id, li, li_code, strict=True)
    assert refused.value.fields == {"ref": "own_promoter_code"}
    with pytest.raises(Invalid) as refused:
        affiliates.bind(session, owner.shop_id, buyer, foreign_code, strict=True)
    assert refused.value.fields == {"ref": "promoter_code_unknown"}
    assert affiliates.binding_dict(session, owner.shop_id, buyer) is None


def test_signing_up_through_a_link_binds_the_new_shopper(session, owner):
    _program(session, owner)
    _, code = _promoter(session, owner, "li@example.com")
    joined = shopper_sign_in.register(session, owner.shop_id, email="new@example.com", password="secret-pass", ref=code)
    binding = affiliates.binding_dict(session, owner.shop_id, joined.customer["id"])
    assert (binding["promoter_code"], binding["via"], binding["active"]) == (code, "signup", True)
    # A code that is not the shop's never stops a sign-up.
    quiet = shopper_sign_in.register(session, owner.shop_id, email="n2@example.com", password="secret-pass", ref="NOPE")
    assert affiliates.binding_dict(session, owner.shop_id, quiet.customer["id"]) is None


def test_logging_in_through_a_link_binds_a_shopper_who_had_no_binding(session, owner):
    _program(session, owner)
    _, code = _promoter(session, owner, "li@example.com")
    buyer, _ = _shopper(session, owner, "buyer@example.com")
    shopper_sign_in.log_in(session, owner.shop_id, email="buyer@example.com", password="secret-pass", ref=code)
    assert affiliates.binding_dict(session, owner.shop_id, buyer)["via"] == "login"
    shopper_sign_in.log_in(session, owner.shop_id, email="buyer@example.com", password="secret-pass")  # no link: unchanged
    assert affiliates.binding_dict(session, owner.shop_id, buyer)["promoter_code"] == code


# Commissions -----------------------------------------------------------------------------------

def test_commission_is_a_percent_of_paid_merchandise_at_two_levels_frozen_when_paid(session, owner):
    li, wang, buyer, token = _chain(session, owner)
    tea = product_on_sale(session, owner, price=3_899, stock=20)
    order = _buy(session, owner, token, (tea, 2))
    assert order.shipping_total > 0  # shipping earns nothing
    # 10 % of ¥77.98 = 779.8 → 780 分; 5 % = 389.9 → 390 分 (rounded half up).
    assert _balances(session, owner, wang) == (780, 0, 0, 0)
    assert _balances(session, owner, li) == (390, 0, 0, 0)
    mine = affiliate_money.promoter_view(session, owner.shop_id, wang)
    assert [(c["order_no"], c["level"], c["amount"], c["status"]) for c in mine["commissions"]] == [
        (order.order_no, 1, 780, "frozen")]
    assert mine["team"] == {"level1": 1, "level2": 0, "invited": 0}
    assert affiliate_money.promoter_view(session, owner.shop_id, li)["team"] == {"level1": 0, "level2": 1, "invited": 1}


def test_an_unpaid_order_a_guest_or_an_unbound_shopper_earns_nobody_anything(session, owner):
    _program(session, owner)
    _promoter(session, owner, "li@example.com")
    _, token = _shopper(session, owner, "buyer@example.com")
    tea = product_on_sale(session, owner, stock=20)
    _buy(session, owner, token, (tea, 1))
    _buy(session, owner, "", (tea, 1))
    assert session.exec(select(Commission)).all() == []


def test_level_two_is_never_paid_to_the_buyer_themselves(session, owner):
    _program(session, owner)
    li, li_code = _promoter(session, owner, "li@example.com")
    _, wang_code = _promoter(session, owner, "wang@example.com", invite_code=li_code)
    li_token = shoppers.log_in(session, owner.shop_id, email="li@example.com", password="secret-pass").token
    affiliates.bind(session, owner.shop_id, li, wang_code)
    session.commit()
    tea = product_on_sale(session, owner, price=10_000, stock=5)
    _buy(session, owner, li_token, (tea, 1))
    assert [(c.level, c.amount) for c in session.exec(select(Commission)).all()] == [(1, 1_000)]


def test_commission_becomes_available_settle_days_after_the_order_completes(session, owner):
    _, wang, _, token = _chain(session, owner)
    tea = product_on_sale(session, owner, price=10_000, stock=5)
    order = _buy(session, owner, token, (tea, 1))
    assert affiliate_money.settle_due(session) == 0  # paid, not completed
    _complete(session, order)
    assert affiliate_money.settle_due(session) == 0  # completed today: 7 days to go
    with clock_at(utcnow() + timedelta(days=6, hours=23)):
        assert affiliate_money.settle_due(session) == 0
    with clock_at(utcnow() + timedelta(days=7, minutes=1)):
        assert affiliate_money.settle_due(session) == 2  # both levels
        assert affiliate_money.settle_due(session) == 0  # never twice
    assert _balances(session, owner, wang) == (0, 1_000, 0, 0)


def test_with_no_settle_days_commission_is_available_when_the_order_completes(session, owner):
    _, wang, _, token = _chain(session, owner)
    _program(session, owner, settle_days=0)
    tea = product_on_sale(session, owner, price=10_000, stock=5)
    _complete(session, _buy(session, owner, token, (tea, 1)))
    assert _balances(session, owner, wang) == (0, 1_000, 0, 0)


def test_a_refund_before_settlement_takes_back_its_share_of_the_frozen_commission(session, owner):
    li, wang, _, token = _chain(session, owner)
    tea = product_on_sale(session, owner, price=5_000, stock=20)
    order = _buy(session, owner, token, (tea, 4))  # ¥200: 2 000 and 1 000 分
    item = state.order_items(session, order)[0]
    refunds.refund(session, owner, order.id, None, "退一件", [{"order_item_id": item.id, "qty": 1}])
    session.commit()
    assert _balances(session, owner, wang) == (1_500, 0, 0, 0)
    assert _balances(session, owner, li) == (750, 0, 0, 0)
    refunds.refund(session, owner, order.id, None, "全退", [{"order_item_id": item.id, "qty": 3}])
    session.commit()
    assert _balances(session, owner, wang) == (0, 0, 0, 0)
    assert {c.status for c in session.exec(select(Commission)).all()} == {"reversed"}


def test_a_refund_after_settlement_and_withdrawal_leaves_a_negative_balance_that_later_commission_offsets(session, owner):
    _, wang, buyer, token = _chain(session, owner)
    _program(session, owner, settle_days=0)
    tea = product_on_sale(session, owner, price=10_000, stock=20)
    order = _buy(session, owner, token, (tea, 1))
    _complete(session, order)
    withdrawal = affiliate_money.request_withdrawal(session, owner.shop_id, wang, 1_000)
    affiliate_money.decide_withdrawal(session, owner, withdrawal["id"], True)
    session.commit()
    assert _balances(session, owner, wang) == (0, 0, 0, 1_000)

    item = state.order_items(session, order)[0]
    refunds.refund(session, owner, order.id, None, "退货", [{"order_item_id": item.id, "qty": 1}])
    session.commit()
    assert _balances(session, owner, wang) == (0, -1_000, 0, 1_000)  # owed back: nothing more can be withdrawn
    with pytest.raises(Invalid):
        affiliate_money.request_withdrawal(session, owner.shop_id, wang, 1)

    _complete(session, _buy(session, owner, token, (tea, 2)))  # 2 000 分 earned: 1 000 offset, 1 000 left
    assert _balances(session, owner, wang) == (0, 1_000, 0, 1_000)
    moves = session.exec(select(AffiliateMove).where(AffiliateMove.promoter_id == _id(session, owner, wang))).all()
    assert sum(m.available_delta for m in moves) == 1_000 and sum(m.withdrawn_delta for m in moves) == 1_000


def _id(session, owner, customer_id: int) -> int:
    return affiliates.promoter_of(session, owner.shop_id, customer_id).id


# Withdrawals -----------------------------------------------------------------------------------

def _earned(session, owner, amount_yuan: int = 100) -> tuple[int, int]:
    """Wang has ¥`amount_yuan` × 10 % available."""
    li, wang, _, token = _chain(session, owner)
    _program(session, owner, settle_days=0)
    tea = product_on_sale(session, owner, price=amount_yuan * 100, stock=20)
    _complete(session, _buy(session, owner, token, (tea, 1)))
    return li, wang


def test_a_withdrawal_never_takes_more_than_available_and_bad_amounts_change_nothing(session, owner):
    _, wang = _earned(session, owner)
    for bad, code in ((1_001, "withdrawal_over_available"), (0, "must_be_positive"), (-5, "must_not_be_negative"),
                      ("lots", "must_be_whole_number"), (None, "must_be_whole_number")):
        with pytest.raises(Invalid) as refused:
            affiliate_money.request_withdrawal(session, owner.shop_id, wang, bad)
        assert refused.value.fields == {"amount": code}
    session.rollback()
    assert _balances(session, owner, wang) == (0, 1_000, 0, 0)
    buyer, _ = _shopper(session, owner, "nobody@example.com")
    with pytest.raises(NotFound, match="not_a_promoter"):
        affiliate_money.request_withdrawal(session, owner.shop_id, buyer, 100)


def test_the_owner_approves_once_or_rejects_and_the_ledger_says_so(session, owner):
    _, wang = _earned(session, owner)
    first = affiliate_money.request_withdrawal(session, owner.shop_id, wang, 600)
    second = affiliate_money.request_withdrawal(session, owner.shop_id, wang, 400)
    session.commit()
    assert (first["status"], _balances(session, owner, wang)) == ("requested", (0, 0, 1_000, 0))
    assert affiliate_money.decide_withdrawal(session, owner, first["id"], True)["status"] == "approved"
    with pytest.raises(Conflict, match="withdrawal_decided"):
        affiliate_money.decide_withdrawal(session, owner, first["id"], False)
    affiliate_money.decide_withdrawal(session, owner, second["id"], False, "账户信息不全")
    session.commit()
    assert _balances(session, owner, wang) == (0, 400, 0, 600)
    listed = affiliate_money.list_withdrawals(session, owner)
    assert [(w["amount"], w["status"]) for w in listed["items"]] == [(400, "rejected"), (600, "approved")]
    kinds = [m.kind for m in session.exec(select(AffiliateMove).order_by(AffiliateMove.id)).all()]
    assert kinds[-4:] == ["withdrawal_requested", "withdrawal_requested", "withdrawal_approved", "withdrawal_rejected"]
    assert affiliate_money.figures(session, owner.shop_id)["withdrawn"] == 600


def test_another_shops_withdrawal_is_not_found(session, owner):
    _, wang = _earned(session, owner)
    asked = affiliate_money.request_withdrawal(session, owner.shop_id, wang, 100)
    session.commit()
    other = make_shop(session, "other-shop")
    with pytest.raises(NotFound):
        affiliate_money.decide_withdrawal(session, other, asked["id"], True)
    assert affiliate_money.list_commissions(session, other)["total"] == 0


def test_two_withdrawals_at_once_never_take_the_same_money(session, owner):
    _, wang = _earned(session, owner)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def ask() -> None:
        start.wait()
        try:
            with session_scope() as own:
                affiliate_money.request_withdrawal(own, owner.shop_id, wang, 800)
            outcomes.append("requested")
        except Invalid as refused:
            outcomes.append(refused.fields["amount"])

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["requested", "withdrawal_over_available"]
    session.expire_all()
    assert _balances(session, owner, wang) == (0, 200, 800, 0)


# The poster ------------------------------------------------------------------------------------

def test_the_share_poster_is_a_png_for_the_shops_own_promoters_only(session, owner):
    _program(session, owner)
    _, code = _promoter(session, owner, "li@example.com")
    png = affiliate_poster.poster_png(session, owner.shop_id, code)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 2_000
    other = make_shop(session, "other-shop")
    with pytest.raises(NotFound):
        affiliate_poster.poster_png(session, other.shop_id, code)
    assert session.exec(select(Promoter)).all()[0].code == code
