"""A shop's subscription to a plan: subscribe, upgrade (the difference prorated to the day, paid now),
downgrade (at the end of the period), paid through the platform's own provider (the sandbox by default,
Alipay when configured) with the same signed, idempotent notifications as orders; renewal reminders; a
renewal not paid by the period's end gives GRACE_DAYS of grace on the same plan, then the shop falls to
the free plan. Each paid payment gets an invoice. The plan periods themselves are core/plan_limits'."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from types import SimpleNamespace
from urllib.parse import urlencode

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from shopapp.models import (
    BillingPayment,
    CommissionEntry,
    PaymentNotification,
    Plan,
    ShopPlan,
    StaffMember,
    Subscription,
    User,
)
from shopapp.models.base import utcnow
from shopapp.services.catalog import storage_use
from shopapp.services.catalog.products import product_count
from shopapp.services.core import plan_limits
from shopapp.services.core.errors import Conflict, Invalid, NotFound
from shopapp.services.core.money import format_money
from shopapp.services.core.outbox import queue_bilingual
from shopapp.services.core.permissions import Actor, require
from shopapp.services.orders import payments as order_payments
from shopapp.services.payments.alipay import Alipay
from shopapp.services.payments.base import PaymentProvider
from shopapp.services.payments.sandbox import SandboxGateway
from shopapp.services.platform import invoices
from shopapp.services.shops import shops
from shopapp.services.shops.staff import staff_and_invited
from shopapp.settings import get_settings

PERIODS = {"month": 30, "year": 365}  # days a period lasts
GRACE_DAYS = 7
REMIND_DAYS = 7
_NOTIFY_PREFIX = "billing-"  # PaymentNotification.provider for billing, apart from orders'


def subscription_view(session: Session, actor: Actor) -> dict:
    """GET /subscription: the plan now, status (trial, active, grace, free), the period's end, what is
    scheduled next, a payment still to make, invoices."""
    require(actor, "view_console")
    now = plan_limits.current_plan(session, actor.shop_id)
    sub = _subscription(session, actor.shop_id)
    status = _status(sub, now.kind)
    pending = _pending_payment(session, actor.shop_id)
    return {
        "plan": _plan_brief(now.plan), "status": status,
        "period": sub.period if sub and status in ("active", "grace") else None,
        "period_end": sub.period_end if sub and status in ("active", "grace") else now.ends_at,
        "grace_ends_at": sub.grace_ends_at if sub and status == "grace" else None,
        "next_plan": _plan_brief(session.get(Plan, sub.next_plan_id)) if sub and sub.next_plan_id else None,
        "downgrade_notes": over_limits(session, actor.shop_id, session.get(Plan, sub.next_plan_id))
        if sub and sub.next_plan_id else [],
        "pending_payment": _payment_view(pending) if pending else None,
        "invoices": invoices.list_invoices(session, actor.shop_id),
        "storage": storage_use.usage(session, actor.shop_id),
    }


def change_plan(session: Session, actor: Actor, plan_id, period: str, *, return_url: str = "") -> dict:
    """POST /subscription. Subscribing (no paid period running) or upgrading answers a payment to make
    (created=True); a move to a cheaper plan is scheduled for the period's end and needs none."""
    require(actor, "edit_shop")
    if period not in PERIODS:
        raise Invalid(fields={"period": "billing_period_invalid"})
    try:
        plan = session.get(Plan, int(plan_id))
    except (TypeError, ValueError):
        plan = None
    if plan is None:
        raise Invalid(fields={"plan_id": "plan_unknown"})
    sub = _subscription(session, actor.shop_id, create=True)
    now = utcnow()
    running = sub.status == "active" and sub.period_end and sub.period_end > now
    if running:
        current = session.get(Plan, sub.plan_id)
        if current is not None and current.id == plan.id and period == sub.period:
            if sub.next_plan_id:  # staying after all: the scheduled downgrade is dropped
                sub.next_plan_id, sub.next_period = None, ""
                session.add(sub)
                return {"created": False, "subscription": subscription_view(session, actor)}
            raise Conflict("plan_already_active")
        if current is not None and _daily(plan, period) <= _daily(current, sub.period):
            sub.next_plan_id, sub.next_period, sub.updated_at = plan.id, period, now
            session.add(sub)
            session.flush()
            return {"created": False, "subscription": subscription_view(session, actor)}
        amount = _upgrade_price(current, sub.period, plan, period, sub.period_end, now)
        kind = "upgrade"
    else:
        if plan.is_free or _price(plan, period) == 0:
            sub.next_plan_id, sub.next_period = None, ""
            session.add(sub)
            return {"created": False, "subscription": subscription_view(session, actor)}
        amount, kind = _price(plan, period), "subscribe"
    payment = _new_payment(session, actor.shop_id, kind, plan, period, amount)
    return {"created": True, "payment": _payment_view(payment, return_url)}


def over_limits(session: Session, shop_id: int, plan: Plan | None) -> list[dict]:
    """What the shop has beyond `plan`'s limits: a move down is allowed and deletes nothing, but these can
    no longer grow there. [{limit, used, allowed}]."""
    if plan is None:
        return []
    used = {"products": product_count(session, shop_id), "staff": staff_and_invited(session, shop_id),
            "storage_mb": storage_use.used_bytes(session, shop_id) / storage_use.MB}
    notes = []
    for limit, count in used.items():
        allowed = (plan.limits or {}).get(limit)
        if allowed is not None and count > allowed:
            shown = storage_use.mb_text(storage_use.used_bytes(session, shop_id)) if limit == "storage_mb" else count
            notes.append({"limit": limit, "used": shown, "allowed": allowed})
    return notes


def handle_notification(session: Session, provider_name: str, payload: Mapping[str, str]) -> dict:
    """A provider's signed notification about a billing payment, acted on once: the signature is checked
    before anything is read (SignatureInvalid), a repeat changes nothing, a wrong amount is refused."""
    gateway = _provider(provider_name)
    notice = gateway.verify_notification(payload)
    payment = session.exec(select(BillingPayment).where(
        BillingPayment.reference == notice.payment_reference, BillingPayment.provider == gateway.name)).first()
    if payment is None:
        raise NotFound("payment_not_found")
    if notice.outcome == "succeeded" and notice.amount != payment.amount:
        raise Conflict("payment_amount_mismatch")
    if not _first_time(session, gateway.name, notice.notification_id, notice.outcome, payload):
        return {"status": payment.status, "repeat": True, "acknowledgement": gateway.acknowledgement}
    if notice.outcome == "succeeded":
        moved = session.exec(update(BillingPayment).where(
            BillingPayment.id == payment.id, BillingPayment.status.in_(("pending", "failed")),
        ).values(status="succeeded", provider_reference=notice.provider_reference[:100], updated_at=utcnow())
            .execution_options(synchronize_session=False)).rowcount
        session.refresh(payment)
        if moved:
            _paid(session, payment)
    elif notice.outcome == "failed" and payment.status == "pending":
        payment.status, payment.updated_at = "failed", utcnow()
        session.add(payment)
    session.flush()
    return {"status": payment.status, "repeat": False, "acknowledgement": gateway.acknowledgement}


def sandbox_pay(session: Session, payment_id: str, outcome: str) -> dict:
    """The sandbox pay page's button: the gateway signs its notification and delivers it (as for orders)."""
    if outcome not in ("success", "fail"):
        raise Invalid(fields={"outcome": "outcome_invalid"})
    payment = payment_by_public_id(session, payment_id)
    if payment.provider != "sandbox":
        raise NotFound("payment_not_found")
    if payment.status == "succeeded":
        raise Conflict("payment_already_completed")
    notification = _sandbox().notification(_as_gateway_payment(payment), "succeeded" if outcome == "success" else "failed")
    return handle_notification(session, "sandbox", notification)


def sandbox_notification(session: Session, payment_id: str, outcome: str) -> dict:
    """What the sandbox would post for this payment (tests replay and forge it)."""
    return _sandbox().notification(_as_gateway_payment(payment_by_public_id(session, payment_id)), outcome)


def payment_page(session: Session, payment_id: str) -> dict:
    payment = payment_by_public_id(session, payment_id)
    shop = shops.get_shop(session, payment.shop_id)
    plan = session.get(Plan, payment.plan_id)
    return {"id": public_id(payment), "amount": payment.amount, "status": payment.status, "kind": payment.kind,
            "plan": plan.name if plan else "", "period": payment.period, "shop_name": shop.name}


def run_renewals(session: Session) -> dict:
    """The daily job: remind owners of a period ending within REMIND_DAYS; at a period's end move to the
    scheduled plan or open the renewal (a payment to make) with GRACE_DAYS of grace; after the grace,
    unpaid, the shop falls to the free plan (its plan period simply ends)."""
    now = utcnow()
    done = {"reminded": 0, "renewing": 0, "downgraded": 0, "lapsed": 0}
    for sub in session.exec(select(Subscription).where(Subscription.status.in_(("active", "grace")))).all():
        if sub.status == "grace":
            if sub.grace_ends_at and sub.grace_ends_at <= now:
                sub.status, sub.grace_ends_at, sub.updated_at = "free", None, now
                _cancel_pending(session, sub.shop_id)
                _mail_owner(session, sub.shop_id, "email.plan_lapsed", plan=_plan_name(session, sub.plan_id))
                done["lapsed"] += 1
        elif sub.period_end and sub.period_end <= now:
            _period_ended(session, sub, now, done)
        elif sub.period_end and sub.period_end - now <= timedelta(days=REMIND_DAYS) and sub.reminded_for != sub.period_end:
            sub.reminded_for = sub.period_end
            plan_id = sub.next_plan_id or sub.plan_id
            _mail_owner(session, sub.shop_id, "email.plan_renewal_reminder", plan=_plan_name(session, plan_id),
                        day=f"{sub.period_end:%Y-%m-%d}",
                        amount=format_money(_price(session.get(Plan, plan_id), sub.next_period or sub.period)))
            done["reminded"] += 1
        session.add(sub)
    session.flush()
    return done


def revenue_between(session: Session, since: datetime, until: datetime) -> dict:
    """The operator's figures: plan payments received and commission accrued (net of reversals) in [since, until)."""
    plan_revenue = session.exec(select(func.coalesce(func.sum(BillingPayment.amount), 0)).where(
        BillingPayment.status == "succeeded", BillingPayment.updated_at >= since, BillingPayment.updated_at < until)).one()
    commission = session.exec(select(func.coalesce(func.sum(CommissionEntry.amount), 0)).where(
        CommissionEntry.created_at >= since, CommissionEntry.created_at < until)).one()
    return {"plan_revenue": int(plan_revenue), "commission": int(commission)}


def public_id(payment: BillingPayment) -> str:
    """`bill_<n>_<HMAC>`: knowing it is what lets one pay on the sandbox page (as orders' payments)."""
    return f"bill_{payment.id}_{_capability(payment)}"


def payment_by_public_id(session: Session, payment_id: str) -> BillingPayment:
    prefix, _, rest = str(payment_id).partition("_")
    number, _, capability = rest.partition("_")
    payment = session.get(BillingPayment, int(number)) if prefix == "bill" and number.isdigit() and len(number) < 19 else None
    if payment is None or not hmac.compare_digest(capability, _capability(payment)):
        raise NotFound("payment_not_found")
    return payment


# Helpers ---------------------------------------------------------------------------------------

def _period_ended(session: Session, sub: Subscription, now: datetime, done: dict) -> None:
    next_plan = session.get(Plan, sub.next_plan_id) if sub.next_plan_id else session.get(Plan, sub.plan_id)
    period = sub.next_period or sub.period
    sub.next_plan_id, sub.next_period = None, ""
    _end_open_periods(session, sub.shop_id, sub.period_end)  # the paid period is over, whatever the clock said then
    if next_plan is None or next_plan.is_free or _price(next_plan, period) == 0:
        sub.status, sub.plan_id = "free", next_plan.id if next_plan else None
        done["downgraded"] += 1
        return
    # The renewal: the plan holds through the grace while its payment waits.
    sub.status, sub.plan_id, sub.period = "grace", next_plan.id, period
    sub.grace_ends_at = sub.period_end + timedelta(days=GRACE_DAYS)
    plan_limits.add_period(session, sub.shop_id, next_plan.id, "subscription", starts_at=sub.period_end,
                           ends_at=sub.grace_ends_at, note="grace")
    payment = _new_payment(session, sub.shop_id, "renewal", next_plan, period, _price(next_plan, period))
    _mail_owner(session, sub.shop_id, "email.plan_renewal_due", plan=next_plan.name,
                amount=format_money(payment.amount), day=f"{sub.grace_ends_at:%Y-%m-%d}",
                link=_payment_view(payment)["pay_url"])
    done["renewing"] += 1


def _paid(session: Session, payment: BillingPayment) -> None:
    """A payment went through: the plan's period starts (or, for an upgrade, the better plan holds to the
    period's end), and an invoice is issued."""
    sub = _subscription(session, payment.shop_id, create=True)
    plan = session.get(Plan, payment.plan_id)
    now = utcnow()
    if payment.kind == "upgrade" and sub.status == "active" and sub.period_end and sub.period_end > now:
        _end_open_periods(session, sub.shop_id, now)
        plan_limits.add_period(session, sub.shop_id, plan.id, "subscription", starts_at=now, ends_at=sub.period_end,
                               note="upgrade")
        sub.plan_id, sub.next_plan_id, sub.next_period = plan.id, None, ""
    else:
        # A renewal in grace continues from the old period's end, so the grace days are paid for, not free.
        start = sub.period_end if payment.kind == "renewal" and sub.status == "grace" and sub.period_end else now
        end = start + timedelta(days=PERIODS[payment.period])
        _end_open_periods(session, sub.shop_id, now)
        plan_limits.add_period(session, sub.shop_id, plan.id, "subscription", starts_at=now, ends_at=end, note=payment.kind)
        sub.plan_id, sub.period, sub.period_start, sub.period_end = plan.id, payment.period, start, end
        sub.next_plan_id, sub.next_period, sub.grace_ends_at = None, "", None
    sub.status, sub.updated_at = "active", now
    session.add(sub)
    label = {"subscribe": "订阅", "upgrade": "升级差价", "renewal": "续费"}[payment.kind]
    period = "月付 monthly" if payment.period == "month" else "年付 yearly"
    invoices.issue(session, payment.shop_id, "plan", [{
        "description": f"{plan.name} {plan.name_en} · {label} {payment.kind} · {period}", "amount": payment.amount,
    }])


def _end_open_periods(session: Session, shop_id: int, now: datetime) -> None:
    """Trial and earlier subscription periods still holding end now: the new one replaces them."""
    session.exec(update(ShopPlan).where(
        ShopPlan.shop_id == shop_id, ShopPlan.kind.in_(("trial", "subscription")),
        (ShopPlan.ends_at.is_(None)) | (ShopPlan.ends_at > now),
    ).values(ends_at=now).execution_options(synchronize_session=False))


def _status(sub: Subscription | None, plan_kind: str) -> str:
    if sub is not None and sub.status in ("active", "grace") and plan_kind == "subscription":
        return sub.status
    return "trial" if plan_kind == "trial" else ("active" if plan_kind == "operator" else "free")


def _upgrade_price(current: Plan | None, current_period: str, plan: Plan, period: str, period_end: datetime,
                   now: datetime) -> int:
    """The new plan's price for the days left, less what those days of the current plan were paid: days
    left counted whole (a started day counts), per-day prices from each plan's own period."""
    days_left = max(1, math.ceil((period_end - now).total_seconds() / 86400))
    new_daily = _price(plan, period) / PERIODS[period]
    old_daily = (_price(current, current_period) / PERIODS[current_period]) if current else 0
    return max(0, round((new_daily - old_daily) * days_left))


def _daily(plan: Plan, period: str) -> float:
    return _price(plan, period) / PERIODS[period]


def _price(plan: Plan | None, period: str) -> int:
    if plan is None:
        return 0
    return plan.yearly_price if period == "year" else plan.monthly_price


def _new_payment(session: Session, shop_id: int, kind: str, plan: Plan, period: str, amount: int) -> BillingPayment:
    _cancel_pending(session, shop_id)
    payment = BillingPayment(shop_id=shop_id, reference=f"BILL{shop_id}-{secrets.token_hex(6).upper()}",
                             provider=_provider_name(), kind=kind, plan_id=plan.id, period=period, amount=amount)
    session.add(payment)
    session.flush()
    return payment


def _cancel_pending(session: Session, shop_id: int) -> None:
    """Only the latest payment to make stands: an earlier one, unpaid, is closed."""
    session.exec(update(BillingPayment).where(BillingPayment.shop_id == shop_id, BillingPayment.status == "pending")
                 .values(status="closed", updated_at=utcnow()).execution_options(synchronize_session=False))


def _pending_payment(session: Session, shop_id: int) -> BillingPayment | None:
    return session.exec(select(BillingPayment).where(BillingPayment.shop_id == shop_id, BillingPayment.status == "pending")
                        .order_by(BillingPayment.id.desc())).first()


def _payment_view(payment: BillingPayment, return_url: str = "") -> dict:
    return {"id": public_id(payment), "provider": payment.provider, "kind": payment.kind, "amount": payment.amount,
            "plan_id": payment.plan_id, "period": payment.period, "status": payment.status,
            "pay_url": _pay_url(payment, return_url)}


def _pay_url(payment: BillingPayment, return_url: str = "") -> str:
    settings = get_settings()
    if payment.provider == "sandbox":
        url = f"{settings.public_url}/api/v1/subscription/payments/{public_id(payment)}/pay"
        return f"{url}?{urlencode({'return_url': return_url})}" if return_url else url
    order_like = SimpleNamespace(expires_at=None)
    return _provider("alipay").create_payment(_as_gateway_payment(payment), order_like, subject="开店宝 套餐",
                                              return_url=return_url or f"{settings.public_url}/console/billing", mobile=False)


def _provider_name() -> str:
    return "alipay" if order_payments.alipay_configured() else "sandbox"


def _provider(name: str) -> PaymentProvider:
    """The platform's own provider for its bills; notifications come to /api/v1/subscription/notify/<name>."""
    settings = get_settings()
    if name == "alipay" and order_payments.alipay_configured():
        return Alipay(app_id=settings.alipay_app_id, private_key=settings.alipay_private_key,
                      alipay_public_key=settings.alipay_public_key, gateway=settings.alipay_gateway,
                      notify_url=f"{settings.public_url}/api/v1/subscription/notify/alipay")
    if name == "sandbox" and not order_payments.alipay_configured():
        return _sandbox()
    raise NotFound("payment_provider_not_found")


def _sandbox() -> SandboxGateway:
    settings = get_settings()
    return SandboxGateway(settings.secret_key, settings.public_url)


def _as_gateway_payment(payment: BillingPayment) -> SimpleNamespace:
    return SimpleNamespace(id=payment.id, reference=payment.reference, amount=payment.amount, currency="CNY")


def _first_time(session: Session, provider_name: str, notification_id: str, outcome: str, payload: Mapping) -> bool:
    name = _NOTIFY_PREFIX + provider_name
    if session.exec(select(PaymentNotification.id).where(
            PaymentNotification.provider == name, PaymentNotification.notification_id == notification_id)).first():
        return False
    digest = hashlib.sha256(json.dumps(dict(payload), sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    try:
        with session.begin_nested():
            session.add(PaymentNotification(provider=name, notification_id=notification_id[:100], outcome=outcome,
                                            digest=digest))
    except IntegrityError:
        return False
    return True


def _capability(payment: BillingPayment) -> str:
    message = f"billing:{payment.id}:{payment.reference}".encode()
    digest = hmac.new(get_settings().secret_key.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")[:32]


def _subscription(session: Session, shop_id: int, create: bool = False) -> Subscription | None:
    sub = session.exec(select(Subscription).where(Subscription.shop_id == shop_id)).first()
    if sub is None and create:
        sub = Subscription(shop_id=shop_id)
        try:
            with session.begin_nested():
                session.add(sub)
        except IntegrityError:
            sub = session.exec(select(Subscription).where(Subscription.shop_id == shop_id)).one()
    return sub


def _plan_brief(plan: Plan | None) -> dict | None:
    if plan is None:
        return None
    return {"id": plan.id, "code": plan.code, "name": plan.name, "name_en": plan.name_en or plan.name,
            "monthly_price": plan.monthly_price, "yearly_price": plan.yearly_price,
            "commission_percent": plan.commission_bp / 100}


def _plan_name(session: Session, plan_id: int | None) -> str:
    plan = session.get(Plan, plan_id) if plan_id else None
    return plan.name if plan else ""


def _mail_owner(session: Session, shop_id: int, key: str, **params) -> None:
    email = session.exec(select(User.email).join(StaffMember, StaffMember.user_id == User.id).where(
        StaffMember.shop_id == shop_id, StaffMember.role == "owner")).first()
    if email:
        queue_bilingual(session, shop_id, email, key, shop=shops.get_shop(session, shop_id).name, **params)
