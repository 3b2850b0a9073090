"""What the services' core keeps: the first answer to each idempotent request."""

from datetime import datetime

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from shopapp.models.base import utcnow


class IdempotencyRecord(SQLModel, table=True):
    """The first answer to a request carrying an Idempotency-Key, given again to its repeats."""

    __tablename__ = "idempotency_record"
    __table_args__ = (
        UniqueConstraint("shop_id", "endpoint", "key"), Index("ix_idempotency_record_created", "created_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    endpoint: str = Field(max_length=60)
    key: str = Field(max_length=100)
    request_digest: str = Field(max_length=64)
    response: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    created_at: datetime = Field(default_factory=utcnow)
