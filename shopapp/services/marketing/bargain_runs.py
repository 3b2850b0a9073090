"""A shopper's run of a 砍价 bargain: start it, friends cut, the price now.

A run starts at the variant's price. Each friend (a logged-in shopper of the shop, once per run, never
the starter) cuts a random amount drawn by `draw_cut` from what is left above the floor and the helpers
still needed, so every cut is at least 1 分 and after exactly `helpers_needed` cuts the price is the
floor. Cuts on one run are taken one at a time: the run's row is locked (SELECT … FOR UPDATE on
PostgreSQL; on SQLite every write transaction holds the database's write lock from its BEGIN) and a
unique (run, friend) row refuses a second cut by the same friend, on both databases.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from shopapp.models import Customer, Order, Product, Variant
from shopapp.models.bargains import Bargain, BargainCut, BargainRun
from shopapp.models.base import utcnow
from shopapp.services.catalog.ratings import masked_name
from shopapp.services.core.errors import Conflict, NotFound
from shopapp.services.core.validation import id_from_text
from shopapp.services.customers import shoppers
from shopapp.services.marketing import bargains
from shopapp.services.marketing.promotions import iso
from shopapp.services.shops import shops

_rng = random.SystemRandom()


def draw_cut(remaining: int, helpers_left: int, rng: random.Random | None = None) -> int:
    """One friend's cut, in 分: `remaining` is the price above the floor, `helpers_left` the cuts still to come
    (this one included, remaining >= helpers_left >= 1). The last helper takes what is left; any other draws
    from 1 up to twice the fair share, leaving at least 1 分 for each helper after them."""
    if helpers_left <= 1:
        return remaining
    high = min(remaining - (helpers_left - 1), max(1, 2 * remaining // helpers_left))
    return (rng or _rng).randint(1, high)


def run_status(run: BargainRun, bargain: Bargain, now: datetime | None = None) -> str:
    """`ordered` (the starter's order holds it), `finished` (at the floor), `expired` (its hours are up, or
    the activity ended), else `open`."""
    now = now or utcnow()
    if run.order_id is not None:
        return "ordered"
    if run.expires_at <= now or bargains.status_of(bargain, now) == "ended":
        return "expired"
    return "finished" if run.price <= run.floor_price else "open"


def start_run(session: Session, shop_id: int, bargain_id, customer_token: str | None) -> dict:
    """The shopper starts a run (their open one of this bargain if they have one): 201's body
    {run_id, price, floor_price, expires_at, share_path}. 409 `bargain_not_started` / `bargain_ended` / `sold_out`."""
    customer = shoppers.customer_for_token(session, shop_id, customer_token)
    bargain = bargains.get_row(session, shop_id, bargain_id)
    status = bargains.status_of(bargain)
    if status != "active":
        raise Conflict("bargain_not_started" if status == "scheduled" else "bargain_ended")
    if bargain.sold >= bargain.quantity:
        raise Conflict("sold_out")
    now = utcnow()
    earlier = session.exec(
        select(BargainRun).where(BargainRun.bargain_id == bargain.id, BargainRun.customer_id == customer.id)
        .order_by(col(BargainRun.id).desc())
    ).first()
    if earlier is not None and run_status(earlier, bargain, now) in ("open", "finished"):
        return _started(session, shop_id, earlier)
    variant = session.get(Variant, bargain.variant_id)
    if variant is None or variant.price <= bargain.floor_price:
        raise Conflict("bargain_ended")
    run = BargainRun(
        shop_id=shop_id, bargain_id=bargain.id, customer_id=customer.id, start_price=variant.price,
        floor_price=bargain.floor_price, price=variant.price, helpers_needed=bargain.helpers_needed,
        expires_at=now + timedelta(hours=bargain.hours), created_at=now,
    )
    session.add(run)
    session.flush()
    return _started(session, shop_id, run)


def cut(session: Session, shop_id: int, run_id, customer_token: str | None, rng: random.Random | None = None) -> dict:
    """A friend cuts: 201's body {cut, price}. 409 `own_bargain` / `already_helped` / `finished` / `expired`;
    nothing changes on a refusal."""
    friend = shoppers.customer_for_token(session, shop_id, customer_token)
    run = locked_run(session, shop_id, run_id)
    bargain = session.get(Bargain, run.bargain_id)
    if run.customer_id == friend.id:
        raise Conflict("own_bargain")
    status = run_status(run, bargain)
    if status in ("finished", "ordered"):
        raise Conflict("finished")
    if status == "expired":
        raise Conflict("expired")
    if session.exec(select(BargainCut.id).where(BargainCut.run_id == run.id, BargainCut.customer_id == friend.id)).first():
        raise Conflict("already_helped")
    amount = draw_cut(run.price - run.floor_price, run.helpers_needed - run.cuts_count, rng)
    now = utcnow()
    try:
        with session.begin_nested():
            session.add(BargainCut(
                shop_id=shop_id, run_id=run.id, customer_id=friend.id, name_masked=masked_name(friend.name or friend.email),
                amount=amount, price_after=run.price - amount, created_at=now,
            ))
            session.flush()
    except IntegrityError:
        raise Conflict("already_helped") from None
    run.price -= amount
    run.cuts_count += 1
    if run.price <= run.floor_price:
        run.finished_at = now
    session.add(run)
    session.flush()
    return {"cut": amount, "price": run.price, "status": run_status(run, bargain, now)}


def locked_run(session: Session, shop_id: int, run_id) -> BargainRun:
    """The run, its row locked until the transaction ends (a no-op on SQLite, where the write lock is held)."""
    run = session.exec(
        select(BargainRun).where(BargainRun.id == id_from_text(run_id), BargainRun.shop_id == shop_id)
        .with_for_update().execution_options(populate_existing=True)
    ).first()
    if run is None:
        raise NotFound("bargain_run_not_found")
    return run


def run_view(session: Session, shop_id: int, run_id, customer_token: str | None = None) -> dict:
    """The run as anyone with its link sees it: {price, floor_price, status, cuts: [{name_masked, cut}],
    expires_at, …}; with a shopper's log-in, whether they started it (`mine`) or helped (`helped`)."""
    run = session.get(BargainRun, id_from_text(run_id))
    if run is None or run.shop_id != shop_id:
        raise NotFound("bargain_run_not_found")
    bargain = session.get(Bargain, run.bargain_id)
    cuts = session.exec(select(BargainCut).where(BargainCut.run_id == run.id).order_by(BargainCut.id)).all()
    viewer = _viewer(session, shop_id, customer_token)
    starter = session.get(Customer, run.customer_id)
    variant = session.get(Variant, bargain.variant_id)
    product = session.get(Product, bargain.product_id)
    return {
        "run_id": run.id, "bargain_id": bargain.id, "name": bargain.name, "product_id": bargain.product_id,
        "variant_id": bargain.variant_id, "title": product.title if product else "",
        "options": " / ".join(str(v) for v in (variant.option_values if variant else []) or []),
        "start_price": run.start_price, "price": run.price, "floor_price": run.floor_price,
        "status": _shown_status(session, run, bargain), "helpers_needed": run.helpers_needed, "cuts_count": run.cuts_count,
        "cut_total": run.start_price - run.price, "buy_before_floor": bargain.buy_before_floor,
        "starter_masked": masked_name(starter.name or starter.email) if starter else "***",
        "cuts": [{"name_masked": c.name_masked, "cut": c.amount, "at": iso(c.created_at)} for c in cuts],
        "expires_at": iso(run.expires_at), "share_path": share_path(session, shop_id, run.id),
        "mine": viewer is not None and viewer == run.customer_id,
        "helped": viewer is not None and any(c.customer_id == viewer for c in cuts),
    }


def _shown_status(session: Session, run: BargainRun, bargain: Bargain) -> str:
    """run_status, and `refunded` once the starter's paid order went back in full (closed): the unit is the
    shop's stock again (refunds put it back through the inventory) but not the activity's, and the run is
    spent, never bought again at its price; the starter may start a new run while units are left."""
    status = run_status(run, bargain)
    if status == "ordered" and session.exec(select(Order.status).where(Order.id == run.order_id)).first() == "closed":
        return "refunded"
    return status


def active_for_product(session: Session, shop_id: int, product_id: int) -> list[dict]:
    """The product page's "发起砍价": bargains on its variants running now with units left."""
    now = utcnow()
    rows = session.exec(select(Bargain).where(
        Bargain.shop_id == shop_id, Bargain.product_id == product_id, col(Bargain.ended_at).is_(None),
        Bargain.starts_at <= now, Bargain.ends_at > now, col(Bargain.sold) < col(Bargain.quantity),
    ).order_by(Bargain.id)).all()
    return [{"id": b.id, "name": b.name, "variant_id": b.variant_id, "floor_price": b.floor_price,
             "helpers_needed": b.helpers_needed} for b in rows]


def share_path(session: Session, shop_id: int, run_id: int) -> str:
    return f"/s/{shops.get_shop(session, shop_id).slug}/bargain-runs/{run_id}"


def _started(session: Session, shop_id: int, run: BargainRun) -> dict:
    return {
        "run_id": run.id, "price": run.price, "floor_price": run.floor_price, "expires_at": iso(run.expires_at),
        "share_path": share_path(session, shop_id, run.id),
    }


def _viewer(session: Session, shop_id: int, token: str | None) -> int | None:
    if not shoppers.is_customer_token(token):
        return None
    try:
        return shoppers.customer_for_token(session, shop_id, token).id
    except Exception:  # noqa: BLE001 - an expired log-in reads the page as a guest
        return None
