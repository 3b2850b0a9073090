"""What each shop keeps in media storage: one row per stored picture (its bytes) and a running total per shop,
so a plan's storage_mb is checked without summing files on every upload."""

from datetime import datetime

from sqlalchemy import BigInteger, Column
from sqlmodel import Field, SQLModel

from shopapp.models.base import utcnow


class StoredFile(SQLModel, table=True):
    """A picture the shop pays room for: `key` is the storage prefix of its renditions (a product image) or
    the file itself (a design picture, a logo); deleting it gives its bytes back."""

    __tablename__ = "stored_file"
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id", index=True)
    key: str = Field(max_length=300, unique=True)
    kind: str = Field(max_length=20)  # product_image, design, logo
    bytes: int
    created_at: datetime = Field(default_factory=utcnow)


class ShopStorage(SQLModel, table=True):
    """The sum of a shop's StoredFile bytes, moved in the same transaction as each row."""

    __tablename__ = "shop_storage"
    shop_id: int = Field(foreign_key="shop.id", primary_key=True)
    bytes: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))  # a pro shop's 50 GB passes 2^31
    updated_at: datetime = Field(default_factory=utcnow)
