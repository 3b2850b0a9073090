"""Back-in-stock alerts (缺货登记): shoppers register for a sold-out variant; each is told once when it returns."""

from __future__ import annotations

from sqlalchemy import func, update
from sqlmodel import Session, select

from shopapp.i18n import t
from shopapp.models import Product, Shop, StockNotification, Variant
from shopapp.models.base import utcnow
from shopapp.services.core.errors import Conflict, NotFound, require_fields
from shopapp.services.core.outbox import queue_email
from shopapp.services.core.paging import page_size, page_start
from shopapp.services.core.permissions import Actor, require
from shopapp.services.core.validation import checked_email
from shopapp.services.inventory import availability
from shopapp.settings import get_settings


def register(session: Session, shop_id: int, product_id: int, *, variant_id: int, email: str) -> StockNotification:
    """A shopper asks to hear when a sold-out variant is back; asking twice keeps one registration."""
    errors: dict[str, str] = {}
    email = checked_email(email, errors)
    require_fields(errors)
    variant = session.get(Variant, variant_id)
    product = session.get(Product, product_id)
    if (variant is None or product is None or variant.shop_id != shop_id or variant.product_id != product_id
            or product.status != "active"):
        raise NotFound()
    if availability.available(variant, product) > 0:
        raise Conflict("in_stock_now", fields={"variant_id": "in_stock_now"})
    existing = session.exec(
        select(StockNotification).where(
            StockNotification.shop_id == shop_id, StockNotification.variant_id == variant_id,
            StockNotification.email == email, StockNotification.status == "waiting",
        )
    ).first()
    if existing:
        return existing
    row = StockNotification(shop_id=shop_id, product_id=product_id, variant_id=variant_id, email=email)
    session.add(row)
    session.flush()
    return row


def variant_restocked(session: Session, shop_id: int, variant_id: int) -> int:
    """Called by inventory when a variant goes from 0 to some stock: queue one e-mail per waiting shopper.

    The conditional UPDATE marks each registration notified exactly once, even when two
    restocks race; the e-mail is queued in the same transaction, so it is never lost or doubled.
    """
    waiting = session.exec(
        select(StockNotification).where(
            StockNotification.shop_id == shop_id, StockNotification.variant_id == variant_id,
            StockNotification.status == "waiting",
        ).order_by(StockNotification.id)
    ).all()
    if not waiting:
        return 0
    shop = session.get(Shop, shop_id)
    variant = session.get(Variant, variant_id)
    product = session.get(Product, variant.product_id)
    link = f"{get_settings().public_url}/s/{shop.slug}/p/{product.id}"
    name = product.title + (f"（{' / '.join(variant.option_values)}）" if variant.option_values else "")
    sent = 0
    for row in waiting:
        marked = session.exec(
            update(StockNotification)
            .where(StockNotification.id == row.id, StockNotification.status == "waiting")
            .values(status="notified", notified_at=utcnow())
            .execution_options(synchronize_session=False)
        ).rowcount
        if marked:
            queue_email(
                session, shop_id=shop_id, to=row.email,
                subject=t("email.restock.subject", "zh-CN", product=name, shop=shop.name),
                body=t("email.restock.body", "zh-CN", product=name, shop=shop.name, link=link)
                + "\n\n" + t("email.restock.body", "en", product=name, shop=shop.name, link=link),
            )
            sent += 1
    return sent


def list_registrations(
    session: Session, actor: Actor, *, product_id: int | None = None, page: int = 1, per_page: int = 50,
) -> tuple[list[dict], int]:
    require(actor, "manage_catalog")
    query = select(StockNotification).where(StockNotification.shop_id == actor.shop_id)
    if product_id is not None:
        query = query.where(StockNotification.product_id == product_id)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    per_page = page_size(per_page)
    rows = session.exec(query.order_by(StockNotification.id.desc()).offset(page_start(page, per_page)).limit(per_page)).all()
    return [
        {"id": r.id, "email": r.email, "product_id": r.product_id, "variant_id": r.variant_id, "status": r.status,
         "created_at": r.created_at, "notified_at": r.notified_at}
        for r in rows
    ], total


def demand_by_product(session: Session, actor: Actor, product_ids: list[int]) -> dict[int, int]:
    """How many shoppers wait for each of these products: the console shows it as demand."""
    require(actor, "manage_catalog")
    if not product_ids:
        return {}
    rows = session.exec(
        select(StockNotification.product_id, func.count())
        .where(StockNotification.shop_id == actor.shop_id, StockNotification.status == "waiting",
               StockNotification.product_id.in_(product_ids))
        .group_by(StockNotification.product_id)
    ).all()
    return {product_id: count for product_id, count in rows}
