"""Products, their variants, images and categories."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from shopapp.models.base import json_column, utcnow


class Category(SQLModel, table=True):
    __table_args__ = (Index("ix_category_shop_parent", "shop_id", "parent_id"),)
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    parent_id: int | None = Field(default=None, foreign_key="category.id")
    name: str = Field(max_length=40)
    position: int = 0


# Product and variant ids live on in links, carts and orders: SQLite must never hand a
# deleted one to a new row (its default reuses the highest freed rowid).
_NEVER_REUSE_IDS = {"sqlite_autoincrement": True}


class Product(SQLModel, table=True):
    __table_args__ = (
        Index("ix_product_shop_status_updated", "shop_id", "status", "updated_at"),
        # The product list's sorts without a status filter (services/search.py): read in order, never sorted.
        Index("ix_product_shop_updated", "shop_id", "updated_at", "id"),
        Index("ix_product_shop_title", "shop_id", "title"),
        _NEVER_REUSE_IDS,
    )
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    title: str = Field(max_length=120)
    description_html: str = ""
    status: str = Field(default="draft", max_length=10)  # draft, active, archived
    product_type: str = Field(default="physical", max_length=10)  # physical, virtual
    options: list = Field(default_factory=list, sa_column=json_column())  # [{name, values: [...]}]
    tags: list = Field(default_factory=list, sa_column=json_column())
    seo_title: str = Field(default="", max_length=120)
    seo_description: str = Field(default="", max_length=300)
    presale_ships_at: date | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class ProductCategory(SQLModel, table=True):
    __tablename__ = "product_category"
    product_id: int = Field(foreign_key="product.id", primary_key=True)
    category_id: int = Field(foreign_key="category.id", primary_key=True, index=True)
    shop_id: int = Field(foreign_key="shop.id", index=True)


class Variant(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("shop_id", "sku"),
        CheckConstraint("stock >= 0", name="ck_variant_stock_not_negative"),
        CheckConstraint("price >= 0", name="ck_variant_price_not_negative"),
        Index("ix_variant_shop_product", "shop_id", "product_id"),
        _NEVER_REUSE_IDS,
    )
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    product_id: int = Field(foreign_key="product.id")
    sku: str | None = Field(default=None, max_length=64)
    option_values: list = Field(default_factory=list, sa_column=json_column())
    price: int = 0  # minor units (分)
    compare_at_price: int | None = None
    cost: int | None = None
    stock: int = 0  # changed only by services.inventory
    weight_grams: int = 0
    barcode: str = Field(default="", max_length=64)
    enabled: bool = True
    position: int = 0


class ProductImage(SQLModel, table=True):
    __tablename__ = "product_image"
    __table_args__ = (Index("ix_product_image_shop_product", "shop_id", "product_id", "position"),)
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    product_id: int = Field(foreign_key="product.id")
    key: str = Field(max_length=200)  # storage key prefix; renditions are key/{width}.webp
    alt: str = Field(default="", max_length=200)
    width: int = 0
    height: int = 0
    position: int = 0
    created_at: datetime = Field(default_factory=utcnow)
