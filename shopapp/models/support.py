"""Customer service: a shopper's conversations with the shop, their messages, and the staff's quick replies."""

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from shopapp.models.base import utcnow


class Conversation(SQLModel, table=True):
    __table_args__ = (
        Index("ix_conversation_shop_status_last", "shop_id", "status", "last_message_at"),
        Index("ix_conversation_shop_email", "shop_id", "email"),
    )
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    email: str = Field(max_length=254)  # as the shopper gave it, lower-cased
    token_hash: str = Field(max_length=64, unique=True, index=True)  # the shopper's link; only its hash is kept
    status: str = Field(default="open", max_length=10)  # open, closed
    verified: bool = False
    verified_by: str = Field(default="", max_length=20)  # logged_in, order_link, order_number
    # The address whose orders staff and the AI helpers may see: the proven one, empty until verified.
    verified_email: str = Field(default="", max_length=254)
    order_id: int | None = Field(default=None, foreign_key="order.id")
    assigned_user_id: int | None = Field(default=None, foreign_key="user.id")
    unread_by_staff: int = 0
    waiting_since: datetime | None = None  # the shopper's first message staff have not answered yet
    last_message_at: datetime = Field(default_factory=utcnow)
    created_at: datetime = Field(default_factory=utcnow)


class Message(SQLModel, table=True):
    __tablename__ = "conversation_message"
    __table_args__ = (Index("ix_conversation_message_conversation", "conversation_id", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = Field(foreign_key="conversation.id")
    shop_id: int = Field(foreign_key="shop.id")
    author: str = Field(max_length=10)  # shopper, staff, system
    staff_user_id: int | None = Field(default=None, foreign_key="user.id")
    # Plain text exactly as written; never HTML (every door shows it as text).
    text: str = Field(default="", max_length=2000)
    internal: bool = False  # a staff note the shopper never sees
    event: str = Field(default="", max_length=20)  # system messages: closed, reopened, assigned, verified
    at: datetime = Field(default_factory=utcnow)


class QuickReply(SQLModel, table=True):
    __tablename__ = "quick_reply"
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id", index=True)
    title: str = Field(max_length=60)
    text: str = Field(max_length=2000)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class ServiceTicket(SQLModel, table=True):
    """服务工单: a conversation or an after-sales request the shop has promised to see to by `due_at`."""

    __tablename__ = "service_ticket"
    __table_args__ = (
        Index("ix_service_ticket_shop_status_due", "shop_id", "status", "due_at"),
        Index("ix_service_ticket_conversation", "conversation_id"),
        Index("ix_service_ticket_aftersales", "aftersales_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    subject: str = Field(max_length=120)
    conversation_id: int | None = Field(default=None, foreign_key="conversation.id")
    aftersales_id: int | None = Field(default=None, foreign_key="aftersales_request.id")
    status: str = Field(default="open", max_length=12)  # open, pending, resolved, closed
    priority: str = Field(default="normal", max_length=8)  # low, normal, high, urgent
    assignee_user_id: int | None = Field(default=None, foreign_key="user.id")
    due_at: datetime
    created_by: str = Field(default="", max_length=100)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
