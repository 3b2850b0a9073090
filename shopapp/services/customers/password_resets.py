"""Shoppers' forgotten passwords: the same links as the owners' (shops/password_resets.py), to the shop's own page."""

from __future__ import annotations

from sqlmodel import Session

from shopapp.models import Customer, PasswordReset
from shopapp.models.base import utcnow
from shopapp.services.core.outbox import queue_bilingual
from shopapp.services.core.permissions import shop_row
from shopapp.services.customers import shoppers
from shopapp.services.shops import shops
from shopapp.services.shops.password_resets import checked_address, link_minutes, new_link, too_many_links, usable_link
from shopapp.settings import get_settings


def request_shopper_reset(session: Session, shop_id: int, email: str) -> None:
    """E-mail a reset link to this shop's customer with this address, if there is one."""
    shop = shops.get_shop(session, shop_id)
    address = checked_address(email)
    customer = shoppers.customer_by_email(session, shop_id, address)
    if customer is None or too_many_links(session, PasswordReset.customer_id == customer.id):
        return
    token = new_link(session, customer_id=customer.id)
    link = f"{get_settings().public_url}/s/{shop.slug}/account/reset/{token}"
    queue_bilingual(session, shop_id, customer.email, "email.password_reset", shop=shop.name, link=link, minutes=link_minutes())


def reset_shopper_password(session: Session, shop_id: int, token: str, password: str) -> shoppers.LoggedIn:
    """Set the new password from a link and log the shopper in (links of another shop do nothing here)."""
    reset = usable_link(session, token, PasswordReset.customer_id.is_not(None))
    customer = shop_row(session, Customer, shop_id, reset.customer_id, "reset_link_invalid")
    shoppers.change_password(session, customer, password)
    reset.used_at = utcnow()
    session.add(reset)
    return shoppers.sign_in(session, customer)
