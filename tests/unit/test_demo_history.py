"""The demo shop has a believable past: weeks of orders written through the real services, the same every time."""

from datetime import timedelta

from sqlalchemy import func
from sqlmodel import select

from shopapp.demo import history
from shopapp.models import Order, OrderEvent, OutboxEmail, StockMove
from shopapp.models.base import utcnow
from shopapp.services.analytics import sales
from shopapp.services.core.clock import shop_time
from shopapp.services.shops import accounts
from tests.shopping import product_on_sale


def _shop_with_stock(session, slug: str):
    signed = accounts.signup(session, email=f"{slug}@example.com", password="secret-pass", shop_name=slug, shop_slug=slug)
    owner = accounts.authenticate(session, signed.token)
    for n in range(4):
        product_on_sale(session, owner, stock=60, sku=f"{slug}-{n}", title=f"茶 {n}", price=3800 + 1000 * n)
    return signed.token, owner


def _story(session, shop_id: int) -> list[tuple]:
    orders = session.exec(select(Order).where(Order.shop_id == shop_id).order_by(Order.created_at, Order.id)).all()
    return [(o.created_at, o.status, o.total, o.refunded_total) for o in orders]


def test_the_history_spreads_over_the_past_days_and_goes_through_every_service(session):
    token, owner = _shop_with_stock(session, "history-a")
    session.commit()
    placed = history.seed_history(token, owner.shop_id, days=14)
    assert placed >= 14
    orders = session.exec(select(Order).where(Order.shop_id == owner.shop_id)).all()
    today = shop_time(utcnow()).date()
    days = {shop_time(o.created_at).date() for o in orders}
    assert min(days) == today - timedelta(days=14) and max(days) < today and len(days) >= 10
    assert {"completed", "paid"} <= {o.status for o in orders}
    # Stock moved through the inventory ledger for every sale, and the state machine wrote each step.
    sold = session.exec(select(func.count()).select_from(StockMove).where(StockMove.shop_id == owner.shop_id)).one()
    assert sold >= placed
    steps = set(session.exec(select(OrderEvent.type).where(OrderEvent.shop_id == owner.shop_id)).all())
    assert {"placed", "paid", "shipped", "delivered", "completed"} <= steps
    # The console's chart has a bar for the days gone by.
    board = sales.dashboard(session, owner, today)
    assert sum(day["paid_orders"] for day in board["daily"]) > 0
    # Weeks-old e-mails to made-up shoppers are filed, not printed or sent when the platform starts.
    statuses = session.exec(select(OutboxEmail.status).where(OutboxEmail.shop_id == owner.shop_id)).all()
    assert statuses and set(statuses) == {"sent"}


def test_the_same_seed_tells_the_same_story(session):
    first_token, first = _shop_with_stock(session, "history-b")
    second_token, second = _shop_with_stock(session, "history-c")
    session.commit()
    history.seed_history(first_token, first.shop_id, days=6, seed=7)
    history.seed_history(second_token, second.shop_id, days=6, seed=7)
    assert [row[1:] for row in _story(session, first.shop_id)] == [row[1:] for row in _story(session, second.shop_id)]
