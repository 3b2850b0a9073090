"""Back-in-stock registrations: shoppers sign up on the storefront, the shop sees the list."""

from fastapi import APIRouter, Request
from pydantic import BaseModel

from shopapp.api.deps import acting, jsonable
from shopapp.db import session_scope
from shopapp.services.inventory import stock_alerts
from shopapp.services.shops import shops

router = APIRouter(tags=["back in stock"])


class NotifyMe(BaseModel):
    variant_id: int
    email: str


@router.post("/store/{slug}/products/{product_id}/notify-me", status_code=201)
def notify_me(slug: str, product_id: int, body: NotifyMe):
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        row = stock_alerts.register(session, shop.id, product_id, variant_id=body.variant_id, email=body.email)
        return jsonable({"id": row.id, "variant_id": row.variant_id, "status": row.status, "created_at": row.created_at})


@router.get("/stock-notifications")
def list_registrations(request: Request, product_id: int | None = None, page: int = 1, per_page: int = 50):
    with acting(request) as (session, actor):
        items, total = stock_alerts.list_registrations(session, actor, product_id=product_id, page=page, per_page=per_page)
        return jsonable({"items": items, "total": total})
