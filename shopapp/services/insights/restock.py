"""建议补货: for each SKU sold from stock, the units expected in the next 7 and 30 days (forecast.py over its paid
order lines of the last HISTORY_DAYS, the shop's weekday pattern and its promotions, running and scheduled),
the days its available stock covers, and how many to order; most urgent first."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from shopapp.models import Order, OrderItem, Product, ProductCategory, Promotion, Variant
from shopapp.services.core.clock import shop_time, shop_today, start_of_day
from shopapp.services.core.errors import Invalid
from shopapp.services.core.paging import page_count, page_size, page_start
from shopapp.services.core.permissions import Actor, require
from shopapp.services.insights import forecast

HISTORY_DAYS = 56  # eight whole weeks: every weekday eight times
LEAD_DAYS = 7  # from ordering stock to having it on the shelf
TARGET_DAYS = 30  # what a restock should cover after it arrives
URGENCY = ("out", "urgent", "soon", "ok")
_UNPAID = ("pending_payment", "cancelled")


def suggestions(session: Session, actor: Actor, *, page: int = 1, per_page: int = 50, all_skus: bool = False) -> dict:
    """{items, total, page, pages, lead_days, target_days}: SKUs to restock (every SKU with `all_skus`), most urgent
    first; each {variant_id, product_id, title, sku, options, available, expected_7, expected_30, daily, days_of_cover,
    suggested_qty, urgency}. `expected_*` and `daily` are units with one decimal; days_of_cover None: nothing sells."""
    require(actor, "manage_catalog")
    if not isinstance(page, int) or not isinstance(per_page, int) or page < 1 or per_page < 1:
        raise Invalid({"page": "must_be_positive"})
    rows = forecast_skus(session, actor.shop_id, shop_today(actor.shop_id))
    if not all_skus:
        rows = [r for r in rows if r["suggested_qty"] > 0]
    rows.sort(key=lambda r: (URGENCY.index(r["urgency"]), r["days_of_cover"] if r["days_of_cover"] is not None else math.inf,
                             -r["expected_30"], r["variant_id"]))
    size = page_size(per_page)
    start = page_start(page, size)
    return {"items": rows[start:start + size], "total": len(rows), "page": page, "pages": page_count(len(rows), size),
            "lead_days": LEAD_DAYS, "target_days": TARGET_DAYS}


def forecast_skus(session: Session, shop_id: int, today: date) -> list[dict]:
    """Every stocked SKU's forecast as of `today` (history up to yesterday)."""
    variants = session.exec(
        select(Variant, Product).join(Product, Product.id == Variant.product_id)
        .where(Variant.shop_id == shop_id, Product.shop_id == shop_id, Variant.enabled.is_(True), Product.status == "active",
               Product.product_type == "physical", Variant.presale_quota.is_(None), Product.presale_quota.is_(None))
        .order_by(Variant.id)
    ).all()
    first, last = today - timedelta(days=HISTORY_DAYS), today - timedelta(days=1)
    first = max(first, min(_first_sale_day(session, shop_id) or last, last))  # a young shop: from its first sale, not weeks of zeros
    days = forecast.days_between(first, last)
    ahead = forecast.days_between(today, today + timedelta(days=TARGET_DAYS - 1))
    series = daily_units(session, shop_id, first, last)
    promoted = promoted_days(session, shop_id, [v for v, _ in variants], first, ahead[-1])
    pattern = forecast.shop_pattern(series, days, promoted)
    rows = []
    for variant, product in variants:
        units = series.get(variant.id, [0.0] * len(days))
        covered = promoted.get(variant.id, set())
        expected = forecast.expected(units, days, ahead, pattern, covered, covered)
        rows.append(_row(variant, product, expected))
    return rows


def daily_units(session: Session, shop_id: int, first: date, last: date) -> dict[int, list[float]]:
    """variant id → units in paid orders on each shop day first..last (by the day it was paid)."""
    days = (last - first).days + 1
    series: dict[int, list[float]] = defaultdict(lambda: [0.0] * days)
    for variant_id, paid_at, qty in session.exec(
        select(OrderItem.variant_id, Order.paid_at, OrderItem.qty).join(Order, Order.id == OrderItem.order_id)
        .where(Order.shop_id == shop_id, OrderItem.shop_id == shop_id, Order.paid_at >= start_of_day(first, shop_id),
               Order.paid_at < start_of_day(last + timedelta(days=1), shop_id), Order.status.not_in(_UNPAID),
               OrderItem.gift.is_(False))
    ).all():
        index = (shop_time(paid_at, shop_id).date() - first).days
        if 0 <= index < days:
            series[variant_id][index] += qty
    return dict(series)


def promoted_days(session: Session, shop_id: int, variants: list[Variant], first: date, last: date) -> dict[int, set[date]]:
    """variant id → the shop days first..last a promotion covering it ran (or is scheduled to run) on."""
    promotions = session.exec(select(Promotion).where(
        Promotion.shop_id == shop_id, Promotion.ends_at > start_of_day(first, shop_id),
        Promotion.starts_at < start_of_day(last + timedelta(days=1), shop_id))).all()
    if not promotions:
        return {}
    categories: dict[int, set[int]] = defaultdict(set)
    for product_id, category_id in session.exec(select(ProductCategory.product_id, ProductCategory.category_id)
                                                .where(ProductCategory.shop_id == shop_id)).all():
        categories[product_id].add(category_id)
    covered: dict[int, set[date]] = defaultdict(set)
    for promo in promotions:
        running = _days_running(promo, first, last, shop_id)
        for variant in variants:
            if _covers(promo, variant, categories[variant.product_id]):
                covered[variant.id] |= running
    return dict(covered)


# Helpers ---------------------------------------------------------------------------------------

def _first_sale_day(session: Session, shop_id: int) -> date | None:
    first = session.exec(select(func.min(Order.paid_at)).where(Order.shop_id == shop_id)).one()
    return shop_time(first, shop_id).date() if first else None


def _row(variant: Variant, product: Product, expected: list[float]) -> dict:
    daily = sum(expected) / len(expected) if expected else 0.0
    available = max(0, variant.stock)
    cover = None if daily <= 0.01 else available / daily
    need = math.ceil(daily * (LEAD_DAYS + TARGET_DAYS)) - available
    if available == 0 and daily > 0.01:
        urgency = "out"
    elif cover is not None and cover < LEAD_DAYS:
        urgency = "urgent"
    elif cover is not None and cover < LEAD_DAYS + 14:
        urgency = "soon"
    else:
        urgency = "ok"
    return {
        "variant_id": variant.id, "product_id": product.id, "title": product.title, "sku": variant.sku or "",
        "options": " / ".join(str(v) for v in variant.option_values or []), "available": available,
        "expected_7": round(sum(expected[:7]), 1), "expected_30": round(sum(expected[:30]), 1), "daily": round(daily, 2),
        "days_of_cover": round(cover, 1) if cover is not None else None,
        "suggested_qty": max(0, need) if urgency != "ok" else 0, "urgency": urgency,
    }


def _days_running(promo: Promotion, first: date, last: date, shop_id: int) -> set[date]:
    end: datetime = min(promo.ends_at, promo.ended_at) if promo.ended_at else promo.ends_at
    start_day = max(first, shop_time(promo.starts_at, shop_id).date())
    end_day = min(last, shop_time(end, shop_id).date())
    return set(forecast.days_between(start_day, end_day)) if start_day <= end_day else set()


def _covers(promo: Promotion, variant: Variant, category_ids: set[int]) -> bool:
    if not (promo.product_ids or promo.variant_ids or promo.category_ids):
        return True
    return (variant.product_id in (promo.product_ids or []) or variant.id in (promo.variant_ids or [])
            or bool(category_ids & set(promo.category_ids or [])))
