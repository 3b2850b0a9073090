"""The stock ledger: one row for every move of every variant's stock."""

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from shopapp.models.base import utcnow


class StockMove(SQLModel, table=True):
    __tablename__ = "stock_move"
    __table_args__ = (Index("ix_stock_move_shop_variant", "shop_id", "variant_id", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    variant_id: int = Field(foreign_key="variant.id")
    delta: int
    before: int
    after: int
    reason: str = Field(max_length=200)
    actor: str = Field(default="", max_length=100)  # "user:3", "api_key:2", "system"
    created_at: datetime = Field(default_factory=utcnow)
