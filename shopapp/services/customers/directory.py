"""The owner's customer list: search, filters, sorts and pages over the customer profiles.

Search finds a customer by name or e-mail (from the start), by phone (whole, or its last 4 digits)
and by the number of any of their orders. The filters are the same dict a saved segment keeps
(services/customers/segments.py), so a segment is exactly what the list showed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, or_
from sqlmodel import Session, select

from shopapp.models import Customer, CustomerProfile, CustomerTag, MemberLevel, Order, PointsAccount
from shopapp.services.core.clock import start_of_day
from shopapp.services.core.errors import require_fields
from shopapp.services.core.paging import page_size, page_start
from shopapp.services.core.permissions import Actor, require
from shopapp.services.core.validation import MAX_PAGE, checked_whole
from shopapp.services.customers import rfm

SORTS = {
    "recent": (CustomerProfile.last_order_at.desc().nulls_last(), CustomerProfile.id.desc()),
    "spent": (CustomerProfile.total_spent.desc(), CustomerProfile.id.desc()),
    "orders": (CustomerProfile.orders_count.desc(), CustomerProfile.id.desc()),
    "newest": (CustomerProfile.id.desc(),),
    "spent_asc": (CustomerProfile.total_spent.asc(), CustomerProfile.id.asc()),
}
FILTER_KEYS = ("q", "tag", "level", "region", "orders_min", "orders_max", "spent_min", "spent_max",
               "last_order_from", "last_order_to", "rfm")
_WHOLE_FILTERS = ("orders_min", "orders_max", "spent_min", "spent_max", "level")
_DATE_FILTERS = ("last_order_from", "last_order_to")
MAX_QUERY = 100
# A list's total stops here ("10 000 or more"), as the order search's does: counting a million
# customers is reading a million index entries on every page, and nobody pages that far. The
# segments page counts exactly (services/customers/segments.py).
MAX_COUNTED = 10_000
# PostgreSQL only, raw SQL (no model can say them, and SQLite's indexes cannot): the newest-first
# order with the never-bought last, read from an index instead of sorting a million customers; and
# name and e-mail found from their start by LIKE 'x%', which a plain index in a non-C collation
# cannot serve. The migration fb0ca6de6e37 holds its own copy; keep the two in step.
POSTGRESQL_INDEXES = (
    "CREATE INDEX IF NOT EXISTS ix_customer_profile_shop_recent ON customer_profile "
    "(shop_id, last_order_at DESC NULLS LAST, id DESC)",
    "CREATE INDEX IF NOT EXISTS ix_customer_profile_email_prefix ON customer_profile (shop_id, email varchar_pattern_ops)",
    "CREATE INDEX IF NOT EXISTS ix_customer_profile_name_prefix ON customer_profile (shop_id, name varchar_pattern_ops)",
    "CREATE INDEX IF NOT EXISTS ix_customer_profile_phone ON customer_profile (shop_id, phone)",
    # The filters and the RFM groups read spend, orders, dates and region from these alone (index-only
    # scans), rather than visiting a million rows to test each.
    "CREATE INDEX IF NOT EXISTS ix_customer_profile_spent_filters ON customer_profile (shop_id, total_spent) "
    "INCLUDE (orders_count, last_order_at, first_order_at, region)",
    "CREATE INDEX IF NOT EXISTS ix_customer_profile_recent_filters ON customer_profile (shop_id, last_order_at) "
    "INCLUDE (orders_count, total_spent, first_order_at, region)",
)
POSTGRESQL_INDEX_NAMES = tuple(statement.split()[5] for statement in POSTGRESQL_INDEXES)


@dataclass(frozen=True)
class Filters:
    """Checked filters of the list (every one optional); `conditions` turns them into SQL."""

    q: str = ""
    tag: str = ""
    level: int | None = None
    region: str = ""
    orders_min: int | None = None
    orders_max: int | None = None
    spent_min: int | None = None
    spent_max: int | None = None
    last_order_from: date | None = None
    last_order_to: date | None = None
    rfm: str = ""

    def as_dict(self) -> dict:
        """What a saved segment keeps: only the filters given, dates as ISO text."""
        shown = {}
        for key in FILTER_KEYS:
            value = getattr(self, key)
            if value not in ("", None):
                shown[key] = value.isoformat() if isinstance(value, date) else value
        return shown


def checked_filters(raw: dict | None) -> Filters:
    """The filters from a form, a query string or a saved segment; Invalid naming each bad one."""
    raw = raw or {}
    errors: dict[str, str] = {}
    values: dict = {}
    for key in _WHOLE_FILTERS:
        if raw.get(key) not in (None, ""):
            values[key] = checked_whole(raw[key], key, errors)
    for key in _DATE_FILTERS:
        if raw.get(key) not in (None, ""):
            try:
                values[key] = date.fromisoformat(str(raw[key]))
            except ValueError:
                errors[key] = "date_invalid"
    for key in ("q", "tag", "region", "rfm"):
        text = raw.get(key)
        if text not in (None, ""):
            if not isinstance(text, str) or len(text) > MAX_QUERY:
                errors[key] = "too_long" if isinstance(text, str) else "must_be_text"
            else:
                values[key] = text.strip()
    if values.get("rfm"):
        if values["rfm"] not in rfm.GROUPS:
            errors["rfm"] = "unknown_segment"
    require_fields(errors)
    return Filters(**values)


def list_customers(
    session: Session, actor: Actor, filters: Filters | dict | None = None, *, sort: str = "recent",
    page: int = 1, per_page: int = 50,
) -> tuple[list[dict], int]:
    """One page of customers and how many match in all, counted up to MAX_COUNTED (that figure means "or more")."""
    require(actor, "answer_customers")
    filters = filters if isinstance(filters, Filters) else checked_filters(filters)
    conditions = conditions_for(session, actor.shop_id, filters)
    per_page = page_size(per_page)
    matching = joined_for(select(CustomerProfile.id), filters).where(*conditions).limit(MAX_COUNTED).subquery()
    total = session.exec(select(func.count()).select_from(matching)).one()
    if page > MAX_PAGE:
        return [], total
    query = with_points(select(CustomerProfile, PointsAccount.available, PointsAccount.lifetime_spent))
    rows = session.exec(
        query.where(*conditions).order_by(*SORTS.get(sort, SORTS["recent"]))
        .offset(page_start(page, per_page)).limit(per_page)
    ).all()
    return summaries(session, actor.shop_id, rows), total


def conditions_for(session: Session, shop_id: int, filters: Filters) -> list:
    """The WHERE of the filters over CustomerProfile (joined to PointsAccount when a level is asked for)."""
    conditions = [CustomerProfile.shop_id == shop_id]
    if filters.q:
        conditions.append(_search(session, shop_id, filters.q))
    if filters.tag:
        conditions.append(CustomerProfile.id.in_(
            select(CustomerTag.profile_id).where(CustomerTag.shop_id == shop_id, CustomerTag.tag == filters.tag)))
    if filters.region:
        conditions.append(CustomerProfile.region == filters.region)
    for column, low, high in (
        (CustomerProfile.orders_count, filters.orders_min, filters.orders_max),
        (CustomerProfile.total_spent, filters.spent_min, filters.spent_max),
    ):
        if low is not None:
            conditions.append(column >= low)
        if high is not None:
            conditions.append(column <= high)
    if filters.last_order_from:
        conditions.append(CustomerProfile.last_order_at >= start_of_day(filters.last_order_from, shop_id))
    if filters.last_order_to:
        conditions.append(CustomerProfile.last_order_at < start_of_day(filters.last_order_to + timedelta(days=1), shop_id))
    if filters.level is not None:
        conditions.extend(_level_conditions(session, shop_id, filters.level))
    if filters.rfm:
        conditions.extend(rfm.conditions(session, shop_id, filters.rfm))
    return conditions


def ensure_postgresql_indexes(engine) -> None:
    """Make POSTGRESQL_INDEXES where missing, on a database built by `create_all` (the benches', the tests')."""
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as connection:
        for statement in POSTGRESQL_INDEXES:
            connection.exec_driver_sql(statement)


def summaries(session: Session, shop_id: int, rows) -> list[dict]:
    """List rows: (profile, points available, lifetime spent) → the API's items, tags and level included."""
    ids = [row[0].id for row in rows]
    tags = tags_of(session, ids)
    levels = shop_levels(session, shop_id)
    return [
        {
            "id": profile.id, "email": profile.email, "name": profile.name, "phone_masked": masked_phone(profile.phone),
            "account_id": profile.customer_id, "orders_count": profile.orders_count, "total_spent": profile.total_spent,
            "last_order_at": profile.last_order_at, "region": profile.region, "tags": tags.get(profile.id, []),
            "level": level_name(levels, lifetime) if profile.customer_id else "", "points": available or 0,
        }
        for profile, available, lifetime in rows
    ]


def tags_of(session: Session, profile_ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    if profile_ids:
        for profile_id, tag in session.exec(
            select(CustomerTag.profile_id, CustomerTag.tag).where(CustomerTag.profile_id.in_(profile_ids)).order_by(CustomerTag.tag)
        ):
            found.setdefault(profile_id, []).append(tag)
    return found


def shop_levels(session: Session, shop_id: int) -> list[MemberLevel]:
    return list(session.exec(select(MemberLevel).where(MemberLevel.shop_id == shop_id).order_by(MemberLevel.min_spent)))


def level_name(levels: list[MemberLevel], lifetime_spent: int | None) -> str:
    """The highest level the lifetime spend reaches (as marketing/levels.py decides it), or ""."""
    reached = [level for level in levels if (lifetime_spent or 0) >= level.min_spent]
    return reached[-1].name if reached else ""


def masked_phone(phone: str) -> str:
    """138****5678: enough to recognise a customer on the phone, not enough to call a stranger's."""
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def with_points(query):
    """The query over CustomerProfile with each account's points account beside it (none for a guest)."""
    return query.outerjoin(PointsAccount, PointsAccount.customer_id == CustomerProfile.customer_id)


def joined_for(query, filters: Filters):
    """The query over CustomerProfile joined to the points accounts when the filters need them (a level)."""
    return with_points(query) if filters.level is not None else query


def _search(session: Session, shop_id: int, q: str):
    """Name or e-mail from the start, the phone whole or its last 4 digits, or an order's number."""
    text = q.strip().lower()
    found = [CustomerProfile.email.like(_starting(text), escape="\\"),
             CustomerProfile.name.like(_starting(q.strip()), escape="\\")]
    digits = text.replace(" ", "").replace("-", "")
    if digits.isdigit() and len(digits) == 4:
        found.append(CustomerProfile.phone_last4 == digits)
    elif digits.isdigit() and len(digits) >= 7:
        found.append(CustomerProfile.phone == digits)
    order = session.exec(select(Order).where(Order.shop_id == shop_id, Order.order_no == q.strip().upper())).first()
    if order is not None:
        owner = session.get(Customer, order.customer_id) if order.customer_id else None
        found.append(CustomerProfile.email == (owner.email if owner else order.email))
    return or_(*found)


def _starting(text: str) -> str:
    """A LIKE pattern for values starting with `text`, its own % and _ taken literally."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _level_conditions(session: Session, shop_id: int, level_id: int) -> list:
    """Accounts whose lifetime spend is within the level's band (up to the next level's threshold)."""
    levels = shop_levels(session, shop_id)
    index = next((i for i, level in enumerate(levels) if level.id == level_id), None)
    if index is None:
        return [CustomerProfile.id.is_(None)]  # another shop's level, or none: nobody
    conditions = [CustomerProfile.customer_id.is_not(None),
                  func.coalesce(PointsAccount.lifetime_spent, 0) >= levels[index].min_spent]
    if index + 1 < len(levels):
        conditions.append(func.coalesce(PointsAccount.lifetime_spent, 0) < levels[index + 1].min_spent)
    return conditions
