"""砍价 bargains over HTTP: the owner's activities (create, list, one, end, report) and the storefront's runs
(start, a friend's cut, the run, the starter's checkout) with a shopper's `Authorization: Bearer cs_…`."""

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel

from shopapp.api.deps import acting, bearer_token, jsonable
from shopapp.db import read_scope, session_scope
from shopapp.services.checkout import bargain_orders
from shopapp.services.marketing import bargain_runs, bargains
from shopapp.services.shops import shops

router = APIRouter(tags=["bargains"])


class BargainCheckout(BaseModel):
    address: Any = None
    shipping_method_id: Any = None


@router.get("/bargains")
def list_bargains(request: Request, status: str | None = None):
    """The shop's bargains, newest first; `status` is scheduled, active or ended."""
    with acting(request) as (session, actor):
        items = bargains.list_bargains(session, actor, status=status)
        return {"items": items, "total": len(items)}


@router.post("/bargains", status_code=201)
def create_bargain(data: dict, request: Request):
    """`{name, variant_id, floor_price, helpers_needed, hours, quantity, buy_before_floor?, starts_at?, ends_at?}` → 201."""
    with acting(request) as (session, actor):
        return bargains.create_bargain(session, actor, data)


@router.get("/bargains/{bargain_id}")
def get_bargain(bargain_id: str, request: Request):
    with acting(request) as (session, actor):
        return bargains.get_bargain(session, actor, bargain_id)


@router.post("/bargains/{bargain_id}/end")
def end_bargain(bargain_id: str, request: Request):
    """End it now: no new runs; open runs expire."""
    with acting(request) as (session, actor):
        return bargains.end_bargain(session, actor, bargain_id)


@router.get("/bargains/{bargain_id}/report")
def bargain_report(bargain_id: str, request: Request):
    """Paid orders only, net of refunds, and the runs started and finished."""
    with acting(request) as (session, actor):
        return bargains.bargain_report(session, actor, bargain_id)


@router.post("/store/{slug}/bargains/{bargain_id}/start", status_code=201)
def start_run(slug: str, bargain_id: str, request: Request):
    """*shopper* → 201 `{run_id, price, floor_price, expires_at, share_path}`."""
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        return bargain_runs.start_run(session, shop.id, bargain_id, bearer_token(request))


@router.post("/store/{slug}/bargain-runs/{run_id}/cuts", status_code=201)
def cut(slug: str, run_id: str, request: Request):
    """*shopper* (a friend) → 201 `{cut, price}`; 409 `own_bargain` / `already_helped` / `finished` / `expired`."""
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        return bargain_runs.cut(session, shop.id, run_id, bearer_token(request))


@router.get("/store/{slug}/bargain-runs/{run_id}")
def run_view(slug: str, run_id: str, request: Request):
    """→ `{price, floor_price, status, cuts: [{name_masked, cut}], expires_at, …}`."""
    with read_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        return jsonable(bargain_runs.run_view(session, shop.id, run_id, bearer_token(request)))


@router.post("/store/{slug}/bargain-runs/{run_id}/checkout", status_code=201)
def checkout(slug: str, run_id: str, request: Request, body: BargainCheckout | None = None):
    """*shopper* (the starter) `{address, shipping_method_id?}` → 201 `{order_no, total, payment, …}` at the run's price."""
    body = body or BargainCheckout()
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        return jsonable(bargain_orders.checkout(
            session, shop.id, run_id, bearer_token(request), body.address, body.shipping_method_id,
        ))
