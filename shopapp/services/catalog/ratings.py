"""What shoppers see of a product's reviews: its rating, its published reviews, and their photos.

The read side of reviews lives in the catalogue, beside the product cards and the product page that
show it; writing and moderating reviews needs orders, so it lives above them (services/reviews).
A product's rating is stored on its row (rating_count, rating_sum) and changed only by `adjust`, in the
transaction that publishes or hides a review; the star breakdown is one GROUP BY on ix_review_product.
"""

from __future__ import annotations

from sqlalchemy import func, update
from sqlmodel import Session, select

from shopapp.models import Product, Review, ReviewPhoto
from shopapp.services.catalog.media import image_urls
from shopapp.services.core.paging import page_size, page_start

# The product page's tabs: 好评 is four or five stars, 差评 one or two (as Taobao counts them).
RATING_FILTERS = {"good": (4, 5), "medium": (3, 3), "bad": (1, 2)}
PER_PAGE = 10


def rating_of(product: Product) -> dict:
    """{average, count} from the product row: no query, so every card can show it."""
    count = product.rating_count or 0
    return {"average": round(product.rating_sum / count, 1) if count else 0.0, "count": count}


def adjust(session: Session, shop_id: int, product_id: int, count: int, stars: int) -> None:
    """Add (or, negative, take away) published reviews to a product's rating in one UPDATE, so two
    moderators at once never lose each other's change."""
    session.exec(
        update(Product).where(Product.id == product_id, Product.shop_id == shop_id)
        .values(rating_count=Product.rating_count + count, rating_sum=Product.rating_sum + stars)
        .execution_options(synchronize_session=False)
    )


def by_star(session: Session, shop_id: int, product_id: int) -> dict[str, int]:
    """How many published reviews gave each star, "1" to "5" (one indexed query)."""
    counts = dict(session.exec(
        select(Review.rating, func.count()).where(
            Review.shop_id == shop_id, Review.product_id == product_id, Review.status == "published",
        ).group_by(Review.rating)
    ).all())
    return {str(star): int(counts.get(star, 0)) for star in range(1, 6)}


def rating_summary(session: Session, product: Product) -> dict:
    """{average, count, by_star} of the product's published reviews (no query when it has none: the
    product row counts them, and most product pages a crowd opens have none yet)."""
    rating = rating_of(product)
    stars = by_star(session, product.shop_id, product.id) if rating["count"] else {str(star): 0 for star in range(1, 6)}
    return {**rating, "by_star": stars}


def published_reviews(
    session: Session, shop_id: int, product_id: int, *, rating: str | int | None = None, with_photos: bool = False,
    page: int = 1, per_page: int = PER_PAGE,
) -> tuple[list[dict], int]:
    """A page of the product's published reviews, pinned first then newest, as shoppers see them."""
    query = select(Review).where(Review.shop_id == shop_id, Review.product_id == product_id, Review.status == "published")
    low, high = star_range(rating)
    if low:
        query = query.where(Review.rating >= low, Review.rating <= high)
    if with_photos:
        query = query.where(Review.has_photos.is_(True))
    if low or with_photos:
        total = session.exec(select(func.count()).select_from(query.subquery())).one()
    else:  # every published review: the product row knows how many
        total = session.exec(select(Product.rating_count).where(Product.id == product_id, Product.shop_id == shop_id)).first() or 0
        if not total:
            return [], 0
    size = page_size(per_page)
    rows = session.exec(
        query.order_by(Review.pinned.desc(), Review.id.desc()).offset(page_start(page, size)).limit(size)
    ).all()
    photos = photos_of(session, [row.id for row in rows])
    return [public_review(row, photos.get(row.id, [])) for row in rows], int(total)


def photos_of(session: Session, review_ids: list[int]) -> dict[int, list[ReviewPhoto]]:
    """Each review's photos, in one query for them all."""
    found: dict[int, list[ReviewPhoto]] = {}
    if review_ids:
        for photo in session.exec(
            select(ReviewPhoto).where(ReviewPhoto.review_id.in_(review_ids)).order_by(ReviewPhoto.review_id, ReviewPhoto.position, ReviewPhoto.id)
        ).all():
            found.setdefault(photo.review_id, []).append(photo)
    return found


def refresh_has_photos(session: Session, review: Review) -> None:
    """Whether shoppers can see a photo of the review: its own, or its 追评's once that is published."""
    query = select(ReviewPhoto.id).where(ReviewPhoto.review_id == review.id)
    if review.followup_status != "published":
        query = query.where(ReviewPhoto.followup.is_(False))
    review.has_photos = session.exec(query.limit(1)).first() is not None
    session.add(review)


def photo_dict(photo: ReviewPhoto) -> dict:
    urls = image_urls(photo)
    return {"id": photo.id, "url": urls["url"], "thumb_url": urls["thumb_url"], "followup": photo.followup}


def public_review(review: Review, photos: list[ReviewPhoto]) -> dict:
    """A published review for shoppers: the author masked (or 匿名), the 追评 only once published."""
    followup = review.followup_status == "published"
    return {
        "id": review.id, "rating": review.rating, "text": review.text,
        "photos": [photo_dict(p) for p in photos if followup or not p.followup],
        "author_masked": "" if review.anonymous else masked_name(review.author_name or review.email),
        "anonymous": review.anonymous, "pinned": review.pinned,
        "reply": review.reply, "reply_at": review.reply_at,
        "followup": {"text": review.followup_text, "at": review.followup_at} if followup else None,
        "at": review.created_at,
    }


def masked_name(name: str) -> str:
    """"张三丰" → "张**", "alice@example.com" → "a***": enough to feel real, never enough to find someone."""
    name = (name or "").split("@")[0].strip()
    if not name:
        return "***"
    return name[0] + ("*" * 2 if len(name) <= 3 else "***")


def star_range(rating: str | int | None) -> tuple[int, int]:
    """The stars a filter means: a star 1..5, or good / medium / bad; (0, 0) for any (or nonsense)."""
    if rating in (None, ""):
        return 0, 0
    if isinstance(rating, str) and rating in RATING_FILTERS:
        return RATING_FILTERS[rating]
    try:
        star = int(rating)
    except (TypeError, ValueError):
        return 0, 0
    return (star, star) if 1 <= star <= 5 else (0, 0)
