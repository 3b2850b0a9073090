"""The e-mail outbox: every message is written here first, then delivered by a job."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from shopapp.models.base import utcnow


class OutboxEmail(SQLModel, table=True):
    __tablename__ = "outbox_email"
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int | None = Field(default=None, foreign_key="shop.id", index=True)
    to: str = Field(max_length=254)
    subject: str = Field(max_length=200)
    body: str
    html: str = ""  # an HTML alternative to `body` (campaigns); plain text only when empty
    unsubscribe_url: str = Field(default="", max_length=500)  # sent as List-Unsubscribe (one click, RFC 8058)
    campaign_id: int | None = Field(default=None, index=True)  # the campaign it belongs to, for its figures
    status: str = Field(default="pending", max_length=10, index=True)  # pending, sent, failed
    attempts: int = 0
    last_error: str = Field(default="", max_length=500)
    next_attempt_at: datetime = Field(default_factory=utcnow, index=True)
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None
