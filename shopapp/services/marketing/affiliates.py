"""分销 affiliates: the shop's programme, shoppers becoming promoters, and who is bound to whom.

Rules (issue 18 item 4, API.md "Flash sales, group buys, bargains, affiliates"):
- a logged-in shopper becomes a promoter with a code and a link (`/s/{slug}?ref=CODE`); an invite code (or,
  without one, the promoter they are bound to) makes the inviter their level 2: two levels at most;
- a visit, sign-up or log-in through a link binds the shopper to that promoter for `binding_days`; the first
  binding holds until it runs out; a code of another shop, an unknown code or one's own is never a binding;
- the programme off: nobody becomes a promoter and nobody is bound (commissions: affiliate_money.py).
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from shopapp.models import AffiliateBinding, AffiliateProgram, Customer, Promoter, Shop
from shopapp.models.base import utcnow
from shopapp.services.core import plan_limits
from shopapp.services.core.errors import Conflict, Invalid, NotFound, require_fields
from shopapp.services.core.permissions import Actor, require
from shopapp.services.core.validation import checked_whole
from shopapp.settings import get_settings

DEFAULTS = {"enabled": False, "level1_percent": 10, "level2_percent": 5, "binding_days": 30, "settle_days": 7}
MAX_DAYS = 3650
MAX_PERCENT = 50  # of paid merchandise, per level
CODE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed from a poster
CODE_LENGTH = 8
MAX_CODE = 16


# The programme --------------------------------------------------------------------------------

def program_of(session: Session, shop_id: int) -> AffiliateProgram | None:
    return session.exec(select(AffiliateProgram).where(AffiliateProgram.shop_id == shop_id)).first()


def active_program(session: Session, shop_id: int) -> AffiliateProgram | None:
    found = program_of(session, shop_id)
    return found if found is not None and found.enabled else None


def program_dict(session: Session, shop_id: int) -> dict:
    found = program_of(session, shop_id)
    return dict(DEFAULTS) if found is None else {name: getattr(found, name) for name in DEFAULTS}


def read_program(session: Session, actor: Actor) -> dict:
    require(actor, "view_console")
    return program_dict(session, actor.shop_id)


def save_program(session: Session, actor: Actor, data: dict) -> dict:
    """PUT: the whole settings; a field left out keeps its current value. Bad input changes nothing."""
    require(actor, "manage_marketing")
    data = data if isinstance(data, dict) else {}
    current = program_dict(session, actor.shop_id)
    errors: dict[str, str] = {}
    enabled = data.get("enabled", current["enabled"])
    if not isinstance(enabled, bool):
        errors["enabled"] = "yes_or_no"
    elif enabled and not current["enabled"]:
        plan_limits.require_feature(session, actor.shop_id, "affiliates")  # the plan that allows it is named
    values: dict = {"enabled": enabled}
    for name in ("level1_percent", "level2_percent"):
        value = checked_whole(data.get(name, current[name]), name, errors)
        if value is not None and value > MAX_PERCENT:
            errors[name] = "commission_percent_too_high"
        values[name] = value
    for name in ("binding_days", "settle_days"):
        values[name] = checked_whole(data.get(name, current[name]), name, errors, limit=MAX_DAYS)
    if values["binding_days"] == 0:
        errors["binding_days"] = "must_be_positive"
    require_fields(errors)
    found = program_of(session, actor.shop_id) or AffiliateProgram(shop_id=actor.shop_id)
    for name, value in values.items():
        setattr(found, name, value)
    found.updated_at = utcnow()
    session.add(found)
    session.flush()
    return program_dict(session, actor.shop_id)


# Promoters ------------------------------------------------------------------------------------

def become_promoter(session: Session, shop_id: int, customer_id: int, invite_code: str | None = None) -> dict:
    """The shopper's promoter code and link, made on the first call (a repeat answers the same, `created`
    false). An invite code must be a promoter of this shop other than oneself."""
    if active_program(session, shop_id) is None:
        raise Conflict("affiliate_program_off")
    found = promoter_of(session, shop_id, customer_id)
    if found is not None:
        return {**code_and_link(session, found), "created": False}
    inviter = None
    if invite_code not in (None, ""):
        inviter = _promoter_by_code(session, shop_id, invite_code)
        if inviter is None:
            raise Invalid(fields={"invite_code": "promoter_code_unknown"})
    else:
        inviter = _binder(session, shop_id, customer_id)
    try:
        with session.begin_nested():
            row = Promoter(shop_id=shop_id, customer_id=customer_id, code=_new_code(session, shop_id),
                           inviter_id=inviter.id if inviter else None)
            session.add(row)
            session.flush()
    except IntegrityError:  # the same shopper twice at once: the first one's code
        row = promoter_of(session, shop_id, customer_id)
        if row is None:
            raise
        return {**code_and_link(session, row), "created": False}
    return {**code_and_link(session, row), "created": True}


def promoter_of(session: Session, shop_id: int, customer_id: int) -> Promoter | None:
    return session.exec(
        select(Promoter).where(Promoter.shop_id == shop_id, Promoter.customer_id == customer_id)
        .execution_options(populate_existing=True)
    ).first()


def promoter_by_code(session: Session, shop_id: int, code: str) -> Promoter:
    found = _promoter_by_code(session, shop_id, code)
    if found is None:
        raise NotFound("promoter_not_found")
    return found


def link_for(slug: str, code: str) -> str:
    """The promoter's link: the shop's home with ?ref=CODE, on the address shoppers use."""
    return f"{get_settings().public_url}/s/{slug}?ref={code}"


# Bindings -------------------------------------------------------------------------------------

def bind(session: Session, shop_id: int, customer_id: int, code, via: str = "visit", *, strict: bool = False) -> bool:
    """The shopper came by promoter `code`'s link: bound to them for the programme's binding days unless a
    binding is still running (the first holds). An unknown code, another shop's, or one's own binds nothing:
    ignored on a visit or sign-up, refused (Invalid `ref`) when `strict`. True when this call bound them."""
    if active_program(session, shop_id) is None or code in (None, ""):
        if strict:
            raise Conflict("affiliate_program_off") if code else Invalid(fields={"ref": "required"})
        return False
    promoter = _promoter_by_code(session, shop_id, code)
    problem = "promoter_code_unknown" if promoter is None else ("own_promoter_code" if promoter.customer_id == customer_id else "")
    if problem:
        if strict:
            raise Invalid(fields={"ref": problem})
        return False
    if _binder(session, shop_id, customer_id) is not None:
        return False  # the first binding holds (read first: a page load with ?ref= mostly finds one)
    program = active_program(session, shop_id)
    now = utcnow()
    expires = now + timedelta(days=program.binding_days)
    # An ended binding gives way to the new link; a running one holds (the WHERE decides, not a read).
    moved = session.exec(
        update(AffiliateBinding)
        .where(AffiliateBinding.shop_id == shop_id, AffiliateBinding.customer_id == customer_id,
               AffiliateBinding.expires_at <= now)
        .values(promoter_id=promoter.id, via=via[:10], bound_at=now, expires_at=expires)
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved:
        return True
    try:
        with session.begin_nested():
            session.add(AffiliateBinding(shop_id=shop_id, customer_id=customer_id, promoter_id=promoter.id,
                                         via=via[:10], bound_at=now, expires_at=expires))
            session.flush()
        return True
    except IntegrityError:
        return False  # bound already (first binding holds)


def binder_of(session: Session, shop_id: int, customer_id: int) -> Promoter | None:
    """The promoter the shopper is bound to now, if any (what level 1 of their orders goes to)."""
    return _binder(session, shop_id, customer_id)


def binding_dict(session: Session, shop_id: int, customer_id: int) -> dict | None:
    row = session.exec(
        select(AffiliateBinding).where(AffiliateBinding.shop_id == shop_id, AffiliateBinding.customer_id == customer_id)
        .execution_options(populate_existing=True)
    ).first()
    if row is None:
        return None
    promoter = session.get(Promoter, row.promoter_id)
    return {"promoter_code": promoter.code if promoter else "", "via": row.via, "bound_at": row.bound_at,
            "expires_at": row.expires_at, "active": row.expires_at > utcnow()}


def team_of(session: Session, promoter: Promoter) -> dict:
    """{level1: shoppers bound to them now, level2: shoppers bound now to promoters they invited, invited}."""
    now = utcnow()
    level1 = session.exec(select(func.count()).select_from(AffiliateBinding).where(
        AffiliateBinding.shop_id == promoter.shop_id, AffiliateBinding.promoter_id == promoter.id,
        AffiliateBinding.expires_at > now,
    )).one()
    invited = select(Promoter.id).where(Promoter.shop_id == promoter.shop_id, Promoter.inviter_id == promoter.id)
    level2 = session.exec(select(func.count()).select_from(AffiliateBinding).where(
        AffiliateBinding.shop_id == promoter.shop_id, AffiliateBinding.promoter_id.in_(invited),
        AffiliateBinding.expires_at > now,
    )).one()
    invited_count = session.exec(select(func.count()).select_from(invited.subquery())).one()
    return {"level1": level1, "level2": level2, "invited": invited_count}


# Helpers --------------------------------------------------------------------------------------

def code_and_link(session: Session, promoter: Promoter) -> dict:
    shop = session.get(Shop, promoter.shop_id)
    return {"code": promoter.code, "link": link_for(shop.slug, promoter.code)}


def _promoter_by_code(session: Session, shop_id: int, code) -> Promoter | None:
    if not isinstance(code, str) or not code.strip() or len(code.strip()) > MAX_CODE:
        return None
    return session.exec(
        select(Promoter).where(Promoter.shop_id == shop_id, Promoter.code == code.strip().upper())
    ).first()


def _binder(session: Session, shop_id: int, customer_id: int) -> Promoter | None:
    row = session.exec(
        select(AffiliateBinding).where(
            AffiliateBinding.shop_id == shop_id, AffiliateBinding.customer_id == customer_id,
            AffiliateBinding.expires_at > utcnow(),
        )
    ).first()
    return session.get(Promoter, row.promoter_id) if row else None


def _new_code(session: Session, shop_id: int) -> str:
    for _ in range(20):
        code = "".join(secrets.choice(CODE_LETTERS) for _ in range(CODE_LENGTH))
        if _promoter_by_code(session, shop_id, code) is None:
            return code
    raise Conflict("promoter_code_busy")  # 32^8 codes: never in practice


def customer_name(session: Session, customer_id: int | None) -> str:
    customer = session.get(Customer, customer_id) if customer_id else None
    return (customer.name or customer.email) if customer else ""
