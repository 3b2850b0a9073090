"""Automatic promotions (营销中心): the owner's 限时折扣, 第二件, 打包一口价 and 满减 tiers, and what each brought in."""

from fastapi import APIRouter, Request

from shopapp.api.deps import acting
from shopapp.services.marketing import promotion_report, promotions

router = APIRouter(tags=["promotions"])


@router.get("/promotions")
def list_promotions(request: Request, kind: str | None = None, status: str | None = None):
    """The shop's promotions, newest first; `status` is scheduled, active or ended (from the schedule)."""
    with acting(request) as (session, actor):
        items = promotions.list_promotions(session, actor, kind=kind, status=status)
        return {"items": items, "total": len(items)}


@router.post("/promotions", status_code=201)
def create_promotion(data: dict, request: Request):
    with acting(request) as (session, actor):
        return promotions.create_promotion(session, actor, data)


@router.get("/promotions/{promotion_id}")
def get_promotion(promotion_id: str, request: Request):
    with acting(request) as (session, actor):
        return promotions.get_promotion(session, actor, promotion_id)


@router.patch("/promotions/{promotion_id}")
def update_promotion(promotion_id: str, changes: dict, request: Request):
    with acting(request) as (session, actor):
        return promotions.update_promotion(session, actor, promotion_id, changes)


@router.post("/promotions/{promotion_id}/end")
def end_promotion(promotion_id: str, request: Request):
    """End it now: carts priced from now on no longer see it."""
    with acting(request) as (session, actor):
        return promotions.end_promotion(session, actor, promotion_id)


@router.get("/promotions/{promotion_id}/report")
def promotion_report_(promotion_id: str, request: Request):
    """Paid orders only, net of refunds: orders, units, revenue, discount given, customers, new customers, the orders."""
    with acting(request) as (session, actor):
        return promotion_report.promotion_report(session, actor, promotion_id)
