"""The shop's side: the review inbox, publishing and hiding, pinning, replying, and the rule for new reviews.

A review's status changes by compare-and-set on the status it had when read, and the product's rating
moves in the same transaction by exactly what that change means (ratings.adjust), so two moderators
clicking at once can never count a review twice.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, update
from sqlmodel import Session, select

from shopapp.models import Order, Product, Review, Shop
from shopapp.models.base import utcnow
from shopapp.models.reviews import REVIEW_STATUSES
from shopapp.services.catalog import ratings
from shopapp.services.core.errors import Conflict, Invalid, NotFound, require_fields
from shopapp.services.core.paging import page_size, page_start
from shopapp.services.core.permissions import Actor, require
from shopapp.services.core.validation import checked_text

MAX_REPLY = 1000
LOW_RATING = 2  # this many stars or fewer: flagged on the dashboard
LOW_RATING_DAYS = 30


def list_reviews(
    session: Session, actor: Actor, *, status: str | None = None, rating: str | int | None = None,
    product_id: int | None = None, page: int = 1, per_page: int = 50,
) -> tuple[list[dict], int]:
    """The inbox, newest first; `rating` is a star (1..5) or good / medium / bad."""
    require(actor, "view_console")
    query = select(Review).where(Review.shop_id == actor.shop_id)
    if status:
        if status not in REVIEW_STATUSES:
            raise Invalid(fields={"status": "review_status_invalid"})
        query = query.where(Review.status == status)
    low, high = ratings.star_range(rating)
    if low:
        query = query.where(Review.rating >= low, Review.rating <= high)
    if product_id:
        query = query.where(Review.product_id == product_id)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    size = page_size(per_page)
    rows = session.exec(query.order_by(Review.id.desc()).offset(page_start(page, size)).limit(size)).all()
    return _admin_dicts(session, actor.shop_id, rows), int(total)


def get_review(session: Session, actor: Actor, review_id: int) -> dict:
    require(actor, "view_console")
    return _admin_dicts(session, actor.shop_id, [_review(session, actor.shop_id, review_id)])[0]


def update_review(session: Session, actor: Actor, review_id: int, *, status=None, pinned=None, followup_status=None) -> Review:
    """Publish or hide the review (or its 追评), pin or unpin it."""
    require(actor, "moderate_reviews")
    errors: dict[str, str] = {}
    if status is not None and status not in ("published", "hidden"):
        errors["status"] = "review_status_invalid"
    if followup_status is not None and followup_status not in ("published", "hidden"):
        errors["followup_status"] = "review_status_invalid"
    if pinned is not None and not isinstance(pinned, bool):
        errors["pinned"] = "must_be_true_or_false"
    require_fields(errors)
    review = _review(session, actor.shop_id, review_id)
    if status is not None and status != review.status:
        _move(session, review, status)
    if followup_status is not None and followup_status != review.followup_status:
        if not review.followup_status:
            raise Conflict("no_followup")
        review.followup_status = followup_status
        ratings.refresh_has_photos(session, review)  # the 追评's photos show only while it is published
    if pinned is not None:
        review.pinned = pinned
    review.updated_at = utcnow()
    session.add(review)
    session.flush()
    return review


def reply(session: Session, actor: Actor, review_id: int, text) -> Review:
    """The shop's public answer under the review (plain text, shown escaped); empty takes it back."""
    require(actor, "moderate_reviews")
    errors: dict[str, str] = {}
    text = checked_text(text, errors, "reply", limit=MAX_REPLY)
    require_fields(errors)
    review = _review(session, actor.shop_id, review_id)
    review.reply, review.reply_at = text, (utcnow() if text else None)
    review.updated_at = utcnow()
    session.add(review)
    session.flush()
    return review


def set_rule(session: Session, actor: Actor, moderated) -> Shop:
    """The shop's rule: hold new reviews for moderation (True) or publish them at once."""
    require(actor, "moderate_reviews")
    if not isinstance(moderated, bool):
        raise Invalid(fields={"moderated": "must_be_true_or_false"})
    shop = session.get(Shop, actor.shop_id)
    shop.reviews_moderated = moderated
    session.add(shop)
    return shop


def shop_rule(session: Session, actor: Actor) -> bool:
    """True when new reviews wait for moderation."""
    require(actor, "view_console")
    return session.get(Shop, actor.shop_id).reviews_moderated


def low_ratings(session: Session, actor: Actor) -> dict[str, int]:
    """The dashboard's flag: reviews of LOW_RATING stars or fewer in the last LOW_RATING_DAYS, and those not answered yet."""
    require(actor, "view_console")
    since = utcnow() - timedelta(days=LOW_RATING_DAYS)
    base = select(func.count()).select_from(Review).where(
        Review.shop_id == actor.shop_id, Review.rating <= LOW_RATING, Review.created_at >= since,
    )
    return {"recent": int(session.exec(base).one()), "unanswered": int(session.exec(base.where(Review.reply == "")).one())}


def pending_count(session: Session, shop_id: int) -> int:
    return int(session.exec(
        select(func.count()).select_from(Review).where(Review.shop_id == shop_id, Review.status == "pending")
    ).one())


def _move(session: Session, review: Review, to: str) -> None:
    before = review.status
    changed = session.exec(
        update(Review).where(Review.id == review.id, Review.status == before).values(status=to)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not changed:
        session.refresh(review)
        raise Conflict("review_changed")
    review.status = to
    if to == "published":
        ratings.adjust(session, review.shop_id, review.product_id, 1, review.rating)
    elif before == "published":
        ratings.adjust(session, review.shop_id, review.product_id, -1, -review.rating)


def _review(session: Session, shop_id: int, review_id: int) -> Review:
    review = session.get(Review, review_id, populate_existing=True)
    if review is None or review.shop_id != shop_id:
        raise NotFound()
    return review


def _admin_dicts(session: Session, shop_id: int, rows: list[Review]) -> list[dict]:
    """Reviews as staff see them: who wrote it (the address too), the order, the product's title."""
    photos = ratings.photos_of(session, [r.id for r in rows])
    product_ids = sorted({r.product_id for r in rows})
    titles = dict(session.exec(
        select(Product.id, Product.title).where(Product.shop_id == shop_id, Product.id.in_(product_ids))
    ).all()) if rows else {}
    order_nos = dict(session.exec(
        select(Order.id, Order.order_no).where(Order.shop_id == shop_id, Order.id.in_(sorted({r.order_id for r in rows})))
    ).all()) if rows else {}
    return [{
        "id": r.id, "product_id": r.product_id, "product_title": titles.get(r.product_id, ""),
        "order_no": order_nos.get(r.order_id, ""), "order_item_id": r.order_item_id, "customer_id": r.customer_id,
        "email": r.email, "author_masked": ratings.masked_name(r.author_name or r.email), "anonymous": r.anonymous,
        "rating": r.rating, "text": r.text, "status": r.status, "pinned": r.pinned, "reply": r.reply,
        "reply_at": r.reply_at, "followup": {"text": r.followup_text, "status": r.followup_status, "at": r.followup_at}
        if r.followup_status else None,
        "photos": [ratings.photo_dict(p) for p in photos.get(r.id, [])], "created_at": r.created_at,
    } for r in rows]
