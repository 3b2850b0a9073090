"""Coupons (优惠券 / 优惠码): the owner's coupons, the shoppers' wallets, one-time codes, and step 4 of PRICING.md.

The counts many shoppers change at once are changed by conditional UPDATEs only (how many orders use a
coupon is counted when read, used_counts, so checkouts never queue on the coupon's row): a claim takes one of
`total_quantity` with `issued = issued + 1 WHERE issued < total_quantity`, the per-customer limit is a
unique (coupon, customer, seq) place, and an order uses a wallet entry with `WHERE status = 'unused'`.
So 30 shoppers claiming the last 5 get exactly 5, and 10 checkouts at once use a one-use coupon once.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, func, or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key
from sqlmodel import Session, select

from shopapp.models import Customer, ProductCategory
from shopapp.models.base import utcnow
from shopapp.models.coupons import Coupon, CouponCode, CustomerCoupon
from shopapp.services.core.errors import Conflict, Invalid, NotFound, require_fields
from shopapp.services.core.money import format_money
from shopapp.services.core.permissions import Actor, require, shop_row
from shopapp.services.core.validation import checked_whole
from shopapp.services.customers import shoppers
from shopapp.services.marketing import coupon_checks, reports
from shopapp.services.marketing.savings import Basket, Saving

# `offers` below are marketing.offers.Offers and `choices` its Choices; offers loads the coupon from here,
# so this module may not import it back (the marketing modules never import in a circle).

MAX_CODES = 10_000  # one batch of one-time codes
MAX_ISSUE = 1_000  # shoppers named in one issue
CODE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read off paper and typed
CODE_LENGTH = 10


# What the pricing pipeline sees ----------------------------------------------------------------

@dataclass(frozen=True)
class CouponOffer:
    """One coupon as step 4 prices it: a wallet entry, a public code or a one-time code, already checked."""

    id: int
    name: str
    kind: str
    amount_off: int
    percent_off: int
    max_off: int | None
    min_amount: int
    product_ids: frozenset[int] | None  # None: every line of the shop
    combines_with_promotions: bool
    customer_coupon_id: int | None = None
    code_id: int | None = None  # a one-time code
    claim_at_checkout: bool = False  # a public code the shopper has not claimed: claimed as the order is placed
    field: str = "customer_coupon_id"  # which choice it came from, for a refusal's field


def covered_lines(basket: Basket, coupon: CouponOffer) -> tuple[int, ...]:
    """The open lines the coupon covers (its products, or all of them)."""
    return tuple(
        n for n in basket.open_lines()
        if coupon.product_ids is None or (basket.lines[n].product is not None and basket.lines[n].product.id in coupon.product_ids)
    )


def missing_amount(basket: Basket, coupon: CouponOffer) -> int:
    """How much more the covered lines must cost (after step 3) to reach the threshold; 0 when reached.
    A coupon that covers nothing in the cart misses its whole threshold (at least 1 分)."""
    lines = covered_lines(basket, coupon)
    if not lines:
        return max(coupon.min_amount, 1)
    return max(0, coupon.min_amount - sum(basket.amounts[n] for n in lines))


def coupon_savings(basket: Basket, offers: Any) -> list[Saving]:
    """Step 4: the chosen coupon's saving on the lines it covers, when their amount after step 3 reaches
    its threshold: `amount` (never more than covered), `percent` (half up, capped by max_off), or free shipping."""
    coupon = offers.coupon
    if not isinstance(coupon, CouponOffer):
        return []
    lines = covered_lines(basket, coupon)
    if not lines or missing_amount(basket, coupon):
        return []
    covered = sum(basket.amounts[n] for n in lines)
    if coupon.kind == "free_shipping":
        return [Saving("coupon", coupon.id, coupon.name, 0, lines, free_shipping=True)]
    if coupon.kind == "percent":
        amount = (covered * coupon.percent_off + 50) // 100
        if coupon.max_off is not None:
            amount = min(amount, coupon.max_off)
    else:
        amount = coupon.amount_off
    return [Saving("coupon", coupon.id, coupon.name, min(amount, covered), lines)]


def drops_promotions(offers: Any) -> bool:
    """True when the chosen coupon does not combine with 满减 and the like: step 3 is dropped."""
    coupon = offers.coupon
    return isinstance(coupon, CouponOffer) and not coupon.combines_with_promotions


# The owner's coupons ---------------------------------------------------------------------------

def create_coupon(session: Session, actor: Actor, data: dict, typed_errors: dict[str, str] | None = None) -> dict:
    """A new coupon; Invalid names every bad field at once and nothing is saved. `typed_errors` are the
    problems a form found before (an amount in yuan it could not read), named together with these."""
    require(actor, "manage_marketing")
    errors: dict[str, str] = {}
    fields = coupon_checks.checked_coupon(session, actor.shop_id, data if isinstance(data, dict) else {}, errors)
    require_fields({**errors, **(typed_errors or {})})
    coupon = Coupon(shop_id=actor.shop_id, **fields)
    session.add(coupon)
    session.flush()
    return coupon_dict(coupon)


def list_coupons(session: Session, actor: Actor, *, status: str | None = None) -> list[dict]:
    require(actor, "view_reports")
    rows = session.exec(
        select(Coupon).where(Coupon.shop_id == actor.shop_id).order_by(Coupon.created_at.desc(), Coupon.id.desc())
    ).all()
    used = used_counts(session, actor.shop_id, [coupon.id for coupon in rows])
    items = [coupon_dict(coupon, used.get(coupon.id, 0)) for coupon in rows]
    return [item for item in items if not status or item["status"] == status]


def get_coupon(session: Session, actor: Actor, coupon_id: int) -> dict:
    require(actor, "view_reports")
    coupon = shop_row(session, Coupon, actor.shop_id, coupon_id)
    return coupon_dict(coupon, used_counts(session, actor.shop_id, [coupon.id]).get(coupon.id, 0))


def end_coupon(session: Session, actor: Actor, coupon_id: int) -> dict:
    """Ends the coupon now: no more claims, and no order may use it from now on."""
    require(actor, "manage_marketing")
    coupon = shop_row(session, Coupon, actor.shop_id, coupon_id)
    if coupon.ended_at is None:
        coupon.ended_at = coupon.updated_at = utcnow()
        session.add(coupon)
        session.flush()
    return coupon_dict(coupon, used_counts(session, actor.shop_id, [coupon.id]).get(coupon.id, 0))


def coupon_status(coupon: Coupon, now: datetime | None = None) -> str:
    """scheduled before starts_at, active until ends_at, then ended (or at once when ended by hand)."""
    now = now or utcnow()
    if coupon.ended_at is not None or (coupon.ends_at is not None and now >= coupon.ends_at):
        return "ended"
    if coupon.starts_at is not None and now < coupon.starts_at:
        return "scheduled"
    return "active"


def describe(coupon: Coupon | CouponOffer, currency: str = "CNY") -> str:
    """What the coupon gives, as a shopper reads it: "满¥100减¥20", "满¥200打8.5折 最多减¥30", "无门槛包邮"."""
    if coupon.kind == "free_shipping":
        what = "包邮"
    elif coupon.kind == "percent":
        tenths = 100 - (coupon.percent_off or 0)
        what = f"打{tenths / 10:g}折" + (f" 最多减{format_money(coupon.max_off, currency)}" if coupon.max_off else "")
    else:
        what = f"减{format_money(coupon.amount_off or 0, currency)}"
    return (f"满{format_money(coupon.min_amount, currency)}" if coupon.min_amount else "无门槛") + what


def used_counts(session: Session, shop_id: int, coupon_ids: list[int]) -> dict[int, int]:
    """How many orders use each coupon now: its wallet entries used and its one-time codes used. Counted
    when read, not kept on the coupon: a counter there would be one row every checkout with the coupon
    writes and waits for (bench/checkout_ratio_bench.py)."""
    if not coupon_ids:
        return {}
    counts: dict[int, int] = {}
    for model, used in ((CustomerCoupon, CustomerCoupon.used_order_id), (CouponCode, CouponCode.used_order_id)):
        rows = session.exec(select(model.coupon_id, func.count()).where(
            model.shop_id == shop_id, model.coupon_id.in_(coupon_ids), used.is_not(None)).group_by(model.coupon_id)).all()
        for coupon_id, count in rows:
            counts[coupon_id] = counts.get(coupon_id, 0) + count
    return counts


def coupon_dict(coupon: Coupon, used: int = 0) -> dict:
    left = None if coupon.total_quantity is None else max(0, coupon.total_quantity - coupon.issued)
    return {
        "id": coupon.id, "name": coupon.name, "kind": coupon.kind, "amount_off": coupon.amount_off,
        "percent_off": coupon.percent_off, "max_off": coupon.max_off, "min_amount": coupon.min_amount,
        "product_ids": list(coupon.product_ids), "category_ids": list(coupon.category_ids),
        "starts_at": coupon.starts_at, "ends_at": coupon.ends_at, "valid_days": coupon.valid_days,
        "total_quantity": coupon.total_quantity, "issued": coupon.issued, "used": used, "left": left,
        "per_customer_limit": coupon.per_customer_limit, "code": coupon.code, "claimable": coupon.claimable,
        "combines_with_promotions": coupon.combines_with_promotions, "status": coupon_status(coupon),
        "ended_at": coupon.ended_at, "created_at": coupon.created_at, "description": describe(coupon),
    }


# Giving coupons out ----------------------------------------------------------------------------

def claimable_coupons(session: Session, shop_id: int, product_id: int | None = None) -> list[dict]:
    """The storefront's 领券 block: claimable coupons active now and not all given out; on a product's
    page, only those that cover the product."""
    rows = session.exec(
        select(Coupon).where(Coupon.shop_id == shop_id, Coupon.claimable, Coupon.ended_at.is_(None))
        .order_by(Coupon.created_at.desc(), Coupon.id.desc())
    ).all()
    return [
        _store_dict(coupon) for coupon in rows
        if coupon_status(coupon) == "active" and (coupon.total_quantity is None or coupon.issued < coupon.total_quantity)
        and (product_id is None or _covers(session, coupon, product_id))
    ]


def claim(session: Session, shop_id: int, customer_token: str | None, coupon_id: int) -> dict:
    """The shopper takes one into their wallet: 409 coupon_sold_out when all are given out,
    coupon_limit_reached when they already hold per_customer_limit of it."""
    customer = shoppers.customer_for_token(session, shop_id, customer_token)
    coupon = shop_row(session, Coupon, shop_id, coupon_id, "coupon_not_found")
    if not coupon.claimable:
        raise NotFound("coupon_not_found")
    _require_running(coupon)
    entry = _grant(session, coupon, customer.id, "claim")
    return {"id": entry.id, "coupon_id": coupon.id, "expires_at": entry.expires_at}


def grant_for_points(session: Session, shop_id: int, coupon_id: int, customer_id: int) -> CustomerCoupon:
    """积分商城: one of the coupon into the shopper's wallet, bought with points (the caller takes them in
    the same savepoint). The coupon's total_quantity and per-customer limit hold as for a claim."""
    coupon = shop_row(session, Coupon, shop_id, coupon_id, "coupon_not_found")
    _require_running(coupon)
    return _grant(session, coupon, customer_id, "points")


def coupon_for_reward(session: Session, shop_id: int, coupon_id: Any) -> Coupon | None:
    """The shop's coupon a 积分商城 reward may sell: one of its own that has not ended; else None."""
    if not isinstance(coupon_id, int) or isinstance(coupon_id, bool):
        return None
    coupon = session.get(Coupon, coupon_id)
    if coupon is None or coupon.shop_id != shop_id or coupon_status(coupon) == "ended":
        return None
    return coupon


def issue(session: Session, actor: Actor, coupon_id: int, data: dict) -> dict:
    """Give the coupon to chosen shoppers, `{emails}` or `{customer_ids}`: each one is issued or skipped
    with its reason (not_a_customer, coupon_limit_reached, coupon_sold_out); the others still get theirs."""
    require(actor, "manage_marketing")
    coupon = shop_row(session, Coupon, actor.shop_id, coupon_id)
    if coupon_status(coupon) == "ended":
        raise Conflict("coupon_ended")
    whom = _named_customers(session, actor.shop_id, data if isinstance(data, dict) else {})
    issued, skipped = 0, []
    for who, customer_id in whom:
        if customer_id is None:
            skipped.append({"who": who, "reason": "not_a_customer"})
            continue
        try:
            _grant(session, coupon, customer_id, "issue")
            issued += 1
        except Conflict as refused:
            skipped.append({"who": who, "reason": refused.code})
    return {"issued": issued, "skipped": skipped}


def generate_codes(session: Session, actor: Actor, coupon_id: int, data: dict) -> dict:
    """`{count}` unique one-time codes (≤ 10 000), each good for one order: `{codes}` (the console downloads a CSV)."""
    require(actor, "manage_marketing")
    coupon = shop_row(session, Coupon, actor.shop_id, coupon_id)
    errors: dict[str, str] = {}
    count = checked_whole((data or {}).get("count") if isinstance(data, dict) else None, "count", errors, limit=MAX_CODES)
    if count is None and "count" not in errors:
        errors["count"] = "required"
    elif count == 0:
        errors["count"] = "count_invalid"
    require_fields(errors)
    if coupon_status(coupon) == "ended":
        raise Conflict("coupon_ended")
    codes: set[str] = set()
    while len(codes) < count:
        wanted = {_new_code() for _ in range(count - len(codes))}
        codes |= wanted - coupon_checks.codes_taken(session, actor.shop_id, wanted)
    session.add_all(CouponCode(shop_id=actor.shop_id, coupon_id=coupon.id, code=code) for code in sorted(codes))
    session.flush()
    return {"codes": sorted(codes)}


def list_codes(session: Session, actor: Actor, coupon_id: int) -> list[dict]:
    """Every one-time code of the coupon, for the CSV download: code, used or not."""
    require(actor, "view_reports")
    shop_row(session, Coupon, actor.shop_id, coupon_id)
    rows = session.exec(select(CouponCode).where(CouponCode.shop_id == actor.shop_id, CouponCode.coupon_id == coupon_id)
                        .order_by(CouponCode.id)).all()
    return [{"code": row.code, "used": row.used_order_id is not None, "used_at": row.used_at} for row in rows]


# The shopper's wallet --------------------------------------------------------------------------

def wallet(session: Session, shop_id: int, customer_token: str | None) -> dict:
    """The shopper's coupons, unused first, each `unused`, `used` or `expired`."""
    customer = shoppers.customer_for_token(session, shop_id, customer_token)
    return {"items": wallet_of(session, shop_id, customer.id)}


def wallet_of(session: Session, shop_id: int, customer_id: int | None) -> list[dict]:
    """One account's coupons as its wallet shows them (the owner's customer profile shows the same); none
    for a guest."""
    if not customer_id:
        return []
    rows = session.exec(
        select(CustomerCoupon, Coupon).join(Coupon, Coupon.id == CustomerCoupon.coupon_id)
        .where(CustomerCoupon.shop_id == shop_id, CustomerCoupon.customer_id == customer_id)
        .order_by(CustomerCoupon.claimed_at.desc(), CustomerCoupon.id.desc())
    ).all()
    items = [_wallet_dict(entry, coupon) for entry, coupon in rows]
    order = {"unused": 0, "used": 1, "expired": 2}
    return sorted(items, key=lambda item: order[item["status"]])


def entry_status(entry: CustomerCoupon, coupon: Coupon, now: datetime | None = None) -> str:
    now = now or utcnow()
    if entry.status == "used":
        return "used"
    if coupon_status(coupon, now) == "ended" or (entry.expires_at is not None and now >= entry.expires_at):
        return "expired"
    return "unused"


# Pricing: the chosen coupon and the wallet's candidates -----------------------------------------

def for_pricing(session: Session, shop_id: int, customer_id: int | None, choices: Any) -> CouponOffer | None:
    """The coupon the shopper chose (a wallet entry or a typed code), checked: Invalid on that field with
    the reason when it cannot be used (another shop's or unknown: coupon_not_found; coupon_expired,
    coupon_ended, coupon_not_started, coupon_already_used, coupon_login_required, coupon_limit_reached)."""
    if choices.customer_coupon_id:
        return _wallet_choice(session, shop_id, customer_id, choices.customer_coupon_id)
    if choices.coupon_code:
        return _code_choice(session, shop_id, customer_id, choices.coupon_code)
    return None


def wallet_candidates(session: Session, shop_id: int, customer_id: int | None) -> list[CouponOffer]:
    """The coupons the shopper holds and may use now, one per coupon (the one expiring first): what the
    quote prices the cart with to pick the best."""
    if customer_id is None:
        return []
    now = utcnow()
    rows = session.exec(
        select(CustomerCoupon, Coupon).join(Coupon, Coupon.id == CustomerCoupon.coupon_id)
        .where(CustomerCoupon.shop_id == shop_id, CustomerCoupon.customer_id == customer_id,
               CustomerCoupon.status == "unused", Coupon.ended_at.is_(None))
        .order_by(CustomerCoupon.expires_at, CustomerCoupon.id)
    ).all()
    chosen: dict[int, CouponOffer] = {}
    for entry, coupon in rows:
        usable = entry_status(entry, coupon, now) == "unused" and (entry.starts_at is None or entry.starts_at <= now)
        if usable and coupon.id not in chosen:
            chosen[coupon.id] = _offer(session, coupon, customer_coupon_id=entry.id)
    return list(chosen.values())


# Built once, a Core UPDATE on the table: every checkout with a one-time code runs it (the ORM's UPDATE, built on
# each call, cost three times its round trip in CPU).
_CODES = CouponCode.__table__.c
_USE_CODE = (
    update(CouponCode.__table__).where(_CODES.id == bindparam("code_id"), _CODES.used_order_id.is_(None))
    .values(used_order_id=bindparam("order_id"), used_at=bindparam("at"))
)


def take_up(session: Session, offers: Any, order: Any, discounts: Sequence[Saving]) -> None:
    """The order uses its coupon, in the checkout's transaction, by conditional updates: a wallet entry
    `WHERE status = 'unused'`, a one-time code `WHERE used_order_id IS NULL`. When another checkout used
    it a moment ago, Conflict coupon_already_used and the whole checkout is undone."""
    coupon = offers.coupon
    if not isinstance(coupon, CouponOffer) or not any(s.source == "coupon" and s.id == coupon.id for s in discounts):
        return
    now = utcnow()
    entry_id = coupon.customer_coupon_id
    if coupon.claim_at_checkout:
        entry_id = _grant(session, session.get(Coupon, coupon.id), order.customer_id, "checkout").id
    if entry_id is not None:
        taken = session.execute(
            update(CustomerCoupon).where(CustomerCoupon.id == entry_id, CustomerCoupon.status == "unused")
            .values(status="used", used_order_id=order.id, used_at=now)
        ).rowcount
    else:
        taken = session.execute(_USE_CODE, {"code_id": coupon.code_id, "order_id": order.id, "at": now}).rowcount
        if taken == 1 and (loaded := session.identity_map.get(identity_key(CouponCode, coupon.code_id))) is not None:
            # The UPDATE went around the ORM: the code read by _code_choice shows its use too.
            set_committed_value(loaded, "used_order_id", order.id)
            set_committed_value(loaded, "used_at", now)
    if taken != 1:
        raise Conflict("coupon_already_used")


def give_back(session: Session, order: Any) -> None:
    """An unpaid order was cancelled or expired: its coupon goes back to the wallet (or its code is free again)."""
    session.execute(
        update(CustomerCoupon).where(CustomerCoupon.shop_id == order.shop_id, CustomerCoupon.used_order_id == order.id)
        .values(status="unused", used_order_id=None, used_at=None)
    )
    session.execute(
        update(CouponCode).where(CouponCode.shop_id == order.shop_id, CouponCode.used_order_id == order.id)
        .values(used_order_id=None, used_at=None)
    )


def order_coupon_ids(session: Session, coupon_id: int) -> list[int]:
    """The orders that used the coupon (wallet entries and one-time codes), for its report."""
    entries = session.exec(select(CustomerCoupon.used_order_id).where(
        CustomerCoupon.coupon_id == coupon_id, CustomerCoupon.used_order_id.is_not(None))).all()
    codes = session.exec(select(CouponCode.used_order_id).where(
        CouponCode.coupon_id == coupon_id, CouponCode.used_order_id.is_not(None))).all()
    return sorted({*entries, *codes})


# Helpers ---------------------------------------------------------------------------------------

def _grant(session: Session, coupon: Coupon, customer_id: int, source: str) -> CustomerCoupon:
    """One more of the coupon into the shopper's wallet: one of total_quantity by a conditional UPDATE,
    the next of per_customer_limit places by a unique constraint, both undone together when either fails."""
    held = session.exec(select(func.count()).select_from(CustomerCoupon).where(
        CustomerCoupon.coupon_id == coupon.id, CustomerCoupon.customer_id == customer_id)).one()
    if held >= coupon.per_customer_limit:
        raise Conflict("coupon_limit_reached")
    now = utcnow()
    try:
        with session.begin_nested():
            taken = session.execute(
                update(Coupon).where(Coupon.id == coupon.id, or_(Coupon.total_quantity.is_(None), Coupon.issued < Coupon.total_quantity))
                .values(issued=Coupon.issued + 1)
            ).rowcount
            if taken != 1:
                raise Conflict("coupon_sold_out")
            entry = CustomerCoupon(
                shop_id=coupon.shop_id, coupon_id=coupon.id, customer_id=customer_id, seq=held + 1, source=source,
                starts_at=coupon.starts_at if coupon.valid_days is None else now,
                expires_at=coupon.ends_at if coupon.valid_days is None else now + timedelta(days=coupon.valid_days),
                claimed_at=now,
            )
            session.add(entry)
            session.flush()
    except IntegrityError:
        raise Conflict("coupon_limit_reached") from None
    session.refresh(coupon)
    return entry


def _require_running(coupon: Coupon) -> None:
    status = coupon_status(coupon)
    if status != "active":
        raise Conflict("coupon_ended" if status == "ended" else "coupon_not_started")


def _wallet_choice(session: Session, shop_id: int, customer_id: int | None, entry_id: int) -> CouponOffer:
    field = "customer_coupon_id"
    entry = session.get(CustomerCoupon, entry_id)
    if entry is None or entry.shop_id != shop_id or entry.customer_id != customer_id:
        raise Invalid(fields={field: "coupon_not_found"})
    coupon = session.get(Coupon, entry.coupon_id)
    if entry.status == "used":
        raise Invalid(fields={field: "coupon_already_used"})
    _require_usable(coupon, field, entry.starts_at, entry.expires_at)
    return _offer(session, coupon, customer_coupon_id=entry.id)


# Built once (every checkout with a typed code asks): the coupon whose public code it is, or the one-time code with its coupon.
_BY_CODE = (
    select(Coupon, CouponCode)
    .outerjoin(CouponCode, and_(
        CouponCode.coupon_id == Coupon.id, CouponCode.shop_id == bindparam("shop_id"), CouponCode.code == bindparam("code"),
    ))
    .where(Coupon.shop_id == bindparam("shop_id"), or_(Coupon.code == bindparam("code"), CouponCode.id.is_not(None)))
)


def _code_choice(session: Session, shop_id: int, customer_id: int | None, typed: str) -> CouponOffer:
    field = "coupon_code"
    code = typed.replace(" ", "").upper()
    # The coupon whose public code it is, or the one-time code with its coupon: one statement for both.
    found = session.execute(_BY_CODE, {"shop_id": shop_id, "code": code}).all()
    coupon = next((coupon for coupon, _ in found if coupon.code == code), None)  # a public code comes first
    if coupon is None:
        if not found:
            raise Invalid(fields={field: "coupon_not_found"})
        coupon, one_time = found[0]
        if one_time.used_order_id is not None:
            raise Invalid(fields={field: "coupon_already_used"})
        _require_usable(coupon, field, coupon.starts_at, coupon.ends_at)
        return _offer(session, coupon, code_id=one_time.id, field=field)
    _require_usable(coupon, field, coupon.starts_at, coupon.ends_at)
    if customer_id is None:
        raise Invalid(fields={field: "coupon_login_required"})
    held = wallet_candidates(session, shop_id, customer_id)
    entry = next((offer for offer in held if offer.id == coupon.id), None)
    if entry is not None:
        return CouponOffer(**{**entry.__dict__, "field": field})
    count = session.exec(select(func.count()).select_from(CustomerCoupon).where(
        CustomerCoupon.coupon_id == coupon.id, CustomerCoupon.customer_id == customer_id)).one()
    if count >= coupon.per_customer_limit:
        raise Invalid(fields={field: "coupon_limit_reached"})
    if coupon.total_quantity is not None and coupon.issued >= coupon.total_quantity:
        raise Invalid(fields={field: "coupon_sold_out"})
    return _offer(session, coupon, claim_at_checkout=True, field=field)


def _require_usable(coupon: Coupon, field: str, starts_at: datetime | None, expires_at: datetime | None) -> None:
    now = utcnow()
    if coupon.ended_at is not None:
        raise Invalid(fields={field: "coupon_ended"})
    if expires_at is not None and now >= expires_at:
        raise Invalid(fields={field: "coupon_expired"})
    if coupon.ends_at is not None and now >= coupon.ends_at:  # a valid_days coupon whose activity is over
        raise Invalid(fields={field: "coupon_ended"})
    if starts_at is not None and now < starts_at:
        raise Invalid(fields={field: "coupon_not_started"})


def _offer(session: Session, coupon: Coupon, **how) -> CouponOffer:
    return CouponOffer(
        id=coupon.id, name=coupon.name, kind=coupon.kind, amount_off=coupon.amount_off or 0,
        percent_off=coupon.percent_off or 0, max_off=coupon.max_off, min_amount=coupon.min_amount,
        product_ids=_covered_products(session, coupon), combines_with_promotions=coupon.combines_with_promotions, **how,
    )


def _covered_products(session: Session, coupon: Coupon) -> frozenset[int] | None:
    if not coupon.product_ids and not coupon.category_ids:
        return None
    in_categories = session.exec(select(ProductCategory.product_id).where(
        ProductCategory.shop_id == coupon.shop_id, ProductCategory.category_id.in_(coupon.category_ids or [0]))).all()
    return frozenset(coupon.product_ids) | frozenset(in_categories)


def _covers(session: Session, coupon: Coupon, product_id: int) -> bool:
    covered = _covered_products(session, coupon)
    return covered is None or product_id in covered


def _named_customers(session: Session, shop_id: int, data: dict) -> list[tuple[str, int | None]]:
    """(who as named, the customer's id or None) for each e-mail or id, in the order given, once each."""
    emails, ids = data.get("emails"), data.get("customer_ids")
    named = emails if emails is not None else ids
    if not isinstance(named, list) or not named:
        raise Invalid(fields={"emails" if ids is None else "customer_ids": "required"})
    if len(named) > MAX_ISSUE:
        raise Invalid(fields={"emails" if emails is not None else "customer_ids": "too_many"})
    if emails is not None:
        wanted = list(dict.fromkeys(str(email).strip().lower() for email in emails))
        found = dict(session.exec(select(Customer.email, Customer.id).where(
            Customer.shop_id == shop_id, Customer.email.in_(wanted))).all())
        return [(email, found.get(email)) for email in wanted]
    if not all(isinstance(value, int) and not isinstance(value, bool) for value in ids):
        raise Invalid(fields={"customer_ids": "ids_invalid"})
    wanted_ids = list(dict.fromkeys(ids))
    found_ids = set(session.exec(select(Customer.id).where(Customer.shop_id == shop_id, Customer.id.in_(wanted_ids or [0]))).all())
    return [(str(value), value if value in found_ids else None) for value in dict.fromkeys(ids)]


def _new_code() -> str:
    return "".join(secrets.choice(CODE_CHARS) for _ in range(CODE_LENGTH))


def _store_dict(coupon: Coupon) -> dict:
    return {
        "id": coupon.id, "name": coupon.name, "kind": coupon.kind, "description": describe(coupon),
        "amount_off": coupon.amount_off, "percent_off": coupon.percent_off, "max_off": coupon.max_off,
        "min_amount": coupon.min_amount, "starts_at": coupon.starts_at, "ends_at": coupon.ends_at,
        "valid_days": coupon.valid_days, "per_customer_limit": coupon.per_customer_limit,
    }


def _wallet_dict(entry: CustomerCoupon, coupon: Coupon) -> dict:
    return {
        "id": entry.id, "coupon_id": coupon.id, "name": coupon.name, "description": describe(coupon),
        "status": entry_status(entry, coupon), "starts_at": entry.starts_at, "expires_at": entry.expires_at,
        "used_order_id": entry.used_order_id,
    }


def coupon_report(session: Session, actor: Actor, coupon_id: int) -> dict:
    """The coupon's numbers: the orders that used it (paid ones, net of refunds) and the list of them."""
    require(actor, "view_reports")
    coupon = shop_row(session, Coupon, actor.shop_id, coupon_id)
    return reports.activity_report(session, actor.shop_id, order_coupon_ids(session, coupon.id), ("coupon",), coupon.id)
