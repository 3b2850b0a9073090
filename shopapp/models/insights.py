"""Recommendations worked out ahead of time by the nightly job (services/insights/recommendations) and read by id:
per product "买了这个的人也买了" (bought_together) and "相似商品" (similar); per logged-in shopper "猜你喜欢" (for_you)."""

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from shopapp.models.base import utcnow

KINDS = ("bought_together", "similar", "for_you")


class Recommendation(SQLModel, table=True):
    """One recommended product at a rank. `subject_id` is a product id for bought_together and similar, a customer
    id for for_you. A job replaces a shop's rows as a whole; readers take the first few by the index alone."""

    __tablename__ = "recommendation"
    __table_args__ = (Index("ix_recommendation_subject", "shop_id", "kind", "subject_id", "rank"),)
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    kind: str = Field(max_length=16)
    subject_id: int
    rank: int
    product_id: int
    score: int = 0  # × 1000: co-purchases, cosine similarity or interest, for the owner's curiosity only
    computed_at: datetime = Field(default_factory=utcnow)
