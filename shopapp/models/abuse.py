"""Reports of abuse (举报) that anyone files against a shop from its storefront, and the operator's answer."""

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from shopapp.models.base import utcnow


class AbuseReport(SQLModel, table=True):
    """One report: a reason from a list and the reporter's words; open until an operator resolves it with a note."""

    __tablename__ = "abuse_report"
    __table_args__ = (
        Index("ix_abuse_report_status_created", "status", "created_at"),
        Index("ix_abuse_report_shop_created", "shop_id", "created_at"),
        Index("ix_abuse_report_source_created", "source", "created_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    reason: str = Field(max_length=20)  # counterfeit, fraud, prohibited, infringement, other
    details: str = Field(default="", max_length=2000)
    contact: str = Field(default="", max_length=200)  # optional: how the operator may answer the reporter
    page_url: str = Field(default="", max_length=500)
    # A keyed hash of the reporter's address: enough to rate-limit, never the address itself.
    source: str = Field(max_length=64)
    status: str = Field(default="open", max_length=20)  # open, resolved
    created_at: datetime = Field(default_factory=utcnow)
    resolved_at: datetime | None = None
    resolved_by: int | None = Field(default=None, foreign_key="operator.id")
    resolution: str = Field(default="", max_length=500)
