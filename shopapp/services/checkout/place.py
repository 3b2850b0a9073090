"""Checkout: a cart becomes an order with its stock reserved and a payment waiting, all or nothing."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import asdict, dataclass, replace
from datetime import timedelta

from sqlalchemy import delete, insert
from sqlmodel import Session

from shopapp.db import add_at_once
from shopapp.models import Order, OrderItem, ShippingMethod, Shop
from shopapp.models.base import utcnow
from shopapp.services.checkout import cart as carts
from shopapp.services.checkout import coupon_choice, pricing, shipping
from shopapp.services.core import idempotency, shop_status
from shopapp.services.core.errors import Conflict, require_fields
from shopapp.services.core.money import format_money
from shopapp.services.core.outbox import queue_bilingual_at_once
from shopapp.services.core.tokens import new_token, token_hash
from shopapp.services.core.validation import checked_email
from shopapp.services.customers import email_verification, shoppers
from shopapp.services.inventory import availability, ledger
from shopapp.services.marketing import group_buys, offers
from shopapp.services.orders import cancel, fulfillment, payments, state, views
from shopapp.services.shops import shops
from shopapp.settings import get_settings

_INSERT_ITEMS = insert(OrderItem.__table__)  # built once, a Core INSERT on the table (the ORM's bulk path costs 3 times more)
ADDRESS_FIELDS = ("name", "phone", "province", "city", "district", "line1", "postcode")
_ADDRESS_LIMITS = {"name": 40, "city": 40, "district": 40, "line1": 120}
MOBILE_PHONE = re.compile(r"^1\d{10}$")
POSTCODE = re.compile(r"^\d{6}$")
MAX_NOTE = 500


def place_order(
    session: Session, shop_id: int, cart_token: str, email: str, address: dict,
    shipping_method_id: int | None = None, note: str = "", idempotency_key: str | None = None,
    *, provider: str | None = None, mobile: bool = True, customer_token: str | None = None,
    choices: offers.Choices = offers.NO_CHOICES, exclusive_prices: dict | None = None, pay_seconds: int | None = None,
    lines: list[carts.Line] | None = None, savepoint: bool = True, on_created: Callable[[int], None] | None = None,
) -> dict:
    """Turn the cart into an order awaiting payment; returns what the shopper needs next:
    {order_id, order_no, total, currency, expires_at, payment: {id, provider, pay_url}, token}.

    Totals come from the catalogue and the shipping method, never from the client. Every line's
    units are taken from where its variant sells (stock, or a pre-sale quota) in the inventory's
    lock order (two checkouts wait for each other, never deadlock); if any line cannot be had,
    nothing at all is kept. The same Idempotency-Key with the same request returns the first
    answer and does nothing again. With a shopper's log-in token the order goes into their
    account's order history. `choices` (a coupon, points) are priced exactly as the quote prices them.
    `exclusive_prices` (variant id -> UnitPrice) prices lines under an exclusive activity (a 秒杀 order,
    checkout/flash_orders; a 砍价, checkout/bargain_orders), whose own `pay_seconds` replaces the shop's payment
    window; such an order may bring its `lines` (carts.line_of) instead of a cart.
    `savepoint=False`: the caller's transaction is this checkout alone and is rolled back on any error (the API's
    route), so the savepoint's two round trips (its RELEASE while the hot row is held) are saved.
    `on_created(order_id)`: the caller's own write about the new order (the API tags its visit), made before
    the units are taken so that it does not lengthen the hot row's hold.
    """
    shop = shops.get_shop(session, shop_id)
    shop_status.refuse_if_suspended(session, shop_id)  # an open tab of a suspended shop sells nothing more
    # Only a shopper's log-in counts here; other bearer tokens (an API key) place guest orders.
    logged_in = shoppers.is_customer_token(customer_token)
    customer_id = shoppers.customer_for_token(session, shop_id, customer_token).id if logged_in else None
    request = {
        "cart": token_hash(cart_token or ""), "email": email, "address": address,
        "shipping_method_id": shipping_method_id, "note": note, "provider": provider, "customer_id": customer_id,
        "choices": asdict(choices),
    }
    # A savepoint around everything: a refused line undoes the lines reserved before it,
    # whatever the caller does with the session afterwards.
    with session.begin_nested() if savepoint else nullcontext():
        if idempotency_key is not None:
            earlier = idempotency.recall(session, shop_id, "checkout", idempotency_key, request)
            if earlier is not None:
                return earlier
        # A guest with the verified address of an account: the order is theirs too (我的 lists it). Looked
        # up before the order is made: afterwards the checkout holds the hot rows every other one waits for.
        owner_id = email_verification.verified_customer_id(session, shop_id, email) if customer_id is None else None
        placed = _place(
            session, shop, cart_token, email, address, shipping_method_id, note, provider, mobile, customer_id, choices,
            exclusive_prices, pay_seconds, lines, on_created,
        )
        if customer_id is None:
            if owner_id is not None:
                order = session.get(Order, placed["order_id"])
                order.customer_id = owner_id
                session.add(order)
        if idempotency_key is not None:
            idempotency.remember(session, shop_id, "checkout", idempotency_key, placed)
    return placed


def order_page(session: Session, shop_id: int, order_no: str, token: str, *, mobile: bool = True) -> dict:
    """The shopper's order page: status, items, totals, and where to pay while it awaits payment.

    `token` is the order link's token or the shopper's log-in token (orders in their account).
    """
    order = state.shopper_order(session, shop_id, order_no, token)
    shop = shops.get_shop(session, shop_id)
    # A log-in token never travels to the payment provider in the return address.
    link_token = "" if shoppers.is_customer_token(token) else token
    url = payments.pay_url(
        session, order, subject=_subject(shop, order), return_url=_order_link(shop, order, link_token), mobile=mobile,
    )
    # A group-buy order shows its group: who has joined (masked), how many are missing, till when.
    return {**views.shopper_order_dict(session, order), "pay_url": url, "group": group_buys.group_of_order(session, order)}


def cancel_my_order(session: Session, shop_id: int, order_no: str, token: str, reason: str = "") -> dict:
    """The shopper cancels their unpaid order; answers the order page."""
    cancel.cancel_my_order(session, shop_id, order_no, token, reason)
    return order_page(session, shop_id, order_no, token)


def checked_address(raw, errors: dict[str, str]) -> dict:
    """A Chinese delivery address: 收货人, 11-digit mobile, 省/市/区, 详细地址 and a 6-digit 邮编.

    Field errors are named `address.<field>`; the province comes back in its full name.
    """
    raw = raw if isinstance(raw, dict) else {}
    address: dict[str, str] = {}
    for field in ADDRESS_FIELDS:
        value = raw.get(field)
        value = value.strip() if isinstance(value, str) else ("" if value is None else value)
        if not isinstance(value, str):
            errors[f"address.{field}"] = "must_be_text"
        elif not value:
            errors[f"address.{field}"] = "required"
        elif len(value) > _ADDRESS_LIMITS.get(field, 40):
            errors[f"address.{field}"] = "too_long"
        address[field] = value if isinstance(value, str) else ""
    phone = re.sub(r"[\s-]", "", address["phone"]).removeprefix("+86")
    if address["phone"] and "address.phone" not in errors:
        if MOBILE_PHONE.match(phone):
            address["phone"] = phone
        else:
            errors["address.phone"] = "phone_invalid"
    if address["province"] and "address.province" not in errors:
        province = shipping.normalise_province(address["province"])
        if province:
            address["province"] = province
        else:
            errors["address.province"] = "province_invalid"
    if address["postcode"] and "address.postcode" not in errors and not POSTCODE.match(address["postcode"]):
        errors["address.postcode"] = "postcode_invalid"
    return address


# Helpers ---------------------------------------------------------------------------------------


def _place(
    session: Session, shop: Shop, cart_token: str, email: str, address: dict, shipping_method_id: int | None,
    note: str, provider: str | None, mobile: bool, customer_id: int | None, choices: offers.Choices,
    exclusive_prices: dict | None = None, pay_seconds: int | None = None, lines: list[carts.Line] | None = None,
    on_created: Callable[[int], None] | None = None,
) -> dict:
    cart = carts.load_cart(session, shop.id, cart_token) if lines is None else None
    lines = carts.cart_lines(session, cart) if cart is not None else list(lines or [])
    checked = checked_order_input(session, shop, lines, email, address, shipping_method_id, note, provider)
    if not lines:
        raise Conflict("cart_empty")
    for line in lines:
        if line.problem:
            raise carts.line_problem(line)
    offered_now = offers.load_offers(session, shop.id, customer_id=customer_id, choices=choices)
    if exclusive_prices:
        offered_now = replace(offered_now, extra={**offered_now.extra, "exclusive_prices": exclusive_prices})
    choice = coupon_choice.price_with_coupon(session, lines, checked.method, offered_now, compare=False)
    choice.require_applies()
    if cart is not None:
        carts.delete_cart(session, cart)
    return create_order(session, shop, lines, choice.priced, choice.offers, checked, mobile=mobile, customer_id=customer_id,
                        pay_seconds=pay_seconds, on_created=on_created)


@dataclass(frozen=True)
class OrderInput:
    """What the shopper typed for an order, checked: e-mail, note, delivery address and method, payment provider."""

    email: str
    note: str
    delivery: dict
    method: ShippingMethod | None
    provider: str


def checked_order_input(
    session: Session, shop: Shop, lines: list[carts.Line], email: str, address: dict, shipping_method_id: int | None,
    note: str, provider: str | None,
) -> OrderInput:
    """Every field an order needs, checked at once (Invalid names each bad one); no address for virtual goods only."""
    errors: dict[str, str] = {}
    email = checked_email(email, errors)
    note = _checked_note(note, errors)
    delivery, method = {}, None  # virtual goods only: nothing to deliver, no address asked
    if carts.needs_shipping(lines):
        delivery = checked_address(address, errors)
        province = delivery["province"] if "address.province" not in errors else None
        method = shipping.method_for_checkout(session, shop.id, shipping_method_id, province, errors)
    offered = payments.available_providers(shop.currency)
    provider = provider or (offered[0] if offered else "")
    if provider not in offered:
        errors["provider"] = "payment_provider_invalid"
    require_fields(errors)
    return OrderInput(email, note, delivery, method, provider)


def create_order(
    session: Session, shop: Shop, lines: list[carts.Line], priced: pricing.PricedCart, offered_now: offers.Offers,
    checked: OrderInput, *, mobile: bool = True, customer_id: int | None = None, pay_seconds: int | None = None,
    on_created: Callable[[int], None] | None = None,
) -> dict:
    """The order of priced lines awaiting payment (the cart's, or an activity's own): its items, payment, e-mail,
    what its offers use up and its units, taken last. Answers {order_id, order_no, total, ..., payment, token}."""
    email, note, delivery, method, provider = checked.email, checked.note, checked.delivery, checked.method, checked.provider
    token = new_token("ord")
    ships_at = {line.variant_id: availability.presale_date(line.variant, line.product) for line in lines}
    presale_dates = [day for day in ships_at.values() if day]
    order = Order(
        shop_id=shop.id, order_no=state.new_order_no(session), token_hash=token_hash(token), currency=shop.currency,
        email=email, customer_id=customer_id, address=delivery, recipient_name=delivery.get("name", ""),
        recipient_phone=delivery.get("phone", ""), shipping_method_id=method.id if method else None,
        shipping_method_name=method.name if method else "", subtotal=priced.subtotal,
        discount_total=priced.discount_total, discounts=[saving.as_dict() for saving in priced.discounts],
        shipping_total=priced.shipping_total, total=priced.total, weight_grams=priced.weight_grams, note=note,
        presale=bool(presale_dates), ships_at=max(presale_dates, default=None),
        expires_at=utcnow() + timedelta(seconds=pay_seconds or get_settings().unpaid_order_ttl_seconds),
    )
    add_at_once(session, order)
    # Where each line sells from is known before its units are taken (the ledger takes them from the same rows:
    # take_for_order's `loaded`), so the items are written at once, by one Core INSERT, with their pool.
    sold_from = {item.variant_id: availability.sells_from(item.line.variant, item.line.product) for item in priced.items}
    session.execute(_INSERT_ITEMS, [
        {
            "order_id": order.id, "shop_id": shop.id, "variant_id": item.variant_id, "product_id": item.line.product.id,
            "title": item.line.product.title, "sku": item.line.variant.sku, "option_values": item.line.variant.option_values,
            "qty": item.qty, "unit_price": item.unit_price, "total": item.total, "paid": item.paid,
            "discounts": [share.as_dict() for share in item.discounts], "weight_grams": item.line.variant.weight_grams,
            "presale_ships_at": ships_at.get(item.variant_id), "gift": item.gift, "sold_from": sold_from[item.variant_id],
        }
        for item in priced.items
    ])
    state.record_event_at_once(session, order, "placed", "shopper", {"total": order.total})
    link = _order_link(shop, order, token)
    payment_answer = None
    if order.total:
        payment, pay_url = payments.create_payment(
            session, order, provider_name=provider, subject=_subject(shop, order), return_url=link, mobile=mobile, first=True,
        )
        payment_answer = {"id": payments.public_id(payment), "provider": payment.provider, "pay_url": pay_url}
    _queue_confirmation(session, shop, order, link)
    if on_created is not None:
        on_created(order.id)
    # What the order uses up (its wallet coupon or one-time code, points, limited units), then the units,
    # last: from here to the commit the order holds those rows (the hot SKU above all), which every
    # other checkout of them waits for. Reserving first measured p95 3.4 s on one hot SKU, last 1.2 s;
    # with a 满减 and a coupon, taking up last (and no coupon counter written) took 15 to 77 orders/s
    # (bench/README.md).
    offers.take_up(session, offered_now, order, priced.discounts)
    _take_units(session, order, lines)
    _take_gifts(session, order, [item for item in priced.items if item.gift])
    if not order.total:
        state.transition(session, order, "paid", "system", {"amount": 0})  # nothing to pay: a free order
        fulfillment.complete_if_virtual(session, order, "system")
    return {
        "order_id": order.id, "order_no": order.order_no, "total": order.total, "currency": order.currency,
        "status": order.status, "expires_at": order.expires_at.isoformat(timespec="seconds").replace("+00:00", "Z"),
        "payment": payment_answer, "token": token,
    }


def _take_units(session: Session, order: Order, lines: list[carts.Line]) -> None:
    """Each line's units, from stock or its pre-sale quota."""
    try:
        ledger.take_for_order(
            session, f"order:{order.order_no}", order.shop_id, [(line.variant_id, line.qty) for line in lines],
            f"order {order.order_no}", loaded=[(line.variant, line.product) for line in lines if line.variant and line.product],
        )
    except Conflict as refused:
        available = refused.params.get("available", 0)
        code = "only_n_left" if available > 0 else "sold_out"
        raise Conflict(code, available=available, variant_id=refused.params.get("variant_id")) from None


def _take_gifts(session: Session, order: Order, gifts: list[pricing.PricedLine]) -> None:
    """A 满赠 gift's unit, taken like any other; when the last one went a moment ago the order simply
    has no gift (its line is dropped), never an error."""
    for gift in gifts:
        try:
            with session.begin_nested():
                ledger.take_for_order(
                    session, f"order:{order.order_no}", order.shop_id, [(gift.variant_id, 1)], f"order {order.order_no} gift",
                    loaded=[(gift.line.variant, gift.line.product)],
                )
        except Conflict:
            session.execute(delete(OrderItem).where(
                OrderItem.order_id == order.id, OrderItem.variant_id == gift.variant_id, OrderItem.gift.is_(True),
            ))


def _checked_note(note, errors: dict[str, str]) -> str:
    if note is None:
        return ""
    if not isinstance(note, str):
        errors["note"] = "must_be_text"
        return ""
    note = note.strip()
    if len(note) > MAX_NOTE:
        errors["note"] = "too_long"
    return note


def _order_link(shop: Shop, order: Order, token: str) -> str:
    link = f"{get_settings().public_url}/s/{shop.slug}/orders/{order.order_no}"
    return f"{link}?token={token}" if token else link


def _subject(shop: Shop, order: Order) -> str:
    return f"{shop.name} {order.order_no}"


def _queue_confirmation(session: Session, shop: Shop, order: Order, link: str) -> None:
    """The shopper's e-mail with the order link (their way back to pay, cancel or follow it) and what
    the order costs: the pipeline's subtotal, each saving, shipping and the total to pay."""
    money = lambda amount: format_money(amount, order.currency)  # noqa: E731 - one currency per order
    # Each saving on a line of its own ("满减 -¥10"), as the order page lists them; none, no lines.
    savings = "".join(f"{saving['label'] or saving['source']} -{money(saving['amount'])}\n" for saving in order.discounts if saving["amount"])
    queue_bilingual_at_once(
        session, shop.id, order.email, "email.order_placed", shop=shop.name, order_no=order.order_no, link=link,
        subtotal=money(order.subtotal), savings=savings, shipping=money(order.shipping_total), total=money(order.total),
    )
