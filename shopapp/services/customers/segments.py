"""Segments: the customer list's filters saved under a name, and the built-in RFM groups (services/customers/rfm.py).

A segment is named either by a saved segment's id ("12" or 12) or by a built-in group's key
("important_value", "new", ...). Whatever sends to a segment later (a coupon, an e-mail campaign)
asks `segment_customer_ids` or `segment_emails` for its members, so it reaches exactly who the
console counted.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from shopapp.models import CustomerProfile, CustomerSegment
from shopapp.models.base import utcnow
from shopapp.services.core.errors import Conflict, Invalid, NotFound, require_fields
from shopapp.services.core.permissions import Actor, require, shop_row
from shopapp.services.core.validation import checked_text, id_from_text
from shopapp.services.customers import directory, rfm

MAX_NAME = 40
MAX_SEGMENTS = 100  # saved per shop
BATCH = 5000  # members read per query when a segment is walked


def list_segments(session: Session, actor: Actor) -> dict:
    """The saved segments and the built-in groups, each with {count, spent}, and the RFM thresholds."""
    require(actor, "answer_customers")
    saved = session.exec(select(CustomerSegment).where(CustomerSegment.shop_id == actor.shop_id).order_by(CustomerSegment.name))
    figures = rfm.group_figures(session, actor.shop_id)
    return {
        "items": [{**segment_dict(row), **_figures(session, actor.shop_id, directory.checked_filters(row.filters))} for row in saved],
        "built_in": [{"key": key, **figures[key]} for key in rfm.GROUPS],
        "thresholds": rfm.thresholds(),
    }


def create_segment(session: Session, actor: Actor, *, name: str, filters: dict | None) -> dict:
    require(actor, "answer_customers")
    name, checked = _checked(name, filters)
    if session.exec(select(func.count()).select_from(CustomerSegment).where(CustomerSegment.shop_id == actor.shop_id)).one() >= MAX_SEGMENTS:
        raise Conflict("too_many_segments")
    row = CustomerSegment(shop_id=actor.shop_id, name=name, filters=checked.as_dict())
    _save(session, row)
    return {**segment_dict(row), **_figures(session, actor.shop_id, checked)}


def update_segment(session: Session, actor: Actor, segment_id: int, *, name: str, filters: dict | None) -> dict:
    require(actor, "answer_customers")
    row = shop_row(session, CustomerSegment, actor.shop_id, segment_id)
    row.name, checked = _checked(name, filters)
    row.filters, row.updated_at = checked.as_dict(), utcnow()
    _save(session, row)
    return {**segment_dict(row), **_figures(session, actor.shop_id, checked)}


def delete_segment(session: Session, actor: Actor, segment_id: int) -> None:
    require(actor, "answer_customers")
    session.delete(shop_row(session, CustomerSegment, actor.shop_id, segment_id))
    session.flush()


def segment_filters(session: Session, actor: Actor, segment) -> directory.Filters:
    """The filters a segment stands for: a saved one's, or a built-in group's; NotFound for anything else."""
    if isinstance(segment, str) and segment in rfm.GROUPS:
        return directory.Filters(rfm=segment)
    try:
        segment_id = id_from_text(segment)
    except NotFound:
        raise NotFound("segment_not_found") from None
    return directory.checked_filters(shop_row(session, CustomerSegment, actor.shop_id, segment_id, "segment_not_found").filters)


def saved_segment_name(session: Session, actor: Actor, segment) -> str:
    """A saved segment's name ("" for a built-in group or an unknown one)."""
    require(actor, "answer_customers")
    try:
        row = session.get(CustomerSegment, id_from_text(segment))
    except NotFound:
        return ""
    return row.name if row is not None and row.shop_id == actor.shop_id else ""


def segment_customer_ids(session: Session, actor: Actor, segment) -> list[int]:
    """The accounts (Customer ids) in the segment: who can receive a coupon in their wallet. Guests have none."""
    return [customer_id for _, customer_id, _ in _members(session, actor, segment) if customer_id]


def segment_emails(session: Session, actor: Actor, segment) -> list[str]:
    """Every member's e-mail, guests included: who an e-mail campaign goes to."""
    return [email for _, _, email in _members(session, actor, segment)]


def segment_count(session: Session, actor: Actor, segment) -> int:
    """How many customers are in the segment now (one count query, however big it is)."""
    require(actor, "answer_customers")
    return _figures(session, actor.shop_id, segment_filters(session, actor, segment))["count"]


def segment_dict(row: CustomerSegment) -> dict:
    return {"id": row.id, "name": row.name, "filters": row.filters, "updated_at": row.updated_at}


def _members(session: Session, actor: Actor, segment) -> Iterator[tuple[int, int | None, str]]:
    """(profile id, account id, e-mail) of every member, walked by id in batches (no offset over big shops)."""
    require(actor, "answer_customers")
    filters = segment_filters(session, actor, segment)
    conditions = directory.conditions_for(session, actor.shop_id, filters)
    query = directory.joined_for(select(CustomerProfile.id, CustomerProfile.customer_id, CustomerProfile.email), filters)
    last = 0
    while True:
        rows = session.exec(query.where(*conditions, CustomerProfile.id > last).order_by(CustomerProfile.id).limit(BATCH)).all()
        yield from rows
        if len(rows) < BATCH:
            return
        last = rows[-1][0]


def _figures(session: Session, shop_id: int, filters: directory.Filters) -> dict:
    query = select(func.count(), func.coalesce(func.sum(CustomerProfile.total_spent), 0)).select_from(CustomerProfile)
    query = directory.joined_for(query, filters)
    count, spent = session.exec(query.where(*directory.conditions_for(session, shop_id, filters))).one()
    return {"count": count, "spent": int(spent)}


def _checked(name, filters) -> tuple[str, directory.Filters]:
    errors: dict[str, str] = {}
    name = checked_text(name, errors, "name", limit=MAX_NAME, required=True)
    require_fields(errors)
    if filters is not None and not isinstance(filters, dict):
        raise Invalid(fields={"filters": "must_be_object"})
    return name, directory.checked_filters({k: v for k, v in (filters or {}).items() if k in directory.FILTER_KEYS})


def _save(session: Session, row: CustomerSegment) -> None:
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        raise Invalid(fields={"name": "name_taken"}) from None


def filters_with(session: Session, actor: Actor, segment, raw: dict) -> directory.Filters:
    """The list's filters inside a segment: the segment's own, with the ones given (a search, a tag) added."""
    base = segment_filters(session, actor, segment).as_dict() if segment not in (None, "") else {}
    return directory.checked_filters({**base, **{k: v for k, v in raw.items() if v not in (None, "")}})
