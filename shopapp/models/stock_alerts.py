"""Back-in-stock registrations (缺货登记): a shopper's e-mail waiting for a sold-out variant."""

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from shopapp.models.base import utcnow


class StockNotification(SQLModel, table=True):
    __tablename__ = "stock_notification"
    __table_args__ = (
        Index("ix_stock_notification_shop_variant_status", "shop_id", "variant_id", "status"),
        Index("ix_stock_notification_shop_product", "shop_id", "product_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    product_id: int = Field(foreign_key="product.id")
    variant_id: int = Field(foreign_key="variant.id")
    email: str = Field(max_length=254)
    status: str = Field(default="waiting", max_length=10)  # waiting, notified
    created_at: datetime = Field(default_factory=utcnow)
    notified_at: datetime | None = None
