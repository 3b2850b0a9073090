"""The platform's side of payments: choosing a provider, creating payments, and acting on verified notifications."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from shopapp.db import add_at_once
from shopapp.models import Order, Payment, PaymentNotification
from shopapp.models.base import utcnow
from shopapp.services.core import idempotency
from shopapp.services.core.errors import Conflict, Invalid, NotFound
from shopapp.services.core.money import format_money
from shopapp.services.core.outbox import queue_bilingual
from shopapp.services.orders import fulfillment, state
from shopapp.services.payments.alipay import Alipay
from shopapp.services.payments.base import PaymentProvider
from shopapp.services.payments.sandbox import SandboxGateway
from shopapp.services.settlement import accounts
from shopapp.services.shops import shops
from shopapp.settings import get_settings

log = logging.getLogger(__name__)
PROVIDERS = ("sandbox", "alipay")
# Why money went straight back, as the provider shows it to the shopper.
REFUND_REASONS = {"order_cancelled": "订单已取消，自动退款", "paid_twice": "重复付款，自动退款"}


@dataclass(frozen=True)
class HandledNotification:
    payment_id: int
    status: str  # the payment's status afterwards
    repeat: bool  # True when this notification had been handled before (nothing changed)
    acknowledgement: str  # what to answer the provider


def provider(name: str) -> PaymentProvider:
    """The provider called `name`, if this platform offers it.

    The sandbox exists only while no real gateway is set up: once Alipay is, nobody may
    "pay" an order by pressing the sandbox's success button.
    """
    settings = get_settings()
    if name == "sandbox" and sandbox_enabled():
        return SandboxGateway(settings.secret_key, settings.public_url, public_id)
    if name == "alipay" and alipay_configured():
        return Alipay(
            app_id=settings.alipay_app_id, private_key=settings.alipay_private_key,
            alipay_public_key=settings.alipay_public_key, gateway=settings.alipay_gateway,
            notify_url=f"{settings.public_url}/api/v1/payments/alipay/notify",
        )
    raise NotFound("payment_provider_not_found")


def alipay_configured() -> bool:
    settings = get_settings()
    return bool(settings.alipay_app_id and settings.alipay_private_key and settings.alipay_public_key)


def sandbox_enabled() -> bool:
    """The test gateway takes payments only while no real one is set up and SANDBOX_PAYMENTS is on."""
    return get_settings().sandbox_payments and not alipay_configured()


def payment_notice() -> str:
    """What the console must warn about: "sandbox" while the test gateway is the only way to pay (no
    real money comes in), "none" when no gateway at all is on (shoppers cannot check out), else ""."""
    if alipay_configured():
        return ""
    return "sandbox" if sandbox_enabled() else "none"


def available_providers(currency: str = "CNY") -> list[str]:
    """What a shop in `currency` can take payment with: Alipay (yuan only) once set up, else the sandbox
    unless SANDBOX_PAYMENTS=false (then nothing: the shop takes no orders it cannot be paid for)."""
    if alipay_configured():
        return ["alipay"] if currency == "CNY" else []
    return ["sandbox"] if sandbox_enabled() else []


def create_payment(
    session: Session, order: Order, *, provider_name: str, subject: str, return_url: str, mobile: bool = True,
    first: bool = False,
) -> tuple[Payment, str]:
    """A pending payment of the order's total with `provider_name`, and the URL the shopper pays at.
    `first`: the order was placed in this transaction, so this is its first attempt (no query to count them)."""
    # A shop that connected its own Alipay app is paid straight into it, whichever way the platform offers.
    own = accounts.shop_gateway(session, order.shop_id) if order.currency == "CNY" else None
    gateway = own or provider(provider_name)
    attempt = 1 if first else len(session.exec(select(Payment.id).where(Payment.order_id == order.id)).all()) + 1
    payment = Payment(
        shop_id=order.shop_id, order_id=order.id, provider=gateway.name, reference=f"{order.order_no}-{attempt}",
        amount=order.total, currency=order.currency, collection="shop" if own else "platform",
    )
    add_at_once(session, payment)
    return payment, gateway.create_payment(payment, order, subject=subject, return_url=return_url, mobile=mobile)


def pay_url(session: Session, order: Order, *, subject: str, return_url: str, mobile: bool = True) -> str | None:
    """Where the shopper pays an order still awaiting payment (the latest payment's page), else None."""
    if order.status != "pending_payment":
        return None
    payment = session.exec(select(Payment).where(Payment.order_id == order.id).order_by(Payment.id.desc())).first()
    if payment is None or payment.status not in ("pending", "failed"):
        return None
    if payment.collection == "shop":
        gateway = accounts.shop_gateway(session, order.shop_id)
        if gateway is None:
            return None  # the shop went back to the platform's collection since
    elif payment.provider not in available_providers(order.currency):
        return None  # its gateway was switched off since
    else:
        gateway = provider(payment.provider)
    return gateway.create_payment(payment, order, subject=subject, return_url=return_url, mobile=mobile)


def handle_notification(session: Session, provider_name: str, payload: Mapping[str, str]) -> HandledNotification:
    """Act once on a provider's notification.

    The signature is verified before anything is read or changed (SignatureInvalid otherwise).
    A repeat changes nothing. Success moves a pending order to paid; success for an order that
    no longer wants the money (cancelled, expired, or already paid) is refunded at once and the
    order stays as it is. An amount that differs from the payment's is refused.
    """
    if provider_name not in PROVIDERS:
        raise NotFound("payment_provider_not_found")
    # A shop's own Alipay app signs its notifications with its own keys: found by the app id it names.
    own = accounts.gateway_for_app(session, str(payload.get("app_id") or "")) if provider_name == "alipay" else None
    gateway = own or provider(provider_name)
    notice = gateway.verify_notification(payload)
    payment = session.exec(
        select(Payment).where(Payment.reference == notice.payment_reference, Payment.provider == gateway.name)
    ).first()
    if payment is None:
        raise NotFound("payment_not_found")
    if notice.outcome == "succeeded" and notice.amount != payment.amount:
        log.warning(
            "payment %s: %s says %s was paid, expected %s", payment.reference, gateway.name, notice.amount, payment.amount,
        )
        raise Conflict("payment_amount_mismatch")
    if not _first_time(session, gateway.name, notice.notification_id, notice.outcome, payment, payload):
        return HandledNotification(payment.id, payment.status, True, gateway.acknowledgement)
    if notice.outcome == "succeeded":
        _succeeded(session, gateway, payment, notice.provider_reference)
    elif notice.outcome == "failed":
        _failed(session, payment, notice.provider_reference)
    session.refresh(payment)
    return HandledNotification(payment.id, payment.status, False, gateway.acknowledgement)


def gateway_of(session: Session, payment: Payment) -> PaymentProvider:
    """The gateway that took `payment`: the shop's own app for money it collected, else the platform's provider."""
    if payment.collection == "shop":
        own = accounts.shop_gateway(session, payment.shop_id)
        if own is None:
            raise Conflict("shop_gateway_disconnected")
        return own
    return provider(payment.provider)


def public_id(payment: Payment) -> str:
    """The payment's id as shoppers and the API see it: an unguessable capability, like a payment
    provider's client secret. Knowing it is what lets one pay on the sandbox's page; the database's
    sequence number alone is refused. `pay_<n>_<HMAC-SHA256 of the payment under SECRET_KEY>`."""
    return f"pay_{payment.id}_{_capability(payment)}"


def _capability(payment: Payment) -> str:
    message = f"payment:{payment.id}:{payment.reference}".encode()
    digest = hmac.new(get_settings().secret_key.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")[:32]


def payment_by_public_id(session: Session, payment_id: str) -> Payment:
    """The payment `payment_id` (from public_id) names; NotFound for anything else, guessed or forged."""
    prefix, _, rest = str(payment_id).partition("_")
    number, _, capability = rest.partition("_")
    payment = session.get(Payment, int(number)) if prefix == "pay" and number.isdigit() and len(number) < 19 else None
    if payment is None or not hmac.compare_digest(capability, _capability(payment)):
        raise NotFound("payment_not_found")
    return payment


def _sandbox_payment(session: Session, payment_id: str) -> Payment:
    payment = payment_by_public_id(session, payment_id)
    if payment.provider != "sandbox":
        raise NotFound("payment_not_found")
    return payment


def sandbox_pay(session: Session, payment_id: str, outcome: str, idempotency_key: str | None = None) -> dict:
    """The sandbox pay page's button: the gateway signs a notification and delivers it to us.

    Delivered in-process to handle_notification, exactly what /payments/sandbox/notify would
    receive (see sandbox.py for why not over HTTP). Answers {status, order_no, order_status};
    a repeat with the same Idempotency-Key answers the first result again.
    """
    if outcome not in ("success", "fail"):
        raise Invalid(fields={"outcome": "outcome_invalid"})
    payment = _sandbox_payment(session, payment_id)
    request = {"payment_id": payment.id, "outcome": outcome}
    if idempotency_key is not None:
        earlier = idempotency.recall(session, payment.shop_id, "sandbox_pay", idempotency_key, request)
        if earlier is not None:
            return earlier
    if payment.status in ("succeeded", "refunded"):
        raise Conflict("payment_already_completed")
    gateway = provider("sandbox")
    notification = gateway.notification(payment, "succeeded" if outcome == "success" else "failed")
    handled = handle_notification(session, "sandbox", notification)
    order = session.get(Order, payment.order_id)
    answer = {"status": handled.status, "order_no": order.order_no, "order_status": order.status}
    if idempotency_key is not None:
        idempotency.remember(session, payment.shop_id, "sandbox_pay", idempotency_key, answer)
    return answer


def payment_page(session: Session, payment_id: str) -> dict:
    """What the sandbox pay page shows: amount, order number, shop (name and slug, for the way back), status."""
    provider("sandbox")  # gone once a real gateway is set up
    payment = _sandbox_payment(session, payment_id)
    order = session.get(Order, payment.order_id)
    shop = shops.get_shop(session, payment.shop_id)
    return {
        "id": public_id(payment), "amount": payment.amount, "currency": payment.currency, "status": payment.status,
        "order_no": order.order_no, "order_status": order.status, "shop_name": shop.name, "shop_slug": shop.slug,
    }


# Helpers ---------------------------------------------------------------------------------------

def _first_time(
    session: Session, provider_name: str, notification_id: str, outcome: str, payment: Payment, payload: Mapping,
) -> bool:
    """Record the notification; False when it was recorded before (a repeat, perhaps racing this one)."""
    def seen() -> bool:
        return session.exec(select(PaymentNotification.id).where(
            PaymentNotification.provider == provider_name, PaymentNotification.notification_id == notification_id,
        )).first() is not None

    if seen():
        return False
    digest = hashlib.sha256(json.dumps(dict(payload), sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    try:
        with session.begin_nested():
            session.add(PaymentNotification(
                provider=provider_name, notification_id=notification_id[:100], payment_id=payment.id,
                outcome=outcome, digest=digest,
            ))
    except IntegrityError:
        return False  # the same notification, delivered twice at once: the other one acts
    return True


def _succeeded(session: Session, gateway: PaymentProvider, payment: Payment, provider_reference: str) -> None:
    # Only one notification moves a payment to succeeded (Alipay sends TRADE_SUCCESS, then TRADE_FINISHED).
    moved = session.exec(
        update(Payment).where(Payment.id == payment.id, Payment.status.in_(("pending", "failed")))
        .values(status="succeeded", provider_reference=provider_reference[:100], updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(payment)
    if not moved:
        return
    order = session.get(Order, payment.order_id, populate_existing=True)
    actor = f"payment:{gateway.name}"
    if order.status == "pending_payment":
        try:
            state.transition(session, order, "paid", actor, {"payment_id": payment.id, "amount": payment.amount})
        except Conflict:
            pass  # the order was cancelled or paid a moment ago: the money goes back below
        else:
            _queue_receipt(session, order, payment)
            fulfillment.complete_if_virtual(session, order, actor)  # virtual goods: nothing to ship
            return
    _refund_unwanted(session, gateway, payment, order, actor)


def _queue_receipt(session: Session, order: Order, payment: Payment) -> None:
    """The shopper's e-mail that the money arrived: between "order placed" and "shipped", the one
    they wait for after paying."""
    queue_bilingual(
        session, order.shop_id, order.email, "email.order_paid", shop=shops.get_shop(session, order.shop_id).name,
        order_no=order.order_no, amount=format_money(payment.amount, payment.currency),
    )


def _refund_unwanted(session: Session, gateway: PaymentProvider, payment: Payment, order: Order, actor: str) -> None:
    """Money for an order that no longer wants it goes straight back; the order is never revived."""
    reason = "order_cancelled" if order.status == "cancelled" else "paid_twice"
    refund_reference = gateway.refund(payment, payment.amount, REFUND_REASONS[reason])
    payment.status, payment.refunded_amount = "refunded", payment.amount
    payment.refund_reference, payment.updated_at = refund_reference[:100], utcnow()
    session.add(payment)
    values = {"refunded_total": Order.refunded_total + payment.amount, "updated_at": utcnow()}
    if order.status == "cancelled":
        values["financial_status"] = "refunded"  # money came in late and went back in full
    session.exec(
        update(Order).where(Order.id == order.id).values(**values).execution_options(synchronize_session=False)
    )
    session.refresh(order)
    state.record_event(session, order, "payment_refunded", actor, {
        "payment_id": payment.id, "amount": payment.amount, "reason": reason, "automatic": True,
    })
    log.info("payment %s refunded automatically (%s)", payment.reference, reason)


def _failed(session: Session, payment: Payment, provider_reference: str) -> None:
    moved = session.exec(
        update(Payment).where(Payment.id == payment.id, Payment.status == "pending")
        .values(status="failed", provider_reference=provider_reference[:100], updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved:
        order = session.get(Order, payment.order_id)
        state.record_event(session, order, "payment_failed", f"payment:{payment.provider}", {"payment_id": payment.id})

