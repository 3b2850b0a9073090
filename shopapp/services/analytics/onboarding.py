"""Getting started: the new owner's checklist on the console home, each step ticked by what the shop has done."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from shopapp.models import AuthSession, Order, Payment, Product, ShippingMethod, StoreTheme
from shopapp.services.checkout.shipping import DEFAULT_METHOD
from shopapp.services.core.permissions import Actor, require
from shopapp.services.orders import payments
from shopapp.services.shops import shops

STEPS = ("add_product", "set_shipping", "set_up_payment", "decorate", "share")


def checklist(session: Session, actor: Actor) -> dict:
    """{"first_visit", "steps": [{"key", "done"}...], "done", "drafts", "payments_live"}: the facts behind every tick,
    in one place so the console home and anything else that asks agree.

    - add_product: a product is on sale (drafts are invisible to shoppers, so they do not count; their number is given);
    - set_shipping: a shipping method the owner made or changed (the automatic default one is not a decision);
    - set_up_payment: the platform takes real payments (Alipay keys) in the shop's currency, or, in the sandbox,
      a payment to this shop has gone through (the owner's test order);
    - decorate: a logo, or a home page the owner arranged;
    - share: the owner copied the shop's link or saved its QR code here, or an order has come in.
    """
    require(actor, "view_console")
    shop_id = actor.shop_id
    shop = shops.get_shop(session, shop_id)
    counts = dict(session.exec(
        select(Product.status, func.count()).where(Product.shop_id == shop_id).group_by(Product.status)
    ).all())
    payments_live = shop.currency in ("CNY",) and payments.alipay_configured()
    done = {
        "add_product": counts.get("active", 0) > 0,
        "set_shipping": _shipping_chosen(session, shop_id),
        "set_up_payment": payments_live or _exists(session, select(Payment.id).where(
            Payment.shop_id == shop_id, Payment.status.in_(("succeeded", "refunded")))),
        "decorate": bool(shop.logo_url) or _exists(session, select(StoreTheme.shop_id).where(StoreTheme.shop_id == shop_id)),
        "share": shop.shared_at is not None or _exists(session, select(Order.id).where(Order.shop_id == shop_id)),
    }
    return {
        "first_visit": _first_visit(session, actor),
        "steps": [{"key": key, "done": done[key]} for key in STEPS],
        "done": all(done.values()),
        "drafts": counts.get("draft", 0),
        "payments_live": payments_live,
    }


# Helpers ---------------------------------------------------------------------------------------

def _shipping_chosen(session: Session, shop_id: int) -> bool:
    methods = session.exec(
        select(ShippingMethod.name, ShippingMethod.base_fee, ShippingMethod.per_kg_fee, ShippingMethod.free_over)
        .where(ShippingMethod.shop_id == shop_id)
    ).all()
    default = tuple(DEFAULT_METHOD[k] for k in ("name", "base_fee", "per_kg_fee", "free_over"))
    return len(methods) > 1 or any(tuple(row) != default for row in methods)


def _first_visit(session: Session, actor: Actor) -> bool:
    """The person has logged in to this shop once (the sign-up itself): greet them "欢迎", not "欢迎回来"."""
    if actor.user_id is None:
        return False
    logins = session.exec(
        select(func.count()).select_from(AuthSession)
        .where(AuthSession.user_id == actor.user_id, AuthSession.shop_id == actor.shop_id)
    ).one()
    return logins <= 1


def _exists(session: Session, query) -> bool:
    return session.exec(query.limit(1)).first() is not None
