"""Refunds of an order over HTTP; a repeat with the same Idempotency-Key answers the first refund."""

from typing import Any

from fastapi import APIRouter, Header, Request
from pydantic import BaseModel

from shopapp.api.deps import acting, jsonable
from shopapp.services.orders import refunds

router = APIRouter(prefix="/orders/{order_id}/refunds", tags=["orders"])


class NewRefund(BaseModel):
    # Any: the service checks every field, so every door answers the same field codes.
    amount: Any = None
    reason: Any = ""
    items: Any = None  # [{order_item_id, qty, restock (default true)}]


@router.post("", status_code=201)
def refund(order_id: int, body: NewRefund, request: Request, idempotency_key: str | None = Header(default=None)):
    with acting(request) as (session, actor):
        return refunds.refund(session, actor, order_id, body.amount, body.reason, body.items, idempotency_key)


@router.get("")
def list_refunds(order_id: int, request: Request):
    with acting(request) as (session, actor):
        items = refunds.list_refunds(session, actor, order_id)
        return jsonable({"items": items, "total": len(items)})
