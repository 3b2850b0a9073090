"""A shop's storefront design (店铺装修): theme settings and pages made of sections, as a draft the owner
edits and a published copy shoppers see, with every publication kept as a numbered version."""

from datetime import datetime

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from shopapp.models.base import json_column, utcnow


class StoreTheme(SQLModel, table=True):
    __tablename__ = "store_theme"
    shop_id: int = Field(foreign_key="shop.id", primary_key=True)
    # The home's sections before the editor existed (flat dicts); read only while nothing was published.
    sections: list = Field(default_factory=list, sa_column=json_column())
    updated_at: datetime = Field(default_factory=utcnow)
    # {"theme": {...}, "pages": {"home": {"sections": [...]}, <handle>: {...}}}; None = never edited / published.
    draft: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    published: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    version: int = 0  # the published version's number (0: nothing published with the editor yet)
    published_at: datetime | None = None


class StoreDesignVersion(SQLModel, table=True):
    """One publication, kept whole so any of them can be restored into the draft."""

    __tablename__ = "store_design_version"
    __table_args__ = (UniqueConstraint("shop_id", "version", name="uq_store_design_version"),)
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    version: int
    design: dict = Field(default_factory=dict, sa_column=json_column())
    published_at: datetime = Field(default_factory=utcnow)
    published_by: str = Field(default="", max_length=200)  # who pressed 发布 (their e-mail)
