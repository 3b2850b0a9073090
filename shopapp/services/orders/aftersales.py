"""After-sales requests (售后): the shopper asks for a refund or a return, the shop approves or refuses.

refund_only:        requested -> refunded (approved) | refused
return_and_refund:  requested -> awaiting_return (approved) -> returning (the shopper's waybill)
                    -> refunded (the shop received the parcel) | refused at any open step
Every step is an order event both sides see; each decision is e-mailed to the shopper.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, update
from sqlmodel import Session, select

from shopapp.models import Order
from shopapp.models.aftersales import AftersalesRequest
from shopapp.models.base import utcnow
from shopapp.services.catalog import media, storage
from shopapp.services.core.errors import Conflict, Invalid, NotFound, require_fields
from shopapp.services.core.money import format_money
from shopapp.services.core.outbox import queue_bilingual
from shopapp.services.core.paging import page_size, page_start
from shopapp.services.core.permissions import Actor, require
from shopapp.services.core.validation import checked_text
from shopapp.services.orders import fulfillment, refunds, state
from shopapp.services.shops import shops

KINDS = ("refund_only", "return_and_refund")
STATUSES = ("requested", "awaiting_return", "returning", "refunded", "refused")
OPEN = ("requested", "awaiting_return", "returning")
MAX_PHOTOS = 3
MAX_REASON = 500
MAX_MESSAGE = 500


@dataclass(frozen=True)
class _Photo:
    """What media.image_urls reads of a stored picture."""

    key: str
    width: int


def request_aftersales(
    session: Session, shop_id: int, order_no: str, token: str, kind: str, reason: str, photos: list[bytes] = (),
) -> AftersalesRequest:
    """The shopper, holding the order link, asks for money back (and perhaps to send goods back)."""
    errors: dict[str, str] = {}
    if kind not in KINDS:
        errors["kind"] = "aftersales_kind_invalid"
    reason = checked_text(reason, errors, "reason", limit=MAX_REASON, required=True)
    if len(photos) > MAX_PHOTOS:
        errors["photos"] = "too_many_photos"
    require_fields(errors)
    # Pictures are decoded before the first query: on SQLite a transaction holds the write lock.
    processed = [media.process_image(data) for data in photos]
    order = state.shopper_order(session, shop_id, order_no, token)
    if order.status not in refunds.REFUNDABLE_STATUSES or not refunds.refundable(session, order):
        raise Conflict("order_not_refundable")
    if kind == "return_and_refund" and order.fulfillment_status == "unfulfilled":
        raise Invalid(fields={"kind": "nothing_shipped_to_return"})
    if _open_request(session, order) is not None:
        raise Conflict("aftersales_already_open")
    request = AftersalesRequest(
        shop_id=shop_id, order_id=order.id, kind=kind, reason=reason, photos=_store_photos(shop_id, processed),
    )
    session.add(request)
    session.flush()
    state.record_event(session, order, "aftersales_requested", "shopper", {"aftersales_id": request.id, "kind": kind})
    return request


def submit_return(
    session: Session, shop_id: int, order_no: str, token: str, request_id: int, carrier: str, tracking_no: str,
) -> AftersalesRequest:
    """The shopper sent the goods back and gives the parcel's waybill number."""
    carrier, tracking_no = fulfillment.checked_waybill(carrier, tracking_no)
    order = state.shopper_order(session, shop_id, order_no, token)
    request = _request_of(session, shop_id, request_id, order_id=order.id)
    _move(session, request, ("awaiting_return",), "returning", return_carrier=carrier, return_tracking_no=tracking_no)
    state.record_event(session, order, "aftersales_return_shipped", "shopper", {
        "aftersales_id": request.id, "carrier": carrier, "tracking_no": tracking_no,
    })
    return request


def approve(
    session: Session, actor: Actor, request_id: int, *, amount: int | None = None, items: list[dict] | None = None,
    message: str = "",
) -> AftersalesRequest:
    """Yes: refund_only is refunded at once; a return waits for the goods (`items` say what comes back).

    `amount` defaults to what the given `items` were paid, else to all that can still be given back;
    a return's `items` default to every unit not refunded.
    """
    require(actor, "manage_orders")
    request = _request_of(session, actor.shop_id, request_id)
    errors: dict[str, str] = {}
    message = checked_text(message, errors, "message", limit=MAX_MESSAGE)
    require_fields(errors)
    order = state.get_order(session, actor, request.order_id)
    if amount is None:
        amount = refunds.paid_for_units(session, order, items) if items else refunds.refundable(session, order)
    if items is None:
        items = _all_units(session, order) if request.kind == "return_and_refund" else []
    refunds.check_refund(session, order, amount, items)
    data = {"aftersales_id": request.id, "kind": request.kind, "amount": amount, "message": message}
    if request.kind == "refund_only":
        _move(session, request, ("requested",), "refunded", amount=amount, items=items, message=message)
        state.record_event(session, order, "aftersales_approved", actor.label, data)
        _refund(session, actor, request, order)
    else:
        _move(session, request, ("requested",), "awaiting_return", amount=amount, items=items, message=message)
        state.record_event(session, order, "aftersales_approved", actor.label, data)
    kind = "email.aftersales_approved" if request.kind == "refund_only" else "email.aftersales_return_approved"
    _tell_shopper(session, order, request, kind)
    return request


def refuse(session: Session, actor: Actor, request_id: int, message: str) -> AftersalesRequest:
    """No, with a message the shopper reads; an open request can be refused at any step."""
    require(actor, "manage_orders")
    request = _request_of(session, actor.shop_id, request_id)
    errors: dict[str, str] = {}
    message = checked_text(message, errors, "message", limit=MAX_MESSAGE, required=True)
    require_fields(errors)
    order = state.get_order(session, actor, request.order_id)
    _move(session, request, OPEN, "refused", message=message)
    state.record_event(session, order, "aftersales_refused", actor.label, {
        "aftersales_id": request.id, "message": message,
    })
    _tell_shopper(session, order, request, "email.aftersales_refused")
    return request


def received(session: Session, actor: Actor, request_id: int) -> AftersalesRequest:
    """The returned goods arrived: the agreed amount is refunded and the lines go back on sale."""
    require(actor, "manage_orders")
    request = _request_of(session, actor.shop_id, request_id)
    order = state.get_order(session, actor, request.order_id)
    _move(session, request, ("awaiting_return", "returning"), "refunded")
    state.record_event(session, order, "aftersales_received", actor.label, {"aftersales_id": request.id})
    _refund(session, actor, request, order, returned=True)
    return request


def get_request(session: Session, actor: Actor, request_id: int) -> AftersalesRequest:
    require(actor, "view_orders")
    return _request_of(session, actor.shop_id, request_id)


def list_requests(
    session: Session, actor: Actor, *, status: str | None = None, page: int = 1, per_page: int = 50,
) -> tuple[list[dict], int]:
    """One page of the shop's requests, newest first, and how many match."""
    require(actor, "view_orders")
    if status and status not in STATUSES:
        raise Invalid(fields={"status": "aftersales_status_invalid"})
    conditions = [AftersalesRequest.shop_id == actor.shop_id]
    if status:
        conditions.append(AftersalesRequest.status == status)
    per_page, page = page_size(per_page), max(1, page)
    total = session.exec(select(func.count()).select_from(AftersalesRequest).where(*conditions)).one()
    rows = session.exec(
        select(AftersalesRequest, Order.order_no).join(Order, Order.id == AftersalesRequest.order_id)
        .where(*conditions).order_by(AftersalesRequest.created_at.desc(), AftersalesRequest.id.desc())
        .offset(page_start(page, per_page)).limit(per_page)
    ).all()
    return [request_dict(request, order_no) for request, order_no in rows], total


def can_request(session: Session, shop_id: int, order_no: str, token: str) -> bool:
    """Whether the shopper's order page offers a new request: paid, money left to give back, none open."""
    order = state.shopper_order(session, shop_id, order_no, token)
    return (
        order.status in refunds.REFUNDABLE_STATUSES and bool(refunds.refundable(session, order))
        and _open_request(session, order) is None
    )


def order_requests(session: Session, actor: Actor, order_id: int) -> list[dict]:
    """The requests of one order, oldest first, for the console's order page."""
    order = state.get_order(session, actor, order_id)
    rows = session.exec(
        select(AftersalesRequest).where(AftersalesRequest.shop_id == actor.shop_id, AftersalesRequest.order_id == order.id)
        .order_by(AftersalesRequest.id)
    ).all()
    return [request_dict(request, order.order_no) for request in rows]


def shopper_requests(session: Session, shop_id: int, order_no: str, token: str) -> list[dict]:
    """The requests of the shopper's own order, oldest first."""
    order = state.shopper_order(session, shop_id, order_no, token)
    rows = session.exec(
        select(AftersalesRequest).where(AftersalesRequest.order_id == order.id).order_by(AftersalesRequest.id)
    ).all()
    return [request_dict(request, order.order_no) for request in rows]


def request_view(session: Session, request: AftersalesRequest) -> dict:
    """The request as the API shows it, with its order's number."""
    order_no = session.exec(select(Order.order_no).where(Order.id == request.order_id, Order.shop_id == request.shop_id)).one()
    return request_dict(request, order_no)


def request_dict(request: AftersalesRequest, order_no: str) -> dict:
    return {
        "id": request.id, "order_id": request.order_id, "order_no": order_no, "kind": request.kind,
        "status": request.status, "reason": request.reason,
        "photos": [media.image_urls(_Photo(p["key"], p["width"])) for p in request.photos],
        "amount": request.amount, "items": request.items, "message": request.message,
        "return_carrier": request.return_carrier, "return_tracking_no": request.return_tracking_no,
        "refund_id": request.refund_id, "created_at": request.created_at, "updated_at": request.updated_at,
    }


# Helpers ---------------------------------------------------------------------------------------

def _request_of(session: Session, shop_id: int, request_id: int, *, order_id: int | None = None) -> AftersalesRequest:
    request = session.get(AftersalesRequest, request_id, populate_existing=True)
    if request is None or request.shop_id != shop_id or (order_id is not None and request.order_id != order_id):
        raise NotFound()
    return request


def _open_request(session: Session, order: Order) -> AftersalesRequest | None:
    return session.exec(
        select(AftersalesRequest).where(AftersalesRequest.order_id == order.id, AftersalesRequest.status.in_(OPEN))
    ).first()


def _move(session: Session, request: AftersalesRequest, allowed: tuple[str, ...], to: str, **values) -> None:
    """A compare-and-set on the status: of two decisions racing, one wins and the other is told."""
    if request.status not in allowed:
        raise Conflict("aftersales_status_invalid", current=request.status)
    moved = session.exec(
        update(AftersalesRequest)
        .where(AftersalesRequest.id == request.id, AftersalesRequest.status == request.status)
        .values(status=to, updated_at=utcnow(), **values).execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(request)
    if not moved:
        raise Conflict("aftersales_status_invalid", current=request.status)


def _refund(session: Session, actor: Actor, request: AftersalesRequest, order: Order, *, returned: bool = False) -> None:
    answer = refunds.refund(
        session, actor, order.id, request.amount, f"售后 #{request.id}", request.items or None,
        returned=returned, aftersales_id=request.id,
    )
    request.refund_id = answer["id"]
    session.add(request)
    session.flush()


def _all_units(session: Session, order: Order) -> list[dict]:
    return [
        {"order_item_id": item_id, "qty": units, "restock": True}
        for item_id, units in refunds.unrefunded_units(session, order).items() if units
    ]


def _store_photos(shop_id: int, processed: list[media.ProcessedImage]) -> list[dict]:
    stored = []
    try:
        for picture in processed:
            key = f"shops/{shop_id}/aftersales/{uuid.uuid4().hex}"
            stored.append({"key": key, "width": picture.width, "height": picture.height})
            for width, webp in picture.renditions.items():
                storage.put(f"{key}/{width}.webp", webp, "image/webp")
    except BaseException:
        for photo in stored:  # a failed upload leaves nothing behind
            storage.delete_prefix(photo["key"])
        raise
    return stored


def _tell_shopper(session: Session, order: Order, request: AftersalesRequest, key: str) -> None:
    queue_bilingual(
        session, order.shop_id, order.email, key, shop=shops.get_shop(session, order.shop_id).name,
        order_no=order.order_no, amount=format_money(request.amount or 0, order.currency),
        message=request.message or "-",
    )
