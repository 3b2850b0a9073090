"""First-party tracking (issue 21): what shoppers did on the storefront, which visit an order came from, and the
daily rollups the reports read for days that are over."""

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Index, LargeBinary, Text
from sqlmodel import Field, SQLModel

from shopapp.models.base import json_column, utcnow

EVENT_TYPES = ("page_view", "product_view", "add_to_cart", "checkout_start")
PAGE_TYPES = ("page_view", "product_view", "checkout_start")  # each is a page the shopper opened: a page view


class VisitEvent(SQLModel, table=True):
    """One thing a shopper did. visitor_id is the storefront's own random id (cookie `_vid`); empty when the
    browser asks not to be tracked (DNT / GPC): the event counts as a page view but joins no visitor."""

    __tablename__ = "visit_event"
    __table_args__ = (
        # Every report reads a shop's period: with the type, visitor and product inside, the visitors, the funnel,
        # the products' viewers and the hours are read from the index alone.
        Index("ix_visit_event_shop_at", "shop_id", "at", "type", "visitor_id", "product_id"),
        # Attribution: a visitor's last event before their order.
        Index("ix_visit_event_shop_visitor_at", "shop_id", "visitor_id", "at"),
        Index("ix_visit_event_shop_product_at", "shop_id", "product_id", "at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    visitor_id: str = Field(default="", max_length=40)
    type: str = Field(max_length=16)
    path: str = Field(default="", max_length=300)
    product_id: int | None = None
    source: str = Field(default="direct", max_length=64)  # utm_source, else the referrer's host, else "direct"
    medium: str = Field(default="", max_length=64)
    campaign: str = Field(default="", max_length=100)
    referrer_host: str = Field(default="", max_length=100)
    share_code: str = Field(default="", max_length=40)  # a share link's or a promoter's code
    at: datetime = Field(default_factory=utcnow)


class OrderVisit(SQLModel, table=True):
    """The visit an order came from, written when the order is placed: the shopper's visitor id and the source
    of their last event before it (first-party attribution, last touch)."""

    __tablename__ = "order_visit"
    __table_args__ = (Index("ix_order_visit_shop_visitor", "shop_id", "visitor_id"),)
    order_id: int = Field(primary_key=True, foreign_key="order.id")
    shop_id: int = Field(foreign_key="shop.id")
    visitor_id: str = Field(default="", max_length=40)
    source: str = Field(default="direct", max_length=64)
    medium: str = Field(default="", max_length=64)
    campaign: str = Field(default="", max_length=100)


class AnalyticsDay(SQLModel, table=True):
    """Additive figures of one shop-day, per product (source "") and per source (product_id 0); the totals row
    has product_id 0 and source "". Rebuilt from raw events and orders by analytics.rollups."""

    __tablename__ = "analytics_day"
    __table_args__ = (
        Index("ux_analytics_day_key", "shop_id", "day", "product_id", "source", "medium", "campaign", unique=True),
    )
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    day: date
    product_id: int = 0
    source: str = Field(default="", max_length=64)
    medium: str = Field(default="", max_length=64)
    campaign: str = Field(default="", max_length=100)
    page_views: int = 0
    product_views: int = 0
    add_to_cart: int = 0
    checkout_start: int = 0
    orders: int = 0
    units: int = 0
    gmv: int = 0
    rolled_at: datetime = Field(default_factory=utcnow)


class AnalyticsVisitorDay(SQLModel, table=True):
    """One visitor's day in a shop, per visit source, with the funnel steps they reached: what the reports'
    distinct counts (visitors, the funnel, visitors per source) read for days that are over, one row where
    the raw events hold one per page. Rebuilt with analytics_day by analytics.rollups. visitor_key is a 64-bit
    hash of visitor_id (rollups.visitor_key), what the reports count distinct: the database hashes integers
    where it sorted text (a year of a big shop, 2 M rows, spilled to disk)."""

    __tablename__ = "analytics_visitor_day"
    __table_args__ = (
        Index("ix_analytics_visitor_day_shop_day_key", "shop_id", "day", "visitor_key"),
    )
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    day: date
    visitor_id: str = Field(max_length=40)
    visitor_key: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
    source: str = Field(default="direct", max_length=64)
    medium: str = Field(default="", max_length=64)
    campaign: str = Field(default="", max_length=100)
    product_view: int = 0  # 1 when the visitor viewed a product that day (from this source)
    add_to_cart: int = 0
    checkout_start: int = 0



class AnalyticsSketchDay(SQLModel, table=True):
    """One distinct count of a shop-day kept as a HyperLogLog sketch (Apache DataSketches, analytics.sketches):
    sketches of several days merge into the distinct count of the range within ~1.6 %, where exact counts must
    read every visitor- or buyer-day again. kind names what is counted (visitors, a funnel step, viewers of a
    product, buyers per province...), dim which of them ("" for the shop's whole day, a product id, a province,
    a source as JSON); `count` is the day's exact figure, which the reports add up to decide whether a range is
    big enough to be estimated. Each month also has its days merged in one row per (kind, dim) (span "month"), so a
    year merges 12 sketches where it would merge 365. Written with analytics_day by analytics.rollups."""

    __tablename__ = "analytics_sketch_day"
    __table_args__ = (Index("ux_analytics_sketch_day_key", "shop_id", "kind", "span", "day", "dim", unique=True),)
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    day: date  # the month's first day for a month row
    span: str = Field(default="day", max_length=8)  # "day", or "month": the month's days so far merged, counts added
    kind: str = Field(max_length=32)
    dim: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    count: int = 0
    # A province's paid orders and GMV on its region_buyers rows (0 elsewhere): a long range's regions report reads
    # them with the buyers' sketches, one row a province and month instead of a row per buyer and day.
    orders: int = 0
    gmv: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))  # a month of a big province passes 2³¹ 分
    sketch: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class FinanceDay(SQLModel, table=True):
    """The 财务 figures of one shop-day per payment provider ("none" for orders of 0): what finance reports read
    for days that are over. Written with analytics_day by analytics.rollups, rebuilt from the orders and refunds."""

    __tablename__ = "finance_day"
    __table_args__ = (Index("ux_finance_day_key", "shop_id", "day", "provider", unique=True),)
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    day: date
    provider: str = Field(max_length=32)
    paid_orders: int = 0
    gross_sales: int = 0
    discounts: int = 0
    shipping: int = 0
    gmv: int = 0
    refunds: int = 0
    net_sales: int = 0


class ReconciliationDay(SQLModel, table=True):
    """对账 of one shop-day as the roll-up found it: what our records say each provider should show, the sandbox's
    own records, and the mismatches. Reconciliation of a range reads these for days that are over (a month of a
    busy shop is tens of thousands of payments, seconds to compare) and compares only the other days live."""

    __tablename__ = "reconciliation_day"
    __table_args__ = (Index("ux_reconciliation_day_key", "shop_id", "day", unique=True),)
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    day: date
    expected: dict = Field(default_factory=dict, sa_column=json_column())  # {provider: summary}
    statements: dict = Field(default_factory=dict, sa_column=json_column())  # {"sandbox": summary}
    mismatches: list = Field(default_factory=list, sa_column=json_column())
    open_mismatches: int = 0  # the job checks these days again until they come out clean
    checked_at: datetime = Field(default_factory=utcnow)


class AnalyticsHour(SQLModel, table=True):
    """Page views and paid orders of one shop-day per hour of the shop's clock: the hours report's days that are
    over (the day of the week is the day's). Written with analytics_day by analytics.rollups."""

    __tablename__ = "analytics_hour"
    __table_args__ = (Index("ux_analytics_hour_key", "shop_id", "day", "hour", unique=True),)
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    day: date
    hour: int
    page_views: int = 0
    orders: int = 0


class AnalyticsRegionDay(SQLModel, table=True):
    """Paid orders and GMV of one shop-day per province of the shipping address and buyer (their account id, else
    their e-mail): the regions report's days that are over, one row per buyer so buyers count once over a range.
    Written with analytics_day by analytics.rollups."""

    __tablename__ = "analytics_region_day"
    __table_args__ = (
        Index("ix_analytics_region_day_shop_day", "shop_id", "day", "province", "buyer"),
        # Today's buyers looked up among the rolled days, so each counts once over a range.
        Index("ix_analytics_region_day_shop_buyer", "shop_id", "buyer", "day"),
    )
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    day: date
    province: str = Field(max_length=64)
    buyer: str = Field(max_length=255)
    orders: int = 0
    gmv: int = 0
