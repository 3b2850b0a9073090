"""One customer as the owner sees them: orders, spend, addresses, conversations, after-sales, points,
and the owner's own note and tags (set one at a time or on many customers at once)."""

from __future__ import annotations

from sqlalchemy import delete, func
from sqlmodel import Session, select

from shopapp.models import AftersalesRequest, Conversation, CustomerProfile, CustomerTag, Order, PointsAccount
from shopapp.models.base import utcnow
from shopapp.services.core.errors import Invalid, require_fields
from shopapp.services.core.money import average
from shopapp.services.core.permissions import Actor, require, shop_row
from shopapp.services.core.validation import checked_text, storable_integer
from shopapp.services.customers import directory, profiles

MAX_TAGS = 30  # per customer (as a product: the message "at most 30 tags" is shared)
MAX_TAG_LENGTH = 20
MAX_NOTE = 500
MAX_BULK = 1000  # customers tagged in one go
SHOWN = 20  # orders, conversations, after-sales shown on the profile


def get_customer(session: Session, actor: Actor, profile_id: int) -> dict:
    """The profile with everything the owner looks at when a customer calls."""
    require(actor, "answer_customers")
    profile = shop_row(session, CustomerProfile, actor.shop_id, profile_id)
    points = session.exec(select(PointsAccount).where(PointsAccount.customer_id == profile.customer_id)).first() \
        if profile.customer_id else None
    summary = directory.summaries(session, actor.shop_id, [(profile, points.available if points else 0,
                                                            points.lifetime_spent if points else 0)])[0]
    orders = list(session.exec(select(Order).where(*profiles.owned_orders(profile))
                               .order_by(Order.created_at.desc(), Order.id.desc()).limit(SHOWN)))
    return {
        **summary, "note": profile.note, "first_order_at": profile.first_order_at, "created_at": profile.created_at,
        "average_order": average(profile.total_spent, profile.orders_count),
        "points_frozen": points.frozen if points else 0,
        "orders": [_order(order) for order in orders],
        "addresses": _addresses(orders),
        "conversations": _conversations(session, profile),
        "aftersales": _aftersales(session, profile),
    }


def update_customer(session: Session, actor: Actor, profile_id: int, *, tags=None, note=None) -> dict:
    """PATCH {tags?, note?}: the tags given replace the customer's; nothing changes when one is refused."""
    require(actor, "answer_customers")
    profile = shop_row(session, CustomerProfile, actor.shop_id, profile_id)
    errors: dict[str, str] = {}
    wanted = checked_tags(tags, errors) if tags is not None else None
    if note is not None:
        note = checked_text(note, errors, "note", limit=MAX_NOTE)
    if wanted is not None and len(wanted) > MAX_TAGS:
        errors["tags"] = "too_many_tags"
    require_fields(errors)
    if note is not None:
        profile.note = note
        profile.updated_at = utcnow()
        session.add(profile)
    if wanted is not None:
        session.exec(delete(CustomerTag).where(CustomerTag.profile_id == profile.id))
        session.add_all(CustomerTag(shop_id=actor.shop_id, profile_id=profile.id, tag=tag) for tag in wanted)
    session.flush()
    return get_customer(session, actor, profile.id)


def tag_customers(session: Session, actor: Actor, profile_ids: list, tag: str) -> int:
    """Bulk tagging: `tag` added to each customer (those that have it keep it). Refused whole when a
    customer would pass MAX_TAGS. Answers how many customers got it now."""
    require(actor, "answer_customers")
    errors: dict[str, str] = {}
    tag = (checked_tags([tag], errors) or [""])[0]
    if not tag and "tags" not in errors:
        errors["tags"] = "required"
    if not isinstance(profile_ids, list) or not profile_ids or len(profile_ids) > MAX_BULK:
        errors["ids"] = "too_many_customers" if isinstance(profile_ids, list) and profile_ids else "required"
    require_fields(errors)
    ids = {i for i in profile_ids if isinstance(i, int) and not isinstance(i, bool) and storable_integer(i)}
    own = set(session.exec(select(CustomerProfile.id).where(CustomerProfile.shop_id == actor.shop_id, CustomerProfile.id.in_(ids))))
    having = set(session.exec(select(CustomerTag.profile_id).where(CustomerTag.profile_id.in_(own), CustomerTag.tag == tag)))
    counts = dict(session.exec(select(CustomerTag.profile_id, func.count()).where(CustomerTag.profile_id.in_(own - having))
                               .group_by(CustomerTag.profile_id)).all())
    if any(count >= MAX_TAGS for count in counts.values()):
        raise Invalid(fields={"tags": "too_many_tags"})
    session.add_all(CustomerTag(shop_id=actor.shop_id, profile_id=i, tag=tag) for i in sorted(own - having))
    session.flush()
    return len(own - having)


def shop_tags(session: Session, actor: Actor) -> list[str]:
    """Every tag the shop uses, for the filter's choices."""
    require(actor, "answer_customers")
    return list(session.exec(select(CustomerTag.tag).where(CustomerTag.shop_id == actor.shop_id).distinct().order_by(CustomerTag.tag)))


def checked_tags(tags, errors: dict[str, str]) -> list[str]:
    """Tags trimmed, each 1..MAX_TAG_LENGTH characters of text, duplicates dropped, order kept."""
    if not isinstance(tags, list) or len(tags) > MAX_TAGS * 5:
        errors["tags"] = "too_many_tags" if isinstance(tags, list) else "must_be_list"
        return []
    kept: list[str] = []
    for tag in tags:
        if not isinstance(tag, str) or not tag.strip():
            errors["tags"] = "tag_invalid"
            return []
        if len(tag.strip()) > MAX_TAG_LENGTH:
            errors["tags"] = "tag_too_long"
            return []
        if tag.strip() not in kept:
            kept.append(tag.strip())
    return kept


def _order(order: Order) -> dict:
    return {"id": order.id, "order_no": order.order_no, "status": order.status, "total": order.total,
            "refunded_total": order.refunded_total, "created_at": order.created_at}


def _addresses(orders: list[Order]) -> list[dict]:
    """The distinct delivery addresses of the latest orders, newest first."""
    seen, found = set(), []
    for order in orders:
        address = order.address or {}
        key = tuple(str(address.get(k, "")) for k in ("name", "phone", "province", "city", "district", "line1"))
        if any(key) and key not in seen:
            seen.add(key)
            found.append({k: address.get(k, "") for k in ("name", "phone", "province", "city", "district", "line1", "postcode")})
    return found


def _conversations(session: Session, profile: CustomerProfile) -> list[dict]:
    rows = session.exec(
        select(Conversation).where(Conversation.shop_id == profile.shop_id, Conversation.email == profile.email)
        .order_by(Conversation.last_message_at.desc()).limit(SHOWN)
    )
    return [{"id": row.id, "status": row.status, "last_message_at": row.last_message_at} for row in rows]


def _aftersales(session: Session, profile: CustomerProfile) -> list[dict]:
    rows = session.exec(
        select(AftersalesRequest, Order.order_no).join(Order, Order.id == AftersalesRequest.order_id)
        .where(AftersalesRequest.shop_id == profile.shop_id, *profiles.owned_orders(profile))
        .order_by(AftersalesRequest.created_at.desc()).limit(SHOWN)
    )
    return [{"id": row.id, "order_no": order_no, "kind": row.kind, "status": row.status, "created_at": row.created_at}
            for row, order_no in rows]
