"""The operator's view of the shops: the list (plan, status, GMV, orders, last activity) and one shop's page."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, or_
from sqlmodel import Session, select

from shopapp.models import AuthSession, Order, Product, Shop, ShopSuspension, StaffMember, User
from shopapp.models.base import utcnow
from shopapp.services.catalog import storage_use
from shopapp.services.core import plan_limits
from shopapp.services.core.errors import NotFound
from shopapp.services.core.paging import page_size, page_start
from shopapp.services.platform import abuse_reports, audit, invoices, plans, suspension
from shopapp.services.settlement import accounts, ledger

STATUSES = ("active", "suspended")


def list_shops(session: Session, *, q: str = "", status: str = "", page: int = 1, per_page: int = 50) -> dict:
    """`{items: [{id, slug, name, plan, status, gmv_30d, orders_30d, created_at, last_activity}], total}`, newest
    shops first; `q` matches the name, the slug or the owner's e-mail; `status` is active or suspended."""
    per_page = page_size(per_page)
    suspended = select(ShopSuspension.shop_id).where(ShopSuspension.restored_at.is_(None))
    query = select(Shop)
    if q.strip():
        like = f"%{q.strip().lower()}%"
        owners = select(StaffMember.shop_id).join(User, User.id == StaffMember.user_id).where(
            StaffMember.role == "owner", func.lower(User.email).like(like))
        query = query.where(or_(func.lower(Shop.name).like(like), func.lower(Shop.slug).like(like), Shop.id.in_(owners)))
    if status == "suspended":
        query = query.where(Shop.id.in_(suspended))
    elif status == "active":
        query = query.where(Shop.id.not_in(suspended))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    shops = session.exec(query.order_by(Shop.created_at.desc(), Shop.id.desc())
                         .offset(page_start(page, per_page)).limit(per_page)).all()
    ids = [shop.id for shop in shops]
    sales = _sales_30d(session, ids)
    paused = set(session.exec(suspended.where(ShopSuspension.shop_id.in_(ids))).all()) if ids else set()
    activity = _last_activity(session, ids)
    items = []
    for shop in shops:
        now = plan_limits.current_plan(session, shop.id)
        gmv, orders = sales.get(shop.id, (0, 0))
        items.append({
            "id": shop.id, "slug": shop.slug, "name": shop.name, "plan": now.plan.name, "plan_en": now.plan.name_en,
            "plan_kind": now.kind, "status": "suspended" if shop.id in paused else "active",
            "gmv_30d": gmv, "orders_30d": orders, "created_at": shop.created_at,
            "last_activity": max(filter(None, [shop.updated_at, activity.get(shop.id)])),
        })
    return {"items": items, "total": total}


def shop_page(session: Session, shop_id: int) -> dict:
    """What the operator sees of one shop: owner, staff, plan and its history, order counts, suspension, audit."""
    shop = session.get(Shop, shop_id)
    if shop is None:
        raise NotFound("shop_not_found")
    staff = session.exec(
        select(StaffMember, User).join(User, User.id == StaffMember.user_id)
        .where(StaffMember.shop_id == shop.id).order_by(StaffMember.id)
    ).all()
    owner = next((user.email for member, user in staff if member.role == "owner"), "")
    now = utcnow()
    counts = {}
    for label, days in (("today", 1), ("7d", 7), ("30d", 30)):
        counts[label] = session.exec(select(func.count()).select_from(Order).where(
            Order.shop_id == shop.id, Order.created_at >= now - timedelta(days=days))).one()
    counts["all"] = session.exec(select(func.count()).select_from(Order).where(Order.shop_id == shop.id)).one()
    gmv, paid = _sales_30d(session, [shop.id]).get(shop.id, (0, 0))
    held = suspension.current(session, shop.id)
    return {
        "id": shop.id, "slug": shop.slug, "name": shop.name, "created_at": shop.created_at,
        "status": "suspended" if held else "active", "suspension": held,
        "owner": {"email": owner}, "staff": [{"email": user.email, "role": member.role} for member, user in staff],
        "plan": plans.plan_now(session, shop.id), "plan_history": plans.plan_history(session, shop.id),
        "orders": counts, "gmv_30d": gmv, "orders_30d": paid,
        "products": session.exec(select(func.count()).select_from(Product).where(Product.shop_id == shop.id)).one(),
        "last_activity": max(filter(None, [shop.updated_at, _last_activity(session, [shop.id]).get(shop.id)])),
        "audit": audit.list_entries(session, shop_id=shop.id, per_page=20)["items"],
        # Billing's part: the shop's invoices, how it is paid and what the platform holds for it.
        "invoices": invoices.list_invoices(session, shop.id),
        "payment_mode": accounts.payment_mode(session, shop.id)["mode"], "balance": ledger.balance(session, shop.id),
        "reports": abuse_reports.list_reports(session, status="", shop_id=shop.id, per_page=20)["items"],
        "storage": storage_use.usage(session, shop.id),
    }


def _sales_30d(session: Session, shop_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Per shop: GMV (paid orders' totals less refunds) and paid orders, over the last 30 days."""
    if not shop_ids:
        return {}
    rows = session.exec(
        select(Order.shop_id, func.coalesce(func.sum(Order.total - Order.refunded_total), 0), func.count())
        .where(Order.shop_id.in_(shop_ids), Order.paid_at.is_not(None), Order.paid_at >= utcnow() - timedelta(days=30))
        .group_by(Order.shop_id)
    ).all()
    return {shop_id: (int(gmv), int(count)) for shop_id, gmv, count in rows}


def _last_activity(session: Session, shop_ids: list[int]) -> dict:
    """The latest of: an order placed, a staff log-in."""
    if not shop_ids:
        return {}
    latest: dict = {}
    for column, shop_column in ((Order.created_at, Order.shop_id), (AuthSession.created_at, AuthSession.shop_id)):
        for shop_id, at in session.exec(select(shop_column, func.max(column)).where(shop_column.in_(shop_ids))
                                        .group_by(shop_column)).all():
            if at is not None and (latest.get(shop_id) is None or at > latest[shop_id]):
                latest[shop_id] = at
    return latest
