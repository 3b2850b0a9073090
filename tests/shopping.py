"""Builders the money-path tests share: a product on sale, a cart holding it, a good address."""

from __future__ import annotations

import threading

from sqlmodel import Session, select

from shopapp.db import session_scope
from shopapp.models import Order, Variant
from shopapp.services.catalog import products
from shopapp.services.checkout import cart, place
from shopapp.services.checkout.pricing import Basket, Offers, Saving
from shopapp.services.core.errors import Conflict
from shopapp.services.core.permissions import Actor
from shopapp.services.orders import payments

ADDRESS = {
    "name": "张三", "phone": "13800138000", "province": "浙江省", "city": "杭州市", "district": "西湖区",
    "line1": "文三路 100 号", "postcode": "310000",
}


def product_on_sale(
    session: Session, actor: Actor, *, stock: int = 10, price: int = 3800, weight_grams: int = 250,
    sku: str = "TEA-1", title: str = "龙井", status: str = "active", presale: str | None = None,
) -> int:
    """A committed active product with one variant; returns the variant id."""
    data = {"title": title, "status": status, "variants": [
        {"sku": sku, "price": price, "stock": stock, "weight_grams": weight_grams},
    ]}
    if presale:
        data["presale"] = {"ships_at": presale}
    product = products.create_product(session, actor, data)
    variant_id = session.exec(select(Variant.id).where(Variant.product_id == product.id)).one()
    session.commit()
    return variant_id


def cart_with(session: Session, shop_id: int, *lines: tuple[int, int]) -> str:
    """A committed cart holding (variant_id, qty) lines; returns its token."""
    token = cart.create_cart(session, shop_id)
    for variant_id, qty in lines:
        cart.add_item(session, shop_id, token, variant_id, qty)
    session.commit()
    return token


def stock_of(session: Session, variant_id: int) -> int:
    return session.exec(select(Variant.stock).where(Variant.id == variant_id).execution_options(populate_existing=True)).one()


def paid_order(session: Session, actor: Actor, *lines: tuple[int, int], email: str = "buyer@example.com", **address):
    """A committed order of (variant_id, qty) lines, paid through the sandbox; returns (Order, the shopper's link token)."""
    token = cart_with(session, actor.shop_id, *lines)
    placed = place.place_order(session, actor.shop_id, token, email, {**ADDRESS, **address})
    payments.sandbox_pay(session, placed["payment"]["id"], "success")
    order = session.get(Order, placed["order_id"], populate_existing=True)
    session.commit()  # leaves the session idle: on SQLite an open transaction would hold the write lock
    return order, placed["token"]


def order_wide_saving(amount: int, source: str = "tiered", label: str = "满减") -> object:
    """A pricing step (for checkout/pricing.py DISCOUNT_STEPS) taking `amount` off every line of the cart,
    as a 满减 or a coupon of the whole shop will: what the marketing centre's steps plug in."""
    def step(basket: Basket, offers: Offers) -> list[Saving]:
        return [Saving(source, 7, label, amount, tuple(range(len(basket.lines))))]
    return step


def checkouts_at_once(shop_id: int, tokens: list[str]) -> list[str]:
    """Every cart checked out at the same moment, each in its own thread and transaction, as
    shoppers all pressing "pay" together: per cart "ordered" or the refusal's code."""
    start = threading.Barrier(len(tokens))
    outcomes: list[str] = []

    def press_pay(token: str) -> None:
        start.wait()
        try:
            with session_scope() as own:
                place.place_order(own, shop_id, token, "buyer@example.com", dict(ADDRESS))
            outcomes.append("ordered")
        except Conflict as refused:
            outcomes.append(refused.code)

    threads = [threading.Thread(target=press_pay, args=(token,)) for token in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
