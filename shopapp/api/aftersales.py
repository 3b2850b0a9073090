"""After-sales (售后) over HTTP: the shopper's requests by order link, the shop's decisions."""

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from shopapp.api.bodies import bounded_body, form_in, refuse_declared_size
from shopapp.api.deps import acting, jsonable
from shopapp.db import session_scope
from shopapp.services.catalog import media
from shopapp.services.orders import aftersales
from shopapp.services.shops import shops

router = APIRouter(tags=["aftersales"])

# Three pictures and the form around them.
MAX_REQUEST_BYTES = aftersales.MAX_PHOTOS * media.MAX_UPLOAD_BYTES + 64 * 1024


class ReturnParcel(BaseModel):
    carrier: Any = None
    tracking_no: Any = None


class Approval(BaseModel):
    amount: Any = None  # left out: all that can still be refunded
    items: Any = None  # [{order_item_id, qty, restock}]; what comes back in a return
    message: Any = ""


class Refusal(BaseModel):
    message: Any = None


# The shopper, by the order link's token -----------------------------------------------------------

@router.post("/store/{slug}/orders/{order_no}/aftersales", status_code=201)
async def request_aftersales(slug: str, order_no: str, request: Request, token: str = ""):
    """Multipart: `kind` (refund_only | return_and_refund), `reason`, up to 3 `photos`."""
    form = await _form(request)
    try:
        kind, reason = form.get("kind"), form.get("reason")
        photos = [await upload.read() for upload in form.getlist("photos") if isinstance(upload, UploadFile)]
    finally:
        await form.close()
    return await run_in_threadpool(_request_aftersales, slug, order_no, token, kind, reason, photos)


@router.get("/store/{slug}/orders/{order_no}/aftersales")
def shopper_requests(slug: str, order_no: str, token: str = ""):
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        items = aftersales.shopper_requests(session, shop.id, order_no, token)
        return jsonable({"items": items, "total": len(items)})


@router.post("/store/{slug}/orders/{order_no}/aftersales/{request_id}/return")
def submit_return(slug: str, order_no: str, request_id: int, body: ReturnParcel, token: str = ""):
    """The waybill number of the parcel the shopper sent back."""
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        found = aftersales.submit_return(session, shop.id, order_no, token, request_id, body.carrier, body.tracking_no)
        return jsonable(aftersales.request_dict(found, order_no.upper()))


# The shop ------------------------------------------------------------------------------------------

@router.get("/aftersales")
def list_requests(request: Request, status: str | None = None, page: int = 1, per_page: int = 50):
    with acting(request) as (session, actor):
        items, total = aftersales.list_requests(session, actor, status=status, page=page, per_page=per_page)
        return jsonable({"items": items, "total": total})


@router.get("/aftersales/{request_id}")
def get_request(request_id: int, request: Request):
    with acting(request) as (session, actor):
        return _answer(session, aftersales.get_request(session, actor, request_id))


@router.post("/aftersales/{request_id}/approve")
def approve(request_id: int, request: Request, body: Approval | None = None):
    body = body or Approval()
    with acting(request) as (session, actor):
        found = aftersales.approve(
            session, actor, request_id, amount=body.amount, items=body.items, message=body.message,
        )
        return _answer(session, found)


@router.post("/aftersales/{request_id}/refuse")
def refuse(request_id: int, body: Refusal, request: Request):
    with acting(request) as (session, actor):
        return _answer(session, aftersales.refuse(session, actor, request_id, body.message))


@router.post("/aftersales/{request_id}/received")
def received(request_id: int, request: Request):
    with acting(request) as (session, actor):
        return _answer(session, aftersales.received(session, actor, request_id))


# Helpers -------------------------------------------------------------------------------------------

def _request_aftersales(slug: str, order_no: str, token: str, kind, reason, photos: list[bytes]) -> dict:
    # The service decodes the photos before its first query, so no write lock is held meanwhile.
    with session_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        found = aftersales.request_aftersales(
            session, shop.id, order_no, token, kind if isinstance(kind, str) else "",
            reason if isinstance(reason, str) else "", photos,
        )
        return _answer(session, found)


def _answer(session, found) -> dict:
    return jsonable(aftersales.request_view(session, found))


async def _form(request: Request):
    """The multipart form, read only up to MAX_REQUEST_BYTES."""
    refuse_declared_size(request, MAX_REQUEST_BYTES)
    body = await bounded_body(request, MAX_REQUEST_BYTES)
    # One file more than allowed, so the service answers "too_many_photos" rather than a bare 400.
    return await form_in(request, body, max_files=aftersales.MAX_PHOTOS + 1, max_fields=5)
