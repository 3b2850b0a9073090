"""Builders the flash-sale tests share: a sale on a product, and many logged-in shoppers quickly."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from shopapp.models import Customer
from shopapp.models.base import utcnow
from shopapp.services.core.permissions import Actor
from shopapp.services.customers import shoppers
from shopapp.services.marketing import flash_sales


def sale_on(session: Session, actor: Actor, variant_id: int, *, quantity: int = 5, price: int = 990, limit: int = 1,
            starts_in: float = -60, lasts: float = 3600, pay_minutes: int = 10) -> dict:
    now = utcnow()
    sale = flash_sales.create_flash_sale(session, actor, {
        "name": "整点秒杀", "variant_id": variant_id, "price": price, "quantity": quantity, "per_customer_limit": limit,
        "starts_at": (now + timedelta(seconds=starts_in)).isoformat(),
        "ends_at": (now + timedelta(seconds=starts_in + lasts)).isoformat(), "pay_minutes": pay_minutes,
    })
    session.commit()
    return sale


def shoppers_of(session: Session, shop_id: int, count: int, prefix: str = "fan") -> list[str]:
    """`count` committed shoppers with a log-in each (no password hashing: they never type one); their tokens."""
    tokens = []
    for n in range(count):
        customer = Customer(shop_id=shop_id, email=f"{prefix}{n}@example.com", password_hash="-")
        session.add(customer)
        session.flush()
        tokens.append(shoppers.sign_in(session, customer).token)
    session.commit()
    return tokens
