"""The shopper's side: reviewing an item of a delivered (or completed) order, once; one 追评 later; photos.

The shopper proves who they are as everywhere else for an order: its link's token, or their log-in
(state.shopper_order). The shop's rule decides whether a new review waits for moderation.
"""

from __future__ import annotations

import uuid

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from shopapp.models import Order, OrderItem, Review, ReviewPhoto, Shop
from shopapp.models.base import utcnow
from shopapp.services.catalog import media, ratings, storage
from shopapp.services.core.errors import Conflict, Invalid, NotFound, require_fields
from shopapp.services.core.validation import checked_text
from shopapp.services.orders import state

REVIEWABLE_STATUSES = ("delivered", "completed")
MAX_PHOTOS = 6  # for the review, and again for its 追评
MAX_TEXT = 1000


def write_review(
    session: Session, shop_id: int, order_no: str, token: str, order_item_id, rating, text, anonymous=False,
    photos: list[bytes] = (),
) -> Review:
    """Review one item of the shopper's delivered or completed order; a second review of it is refused."""
    errors: dict[str, str] = {}
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        errors["rating"] = "rating_invalid"
    text = checked_text(text, errors, "text", limit=MAX_TEXT)
    if not isinstance(order_item_id, int) or isinstance(order_item_id, bool):
        errors["order_item_id"] = "required"
    if len(photos) > MAX_PHOTOS:
        errors["photos"] = "too_many_review_photos"
    require_fields(errors)
    # Pictures are decoded before the first query: on SQLite a transaction holds the write lock.
    processed = [media.process_image(data) for data in photos]
    order = _reviewable_order(session, shop_id, order_no, token)
    item = session.exec(select(OrderItem).where(OrderItem.id == order_item_id, OrderItem.order_id == order.id)).first()
    if item is None:
        raise Invalid(fields={"order_item_id": "not_in_order"})
    if session.exec(select(Review.id).where(Review.order_item_id == item.id)).first() is not None:
        raise Conflict("already_reviewed")
    shop = session.get(Shop, shop_id)
    review = Review(
        shop_id=shop_id, product_id=item.product_id, order_id=order.id, order_item_id=item.id,
        customer_id=order.customer_id, email=order.email, author_name=order.recipient_name, rating=rating,
        text=text, anonymous=bool(anonymous), status="pending" if shop.reviews_moderated else "published",
    )
    try:
        with session.begin_nested():  # two tabs submitting at once: the unique index decides
            session.add(review)
            session.flush()
    except IntegrityError:
        raise Conflict("already_reviewed") from None
    if review.status == "published":
        ratings.adjust(session, shop_id, review.product_id, 1, review.rating)
    _store_photos(session, review, processed, followup=False)
    return review


def add_followup(session: Session, shop_id: int, order_no: str, token: str, review_id: int, text, photos: list[bytes] = ()) -> Review:
    """The 追评: once per review, moderated by the same rule."""
    errors: dict[str, str] = {}
    text = checked_text(text, errors, "text", limit=MAX_TEXT, required=True)
    if len(photos) > MAX_PHOTOS:
        errors["photos"] = "too_many_review_photos"
    require_fields(errors)
    processed = [media.process_image(data) for data in photos]
    review = _own_review(session, shop_id, order_no, token, review_id)
    if review.followup_status:
        raise Conflict("followup_exists")
    moderated = session.get(Shop, shop_id).reviews_moderated
    review.followup_text, review.followup_at = text, utcnow()
    review.followup_status = "pending" if moderated else "published"
    review.updated_at = utcnow()
    session.add(review)
    _store_photos(session, review, processed, followup=True)
    return review


def add_photos(session: Session, shop_id: int, order_no: str, token: str, review_id: int, photos: list[bytes]) -> Review:
    """More photos for the review (or its 追评, once written), up to MAX_PHOTOS each; with moderation on,
    only while that part still waits for it, so nothing reaches the product page unseen."""
    if not photos:
        raise Invalid(fields={"photos": "required"})
    processed = [media.process_image(data) for data in photos[:MAX_PHOTOS + 1]]
    review = _own_review(session, shop_id, order_no, token, review_id)
    followup = bool(review.followup_status)
    status = review.followup_status if followup else review.status
    if session.get(Shop, shop_id).reviews_moderated and status != "pending":
        raise Conflict("review_locked")
    _store_photos(session, review, processed, followup=followup)
    return review


def order_reviews(session: Session, shop_id: int, order_no: str, token: str) -> list[dict]:
    """Each item of the order with its review, and whether the shopper may review it (the order page's 评价)."""
    order = state.shopper_order(session, shop_id, order_no, token)
    reviews = {r.order_item_id: r for r in session.exec(select(Review).where(Review.order_id == order.id)).all()}
    open_ = order.status in REVIEWABLE_STATUSES
    shown = []
    for item in state.order_items(session, order):
        review = reviews.get(item.id)
        shown.append({
            "order_item_id": item.id, "product_id": item.product_id, "title": item.title,
            "can_review": open_ and review is None,
            "can_follow_up": open_ and review is not None and not review.followup_status,
            "review": None if review is None else {
                "id": review.id, "rating": review.rating, "text": review.text, "status": review.status,
                "followup_status": review.followup_status,
            },
        })
    return shown


def _reviewable_order(session: Session, shop_id: int, order_no: str, token: str) -> Order:
    order = state.shopper_order(session, shop_id, order_no, token)
    if order.status not in REVIEWABLE_STATUSES:
        raise Conflict("order_not_delivered")
    return order


def _own_review(session: Session, shop_id: int, order_no: str, token: str, review_id: int) -> Review:
    order = state.shopper_order(session, shop_id, order_no, token)
    review = session.get(Review, review_id)
    if review is None or review.shop_id != shop_id or review.order_id != order.id:
        raise NotFound()
    return review


def _store_photos(session: Session, review: Review, processed: list[media.ProcessedImage], *, followup: bool) -> None:
    if not processed:
        return
    had = session.exec(
        select(func.count()).select_from(ReviewPhoto).where(ReviewPhoto.review_id == review.id, ReviewPhoto.followup == followup)
    ).one()
    if had + len(processed) > MAX_PHOTOS:
        raise Invalid(fields={"photos": "too_many_review_photos"})
    keys: list[str] = []
    try:
        for position, picture in enumerate(processed, start=had):
            key = f"shops/{review.shop_id}/reviews/{review.id}/{uuid.uuid4().hex}"
            keys.append(key)
            for width, webp in picture.renditions.items():
                storage.put(f"{key}/{width}.webp", webp, "image/webp")
            session.add(ReviewPhoto(
                shop_id=review.shop_id, review_id=review.id, followup=followup, key=key,
                width=picture.width, height=picture.height, position=position,
            ))
        session.flush()
        ratings.refresh_has_photos(session, review)
    except BaseException:
        for key in keys:  # a failed upload leaves nothing behind
            storage.delete_prefix(key)
        raise
