"""Reviews (评价) of the items shoppers received: one per order line, one added review (追评) later, photos.

A review's text is kept exactly as written (plain text, never markup): every door shows it escaped.
Only published reviews count in a product's rating, which the product row carries (rating_count,
rating_sum), changed in the same transaction as the review's status, so lists read it for free.
"""

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, UniqueConstraint, false
from sqlmodel import Field, SQLModel

from shopapp.models.base import utcnow

REVIEW_STATUSES = ("pending", "published", "hidden")


class Review(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("order_item_id", name="uq_review_order_item"),  # one review per item, whoever races
        CheckConstraint("rating BETWEEN 1 AND 5", name="ck_review_rating"),
        # The product page's star breakdown and the 好评 / 差评 / 有图 counts, from the index alone.
        Index("ix_review_product", "shop_id", "product_id", "status", "rating", "has_photos"),
        # A page of the product's published reviews read in order (pinned first, then newest), never sorted.
        Index("ix_review_product_page", "shop_id", "product_id", "status", "pinned", "id"),
        # The console's inbox, newest first per status; the dashboard's low ratings of the last 30 days.
        Index("ix_review_shop_status", "shop_id", "status", "id"),
        Index("ix_review_shop_rating", "shop_id", "rating", "created_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    product_id: int  # plain numbers, like order lines': a review outlives nothing it names
    order_id: int = Field(foreign_key="order.id")
    order_item_id: int = Field(foreign_key="order_item.id")
    customer_id: int | None = None
    email: str = Field(max_length=254)
    author_name: str = Field(default="", max_length=40)  # the recipient's name, shown masked unless anonymous
    rating: int
    text: str = Field(default="", max_length=1000)
    anonymous: bool = False
    status: str = Field(default="pending", max_length=10)
    pinned: bool = False
    # Shoppers can see a photo of it (its own, or its published 追评's): the 有图 tab, without a join.
    has_photos: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    reply: str = Field(default="", max_length=1000)
    reply_at: datetime | None = None
    # The added review (追评): "" until written, then moderated like the review itself.
    followup_text: str = Field(default="", max_length=1000)
    followup_status: str = Field(default="", max_length=10)
    followup_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class ReviewPhoto(SQLModel, table=True):
    """A shopper's photo, stored as WebP renditions like product pictures (catalog/media)."""

    __tablename__ = "review_photo"
    __table_args__ = (Index("ix_review_photo_review", "review_id", "position"),)
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    review_id: int = Field(foreign_key="review.id")
    followup: bool = False  # added with the 追评
    key: str = Field(max_length=200)
    width: int
    height: int
    position: int = 0
    created_at: datetime = Field(default_factory=utcnow)
