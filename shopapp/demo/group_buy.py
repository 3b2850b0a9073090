"""The demo shop's live 拼团: 祁门红茶 in two-person groups at 8 折 for a month, with one group already opened
and paid by a demo shopper, so the product page shows "还差 1 人" and a visitor can form it in one tap."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlmodel import select

from shopapp.db import session_scope
from shopapp.models import Product, Variant
from shopapp.models.base import utcnow
from shopapp.services.checkout import group_orders
from shopapp.services.customers import shoppers
from shopapp.services.marketing import group_buys
from shopapp.services.orders import payments
from shopapp.services.shops import accounts

TEA = "祁门红茶 特级"
OPENER = {"email": "xiaomei@example.com", "name": "林小美"}
ADDRESS = {"name": "林小美", "phone": "13900139000", "province": "浙江省", "city": "杭州市", "district": "西湖区",
           "line1": "文三路 200 号", "postcode": "310012"}


def seed_group_buy(owner_token: str, shop_id: int) -> int:
    """The activity (returned) and its first group, through the same services an owner and a shopper use."""
    with session_scope() as session:
        owner = accounts.authenticate(session, owner_token)
        product_id = session.exec(select(Product.id).where(Product.shop_id == shop_id, Product.title == TEA)).one()
        variants = session.exec(select(Variant.id, Variant.price).where(Variant.product_id == product_id)).all()
        now = utcnow()
        made = group_buys.create_group_buy(session, owner, {
            "name": "祁门红茶 两人团", "product_id": product_id, "group_size": 2, "hours_to_form": 24,
            "prices": {str(variant_id): price * 8 // 1000 * 100 for variant_id, price in variants},
            "starts_at": (now - timedelta(minutes=5)).isoformat(), "ends_at": (now + timedelta(days=30)).isoformat(),
        })
    with session_scope() as session:
        opener = shoppers.register(session, shop_id, email=OPENER["email"], password=secrets.token_urlsafe(12), name=OPENER["name"])
        opened = group_orders.open_group(session, shop_id, made["id"], opener.token,
                                         {"variant_id": variants[0][0], "qty": 1, "address": ADDRESS})
    with session_scope() as session:
        payments.sandbox_pay(session, opened["payment"]["id"], "success")
    return made["id"]
