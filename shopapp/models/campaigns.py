"""E-mail campaigns to a segment of a shop's customers, who each went to, and who asked for no more."""

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from shopapp.models.base import json_column, utcnow


class Campaign(SQLModel, table=True):
    """One e-mail written once and sent to a segment (services/customers/campaigns.py).

    Opens, clicks and unsubscribes are counters kept on the row as they happen; sent and failed are
    the outbox's own statuses, counted by `outbox_email.campaign_id`."""

    __table_args__ = (Index("ix_campaign_shop_created", "shop_id", "created_at"),)
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    name: str = Field(max_length=60)
    subject: str = Field(max_length=150)
    body_html: str = ""  # sanitised when saved
    product_ids: list = Field(default_factory=list, sa_column=json_column())
    segment: str = Field(default="", max_length=40)  # a saved segment's id or a built-in group's key
    status: str = Field(default="draft", max_length=12)  # draft, scheduled, sending, sent, cancelled
    send_at: datetime | None = None  # when a scheduled campaign starts
    recipients: int = 0  # addresses queued when it started
    skipped: int = 0  # members left out: unsubscribed, or an address twice
    opened: int = 0  # recipients who opened (once each)
    clicked: int = 0  # recipients who clicked a link (once each)
    unsubscribed: int = 0  # recipients who unsubscribed through this campaign
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    started_at: datetime | None = None
    finished_at: datetime | None = None


class CampaignRecipient(SQLModel, table=True):
    """One address a campaign goes to. `token` names it in the open, click and unsubscribe links."""

    __tablename__ = "campaign_recipient"
    __table_args__ = (
        UniqueConstraint("campaign_id", "email"),
        Index("ix_campaign_recipient_waiting", "campaign_id", "status", "id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    campaign_id: int = Field(foreign_key="campaign.id")
    email: str = Field(max_length=254)
    token: str = Field(max_length=32, unique=True, index=True)
    status: str = Field(default="waiting", max_length=10)  # waiting, queued, skipped
    outbox_id: int | None = None
    opened_at: datetime | None = None
    clicked_at: datetime | None = None


class EmailUnsubscribe(SQLModel, table=True):
    """An address that asked a shop for no more campaigns: every later campaign skips it."""

    __tablename__ = "email_unsubscribe"
    __table_args__ = (UniqueConstraint("shop_id", "email"),)
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    email: str = Field(max_length=254)  # lower-cased
    campaign_id: int | None = None  # the campaign whose link it came through, if any
    at: datetime = Field(default_factory=utcnow)
