"""Products, their variants, images and categories.

Pre-sale (预售), the whole model: a product, or one of its variants, is on pre-sale when it has
a `presale_ships_at` date. A variant ships on its own date when it has one (one colour ships
later), else on its product's. Either may also have a `presale_quota`: how many units may be sold
on that pre-sale in all, with `presale_sold` counting the units orders hold (services/inventory.py
changes it, conditionally and atomically, like stock). A variant sells from the first quota found:
its own, else its product's (shared by all the product's variants), else from stock as usual; a
quota sale leaves stock alone (the goods do not exist yet). Ending a pre-sale clears its quota
and count. Order items record their ship date and which quota they came from (`sold_from`).
"""

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
        # Price sorts and price ranges read these in order (services/search.py); in_stock and
        # updated_at ride along, so "in stock only" and a price range in the default order are
        # answered, and counted, from the index alone.
        Index("ix_product_shop_status_price", "shop_id", "status", "min_price", "id", "in_stock", "updated_at"),
        Index("ix_product_shop_price", "shop_id", "min_price", "id", "in_stock", "updated_at"),
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
    presale_quota: int | None = None  # units its pre-sale may sell in all (None: sells from stock)
    presale_sold: int = 0  # units of that quota orders hold; changed only by services.inventory
    # A summary of the variants for the product list's filters and sorts, kept by
    # services.inventory.refresh_products whenever prices, stock or pre-sale quotas change.
    min_price: int | None = None  # the lowest price of an enabled variant; None when none is for sale
    in_stock: bool = False  # an enabled variant can be bought now (stock, or pre-sale places left)
    # Its published reviews' count and sum of stars, changed with a review's status in the same
    # transaction (services/reviews), so every product card shows its rating without another query.
    rating_count: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    rating_sum: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class ProductCategory(SQLModel, table=True):
    __tablename__ = "product_category"
    # A category's products in one index, read alone (services/search.py counts a category so).
    __table_args__ = (Index("ix_product_category_shop_category", "shop_id", "category_id", "product_id"),)
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
    presale_ships_at: date | None = None  # its own pre-sale date, before its product's
    presale_quota: int | None = None  # its own pre-sale quota, instead of its product's
    presale_sold: int = 0  # changed only by services.inventory


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
