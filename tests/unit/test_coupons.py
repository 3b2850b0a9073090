"""Coupons (优惠券 / 优惠码): step 4 of PRICING.md with worked examples, the owner's coupons, claiming,
the wallet, one-time codes, and a coupon used once however many checkouts try at the same moment."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlmodel import select

from shopapp.db import session_scope
from shopapp.models import Coupon, CustomerCoupon, Order, OrderItem, Variant
from shopapp.models.base import utcnow
from shopapp.services.catalog import categories, products
from shopapp.services.checkout import cart, place, shipping
from shopapp.services.checkout import pricing as cart_pricing
from shopapp.services.checkout import quote as checkout_quote
from shopapp.services.core.errors import Conflict, Invalid
from shopapp.services.customers import shoppers
from shopapp.services.marketing import coupon_forms, coupons
from shopapp.services.marketing.offers import Choices, Offers, checked_choices
from shopapp.services.orders import cancel, payments, refunds
from tests.conftest import make_shop
from tests.shopping import ADDRESS, cart_with, order_wide_saving, product_on_sale


def _offer(**fields) -> coupons.CouponOffer:
    plain = {"id": 1, "name": "优惠券", "kind": "amount", "amount_off": 0, "percent_off": 0, "max_off": None,
             "min_amount": 0, "product_ids": None, "combines_with_promotions": True}
    return coupons.CouponOffer(**{**plain, **fields})


def _priced(session, shop_id: int, token: str, coupon=None):
    lines = cart.cart_lines(session, cart.load_cart(session, shop_id, token))
    method = shipping.method_for_checkout(session, shop_id, None, "浙江省", {})
    return cart_pricing.price_cart(lines, shipping_method=method, offers=Offers(shop_id=shop_id, coupon=coupon))


def _coupon(session, owner, **fields) -> dict:
    now = utcnow()
    data = {"name": "满100减20", "kind": "amount", "amount_off": 2000, "min_amount": 10000,
            "starts_at": (now - timedelta(hours=1)).isoformat(), "ends_at": (now + timedelta(days=30)).isoformat(), **fields}
    made = coupons.create_coupon(session, owner, data)
    session.commit()
    return made


def _shopper(session, shop_id: int, email: str = "amy@example.com") -> str:
    token = shoppers.register(session, shop_id, email=email, password="secret-pass").token
    session.commit()
    return token


@pytest.fixture
def with_manjian(monkeypatch):
    """A 满减 of ¥10 on every line as step 3 (the promotions' own step is built elsewhere)."""
    step = order_wide_saving(1000)
    monkeypatch.setattr(cart_pricing, "_order_promotions", step)
    monkeypatch.setattr(cart_pricing, "DISCOUNT_STEPS", (cart_pricing._quantity_deals, step, cart_pricing._coupon, cart_pricing._points))


# Step 4, worked examples ------------------------------------------------------------------------

def test_an_amount_coupon_never_saves_more_than_the_lines_it_covers(session, owner):
    tea = product_on_sale(session, owner, price=3800)
    token = cart_with(session, owner.shop_id, (tea, 1))
    priced = _priced(session, owner.shop_id, token, _offer(amount_off=5000))
    assert [(d["source"], d["amount"]) for d in priced.as_dict()["discounts"]] == [("coupon", 3800)]
    assert priced.items[0].paid == 0 and priced.total == priced.shipping_total


def test_a_percent_coupon_rounds_half_up_and_stops_at_its_cap(session, owner):
    cake = product_on_sale(session, owner, price=3333, sku="CAKE", title="月饼")
    token = cart_with(session, owner.shop_id, (cake, 1))
    # 15 % of ¥33.33 = 499.95 分 -> 500 分
    assert _priced(session, owner.shop_id, token, _offer(kind="percent", percent_off=15)).discount_total == 500
    tea = product_on_sale(session, owner, price=3800)
    token = cart_with(session, owner.shop_id, (tea, 2))
    # 15 % of ¥76 = ¥11.40, capped at ¥10
    assert _priced(session, owner.shop_id, token, _offer(kind="percent", percent_off=15, max_off=1000)).discount_total == 1000


def test_a_coupon_short_of_its_threshold_saves_nothing_and_the_quote_says_how_much_is_missing(session, owner):
    tea = product_on_sale(session, owner, price=3800)
    token = cart_with(session, owner.shop_id, (tea, 2))
    assert _priced(session, owner.shop_id, token, _offer(amount_off=2000, min_amount=10000)).discount_total == 0
    made = _coupon(session, owner, code="SAVE20")
    shopper = _shopper(session, owner.shop_id)
    quoted = checkout_quote.quote(session, owner.shop_id, token, customer_token=shopper,
                                  choices=checked_choices(coupon_code="save20"))
    assert quoted["chosen_coupon"] is None and quoted["discount_total"] == 0
    assert quoted["coupons"][0].items() >= {"id": made["id"], "usable": False, "reason": "coupon_threshold_not_reached", "missing": 2400}.items()
    assert quoted["coupon_problem"] == {"field": "coupon_code", "reason": "coupon_threshold_not_reached", "missing": 2400}


def test_the_threshold_is_checked_after_the_manjian(session, owner, with_manjian):
    tea = product_on_sale(session, owner, price=5000)
    token = cart_with(session, owner.shop_id, (tea, 2))  # ¥100, ¥90 after the 满减
    priced = _priced(session, owner.shop_id, token, _offer(amount_off=2000, min_amount=10000))
    assert [(d.source, d.amount) for d in priced.discounts] == [("tiered", 1000)]
    priced = _priced(session, owner.shop_id, token, _offer(amount_off=2000, min_amount=9000))
    assert [(d.source, d.amount) for d in priced.discounts] == [("tiered", 1000), ("coupon", 2000)]


def test_a_coupon_for_some_products_takes_only_from_their_lines(session, owner):
    tea = product_on_sale(session, owner, price=4000)
    cake = product_on_sale(session, owner, price=2000, sku="CAKE", title="月饼")
    token = cart_with(session, owner.shop_id, (tea, 1), (cake, 1))
    lines = cart.cart_lines(session, cart.load_cart(session, owner.shop_id, token))
    priced = _priced(session, owner.shop_id, token, _offer(kind="percent", percent_off=10, product_ids=frozenset({lines[1].product.id})))
    assert [item.paid for item in priced.items] == [4000, 1800]


def test_a_free_shipping_coupon_waives_the_fee_and_is_listed(session, owner):
    tea = product_on_sale(session, owner, price=3800)
    token = cart_with(session, owner.shop_id, (tea, 1))
    assert _priced(session, owner.shop_id, token).shipping_total == 1000
    priced = _priced(session, owner.shop_id, token, _offer(kind="free_shipping"))
    assert priced.shipping_total == 0 and priced.total == 3800
    assert [(d.source, d.amount, d.free_shipping) for d in priced.discounts] == [("coupon", 0, True)]


def test_a_coupon_that_does_not_combine_drops_the_manjian(session, owner, with_manjian):
    tea = product_on_sale(session, owner, price=5000)
    token = cart_with(session, owner.shop_id, (tea, 2))
    priced = _priced(session, owner.shop_id, token, _offer(amount_off=500, combines_with_promotions=False))
    assert [(d.source, d.amount) for d in priced.discounts] == [("coupon", 500)]


def test_the_quote_picks_the_coupon_that_saves_most_and_lists_the_others(session, owner, with_manjian):
    tea = product_on_sale(session, owner, price=5000)
    token = cart_with(session, owner.shop_id, (tea, 2))
    shopper = _shopper(session, owner.shop_id)
    small = _coupon(session, owner, name="减5", amount_off=500, min_amount=0, claimable=True)
    alone = _coupon(session, owner, name="减12 不同享", amount_off=1200, min_amount=0, claimable=True, combines_with_promotions=False)
    big = _coupon(session, owner, name="减8", amount_off=800, min_amount=0, claimable=True)
    far = _coupon(session, owner, name="满500减100", amount_off=10000, min_amount=50000, claimable=True)
    for made in (small, alone, big, far):
        coupons.claim(session, owner.shop_id, shopper, made["id"])
    session.commit()
    quoted = checkout_quote.quote(session, owner.shop_id, token, customer_token=shopper)
    assert quoted["chosen_coupon"]["id"] == big["id"] and quoted["discount_total"] == 1800
    savings = {c["name"]: (c["saving"], c["usable"], c.get("reason")) for c in quoted["coupons"]}
    # 不同享: ¥12 off but the ¥10 满减 is dropped, so it really saves ¥2
    assert savings == {"减5": (500, True, None), "减12 不同享": (200, True, None), "减8": (800, True, None),
                       "满500减100": (0, False, "coupon_threshold_not_reached")}
    alone_entry = next(c for c in quoted["coupons"] if c["id"] == alone["id"])
    assert alone_entry["drops_promotions"] and alone_entry["dropped"] == [{"source": "tiered", "id": 7, "label": "满减", "amount": 1000}]
    none = checkout_quote.quote(session, owner.shop_id, token, customer_token=shopper, choices=Choices(customer_coupon_id=0))
    assert none["chosen_coupon"] is None and none["discount_total"] == 1000


# The owner's coupons -------------------------------------------------------------------------------

def test_a_coupon_with_bad_fields_is_refused_with_every_reason_and_nothing_is_saved(session, owner):
    now = utcnow()
    with pytest.raises(Invalid) as refused:
        coupons.create_coupon(session, owner, {
            "name": "", "kind": "percent", "percent_off": 120, "starts_at": now.isoformat(),
            "ends_at": (now - timedelta(days=1)).isoformat(), "code": "no", "total_quantity": 0,
        })
    assert refused.value.fields == {"name": "required", "percent_off": "number_too_large", "ends_at": "ends_before_start",
                                    "code": "coupon_code_invalid", "total_quantity": "quantity_invalid"}
    assert session.exec(select(Coupon)).all() == []


def test_a_public_code_is_stored_upper_case_and_unique_in_the_shop(session, owner):
    made = _coupon(session, owner, code=" vip 2026 ")
    assert made["code"] == "VIP2026" and made["status"] == "active" and made["description"] == "满¥100减¥20"
    with pytest.raises(Invalid) as refused:
        _coupon(session, owner, code="Vip2026")
    assert refused.value.fields == {"code": "coupon_code_taken"}
    other = make_shop(session, "other-shop")
    assert _coupon(session, other, code="VIP2026")["code"] == "VIP2026"  # each shop its own codes


def test_an_ended_coupon_can_no_longer_be_claimed(session, owner):
    made = _coupon(session, owner, claimable=True)
    shopper = _shopper(session, owner.shop_id)
    assert coupons.end_coupon(session, owner, made["id"])["status"] == "ended"
    with pytest.raises(Conflict) as refused:
        coupons.claim(session, owner.shop_id, shopper, made["id"])
    assert refused.value.code == "coupon_ended"
    assert coupons.claimable_coupons(session, owner.shop_id) == []


# Claiming and issuing ------------------------------------------------------------------------------

def test_thirty_shoppers_claiming_five_coupons_at_once_get_exactly_five(session, owner):
    made = _coupon(session, owner, claimable=True, total_quantity=5)
    tokens = [_shopper(session, owner.shop_id, f"s{n}@example.com") for n in range(30)]
    outcomes = _at_once([lambda t=t: coupons.claim(_own(), owner.shop_id, t, made["id"]) for t in tokens])
    assert outcomes.count("ok") == 5 and outcomes.count("coupon_sold_out") == 25
    session.expire_all()
    assert session.get(Coupon, made["id"]).issued == 5
    assert len(session.exec(select(CustomerCoupon)).all()) == 5


def test_one_shopper_claiming_ten_times_at_once_gets_their_limit(session, owner):
    made = _coupon(session, owner, claimable=True, per_customer_limit=2)
    token = _shopper(session, owner.shop_id)
    outcomes = _at_once([lambda: coupons.claim(_own(), owner.shop_id, token, made["id"]) for _ in range(10)])
    assert outcomes.count("ok") <= 2 and set(outcomes) <= {"ok", "coupon_limit_reached"}
    session.expire_all()
    held = session.exec(select(CustomerCoupon).where(CustomerCoupon.coupon_id == made["id"])).all()
    assert len(held) == outcomes.count("ok") and session.get(Coupon, made["id"]).issued == len(held)
    with pytest.raises(Conflict) as refused:
        for _ in range(3):
            coupons.claim(session, owner.shop_id, token, made["id"])
    assert refused.value.code == "coupon_limit_reached"


def test_issuing_to_chosen_shoppers_says_who_was_skipped_and_why(session, owner):
    made = _coupon(session, owner, total_quantity=2)
    _shopper(session, owner.shop_id, "amy@example.com")
    _shopper(session, owner.shop_id, "bob@example.com")
    _shopper(session, owner.shop_id, "cat@example.com")
    answer = coupons.issue(session, owner, made["id"], {"emails": ["Amy@example.com", "nobody@example.com", "amy@example.com", "bob@example.com", "cat@example.com"]})
    assert answer == {"issued": 2, "skipped": [{"who": "nobody@example.com", "reason": "not_a_customer"},
                                                {"who": "cat@example.com", "reason": "coupon_sold_out"}]}


# Using it at checkout ------------------------------------------------------------------------------

def test_a_claimed_coupon_is_used_by_the_order_and_given_back_when_the_unpaid_order_is_cancelled(session, owner):
    tea = product_on_sale(session, owner, price=6000)
    made = _coupon(session, owner, claimable=True)
    shopper = _shopper(session, owner.shop_id)
    coupons.claim(session, owner.shop_id, shopper, made["id"])
    token = cart_with(session, owner.shop_id, (tea, 2))
    placed = place.place_order(session, owner.shop_id, token, "amy@example.com", dict(ADDRESS), customer_token=shopper)
    order = session.get(Order, placed["order_id"])
    assert order.discount_total == 2000 and order.discounts[0]["source"] == "coupon"
    assert [item["status"] for item in coupons.wallet(session, owner.shop_id, shopper)["items"]] == ["used"]
    cancel.cancel_my_order(session, owner.shop_id, order.order_no, placed["token"])
    session.flush()
    session.expire_all()
    assert [item["status"] for item in coupons.wallet(session, owner.shop_id, shopper)["items"]] == ["unused"]
    assert coupons.get_coupon(session, owner, made["id"])["used"] == 0


def test_ten_checkouts_at_once_by_one_shopper_use_a_one_use_coupon_once(session, owner):
    """saleor#544: a one-use coupon used twice by concurrent checkouts."""
    tea = product_on_sale(session, owner, price=6000, stock=100)
    made = _coupon(session, owner, claimable=True)
    shopper = _shopper(session, owner.shop_id)
    entry = coupons.claim(session, owner.shop_id, shopper, made["id"])
    session.commit()
    tokens = [cart_with(session, owner.shop_id, (tea, 2)) for _ in range(10)]
    choice = Choices(customer_coupon_id=entry["id"])

    def checkout(token: str) -> None:
        with session_scope() as own:
            place.place_order(own, owner.shop_id, token, "amy@example.com", dict(ADDRESS), customer_token=shopper, choices=choice)

    outcomes = _at_once([lambda t=t: checkout(t) for t in tokens])
    assert outcomes.count("ok") == 1 and set(outcomes) <= {"ok", "coupon_already_used", "invalid_input"}
    session.expire_all()
    assert coupons.get_coupon(session, owner, made["id"])["used"] == 1
    assert len(session.exec(select(Order)).all()) == 1


def test_a_code_typed_in_lower_case_with_spaces_is_accepted_and_claimed_at_checkout(session, owner):
    tea = product_on_sale(session, owner, price=6000)
    made = _coupon(session, owner, code="SPRING20")
    shopper = _shopper(session, owner.shop_id)
    token = cart_with(session, owner.shop_id, (tea, 2))
    placed = place.place_order(session, owner.shop_id, token, "amy@example.com", dict(ADDRESS), customer_token=shopper,
                               choices=checked_choices(coupon_code=" spring 20 "))
    assert session.get(Order, placed["order_id"]).discount_total == 2000
    session.expire_all()
    shown = coupons.get_coupon(session, owner, made["id"])
    assert (shown["issued"], shown["used"]) == (1, 1)


@pytest.mark.parametrize("how", ["another_shop", "expired", "ended", "unknown"])
def test_a_code_that_cannot_be_used_is_refused_with_its_reason_and_nothing_changes(session, owner, how):
    tea = product_on_sale(session, owner, price=6000)
    shopper = _shopper(session, owner.shop_id)
    now = utcnow()
    if how == "another_shop":
        _coupon(session, make_shop(session, "other-shop"), code="ELSEWHERE")
    elif how == "expired":
        _coupon(session, owner, code="ELSEWHERE", starts_at=(now - timedelta(days=9)).isoformat(), ends_at=(now - timedelta(days=1)).isoformat())
    elif how == "ended":
        coupons.end_coupon(session, owner, _coupon(session, owner, code="ELSEWHERE")["id"])
    token = cart_with(session, owner.shop_id, (tea, 2))
    with pytest.raises(Invalid) as refused:
        place.place_order(session, owner.shop_id, token, "amy@example.com", dict(ADDRESS), customer_token=shopper,
                          choices=checked_choices(coupon_code="elsewhere"))
    expected = {"another_shop": "coupon_not_found", "unknown": "coupon_not_found", "expired": "coupon_expired", "ended": "coupon_ended"}
    assert refused.value.fields == {"coupon_code": expected[how]}
    assert session.exec(select(Order)).all() == []


def test_one_time_codes_are_unique_and_each_pays_for_one_order(session, owner):
    tea = product_on_sale(session, owner, price=6000)
    made = _coupon(session, owner)
    codes = coupons.generate_codes(session, owner, made["id"], {"count": 200})["codes"]
    assert len(set(codes)) == 200 and all(len(code) == 10 for code in codes)
    with pytest.raises(Invalid):
        coupons.generate_codes(session, owner, made["id"], {"count": 10_001})
    first = place.place_order(session, owner.shop_id, cart_with(session, owner.shop_id, (tea, 2)), "guest@example.com",
                              dict(ADDRESS), choices=checked_choices(coupon_code=codes[0].lower()))
    assert session.get(Order, first["order_id"]).discount_total == 2000
    with pytest.raises(Invalid) as refused:
        place.place_order(session, owner.shop_id, cart_with(session, owner.shop_id, (tea, 2)), "guest@example.com",
                          dict(ADDRESS), choices=checked_choices(coupon_code=codes[0]))
    assert refused.value.fields == {"coupon_code": "coupon_already_used"}


def test_a_chosen_coupon_short_of_its_threshold_refuses_the_order_with_the_amount_missing(session, owner):
    tea = product_on_sale(session, owner, price=3800)
    made = _coupon(session, owner, claimable=True)
    shopper = _shopper(session, owner.shop_id)
    entry = coupons.claim(session, owner.shop_id, shopper, made["id"])
    token = cart_with(session, owner.shop_id, (tea, 1))
    with pytest.raises(Invalid) as refused:
        place.place_order(session, owner.shop_id, token, "amy@example.com", dict(ADDRESS), customer_token=shopper,
                          choices=Choices(customer_coupon_id=entry["id"]))
    assert refused.value.fields == {"customer_coupon_id": "coupon_threshold_not_reached"} and refused.value.params == {"missing": "¥62"}


# Helpers -------------------------------------------------------------------------------------------

def _own():
    """A session of the thread's own, committed when the work is done (see _at_once)."""
    return _THREAD.session


_THREAD = threading.local()


def _at_once(jobs) -> list[str]:
    """Every job at the same moment in its own thread and transaction: "ok" or the refusal's code."""
    start = threading.Barrier(len(jobs))
    outcomes: list[str] = []

    def run(job) -> None:
        start.wait()
        try:
            with session_scope() as own:
                _THREAD.session = own
                job()
            outcomes.append("ok")
        except (Conflict, Invalid) as refused:
            outcomes.append(refused.code)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_an_unpaid_order_that_expires_gives_its_coupon_back(session, owner):
    tea = product_on_sale(session, owner, price=6000)
    made = _coupon(session, owner, claimable=True)
    shopper = _shopper(session, owner.shop_id)
    coupons.claim(session, owner.shop_id, shopper, made["id"])
    placed = place.place_order(session, owner.shop_id, cart_with(session, owner.shop_id, (tea, 2)), "amy@example.com",
                               dict(ADDRESS), customer_token=shopper)  # no choice: the wallet's best is used
    order = session.get(Order, placed["order_id"])
    assert order.discount_total == 2000
    order.expires_at = utcnow() - timedelta(minutes=1)
    session.commit()
    assert cancel.expire_unpaid_orders(session) == 1
    session.commit()
    session.expire_all()
    assert [item["status"] for item in coupons.wallet(session, owner.shop_id, shopper)["items"]] == ["unused"]
    assert coupons.get_coupon(session, owner, made["id"])["used"] == 0


def test_a_public_code_needs_a_logged_in_shopper_so_its_per_customer_limit_holds(session, owner):
    tea = product_on_sale(session, owner, price=6000)
    _coupon(session, owner, code="MEMBERS")
    token = cart_with(session, owner.shop_id, (tea, 2))
    with pytest.raises(Invalid) as refused:
        checkout_quote.quote(session, owner.shop_id, token, choices=checked_choices(coupon_code="members"))
    assert refused.value.fields == {"coupon_code": "coupon_login_required"}


def test_the_console_form_in_yuan_and_shop_time_becomes_a_coupon(session, owner):
    made = coupon_forms.create_from_form(session, owner, {
        "name": "双十二", "kind": "percent", "percent_off": "15", "max_off": "30", "min_amount": "199.5", "dates": "fixed",
        "starts_at": "2026-12-12T00:00", "ends_at": "2026-12-13T00:00", "per_customer_limit": "2", "code": "d12",
        "claimable": "on",
    })
    assert (made["percent_off"], made["max_off"], made["min_amount"], made["per_customer_limit"], made["code"]) == (15, 3000, 19950, 2, "D12")
    assert made["starts_at"].isoformat() == "2026-12-11T16:00:00+00:00"  # midnight in China is 16:00 UTC
    assert made["claimable"] and not made["combines_with_promotions"]  # an unticked box is not sent
    assert made["description"] == "满¥199.50打8.5折 最多减¥30"
    with pytest.raises(Invalid) as refused:
        coupon_forms.create_from_form(session, owner, {"name": "x", "kind": "amount", "amount_off": "abc", "starts_at": "tomorrow",
                                                       "ends_at": "2026-01-01T00:00", "total_quantity": "0"})
    assert refused.value.fields == {"amount_off": "must_be_money", "starts_at": "time_invalid", "total_quantity": "quantity_invalid"}
    csv_text = coupon_forms.codes_csv([{"code": "ABC", "used": False}, {"code": "=CMD", "used": True}])
    assert csv_text.startswith("\ufeffcode,used") and "'=CMD" in csv_text  # a formula is never run by Excel


def test_the_coupons_numbers_count_paid_orders_net_of_refunds_and_new_customers(session, owner):
    tea = product_on_sale(session, owner, price=6000, stock=50)
    made = _coupon(session, owner, claimable=True, per_customer_limit=2)
    amy = _shopper(session, owner.shop_id, "amy@example.com")
    bob = _shopper(session, owner.shop_id, "bob@example.com")
    orders = []
    for who, email in ((amy, "amy@example.com"), (amy, "amy@example.com"), (bob, "bob@example.com")):
        coupons.claim(session, owner.shop_id, who, made["id"])
        placed = place.place_order(session, owner.shop_id, cart_with(session, owner.shop_id, (tea, 2)), email,
                                   dict(ADDRESS), customer_token=who)
        orders.append(placed)
    for placed in orders[:2]:
        payments.sandbox_pay(session, placed["payment"]["id"], "success")  # bob's stays unpaid
    session.commit()
    first = session.get(Order, orders[0]["order_id"])
    item = session.exec(select(OrderItem).where(OrderItem.order_id == first.id)).one()
    refunds.refund(session, owner, first.id, None, "少发一件", items=[{"order_item_id": item.id, "qty": 1}])
    session.commit()
    report = coupons.coupon_report(session, owner, made["id"])
    # two paid orders of ¥100 (¥120 less the coupon's ¥20, shipping free over ¥99); one unit of ¥50 refunded
    assert {k: report[k] for k in ("orders", "paid_orders", "units", "revenue", "discount_total", "customers", "new_customers")} == {
        "orders": 3, "paid_orders": 2, "units": 3, "revenue": 15000, "discount_total": 4000, "customers": 1, "new_customers": 1}
    assert [o["order_no"] for o in report["order_list"]] == [session.get(Order, p["order_id"]).order_no for p in reversed(orders)]


def test_a_coupon_for_a_category_covers_the_products_in_it_and_refuses_another_shops_category(session, owner):
    gifts = categories.create_category(session, owner, "礼盒")
    boxed = products.create_product(session, owner, {"title": "礼盒装", "status": "active", "category_ids": [gifts.id],
                                                     "variants": [{"sku": "BOX", "price": 8000, "stock": 10}]})
    session.commit()
    box = session.exec(select(Variant.id).where(Variant.product_id == boxed.id)).one()
    tea = product_on_sale(session, owner, price=5000)
    made = _coupon(session, owner, kind="percent", percent_off=10, amount_off=None, min_amount=8000, category_ids=[gifts.id],
                   claimable=True)
    shopper = _shopper(session, owner.shop_id)
    coupons.claim(session, owner.shop_id, shopper, made["id"])
    token = cart_with(session, owner.shop_id, (tea, 1), (box, 1))
    quoted = checkout_quote.quote(session, owner.shop_id, token, customer_token=shopper)
    assert quoted["chosen_coupon"]["id"] == made["id"]
    assert [(item["variant_id"], item["paid"]) for item in quoted["items"]] == [(tea, 5000), (box, 7200)]
    other = make_shop(session, "other-shop")
    theirs = categories.create_category(session, other, "别家")
    session.commit()
    with pytest.raises(Invalid) as refused:
        _coupon(session, owner, category_ids=[theirs.id])
    assert refused.value.fields == {"category_ids": "category_not_found"}


def test_a_product_page_offers_only_the_coupons_that_cover_its_product(session, owner):
    tea = product_on_sale(session, owner, price=5000)
    cake = product_on_sale(session, owner, price=2000, sku="CAKE", title="月饼")
    lines = cart.cart_lines(session, cart.load_cart(session, owner.shop_id, cart_with(session, owner.shop_id, (tea, 1), (cake, 1))))
    tea_product, cake_product = lines[0].product.id, lines[1].product.id
    everything = _coupon(session, owner, name="全店券", claimable=True)
    for_tea = _coupon(session, owner, name="茶叶券", claimable=True, product_ids=[tea_product])
    _coupon(session, owner, name="不展示", claimable=False)
    assert [c["id"] for c in coupons.claimable_coupons(session, owner.shop_id)] == [for_tea["id"], everything["id"]]
    assert [c["id"] for c in coupons.claimable_coupons(session, owner.shop_id, tea_product)] == [for_tea["id"], everything["id"]]
    assert [c["id"] for c in coupons.claimable_coupons(session, owner.shop_id, cake_product)] == [everything["id"]]
