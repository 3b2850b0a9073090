"""Checkout: totals from the server, stock reserved all or nothing, never oversold, placed once per key."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlmodel import select

from shopapp.db import session_scope
from shopapp.models import Cart, IdempotencyRecord, Order, OrderItem, OutboxEmail, Payment, StockMove, Variant
from shopapp.models.base import utcnow
from shopapp.services.catalog import bulk, products, views
from shopapp.services.checkout import cart, place, shipping
from shopapp.services.checkout import quote as checkout_quote
from shopapp.services.core.clock import shop_time
from shopapp.services.core.errors import Conflict, Invalid, NotFound
from shopapp.settings import get_settings
from tests.conftest import make_shop
from tests.shopping import ADDRESS, cart_with, checkouts_at_once, product_on_sale, stock_of


def _place(session, shop_id, token, **changes):
    args = {"email": "buyer@example.com", "address": dict(ADDRESS), "shipping_method_id": None, "note": ""}
    args.update(changes)
    return place.place_order(
        session, shop_id, token, args["email"], args["address"], args["shipping_method_id"], args["note"],
        args.get("idempotency_key"),
    )


def test_placing_an_order_reserves_stock_and_waits_for_payment(session, owner):
    tea = product_on_sale(session, owner, stock=10, price=3800)
    token = cart_with(session, owner.shop_id, (tea, 2))
    placed = _place(session, owner.shop_id, token)

    order = session.get(Order, placed["order_id"])
    assert order.status == "pending_payment" and order.financial_status == "pending"
    assert order.subtotal == 7600 and order.shipping_total == 1000 and order.total == 8600 == placed["total"]
    assert placed["payment"]["provider"] == "sandbox"
    assert placed["payment"]["pay_url"].startswith(f"{get_settings().public_url}/api/v1/payments/sandbox/")
    assert stock_of(session, tea) == 8
    move = session.exec(select(StockMove).where(StockMove.variant_id == tea).order_by(StockMove.id.desc())).first()
    assert (move.delta, move.reason) == (-2, f"order {order.order_no}")
    ttl = get_settings().unpaid_order_ttl_seconds
    assert abs((order.expires_at - utcnow()) - timedelta(seconds=ttl)) < timedelta(seconds=30)
    # The cart is used up; the shopper gets a link by e-mail.
    with pytest.raises(NotFound):
        cart.view_cart(session, owner.shop_id, token)
    mail = session.exec(select(OutboxEmail).where(OutboxEmail.to == "buyer@example.com")).one()
    assert order.order_no in mail.subject and placed["token"] in mail.body


def test_order_numbers_are_a_date_and_random_letters(session, owner):
    tea = product_on_sale(session, owner, stock=10)
    numbers = [_place(session, owner.shop_id, cart_with(session, owner.shop_id, (tea, 1)))["order_no"] for _ in range(3)]
    today = shop_time(utcnow()).strftime("%y%m%d")
    assert len(set(numbers)) == 3
    assert all(n[:6] == today and len(n) == 14 and set(n[6:]) <= set("23456789ABCDEFGHJKLMNPQRSTUVWXYZ") for n in numbers)


def test_shipping_is_free_over_the_threshold_and_charged_per_kilogram(session, owner):
    method = shipping.create_method(session, owner, {"name": "顺丰", "base_fee": 1200, "per_kg_fee": 500, "free_over": 20000})
    heavy = product_on_sale(session, owner, stock=50, price=3000, weight_grams=900)
    # 3 x 900 g = 2.7 kg: the first kilogram in the base fee, two more begun.
    placed = _place(session, owner.shop_id, cart_with(session, owner.shop_id, (heavy, 3)), shipping_method_id=method["id"])
    order = session.get(Order, placed["order_id"])
    assert (order.subtotal, order.shipping_total, order.total) == (9000, 2200, 11200)
    assert order.shipping_method_name == "顺丰" and order.weight_grams == 2700
    placed = _place(session, owner.shop_id, cart_with(session, owner.shop_id, (heavy, 7)), shipping_method_id=method["id"])
    assert session.get(Order, placed["order_id"]).shipping_total == 0


def test_virtual_goods_need_no_address_and_pay_no_shipping(session, owner):
    card = products.create_product(session, owner, {"title": "礼品卡 ¥100", "status": "active", "product_type": "virtual",
                                                   "variants": [{"sku": "CARD-100", "price": 10000, "stock": 50}]})
    card_variant = views.product_dict(session, card, with_cost=True)["variants"][0]["id"]
    token = cart_with(session, owner.shop_id, (card_variant, 2))
    quoted = checkout_quote.quote(session, owner.shop_id, token)
    assert (quoted["needs_shipping"], quoted["shipping_total"], quoted["total"]) == (False, 0, 20000)
    placed = _place(session, owner.shop_id, token, address={})
    order = session.get(Order, placed["order_id"])
    assert (order.total, order.shipping_total, order.address, order.shipping_method_name) == (20000, 0, {}, "")
    # With a tea in the cart too, the parcel needs its address.
    tea = product_on_sale(session, owner)
    mixed = cart_with(session, owner.shop_id, (card_variant, 1), (tea, 1))
    assert checkout_quote.quote(session, owner.shop_id, mixed)["needs_shipping"] is True
    with pytest.raises(Invalid) as refused:
        _place(session, owner.shop_id, mixed, address={})
    assert refused.value.fields["address.name"] == "required"


def test_a_method_that_does_not_serve_the_province_is_refused(session, owner):
    tea = product_on_sale(session, owner)
    local = shipping.create_method(session, owner, {"name": "同城", "base_fee": 0, "regions": ["上海"]})
    token = cart_with(session, owner.shop_id, (tea, 1))
    with pytest.raises(Invalid) as refused:
        _place(session, owner.shop_id, token, shipping_method_id=local["id"])
    assert refused.value.fields == {"shipping_method_id": "shipping_region_not_served"}
    with pytest.raises(Invalid) as refused:
        _place(session, owner.shop_id, token, shipping_method_id=999_999)
    assert refused.value.fields == {"shipping_method_id": "shipping_method_not_found"}


def test_the_address_must_be_complete_and_well_formed(session, owner):
    tea = product_on_sale(session, owner)
    token = cart_with(session, owner.shop_id, (tea, 1))
    bad = {**ADDRESS, "phone": "12345", "postcode": "31000", "province": "火星", "line1": " "}
    with pytest.raises(Invalid) as refused:
        _place(session, owner.shop_id, token, address=bad, email="not-an-email")
    assert refused.value.fields == {
        "email": "email_invalid", "address.phone": "phone_invalid", "address.postcode": "postcode_invalid",
        "address.province": "province_invalid", "address.line1": "required",
    }
    for field in ("name", "city", "district"):
        with pytest.raises(Invalid) as refused:
            _place(session, owner.shop_id, token, address={k: v for k, v in ADDRESS.items() if k != field})
        assert refused.value.fields == {f"address.{field}": "required"}
    assert stock_of(session, tea) == 10 and session.exec(select(Order)).all() == []


def test_addresses_are_tidied(session, owner):
    tea = product_on_sale(session, owner)
    address = {**ADDRESS, "phone": "+86 138-0013-8000", "province": "广东"}
    placed = _place(session, owner.shop_id, cart_with(session, owner.shop_id, (tea, 1)), address=address)
    order = session.get(Order, placed["order_id"])
    assert order.address["phone"] == "13800138000" and order.address["province"] == "广东省"


def test_if_one_line_cannot_be_had_nothing_is_reserved(session, owner):
    plenty = product_on_sale(session, owner, stock=10, sku="A-1")
    scarce = product_on_sale(session, owner, stock=2, sku="B-1")
    token = cart_with(session, owner.shop_id, (plenty, 3), (scarce, 2))
    # Someone else buys the scarce one after it was put in the cart.
    with session_scope() as other:
        from shopapp.services.inventory import ledger
        ledger.adjust_stock(other, "order:other", owner.shop_id, scarce, -1, "sale")
    with pytest.raises(Conflict) as refused:
        _place(session, owner.shop_id, token)
    assert refused.value.code == "only_n_left" and refused.value.params["available"] == 1
    session.commit()
    assert stock_of(session, plenty) == 10 and stock_of(session, scarce) == 1
    assert session.exec(select(Order)).all() == [] and session.exec(select(Payment)).all() == []
    assert cart.view_cart(session, owner.shop_id, token)["items"]  # the cart is still there to fix


def test_the_reservation_itself_refuses_a_line_that_ran_out_meanwhile(session, owner, monkeypatch):
    """Even when the cart's stock check passed, the atomic reservation has the last word."""
    plenty = product_on_sale(session, owner, stock=10, sku="A-1")
    scarce = product_on_sale(session, owner, stock=2, sku="B-1")
    token = cart_with(session, owner.shop_id, (plenty, 3), (scarce, 2))
    real_lines = cart.cart_lines

    def lines_then_a_rival_sale(db, shopping_cart):
        lines = real_lines(db, shopping_cart)
        from shopapp.services.inventory import ledger
        ledger.adjust_stock(db, "order:rival", owner.shop_id, scarce, -2, "sale")
        return lines

    monkeypatch.setattr(cart, "cart_lines", lines_then_a_rival_sale)
    with pytest.raises(Conflict) as refused:
        _place(session, owner.shop_id, token)
    assert refused.value.code == "sold_out" and refused.value.params["variant_id"] == scarce
    # The savepoint undid the reservation of the first line, whatever the caller does next.
    assert stock_of(session, plenty) == 10
    assert session.exec(select(Order)).all() == []


def test_an_empty_cart_or_a_bad_cart_token_places_nothing(session, owner):
    token = cart.create_cart(session, owner.shop_id)
    with pytest.raises(Conflict) as refused:
        _place(session, owner.shop_id, token)
    assert refused.value.code == "cart_empty"
    with pytest.raises(NotFound):
        _place(session, owner.shop_id, "cart_nope")


def test_prices_come_from_the_catalogue_not_the_cart_page(session, owner):
    from shopapp.models import Variant

    tea = product_on_sale(session, owner, price=3800)
    token = cart_with(session, owner.shop_id, (tea, 1))
    session.get(Variant, tea).price = 4200  # the price rose after the tea went in the cart
    session.commit()
    placed = _place(session, owner.shop_id, token)
    item = session.exec(select(OrderItem).where(OrderItem.order_id == placed["order_id"])).one()
    assert item.unit_price == 4200 and placed["total"] == 4200 + 1000


def test_the_same_idempotency_key_returns_the_first_order(session, owner):
    tea = product_on_sale(session, owner, stock=10)
    token = cart_with(session, owner.shop_id, (tea, 2))
    first = _place(session, owner.shop_id, token, idempotency_key="k-1")
    again = _place(session, owner.shop_id, token, idempotency_key="k-1")
    assert again == first
    assert len(session.exec(select(Order)).all()) == 1 and stock_of(session, tea) == 8
    with pytest.raises(Conflict) as refused:
        _place(session, owner.shop_id, token, idempotency_key="k-1", note="different")
    assert refused.value.code == "idempotency_key_reused"


def test_a_failed_checkout_does_not_use_up_its_key(session, owner):
    tea = product_on_sale(session, owner, stock=10)
    token = cart_with(session, owner.shop_id, (tea, 1))
    with pytest.raises(Invalid):
        _place(session, owner.shop_id, token, idempotency_key="k-2", address={**ADDRESS, "phone": "1"})
    assert session.exec(select(IdempotencyRecord)).all() == []
    assert _place(session, owner.shop_id, token, idempotency_key="k-3")["order_no"]


def test_presale_items_mark_the_order_with_the_latest_ship_date(session, owner):
    early = product_on_sale(session, owner, sku="P-1", presale="2030-03-01")
    late = product_on_sale(session, owner, sku="P-2", presale="2030-04-15")
    placed = _place(session, owner.shop_id, cart_with(session, owner.shop_id, (early, 1), (late, 1)))
    order = session.get(Order, placed["order_id"])
    assert order.presale is True and order.ships_at.isoformat() == "2030-04-15"
    items = session.exec(select(OrderItem).where(OrderItem.order_id == order.id).order_by(OrderItem.id)).all()
    assert [i.presale_ships_at.isoformat() for i in items] == ["2030-03-01", "2030-04-15"]


def test_the_quote_shows_what_the_order_will_cost(session, owner):
    tea = product_on_sale(session, owner, price=3800)
    token = cart_with(session, owner.shop_id, (tea, 2))
    quote = checkout_quote.quote(session, owner.shop_id, token, province="浙江")
    assert (quote["subtotal"], quote["shipping_total"], quote["total"]) == (7600, 1000, 8600)
    assert quote["shipping_method"]["name"] == "快递"
    assert checkout_quote.quote(session, owner.shop_id, cart_with(session, owner.shop_id, (tea, 3)))["shipping_total"] == 0


def test_a_shop_without_methods_gets_the_default_once(session, owner):
    assert [m["name"] for m in shipping.store_methods(session, owner.shop_id)] == ["快递"]
    assert len(shipping.store_methods(session, owner.shop_id)) == 1
    assert shipping.store_methods(session, owner.shop_id, weight_grams=500, subtotal=5000)[0]["fee"] == 1000
    assert shipping.store_methods(session, owner.shop_id, subtotal=9900)[0]["fee"] == 0


def test_checkout_never_sells_more_than_stock(session, owner):
    """12 shoppers, 5 in stock, all pressing 'pay' at once: exactly 5 orders."""
    tea = product_on_sale(session, owner, stock=5)
    shoppers = 12
    tokens = [cart_with(session, owner.shop_id, (tea, 1)) for _ in range(shoppers)]
    session.commit()
    outcomes = checkouts_at_once(owner.shop_id, tokens)

    assert outcomes.count("ordered") == 5
    assert outcomes.count("sold_out") == shoppers - 5
    assert stock_of(session, tea) == 0
    assert len(session.exec(select(Order)).all()) == 5
    assert len(session.exec(select(Cart)).all()) == shoppers - 5


def test_two_checkouts_of_the_same_variants_in_any_order_never_deadlock(session, owner):
    """Carts holding A then B and B then A, placed together many times: all succeed."""
    a = product_on_sale(session, owner, stock=100, sku="A-1")
    b = product_on_sale(session, owner, stock=100, sku="B-1")
    tokens = [cart_with(session, owner.shop_id, *(((a, 1), (b, 1)) if n % 2 else ((b, 1), (a, 1)))) for n in range(16)]
    session.commit()
    start = threading.Barrier(len(tokens))
    failures: list[BaseException] = []

    def shop(token: str) -> None:
        start.wait()
        try:
            with session_scope() as own:
                _place(own, owner.shop_id, token)
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            failures.append(exc)

    threads = [threading.Thread(target=shop, args=(t,)) for t in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert stock_of(session, a) == stock_of(session, b) == 100 - len(tokens)


def test_one_idempotency_key_sent_twice_at_once_places_one_order(session, owner):
    tea = product_on_sale(session, owner, stock=10)
    token = cart_with(session, owner.shop_id, (tea, 1))
    session.commit()
    start = threading.Barrier(4)
    answers: list[dict] = []

    def press() -> None:
        start.wait()
        with session_scope() as own:
            answers.append(_place(own, owner.shop_id, token, idempotency_key="double-click"))

    threads = [threading.Thread(target=press) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == 4 and len({a["order_no"] for a in answers}) == 1
    assert stock_of(session, tea) == 9


def test_another_shops_cart_cannot_be_checked_out_here(session, owner):
    other = make_shop(session, "green-leaf")
    theirs = product_on_sale(session, other, sku="GL-1")
    token = cart_with(session, other.shop_id, (theirs, 1))
    with pytest.raises(NotFound):
        _place(session, owner.shop_id, token)


def test_checkouts_edits_and_bulk_edits_of_the_same_products_never_deadlock(session, owner):
    """Checkouts of A+B and B+A, an edit of each product's stock and a bulk price edit of both, all at once:
    everyone locks rows product by product, variants before the product (services/inventory.py)."""
    a = product_on_sale(session, owner, stock=1, sku="A-1")
    b = product_on_sale(session, owner, stock=1, sku="B-1")
    product_ids = [session.get(Variant, v).product_id for v in (a, b)]
    tokens = [cart_with(session, owner.shop_id, *(((a, 1), (b, 1)) if n % 2 else ((b, 1), (a, 1)))) for n in range(4)]
    session.commit()

    def buy(own, token: str) -> None:
        _place(own, owner.shop_id, token)

    def restock(own, product_id: int) -> None:
        shown = views.product_dict(own, views.get_product(own, owner.shop_id, product_id), with_cost=True)
        products.update_product(own, owner, product_id, {"variants": [{**shown["variants"][0], "stock": 50}]})

    def reprice(own, _) -> None:
        bulk.bulk_edit(own, owner, product_ids, "price_by_amount", 100)

    jobs = [(buy, token) for token in tokens] + [(restock, product_id) for product_id in product_ids] + [(reprice, None)]
    start = threading.Barrier(len(jobs))
    failures: list[BaseException] = []

    def run(work, argument) -> None:
        start.wait()
        try:
            with session_scope() as own:
                work(own, argument)
        except Conflict:
            pass  # sold out: a fair answer
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            failures.append(exc)

    threads = [threading.Thread(target=run, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


def test_a_shipping_method_typed_in_the_console_is_read_in_yuan():
    typed = shipping.typed_method({"name": "顺丰", "base_fee": "12", "per_kg_fee": "2.5", "free_over": ""}, ["浙江"])
    assert typed == {"name": "顺丰", "regions": ["浙江"], "base_fee": 1200, "per_kg_fee": 250, "free_over": None}
    with pytest.raises(Invalid) as refused:
        shipping.typed_method({"name": "顺丰", "base_fee": "十二", "per_kg_fee": "-1"}, [])
    assert refused.value.fields == {"base_fee": "must_be_money", "per_kg_fee": "price_negative"}
