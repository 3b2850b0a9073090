"""A lease per scheduled job, so only one worker runs it at a time."""

from datetime import datetime

from sqlmodel import Field, SQLModel


class JobLease(SQLModel, table=True):
    __tablename__ = "job_lease"
    name: str = Field(primary_key=True, max_length=60)
    holder: str = Field(default="", max_length=100)
    leased_until: datetime
    last_finished_at: datetime | None = None
