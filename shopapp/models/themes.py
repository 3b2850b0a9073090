"""A shop's storefront design: its home page as a list of sections (the visual editor edits this data)."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from shopapp.models.base import json_column, utcnow


class StoreTheme(SQLModel, table=True):
    __tablename__ = "store_theme"
    shop_id: int = Field(foreign_key="shop.id", primary_key=True)
    sections: list = Field(default_factory=list, sa_column=json_column())
    updated_at: datetime = Field(default_factory=utcnow)
