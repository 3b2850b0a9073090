"""The stock ledger: one row for every move of a variant's stock or of a pre-sale quota's places left."""

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from shopapp.models.base import utcnow


class StockMove(SQLModel, table=True):
    __tablename__ = "stock_move"
    __table_args__ = (Index("ix_stock_move_shop_variant", "shop_id", "variant_id", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    variant_id: int | None = Field(default=None, foreign_key="variant.id")  # None: a product quota's own change
    # "stock", or the pre-sale quota whose places left moved: "variant_quota", "product_quota".
    pool: str = Field(default="stock", max_length=16)
    product_id: int | None = None  # the product whose pre-sale quota moved (quota rows only)
    delta: int
    before: int
    after: int
    reason: str = Field(max_length=200)
    actor: str = Field(default="", max_length=100)  # "user:3", "api_key:2", "system"
    created_at: datetime = Field(default_factory=utcnow)
