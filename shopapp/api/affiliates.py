"""分销 affiliates over HTTP: the owner's programme, promoters, commissions and withdrawals; the shopper
becoming a promoter, binding through a link, their promoter centre, withdrawals and share poster."""

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel

from shopapp.api.deps import acting, bearer_token, jsonable
from shopapp.db import session_scope
from shopapp.services.customers import shoppers
from shopapp.services.marketing import affiliate_money, affiliate_poster, affiliates
from shopapp.services.shops import shops

router = APIRouter(tags=["affiliates"])


class Program(BaseModel):
    # Any: the service checks every field, so every door answers the same field codes.
    enabled: Any = None
    level1_percent: Any = None
    level2_percent: Any = None
    binding_days: Any = None
    settle_days: Any = None


class Joining(BaseModel):
    invite_code: Any = None


class Binding(BaseModel):
    ref: Any = None


class Withdrawal(BaseModel):
    amount: Any = None


class Decision(BaseModel):
    note: Any = ""


@router.get("/affiliate-program")
def read_program(request: Request):
    """→ `{enabled, level1_percent, level2_percent, binding_days, settle_days}`"""
    with acting(request) as (session, actor):
        return affiliates.read_program(session, actor)


@router.put("/affiliate-program")
def save_program(body: Program, request: Request):
    """A field left out keeps its value; percents 0–50 per level, binding_days ≥ 1, settle_days ≥ 0."""
    data = {name: value for name, value in body.model_dump().items() if value is not None}
    with acting(request) as (session, actor):
        return affiliates.save_program(session, actor, data)


@router.get("/affiliate-program/figures")
def program_figures(request: Request):
    """→ `{promoters, commission, withdrawn, requested}` (分, commission net of refunds)."""
    with acting(request) as (session, actor):
        affiliates.read_program(session, actor)
        return affiliate_money.figures(session, actor.shop_id)


@router.get("/promoters")
def list_promoters(request: Request, page: int = 1, per_page: int = 50):
    with acting(request) as (session, actor):
        return jsonable(affiliate_money.list_promoters(session, actor, page=page, per_page=per_page))


@router.get("/commissions")
def list_commissions(request: Request, status: str = "", page: int = 1, per_page: int = 50):
    """`?status=frozen|available|reversed` → `{items: [{id, order_no, level, amount, status, promoter_code, ...}], total}`"""
    with acting(request) as (session, actor):
        return jsonable(affiliate_money.list_commissions(session, actor, status=status, page=page, per_page=per_page))


@router.get("/withdrawals")
def list_withdrawals(request: Request, status: str = "", page: int = 1, per_page: int = 50):
    """`?status=requested|approved|rejected` → `{items: [{id, promoter_code, amount, status, ...}], total}`"""
    with acting(request) as (session, actor):
        return jsonable(affiliate_money.list_withdrawals(session, actor, status=status, page=page, per_page=per_page))


@router.post("/withdrawals/{withdrawal_id}/approve")
def approve_withdrawal(withdrawal_id: int, request: Request, body: Decision | None = None):
    """Paid outside the platform: recorded as withdrawn; 409 `withdrawal_decided` the second time."""
    with acting(request) as (session, actor):
        return jsonable(affiliate_money.decide_withdrawal(session, actor, withdrawal_id, True, body.note if body else ""))


@router.post("/withdrawals/{withdrawal_id}/reject")
def reject_withdrawal(withdrawal_id: int, request: Request, body: Decision | None = None):
    """The amount goes back to the promoter's available balance."""
    with acting(request) as (session, actor):
        return jsonable(affiliate_money.decide_withdrawal(session, actor, withdrawal_id, False, body.note if body else ""))


@router.post("/store/{slug}/affiliates", status_code=201)
def become_promoter(slug: str, request: Request, response: Response, body: Joining | None = None):
    """*shopper* `{invite_code?}` → 201 `{code, link}` (200 with the same when already a promoter);
    422 `invite_code: promoter_code_unknown`; 409 `affiliate_program_off`."""
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        customer = shoppers.customer_for_token(session, shop.id, bearer_token(request))
        made = affiliates.become_promoter(session, shop.id, customer.id, body.invite_code if body else None)
        if not made.pop("created"):
            response.status_code = 200
        return made


@router.post("/store/{slug}/affiliate-bindings")
def bind(slug: str, body: Binding, request: Request):
    """*shopper* `{ref}`: a visit through a promoter's link → `{bound, binding}`; the first binding holds
    (`bound: false`); 422 `ref: promoter_code_unknown` (or another shop's) / `own_promoter_code`."""
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        customer = shoppers.customer_for_token(session, shop.id, bearer_token(request))
        bound = affiliates.bind(session, shop.id, customer.id, body.ref, "visit", strict=True)
        return jsonable({"bound": bound, "binding": affiliates.binding_dict(session, shop.id, customer.id)})


@router.get("/store/{slug}/customers/me/affiliate")
def my_affiliate(slug: str, request: Request, page: int = 1, per_page: int = 20):
    """*shopper* → `{code, link, frozen, available, requested, withdrawn, team: {level1, level2, invited},
    commissions: [{order_no, level, amount, status, ...}], withdrawals}`; 404 `not_a_promoter`."""
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        customer = shoppers.customer_for_token(session, shop.id, bearer_token(request))
        return jsonable(affiliate_money.promoter_view(session, shop.id, customer.id, page=page, per_page=per_page))


@router.post("/store/{slug}/customers/me/affiliate/withdrawals", status_code=201)
def request_withdrawal(slug: str, body: Withdrawal, request: Request):
    """*shopper* `{amount}` → 201 `{id, status: "requested", amount}`; 422 `amount: withdrawal_over_available`."""
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        customer = shoppers.customer_for_token(session, shop.id, bearer_token(request))
        return jsonable(affiliate_money.request_withdrawal(session, shop.id, customer.id, body.amount))


@router.get("/store/{slug}/affiliates/{code}/poster.png")
def poster(slug: str, code: str):
    """The promoter's share poster (public: it shows only the shop, the code and the link's QR code)."""
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        png = affiliate_poster.poster_png(session, shop.id, code)
    return Response(png, media_type="image/png", headers={"Cache-Control": "public, max-age=3600"})
