"""The shop's orders for its staff and API keys: list, read, cancel."""

from fastapi import APIRouter, Request
from pydantic import BaseModel

from shopapp.api.deps import acting, jsonable
from shopapp.services import orders

router = APIRouter(prefix="/orders", tags=["orders"])


class Cancellation(BaseModel):
    reason: str = ""


@router.get("")
def list_orders(
    request: Request, status: str | None = None, q: str | None = None, created_from: str | None = None,
    created_to: str | None = None, page: int = 1, per_page: int = 50,
):
    with acting(request) as (session, actor):
        items, total = orders.list_orders(
            session, actor, status=status, q=q, created_from=created_from, created_to=created_to,
            page=page, per_page=per_page,
        )
        return jsonable({"items": items, "total": total})


@router.get("/{order_id}")
def get_order(order_id: int, request: Request):
    with acting(request) as (session, actor):
        return jsonable(orders.order_dict(session, orders.get_order(session, actor, order_id)))


@router.post("/{order_id}/cancel")
def cancel_order(order_id: int, request: Request, body: Cancellation | None = None):
    with acting(request) as (session, actor):
        order = orders.cancel_order(session, actor, order_id, (body or Cancellation()).reason)
        return jsonable(orders.order_dict(session, order))
