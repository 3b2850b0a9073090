"""Reviews (评价) over HTTP: the shopper reviews items of a delivered order, anyone reads a product's
published reviews, the shop moderates them."""

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from shopapp.api.bodies import bounded_body, form_in, refuse_declared_size
from shopapp.api.deps import acting, bearer_token, jsonable
from shopapp.db import read_scope, session_scope
from shopapp.services.catalog import media, ratings, views
from shopapp.services.reviews import moderation, writing
from shopapp.services.shops import shops

router = APIRouter(tags=["reviews"])

# Six pictures and the form around them.
MAX_REQUEST_BYTES = writing.MAX_PHOTOS * media.MAX_UPLOAD_BYTES + 64 * 1024


class NewReview(BaseModel):
    order_item_id: Any = None
    rating: Any = None
    text: Any = ""
    anonymous: Any = False


class FollowUp(BaseModel):
    text: Any = None


class ReviewChange(BaseModel):
    status: Any = None
    pinned: Any = None
    followup_status: Any = None


class Reply(BaseModel):
    text: Any = None


class Rule(BaseModel):
    moderated: Any = None


# The shopper: the order link's `?token=`, or their log-in (`Authorization: Bearer cs_…`) ------------

@router.post("/store/{slug}/orders/{order_no}/reviews", status_code=201)
def write_review(slug: str, order_no: str, body: NewReview, request: Request, token: str = ""):
    """`{order_item_id, rating: 1..5, text, anonymous?}`; only for items of a delivered or completed order, once per item."""
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        review = writing.write_review(
            session, shop.id, order_no, _shopper(request, token), body.order_item_id, body.rating, body.text,
            body.anonymous is True,
        )
        return _shopper_view(session, review)


@router.get("/store/{slug}/orders/{order_no}/reviews")
def order_reviews(slug: str, order_no: str, request: Request, token: str = ""):
    """Each item of the order with its review (if any) and whether it can be reviewed now."""
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        items = writing.order_reviews(session, shop.id, order_no, _shopper(request, token))
        return jsonable({"items": items, "total": len(items)})


@router.post("/store/{slug}/orders/{order_no}/reviews/{review_id}/followup", status_code=201)
def follow_up(slug: str, order_no: str, review_id: int, body: FollowUp, request: Request, token: str = ""):
    """The 追评: `{text}`, once per review, moderated like the review."""
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        review = writing.add_followup(session, shop.id, order_no, _shopper(request, token), review_id, body.text)
        return _shopper_view(session, review)


@router.post("/store/{slug}/orders/{order_no}/reviews/{review_id}/photos", status_code=201)
async def add_photos(slug: str, order_no: str, review_id: int, request: Request, token: str = ""):
    """Multipart `photos` (images only, up to 6 for the review and 6 for its 追评); after a 追评 they go with it."""
    refuse_declared_size(request, MAX_REQUEST_BYTES)
    body = await bounded_body(request, MAX_REQUEST_BYTES)
    form = await form_in(request, body, max_files=writing.MAX_PHOTOS + 1, max_fields=3)
    try:
        photos = [await upload.read() for upload in form.getlist("photos") if isinstance(upload, UploadFile)]
    finally:
        await form.close()
    return await run_in_threadpool(_add_photos, slug, order_no, review_id, _shopper(request, token), photos)


# Anyone: a product's published reviews ------------------------------------------------------------

@router.get("/store/{slug}/products/{product_id}/reviews")
def product_reviews(
    slug: str, product_id: int, page: int = 1, per_page: int = ratings.PER_PAGE, rating: str | None = None,
    with_photos: bool = False,
):
    """`?rating=` a star 1..5, or good (4-5) / medium (3) / bad (1-2); published reviews only, pinned first."""
    with read_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        product = views.get_product(session, shop.id, product_id)
        if product.status != "active":
            views.storefront_product(session, shop.id, product_id)  # answers not found, as the product page does
        items, total = ratings.published_reviews(
            session, shop.id, product_id, rating=rating, with_photos=with_photos, page=page, per_page=per_page,
        )
        return jsonable({"items": items, "total": total, "rating": ratings.rating_summary(session, product)})


# The shop ------------------------------------------------------------------------------------------

@router.get("/reviews")
def list_reviews(
    request: Request, status: str | None = None, rating: str | None = None, product_id: int | None = None,
    page: int = 1, per_page: int = 50,
):
    with acting(request) as (session, actor):
        items, total = moderation.list_reviews(
            session, actor, status=status, rating=rating, product_id=product_id, page=page, per_page=per_page,
        )
        return jsonable({"items": items, "total": total})


@router.put("/reviews/rule")
def set_rule(body: Rule, request: Request):
    """`{moderated: true}` holds new reviews for moderation; false publishes them at once."""
    with acting(request) as (session, actor):
        shop = moderation.set_rule(session, actor, body.moderated)
        return {"moderated": shop.reviews_moderated}


@router.get("/reviews/{review_id}")
def get_review(review_id: int, request: Request):
    with acting(request) as (session, actor):
        return jsonable(moderation.get_review(session, actor, review_id))


@router.patch("/reviews/{review_id}")
def change_review(review_id: int, body: ReviewChange, request: Request):
    """`{status?: published|hidden, pinned?, followup_status?: published|hidden}`"""
    with acting(request) as (session, actor):
        review = moderation.update_review(
            session, actor, review_id, status=body.status, pinned=body.pinned, followup_status=body.followup_status,
        )
        return jsonable(moderation.get_review(session, actor, review.id))


@router.post("/reviews/{review_id}/reply")
def reply(review_id: int, body: Reply, request: Request):
    """`{text}`: the shop's public answer; empty takes it back."""
    with acting(request) as (session, actor):
        review = moderation.reply(session, actor, review_id, body.text)
        return jsonable(moderation.get_review(session, actor, review.id))


# Helpers -------------------------------------------------------------------------------------------

def _shopper(request: Request, token: str) -> str:
    return token or bearer_token(request)


def _add_photos(slug: str, order_no: str, review_id: int, token: str, photos: list[bytes]) -> dict:
    # The service decodes the photos before its first query, so no write lock is held meanwhile.
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        return _shopper_view(session, writing.add_photos(session, shop.id, order_no, token, review_id, photos))


def _shopper_view(session, review) -> dict:
    photos = ratings.photos_of(session, [review.id]).get(review.id, [])
    return jsonable({
        "id": review.id, "order_item_id": review.order_item_id, "product_id": review.product_id,
        "rating": review.rating, "text": review.text, "anonymous": review.anonymous, "status": review.status,
        "followup": {"text": review.followup_text, "status": review.followup_status} if review.followup_status else None,
        "photos": [ratings.photo_dict(p) for p in photos], "at": review.created_at,
    })
