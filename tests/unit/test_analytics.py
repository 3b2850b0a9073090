"""The dashboard's figures: sales and refunds by China-time day, and what waits for the shop."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import update

from shopapp.models import Order
from shopapp.models.aftersales import Refund
from shopapp.services.analytics import sales
from shopapp.services.core.clock import CHINA_TIME
from shopapp.services.core.errors import Forbidden
from shopapp.services.core.permissions import Actor
from shopapp.services.orders import aftersales, fulfillment, refunds
from tests.conftest import make_shop
from tests.shopping import paid_order, product_on_sale

TODAY = date(2025, 11, 11)


def _paid_at(session, order: Order, moment: datetime) -> None:
    session.exec(update(Order).where(Order.id == order.id).values(paid_at=moment, created_at=moment))


def test_the_dashboard_adds_up_a_few_orders(session, owner):
    tea = product_on_sale(session, owner, stock=50, price=3800)
    just_after_midnight, _ = paid_order(session, owner, (tea, 2))  # 8600 with shipping
    late_yesterday, _ = paid_order(session, owner, (tea, 1))  # 4800
    three_weeks_ago, token = paid_order(session, owner, (tea, 3))
    too_old, _ = paid_order(session, owner, (tea, 1))
    _paid_at(session, just_after_midnight, datetime(2025, 11, 11, 0, 30, tzinfo=CHINA_TIME))
    _paid_at(session, late_yesterday, datetime(2025, 11, 10, 23, 50, tzinfo=CHINA_TIME))
    _paid_at(session, three_weeks_ago, datetime(2025, 10, 20, 12, 0, tzinfo=CHINA_TIME))
    _paid_at(session, too_old, datetime(2025, 10, 12, 23, 59, tzinfo=CHINA_TIME))
    refund = refunds.refund(session, owner, just_after_midnight.id, 1000, "运费")
    session.exec(update(Refund).where(Refund.id == refund["id"]).values(
        created_at=datetime(2025, 11, 11, 9, 0, tzinfo=CHINA_TIME),
    ))
    fulfillment.ship(session, owner, late_yesterday.id, None, "SF", "SF1234567890123")
    aftersales.request_aftersales(session, owner.shop_id, three_weeks_ago.order_no, token, "refund_only", "破损")
    other = make_shop(session, "green-leaf")  # another shop's sales never show here
    paid_order(session, other, (product_on_sale(session, other, sku="GL-1"), 1))
    session.commit()

    figures = sales.dashboard(session, owner, TODAY)
    assert figures["today"] == {
        "gmv": 8600, "paid_orders": 1, "average_order_value": 8600, "refunds": 1000, "net_sales": 7600,
    }
    assert figures["last_7_days"] == {
        "gmv": 13400, "paid_orders": 2, "average_order_value": 6700, "refunds": 1000, "net_sales": 12400,
    }
    month = 13400 + three_weeks_ago.total
    assert figures["last_30_days"] == {
        "gmv": month, "paid_orders": 3, "average_order_value": round(month / 3), "refunds": 1000, "net_sales": month - 1000,
    }
    assert figures["orders_waiting_to_ship"] == 3  # paid and not shipped, the partly refunded one included
    assert figures["aftersales_waiting"] == 1
    daily = figures["daily"]
    assert len(daily) == 30 and daily[0]["date"] == date(2025, 10, 13) and daily[-1]["date"] == TODAY
    assert [(d["date"].day, d["gmv"]) for d in daily if d["gmv"]] == [(20, three_weeks_ago.total), (10, 4800), (11, 8600)]


def test_an_empty_shop_has_zeros_not_errors(session, owner):
    figures = sales.dashboard(session, owner, TODAY)
    assert figures["today"]["average_order_value"] == 0 and sum(d["gmv"] for d in figures["daily"]) == 0


def test_support_staff_do_not_see_the_figures(session, owner):
    with pytest.raises(Forbidden):
        sales.dashboard(session, Actor(shop_id=owner.shop_id, role="support", user_id=9), TODAY)
