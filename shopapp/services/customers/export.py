"""The customer list as a CSV file Excel opens as it is: UTF-8 with a BOM, CRLF, and no cell a spreadsheet would run."""

from __future__ import annotations

import io

from sqlmodel import Session, select

from shopapp.models import CustomerProfile, PointsAccount
from shopapp.services.core.clock import shop_time
from shopapp.services.core.money import yuan_text
from shopapp.services.core.permissions import Actor, require
from shopapp.services.core.spreadsheet import SafeWriter
from shopapp.services.customers import directory

COLUMNS = ("id", "email", "name", "phone", "region", "orders_count", "total_spent", "first_order_at",
           "last_order_at", "level", "points", "tags", "note")
MAX_ROWS = 200_000  # one file; a bigger shop exports a segment or a filtered list at a time
BATCH = 2000


def export_customers(session: Session, actor: Actor, filters: directory.Filters, *, sort: str = "recent") -> str:
    """The customers the list's filters give (the whole phone number: the file is the owner's own list)."""
    require(actor, "view_reports")
    conditions = directory.conditions_for(session, actor.shop_id, filters)
    query = directory.with_points(select(CustomerProfile, PointsAccount.available, PointsAccount.lifetime_spent))
    query = query.where(*conditions).order_by(*directory.SORTS.get(sort, directory.SORTS["recent"]))
    buffer = io.StringIO()
    writer = SafeWriter(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    levels = directory.shop_levels(session, actor.shop_id)
    for start in range(0, MAX_ROWS, BATCH):
        rows = session.exec(query.offset(start).limit(BATCH)).all()
        tags = directory.tags_of(session, [row[0].id for row in rows])
        for profile, available, lifetime in rows:
            writer.writerow(_cells(actor.shop_id, profile, available, lifetime, tags.get(profile.id, []), levels))
        if len(rows) < BATCH:
            break
    return "\ufeff" + buffer.getvalue()


def _cells(shop_id: int, profile: CustomerProfile, available, lifetime, tags: list[str], levels) -> list:
    def day(moment):
        return shop_time(moment, shop_id).strftime("%Y-%m-%d %H:%M") if moment else ""

    return [profile.id, profile.email, profile.name, profile.phone, profile.region, profile.orders_count,
            yuan_text(profile.total_spent), day(profile.first_order_at), day(profile.last_order_at),
            directory.level_name(levels, lifetime) if profile.customer_id else "", available or 0, " ".join(tags), profile.note]
