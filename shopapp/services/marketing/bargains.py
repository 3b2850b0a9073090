"""砍价 bargains, as the owner runs them (营销中心): create, list, end now, and what each brought in.

Every rule of what a bargain may say is in `checked_bargain`; a refused one names each bad field and
nothing is saved. A shopper's run of a bargain (start, friends' cuts, the price now) is bargain_runs';
its order is checkout/bargain_orders'.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from shopapp.models import Order, OrderItem, Product, RefundItem, Variant
from shopapp.models.bargains import Bargain, BargainRun
from shopapp.models.base import utcnow
from shopapp.services.core.errors import Conflict, require_fields
from shopapp.services.core.money import refund_for_units
from shopapp.services.core.permissions import Actor, require, shop_row
from shopapp.services.core.validation import checked_moment, checked_text, checked_whole_between, id_from_text
from shopapp.services.marketing.promotions import iso

SOURCE = "bargain"  # the saving's source on quotes and orders (PRICING.md)
STATUSES = ("scheduled", "active", "ended")
MAX_NAME = 60
MAX_HELPERS = 100
MAX_HOURS = 24 * 30
MAX_QUANTITY = 1_000_000
FOREVER = timedelta(days=3650)  # no end given: the owner ends it


def status_of(bargain: Bargain, now: datetime | None = None) -> str:
    now = now or utcnow()
    if bargain.ended_at is not None or bargain.ends_at <= now:
        return "ended"
    return "scheduled" if bargain.starts_at > now else "active"


def create_bargain(session: Session, actor: Actor, data: dict, errors: dict[str, str] | None = None) -> dict:
    """A new bargain from the owner's form or the API; 201's body. `errors` are the form's own (an
    amount it could not read), named together with the rules' refusals."""
    require(actor, "manage_marketing")
    values = checked_bargain(session, actor.shop_id, data if isinstance(data, dict) else {}, errors)
    bargain = Bargain(shop_id=actor.shop_id, **values)
    session.add(bargain)
    session.flush()
    return bargain_dict(session, bargain)


def end_bargain(session: Session, actor: Actor, bargain_id) -> dict:
    """End it now: no run starts from now on, and the open runs expire (an order already placed stays)."""
    require(actor, "manage_marketing")
    bargain = get_row(session, actor.shop_id, bargain_id)
    if status_of(bargain) != "ended":
        bargain.ended_at = utcnow()
        session.add(bargain)
        session.flush()
    return bargain_dict(session, bargain)


def get_bargain(session: Session, actor: Actor, bargain_id) -> dict:
    require(actor, "view_console")
    return bargain_dict(session, get_row(session, actor.shop_id, bargain_id))


def list_bargains(session: Session, actor: Actor, *, status: str | None = None) -> list[dict]:
    """The shop's bargains, newest first, filtered by status (from the schedule)."""
    require(actor, "view_console")
    if status and status not in STATUSES:
        require_fields({"status": "bargain_status_invalid"})
    now = utcnow()
    rows = session.exec(select(Bargain).where(Bargain.shop_id == actor.shop_id).order_by(col(Bargain.id).desc()).limit(500)).all()
    return [bargain_dict(session, b, now) for b in rows if not status or status_of(b, now) == status]


def get_row(session: Session, shop_id: int, bargain_id) -> Bargain:
    return shop_row(session, Bargain, shop_id, id_from_text(bargain_id), "bargain_not_found")


def bargain_dict(session: Session, bargain: Bargain, now: datetime | None = None) -> dict:
    started, finished = run_counts(session, bargain.id)
    return {
        "id": bargain.id, "name": bargain.name, "status": status_of(bargain, now), "variant_id": bargain.variant_id,
        "product_id": bargain.product_id, "floor_price": bargain.floor_price, "helpers_needed": bargain.helpers_needed,
        "hours": bargain.hours, "quantity": bargain.quantity, "sold": bargain.sold, "left": bargain.quantity - bargain.sold,
        "buy_before_floor": bargain.buy_before_floor, "starts_at": iso(bargain.starts_at), "ends_at": iso(bargain.ends_at),
        "ended_at": iso(bargain.ended_at), "created_at": iso(bargain.created_at),
        "runs_started": started, "runs_finished": finished,
    }


def run_counts(session: Session, bargain_id: int) -> tuple[int, int]:
    """Runs started, and runs that reached the floor."""
    started, finished = session.exec(
        select(func.count(), func.count(BargainRun.finished_at)).where(BargainRun.bargain_id == bargain_id)
    ).one()
    return started, finished


# Units ---------------------------------------------------------------------------------------------

def take_unit(session: Session, bargain: Bargain) -> None:
    """One of the activity's units for an order, by a conditional UPDATE: never more than `quantity`."""
    taken = session.execute(
        update(Bargain).where(col(Bargain.id) == bargain.id, col(Bargain.sold) < col(Bargain.quantity))
        .values(sold=col(Bargain.sold) + 1)
    ).rowcount
    if taken != 1:
        raise Conflict("sold_out")
    session.refresh(bargain)


def order_closed(session: Session, order) -> None:
    """An unpaid bargain order was cancelled or expired: its unit goes back to the activity and the run
    to its starter, who may buy again while it lasts (marketing/lifecycle). A paid order refunded later
    is not given back here: its goods return to the stock (orders/refunds) and the unit stays sold, as a
    flash sale's does (marketing/flash_sales says why); the run shows `refunded` (bargain_runs.run_view)."""
    run = session.exec(select(BargainRun).where(BargainRun.shop_id == order.shop_id, BargainRun.order_id == order.id)).first()
    if run is None:
        return
    run.order_id = None
    session.add(run)
    session.execute(update(Bargain).where(col(Bargain.id) == run.bargain_id, col(Bargain.sold) > 0).values(sold=col(Bargain.sold) - 1))


# The report ----------------------------------------------------------------------------------------

def bargain_report(session: Session, actor: Actor, bargain_id) -> dict:
    """{orders, paid_orders, units, revenue, discount_total, customers, new_customers, runs_started,
    runs_finished}: paid orders only, net of refunds, as every activity's report."""
    require(actor, "view_reports")
    bargain = get_row(session, actor.shop_id, bargain_id)
    started, finished = run_counts(session, bargain.id)
    return {
        "bargain": bargain_dict(session, bargain), **_figures(session, actor.shop_id, {bargain.id}, bargain.created_at),
        "runs_started": started, "runs_finished": finished,
    }


def overview(session: Session, actor: Actor) -> dict:
    """Every bargain of the shop together, for the marketing centre's numbers: {running, orders, paid_orders,
    units, revenue, discount_total, customers, new_customers, runs_started, runs_finished}."""
    require(actor, "view_reports")
    now = utcnow()
    rows = session.exec(select(Bargain).where(Bargain.shop_id == actor.shop_id)).all()
    started, finished = session.exec(
        select(func.count(), func.count(BargainRun.finished_at)).where(BargainRun.shop_id == actor.shop_id)
    ).one()
    since = min((b.created_at for b in rows), default=now)
    return {
        "running": sum(1 for b in rows if status_of(b, now) == "active"),
        **_figures(session, actor.shop_id, {b.id for b in rows}, since), "runs_started": started, "runs_finished": finished,
    }


def _figures(session: Session, shop_id: int, ids: set[int], since: datetime) -> dict:
    """What orders whose savings name one of the bargains `ids` brought in: paid orders only, net of refunds
    (a line's refunded units give back what PRICING.md says), an order refunded in full counting for nothing."""
    touched = [] if not ids else [
        o for o in session.exec(select(Order).where(Order.shop_id == shop_id, Order.created_at >= since).order_by(col(Order.id).desc()))
        if any(_is_of(s, ids) for s in o.discounts or ())
    ]
    counted = [o for o in touched if o.paid_at is not None and o.status != "closed"]
    items = [
        item for item in (session.exec(select(OrderItem).where(col(OrderItem.order_id).in_([o.id for o in counted]))).all() if counted else [])
        if any(_is_of(s, ids) for s in item.discounts or ())
    ]
    units = revenue = given = 0
    for item in items:
        back = list(session.exec(select(RefundItem.qty).where(RefundItem.order_item_id == item.id).order_by(RefundItem.id)).all())
        units += item.qty - sum(back)
        revenue += item.paid - sum(refund_for_units(item.paid, item.qty, n, back[:i]) for i, n in enumerate(back))
        given += sum(s["amount"] for s in item.discounts if _is_of(s, ids))
    return {
        "orders": len([o for o in touched if o.status != "cancelled"]), "paid_orders": len(counted), "units": units,
        "revenue": revenue, "discount_total": given, "customers": len({o.email for o in counted}),
        "new_customers": _new_customers(session, shop_id, counted),
    }


def _is_of(saving: dict, ids: set[int]) -> bool:
    return saving.get("source") == SOURCE and saving.get("id") in ids


def _new_customers(session: Session, shop_id: int, counted: list[Order]) -> int:
    if not counted:
        return 0
    first = dict(session.exec(
        select(Order.email, func.min(Order.paid_at))
        .where(Order.shop_id == shop_id, col(Order.paid_at).is_not(None), col(Order.email).in_(sorted({o.email for o in counted})))
        .group_by(Order.email)
    ).all())
    return len({o.email for o in counted if first.get(o.email) == o.paid_at})


# The rules -----------------------------------------------------------------------------------------

def checked_bargain(session: Session, shop_id: int, data: dict, errors: dict[str, str] | None = None) -> dict:
    """The columns of a bargain as `data` describes it, or Invalid naming every bad field: a variant of
    the shop, a floor below its price leaving at least 1 分 for each helper, 1..100 helpers, 1..720 hours,
    a quantity of at least 1, an end after the start."""
    errors = dict(errors or {})
    values: dict = {"name": checked_text(data.get("name"), errors, "name", limit=MAX_NAME, required=True)}
    variant_id = checked_whole_between(data.get("variant_id"), "variant_id", errors, low=1)
    floor = checked_whole_between(data.get("floor_price"), "floor_price", errors, low=0) if "floor_price" not in errors else None
    helpers = checked_whole_between(data.get("helpers_needed"), "helpers_needed", errors, low=1, high=MAX_HELPERS, code="helpers_out_of_range")
    values["hours"] = checked_whole_between(data.get("hours"), "hours", errors, low=1, high=MAX_HOURS, code="hours_out_of_range")
    values["quantity"] = checked_whole_between(data.get("quantity"), "quantity", errors, low=1, high=MAX_QUANTITY)
    variant = session.get(Variant, variant_id) if variant_id is not None else None
    if variant_id is not None and (variant is None or variant.shop_id != shop_id):
        errors["variant_id"] = "variants_not_in_shop"
        variant = None
    if variant is not None and floor is not None:
        if floor >= variant.price:
            errors["floor_price"] = "floor_not_below_price"
        elif helpers is not None and variant.price - floor < helpers:
            errors["helpers_needed"] = "helpers_more_than_cents"  # every cut is at least 1 分
    now = utcnow()
    starts = checked_moment(data.get("starts_at"), "starts_at", errors) if data.get("starts_at") and "starts_at" not in errors else now
    ends = checked_moment(data.get("ends_at"), "ends_at", errors) if data.get("ends_at") and "ends_at" not in errors else (starts or now) + FOREVER
    if starts and ends and ends <= starts and "ends_at" not in errors:
        errors["ends_at"] = "ends_before_start"
    require_fields(errors)
    product = session.get(Product, variant.product_id)
    values.update(
        variant_id=variant.id, product_id=product.id, floor_price=floor, helpers_needed=helpers,
        buy_before_floor=bool(data.get("buy_before_floor")), starts_at=starts, ends_at=ends,
    )
    return values

