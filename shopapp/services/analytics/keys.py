"""Who the reports count once: the visitor's key, the buyer, the province, the visit source. One definition each,
shared by the rollups (analytics.rollups), the sketches (analytics.sketches) and the reports."""

from __future__ import annotations

from sqlalchemy import func

STEPS = ("product_view", "add_to_cart", "checkout_start")  # the funnel's steps after the visit


def visitor_key(visitor_id):
    """The visitor's 64-bit key, computed by the database (PostgreSQL's hashtextextended; on SQLite the stand-in
    shopapp.db registers): stored with each visitor-day and computed the same way from today's raw events, so the
    reports count distinct integers. Two of a shop's visitors share a key with a chance of about n²/2⁶⁵ (one in
    ten million for 2 M visitors)."""
    return func.hashtextextended(visitor_id, 0)


def visit_source(source: str | None, medium: str | None, campaign: str | None) -> tuple[str, str, str]:
    """An order's visit source; an order without a recorded visit (placed over the API, before tracking) is direct."""
    return (source, medium or "", campaign or "") if source else ("direct", "", "")


def province_of(address: dict | None) -> str:
    """The shipping address's province, "未知" when it has none (an order from before addresses had one)."""
    return str((address or {}).get("province") or "").strip() or "未知"


def buyer_of(customer_id: int | None, email: str) -> str:
    """A shopper: their account id when they had one, else their e-mail in lower case."""
    return str(customer_id) if customer_id else email.lower()
