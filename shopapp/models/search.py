"""Each product's search document: the words product search looks for (kept by services/search.py)."""

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


class ProductSearch(SQLModel, table=True):
    """One row per product. The full-text index over it is made with raw SQL (an FTS5 table on
    SQLite, a tsvector column with a GIN index on PostgreSQL): see services/search.py.

    No foreign key to product: a row that outlives its product is never shown (search joins the
    product) and product ids are never reused, so deleting a product never depends on it.
    """

    __tablename__ = "product_search"
    __table_args__ = (Index("ix_product_search_shop_price", "shop_id", "min_price"),)
    product_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    shop_id: int = Field(foreign_key="shop.id", index=True)
    status: str = Field(default="draft", max_length=10)  # the product's, kept in step by a trigger
    in_stock: bool = False  # the product's, kept in step by the same trigger
    min_price: int | None = None  # the product's lowest price for sale in 分, kept in step too
    title_terms: str = ""  # the title as search terms: Latin words and overlapping CJK pairs
    body_terms: str = ""  # SKUs, barcodes, category names, tags and the description's text, as search terms
