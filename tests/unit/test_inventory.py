"""Stock: never below zero, every move in the ledger, right under concurrent sales."""

from __future__ import annotations

import threading

import pytest
from sqlmodel import select

from shopapp.db import session_scope
from shopapp.models import Product, StockMove, Variant
from shopapp.services.catalog import bulk, products, views
from shopapp.services.core.errors import Conflict, Forbidden, Invalid, NotFound
from shopapp.services.core.permissions import Actor
from shopapp.services.inventory import availability, ledger
from shopapp.services.shops import shops
from tests.conftest import make_shop


def _variant_with_stock(session, actor, stock: int, sku: str = "TEA-1") -> int:
    """A committed variant; the session is left idle (on SQLite any open transaction holds the write lock)."""
    product = products.create_product(
        session, actor, {"title": "龙井", "variants": [{"sku": sku, "price": 3800, "stock": stock}]},
    )
    variant_id = session.exec(select(Variant.id).where(Variant.product_id == product.id)).one()
    session.commit()
    return variant_id


def _stock(session, variant_id: int) -> int:
    return session.exec(select(Variant.stock).where(Variant.id == variant_id)).one()


def _ledger(session, variant_id: int) -> list[StockMove]:
    return list(session.exec(select(StockMove).where(StockMove.variant_id == variant_id).order_by(StockMove.id)).all())


def test_stock_never_goes_below_zero(session, owner):
    variant_id = _variant_with_stock(session, owner, 5)
    with pytest.raises(Conflict) as refused:
        ledger.adjust_stock(session, "order:1", owner.shop_id, variant_id, -6, "sale")
    assert refused.value.code == "insufficient_stock"
    assert _stock(session, variant_id) == 5
    assert ledger.adjust_stock(session, "order:1", owner.shop_id, variant_id, -5, "sale") == 0
    with pytest.raises(Conflict):
        ledger.adjust_stock(session, "order:2", owner.shop_id, variant_id, -1, "sale")
    with pytest.raises(Invalid):
        ledger.set_stock(session, "user:1", owner.shop_id, variant_id, -1, "count")
    assert _stock(session, variant_id) == 0


def test_every_stock_move_is_in_the_ledger(session, owner):
    variant_id = _variant_with_stock(session, owner, 5)
    ledger.adjust_stock(session, "api_key:2", owner.shop_id, variant_id, 3, "restock")
    ledger.adjust_stock(session, "order:12", owner.shop_id, variant_id, -2, "sale")
    ledger.set_stock(session, "user:3", owner.shop_id, variant_id, 10, "stocktake")

    moves = _ledger(session, variant_id)
    assert [(m.delta, m.before, m.after) for m in moves] == [(5, 0, 5), (3, 5, 8), (-2, 8, 6), (4, 6, 10)]
    assert [m.reason for m in moves] == ["initial stock", "restock", "sale", "stocktake"]
    assert [m.actor for m in moves] == [owner.label, "api_key:2", "order:12", "user:3"]
    assert all(m.shop_id == owner.shop_id for m in moves)
    assert _stock(session, variant_id) == 10


def test_a_refused_move_leaves_no_ledger_row(session, owner):
    variant_id = _variant_with_stock(session, owner, 1)
    with pytest.raises(Conflict):
        ledger.adjust_stock(session, "order:1", owner.shop_id, variant_id, -2, "sale")
    assert len(_ledger(session, variant_id)) == 1


def test_a_variant_already_loaded_shows_its_new_stock(session, owner):
    variant_id = _variant_with_stock(session, owner, 5)
    variant = session.get(Variant, variant_id)
    ledger.adjust_stock(session, "order:1", owner.shop_id, variant_id, -2, "sale")
    assert variant.stock == 3


def test_another_shops_variant_is_not_found(session, owner):
    variant_id = _variant_with_stock(session, owner, 5)
    other = make_shop(session, "green-leaf")
    with pytest.raises(NotFound):
        ledger.adjust_stock(session, other.label, other.shop_id, variant_id, -1, "sale")
    with pytest.raises(NotFound):
        ledger.set_stock(session, other.label, other.shop_id, variant_id, 0, "stocktake")
    with pytest.raises(NotFound):
        ledger.adjust_stock_as(session, other, variant_id, delta=1, reason="restock")
    assert _stock(session, variant_id) == 5


def test_a_stock_move_needs_a_whole_number_and_a_reason(session, owner):
    variant_id = _variant_with_stock(session, owner, 5)
    with pytest.raises(Invalid) as refused:
        ledger.adjust_stock(session, "user:1", owner.shop_id, variant_id, 1.5, " ")
    assert refused.value.fields == {"delta": "must_be_whole_number", "reason": "required"}
    with pytest.raises(Invalid) as refused:
        ledger.adjust_stock(session, "user:1", owner.shop_id, variant_id, ledger.MAX_STOCK, "restock")
    assert refused.value.fields == {"delta": "stock_too_large"}
    assert len(_ledger(session, variant_id)) == 1


def test_staff_who_may_not_manage_the_catalog_cannot_move_stock(session, owner):
    variant_id = _variant_with_stock(session, owner, 5)
    support = Actor(shop_id=owner.shop_id, role="support", user_id=999)
    with pytest.raises(Forbidden):
        ledger.adjust_stock_as(session, support, variant_id, delta=1, reason="restock")
    operations = Actor(shop_id=owner.shop_id, role="operations", user_id=998)
    assert ledger.adjust_stock_as(session, operations, variant_id, set_to=7, reason="stocktake") == 7
    assert _ledger(session, variant_id)[-1].actor == "user:998"


def test_adjust_stock_as_takes_a_delta_or_a_set_value_not_both(session, owner):
    variant_id = _variant_with_stock(session, owner, 5)
    for both_or_neither in ({"delta": 1, "set_to": 3}, {}):
        with pytest.raises(Invalid) as refused:
            ledger.adjust_stock_as(session, owner, variant_id, reason="restock", **both_or_neither)
        assert refused.value.fields == {"delta": "delta_or_set"}
    assert ledger.adjust_stock_as(session, owner, variant_id, delta=-2, reason="damaged") == 3


def test_low_stock_lists_the_emptiest_variants_first(session, owner):
    sizes = [{"name": "规格", "values": ["50g", "100g", "250g", "500g"]}]
    products.create_product(session, owner, {"title": "白茶", "status": "active", "options": sizes, "variants": [
        {"sku": "W-1", "option_values": ["50g"], "price": 100, "stock": 4},
        {"sku": "W-2", "option_values": ["100g"], "price": 100, "stock": 0},
        {"sku": "W-3", "option_values": ["250g"], "price": 100, "stock": 50},
        {"sku": "W-4", "option_values": ["500g"], "price": 100, "stock": 1, "enabled": False},
    ]})
    products.create_product(
        session, owner, {"title": "旧茶", "status": "archived", "variants": [{"sku": "O-1", "price": 1, "stock": 0}]},
    )
    items, total = availability.low_stock(session, owner.shop_id, threshold=5)
    assert total == 2
    assert [(i["sku"], i["stock"], i["title"]) for i in items] == [("W-2", 0, "白茶"), ("W-1", 4, "白茶")]
    assert availability.low_stock(session, make_shop(session, "green-leaf").shop_id) == ([], 0)
    # Without a threshold, the shop's own line counts (5 until the owner sets another).
    assert availability.low_stock(session, owner.shop_id)[1] == 2
    shops.update_profile(session, owner, {"low_stock_threshold": "0"})
    assert [i["sku"] for i in availability.low_stock(session, owner.shop_id)[0]] == ["W-2"]


def test_a_low_stock_line_must_be_a_whole_number_of_units(session, owner):
    for wrong, code in (("-1", "must_be_whole_number"), ("很多", "must_be_whole_number"), (1.5, "must_be_whole_number"),
                        (10**6, "number_too_large")):
        with pytest.raises(Invalid) as refused:
            shops.update_profile(session, owner, {"low_stock_threshold": wrong, "name": "新名字"})
        assert refused.value.fields == {"low_stock_threshold": code}
    assert shops.get_shop(session, owner.shop_id).low_stock_threshold == 5
    assert shops.get_shop(session, owner.shop_id).name != "新名字"  # nothing half-saved


def test_concurrent_sales_never_oversell(session, owner):
    variant_id = _variant_with_stock(session, owner, 5)
    shoppers = 8
    start = threading.Barrier(shoppers)
    outcomes: list[str] = []

    def buy_one(order_no: int) -> None:
        start.wait()
        try:
            with session_scope() as own_session:
                ledger.adjust_stock(own_session, f"order:{order_no}", owner.shop_id, variant_id, -1, "sale")
            outcomes.append("sold")
        except Conflict:
            outcomes.append("sold out")

    threads = [threading.Thread(target=buy_one, args=(n,)) for n in range(shoppers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count("sold") == 5
    assert outcomes.count("sold out") == shoppers - 5
    assert _stock(session, variant_id) == 0
    sales = [m for m in _ledger(session, variant_id) if m.reason == "sale"]
    assert len(sales) == 5
    assert sorted(m.after for m in sales) == [0, 1, 2, 3, 4]


def test_a_stocktake_during_sales_keeps_the_ledger_whole(session, owner):
    variant_id = _variant_with_stock(session, owner, 20)
    start = threading.Barrier(8)

    def move(n: int) -> None:
        start.wait()
        with session_scope() as own_session:
            if n % 4 == 0:  # two stocktakes, to values the six sales can never reach from the other
                ledger.set_stock(own_session, "user:1", owner.shop_id, variant_id, 100 * (n // 4 + 1), "stocktake")
            else:
                ledger.adjust_stock(own_session, f"order:{n}", owner.shop_id, variant_id, -1, "sale")

    threads = [threading.Thread(target=move, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    moves = _ledger(session, variant_id)
    assert len(moves) == 9
    # Each move starts where the one before it ended, and the last one ends at the stock.
    assert all(later.before == earlier.after for earlier, later in zip(moves, moves[1:]))
    assert sum(m.delta for m in moves) == moves[-1].after == _stock(session, variant_id)


# The product list's summary ---------------------------------------------------------------------

def _product(session, actor, sizes: dict[str, tuple[int, int]], sku: str = "W") -> int:
    """A committed product with a variant per size {name: (price, stock)}; returns its id."""
    product = products.create_product(session, actor, {
        "title": "白茶", "status": "active", "options": [{"name": "规格", "values": list(sizes)}],
        "variants": [
            {"sku": f"{sku}-{name}", "option_values": [name], "price": price, "stock": stock}
            for name, (price, stock) in sizes.items()
        ],
    })
    session.commit()
    return product.id


def _summary(session, product_id: int) -> tuple[int | None, bool]:
    product = session.get(Product, product_id, populate_existing=True)
    return product.min_price, product.in_stock


def _variant_ids(session, product_id: int) -> list[int]:
    return list(session.exec(select(Variant.id).where(Variant.product_id == product_id).order_by(Variant.id)).all())


def test_the_summary_follows_sales_restocks_and_edits(session, owner):
    product_id = _product(session, owner, {"50g": (3800, 1), "100g": (6800, 0)})
    small, big = _variant_ids(session, product_id)
    assert _summary(session, product_id) == (3800, True)
    ledger.adjust_stock(session, "order:1", owner.shop_id, small, -1, "sale")
    assert _summary(session, product_id) == (3800, False)
    ledger.set_stock(session, "user:1", owner.shop_id, big, 4, "stocktake")
    assert _summary(session, product_id) == (3800, True)
    shown = views.product_dict(session, session.get(Product, product_id), with_cost=True)
    products.update_product(session, owner, product_id, {"variants": [
        {**shown["variants"][0], "enabled": False}, {**shown["variants"][1], "price": 5900},
    ]})
    assert _summary(session, product_id) == (5900, True)
    bulk.bulk_edit(session, owner, [product_id], "price_by_amount", -900)
    bulk.bulk_edit(session, owner, [product_id], "set_stock", 0)
    assert _summary(session, product_id) == (5000, False)
    products.update_product(session, owner, product_id, {"presale": {"ships_at": "2030-04-01", "quota": 1}})
    assert _summary(session, product_id) == (5000, True)  # a pre-sale place can be bought


def test_the_summary_is_right_when_the_last_units_of_two_variants_sell_at_once(session, owner):
    """Each shopper takes the last unit of a different size: whoever refreshes last must see both."""
    for round_ in range(6):
        product_id = _product(session, owner, {"50g": (3800, 1), "100g": (6800, 1)}, sku=f"R{round_}")
        variant_ids = _variant_ids(session, product_id)
        session.commit()  # idle: on SQLite an open transaction holds the write lock
        start = threading.Barrier(2)

        def buy(variant_id: int, start: threading.Barrier = start) -> None:
            start.wait()
            with session_scope() as own:
                ledger.take_for_order(own, "order:x", owner.shop_id, [(variant_id, 1)], "sale")

        threads = [threading.Thread(target=buy, args=(v,)) for v in variant_ids]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert _summary(session, product_id) == (3800, False)


def test_a_products_stock_history_says_who_moved_how_many_and_why(session, owner):
    product = products.create_product(session, owner, {"title": "白茶", "status": "active", "variants": [{"sku": "W-1", "price": 100, "stock": 10}]})
    variant_id = views.product_dict(session, product, with_cost=True)["variants"][0]["id"]
    ledger.adjust_stock(session, owner.label, owner.shop_id, variant_id, -2, "破损")
    ledger.set_stock(session, "system", owner.shop_id, variant_id, 30, "盘点")
    moves, total = ledger.stock_history(session, owner, product.id)
    assert total == 3
    assert [(m["delta"], m["before"], m["after"], m["reason"]) for m in moves[:2]] == [(22, 8, 30, "盘点"), (-2, 10, 8, "破损")]
    assert moves[1]["actor_name"] == "owner@example.com" and moves[0]["actor_name"] == "system"
    assert moves[0]["sku"] == "W-1"
    assert [m["id"] for m in ledger.stock_history(session, owner, product.id, page=2, per_page=2)[0]] == [moves[2]["id"]]
    # Another shop never sees it, nor learns that it exists.
    with pytest.raises(NotFound):
        ledger.stock_history(session, make_shop(session, "green-leaf"), product.id)
