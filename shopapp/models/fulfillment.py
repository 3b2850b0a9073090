"""Parcels sent to shoppers: shipments, the order lines in each, and their tracking events."""

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from shopapp.models.base import json_column, utcnow


class Shipment(SQLModel, table=True):
    """One parcel: several for an order shipped in parts (拆单), one for orders merged (合并发货)."""

    __table_args__ = (
        Index("ix_shipment_shop_created", "shop_id", "created_at"),
        Index("ix_shipment_shop_tracking", "shop_id", "tracking_no"),
        Index("ix_shipment_status_polled", "status", "last_polled_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    carrier: str = Field(max_length=12)  # SF, ZTO, YTO, YUNDA, JD, EMS, CHINAPOST
    tracking_no: str = Field(max_length=40)
    status: str = Field(default="shipped", max_length=20)
    address: dict = Field(default_factory=dict, sa_column=json_column())  # as the label printed it
    created_at: datetime = Field(default_factory=utcnow)
    shipped_at: datetime = Field(default_factory=utcnow)
    delivered_at: datetime | None = None
    last_polled_at: datetime | None = None  # when the carrier was last asked


class ShipmentItem(SQLModel, table=True):
    __tablename__ = "shipment_item"
    id: int | None = Field(default=None, primary_key=True)
    shipment_id: int = Field(foreign_key="shipment.id", index=True)
    shop_id: int = Field(foreign_key="shop.id")
    order_id: int = Field(foreign_key="order.id", index=True)
    order_item_id: int = Field(foreign_key="order_item.id")
    qty: int


class TrackingEvent(SQLModel, table=True):
    __tablename__ = "tracking_event"
    __table_args__ = (Index("ix_tracking_event_shipment_at", "shipment_id", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    shipment_id: int = Field(foreign_key="shipment.id")
    shop_id: int = Field(foreign_key="shop.id")
    status: str = Field(max_length=20)
    description: str = Field(max_length=500)
    location: str = Field(default="", max_length=100)
    at: datetime
    source: str = Field(default="manual", max_length=10)  # manual, carrier
    created_at: datetime = Field(default_factory=utcnow)
