"""Back-in-stock: a shopper registers for a sold-out variant and hears exactly once when it returns."""

import threading

import pytest
from sqlmodel import select

from shopapp.db import session_scope
from shopapp.models import OutboxEmail, StockNotification
from shopapp.services.catalog import products, views
from shopapp.services.core.errors import Conflict, Invalid, NotFound
from shopapp.services.inventory import ledger, stock_alerts
from tests.conftest import make_shop


def sold_out_product(session, owner):
    product = products.create_product(session, owner, {
        "title": "白毫银针", "status": "active",
        "options": [{"name": "规格", "values": ["50克", "100克"]}],
    })
    session.flush()
    variants = views.product_dict(session, product, with_cost=False)["variants"]
    return product, variants[0]["id"], variants[1]["id"]


def test_a_shopper_registers_and_is_emailed_once_when_stock_returns(session, owner):
    product, variant_id, _ = sold_out_product(session, owner)
    stock_alerts.register(session, owner.shop_id, product.id, variant_id=variant_id, email="Fan@Example.com")
    stock_alerts.register(session, owner.shop_id, product.id, variant_id=variant_id, email="fan@example.com")  # twice = once
    ledger.adjust_stock(session, "user:1", owner.shop_id, variant_id, 5, "delivery")
    ledger.adjust_stock(session, "user:1", owner.shop_id, variant_id, 5, "delivery")  # already in stock: nobody told again
    mails = session.exec(select(OutboxEmail)).all()
    assert [m.to for m in mails] == ["fan@example.com"] and "白毫银针（50克）" in mails[0].subject
    row = session.exec(select(StockNotification)).one()
    assert row.status == "notified" and row.notified_at is not None


def test_only_the_restocked_variant_is_announced(session, owner):
    product, first, second = sold_out_product(session, owner)
    stock_alerts.register(session, owner.shop_id, product.id, variant_id=first, email="a@example.com")
    stock_alerts.register(session, owner.shop_id, product.id, variant_id=second, email="b@example.com")
    ledger.set_stock(session, "user:1", owner.shop_id, second, 3, "stocktake")
    assert [m.to for m in session.exec(select(OutboxEmail)).all()] == ["b@example.com"]
    assert stock_alerts.demand_by_product(session, owner, [product.id]) == {product.id: 1}


def test_bad_registrations_are_refused(session, owner):
    product, variant_id, _ = sold_out_product(session, owner)
    with pytest.raises(Invalid):
        stock_alerts.register(session, owner.shop_id, product.id, variant_id=variant_id, email="nope")
    ledger.adjust_stock(session, "user:1", owner.shop_id, variant_id, 1, "delivery")
    with pytest.raises(Conflict):
        stock_alerts.register(session, owner.shop_id, product.id, variant_id=variant_id, email="x@example.com")
    other = make_shop(session, "other-shop")
    with pytest.raises(NotFound):
        stock_alerts.register(session, other.shop_id, product.id, variant_id=variant_id, email="x@example.com")


def test_racing_restocks_notify_each_shopper_once(session, owner):
    product, variant_id, _ = sold_out_product(session, owner)
    for n in range(3):
        stock_alerts.register(session, owner.shop_id, product.id, variant_id=variant_id, email=f"fan{n}@example.com")
    session.commit()

    def restock():
        with session_scope() as own:
            ledger.adjust_stock(own, "system", owner.shop_id, variant_id, 2, "delivery")

    threads = [threading.Thread(target=restock) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with session_scope() as fresh:
        assert sorted(m.to for m in fresh.exec(select(OutboxEmail)).all()) == [f"fan{n}@example.com" for n in range(3)]
