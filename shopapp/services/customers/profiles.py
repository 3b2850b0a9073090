"""Each customer's profile row: made when someone registers or pays, and its figures kept from the orders.

One profile per e-mail in a shop (guests and accounts alike). An order belongs to its account's
profile when it was placed logged in, else to the profile of the e-mail it was placed with; a guest
who later registers with that e-mail is the same profile, now carrying the account's id.
Customers sit below orders, so the orders domain calls `order_changed` and this module reads the
orders through their model only.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from shopapp.models import Customer, CustomerProfile, Order
from shopapp.models.base import utcnow

# The moves that change what a customer has bought or paid; shipping and delivery do not.
MONEY_MOVES = frozenset({"paid", "closed", "cancelled"})


def order_changed(session: Session, order: Any, to: str | None = None) -> None:
    """The order was paid, refunded, closed or cancelled (orders/state and orders/refunds call this)."""
    if to is not None and to not in MONEY_MOVES:
        return
    email = order.email
    if order.customer_id:
        account = session.get(Customer, order.customer_id)
        email = account.email if account is not None else email
    refresh(session, order.shop_id, email)


def account_registered(session: Session, customer: Customer) -> None:
    """A new account: its e-mail's guest profile becomes the account's, or a profile is made for it."""
    refresh(session, customer.shop_id, customer.email, always=True)


def refresh(session: Session, shop_id: int, email: str, *, always: bool = False) -> CustomerProfile | None:
    """The profile of `email` recomputed from the orders; made only for a buyer or an account (or `always`).

    The profile row is locked before the orders are added up, so two of the customer's orders paid at
    the same moment are counted one after the other (the second sees the first once it commits)."""
    email = (email or "").strip().lower()
    account = session.exec(select(Customer).where(Customer.shop_id == shop_id, Customer.email == email)).first()
    owned = _owned_orders(shop_id, email, account.id if account else None)
    profile = _profile(session, shop_id, email)
    if profile is None:
        if not (always or account or session.exec(select(Order.id).where(*owned).limit(1)).first()):
            return None
        profile = _new_profile(session, shop_id, email)
    count, spent, first, last = session.exec(
        select(func.count(Order.id), func.coalesce(func.sum(Order.total - Order.refunded_total), 0),
               func.min(Order.created_at), func.max(Order.created_at)).where(*owned)
    ).one()
    latest = session.exec(select(Order).where(*owned).order_by(Order.created_at.desc(), Order.id.desc()).limit(1)).first()
    profile.customer_id = account.id if account else None
    profile.orders_count, profile.total_spent = count, int(spent)
    profile.first_order_at, profile.last_order_at = first, last
    profile.name = (account.name if account and account.name else "") or (latest.recipient_name if latest else "") or profile.name
    if latest is not None:
        profile.phone = latest.recipient_phone or profile.phone
        profile.phone_last4 = profile.phone[-4:]
        profile.region = str((latest.address or {}).get("province") or "")[:20] or profile.region
    profile.updated_at = utcnow()
    session.add(profile)
    session.flush()
    return profile


def owned_orders(profile: CustomerProfile) -> list:
    """The conditions that pick a profile's orders (paid or not) out of the order table."""
    mine = Order.customer_id == profile.customer_id if profile.customer_id else None
    by_email = (Order.customer_id.is_(None)) & (Order.email == profile.email)
    return [Order.shop_id == profile.shop_id, or_(mine, by_email) if mine is not None else by_email]


def _owned_orders(shop_id: int, email: str, account_id: int | None) -> list:
    probe = CustomerProfile(shop_id=shop_id, email=email, customer_id=account_id)
    return [*owned_orders(probe), Order.paid_at.is_not(None)]


def _profile(session: Session, shop_id: int, email: str) -> CustomerProfile | None:
    """The row, locked until the transaction ends (PostgreSQL; SQLite has one writer at a time anyway)."""
    return session.exec(
        select(CustomerProfile).where(CustomerProfile.shop_id == shop_id, CustomerProfile.email == email)
        .with_for_update().execution_options(populate_existing=True)
    ).first()


def _new_profile(session: Session, shop_id: int, email: str) -> CustomerProfile:
    """A new row; when another transaction made it a moment ago, that one (the e-mail is unique per shop)."""
    profile = CustomerProfile(shop_id=shop_id, email=email)
    try:
        with session.begin_nested():
            session.add(profile)
            session.flush()
    except IntegrityError:
        profile = _profile(session, shop_id, email)
    return profile
