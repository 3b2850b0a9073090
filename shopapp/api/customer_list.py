"""The shop's customers for its staff and API keys: the list (search, filters, segments), one customer, tags, export, segments."""

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel

from shopapp.api.deps import acting, jsonable
from shopapp.services.customers import details, directory, export, segments
from shopapp.services.marketing import coupons

router = APIRouter(tags=["customers"])


class CustomerChanges(BaseModel):
    # Any: the service checks every field, so the API and the console answer the same field codes.
    tags: Any = None
    note: Any = None


class BulkTag(BaseModel):
    ids: Any = None
    tag: Any = None


class SegmentBody(BaseModel):
    name: Any = None
    filters: Any = None


def _raw_filters(request: Request) -> dict:
    return {key: request.query_params.get(key) for key in directory.FILTER_KEYS}


@router.get("/customers")
def list_customers(request: Request, segment: str | None = None, sort: str = "recent", page: int = 1, per_page: int = 50):
    """`?q=&tag=&segment=&sort=` (recent, spent, orders, newest, spent_asc) and the filters `level, region,
    orders_min, orders_max, spent_min, spent_max` (分), `last_order_from, last_order_to` (shop days), `rfm`.
    `q` finds a name or e-mail from its start, a phone whole or by its last 4 digits, or an order number.
    `segment` is a saved segment's id or a built-in group's key; the other filters narrow it.
    `total` is counted up to 10 000 (10 000 means "10 000 or more"); /segments counts exactly."""
    with acting(request) as (session, actor):
        filters = segments.filters_with(session, actor, segment, _raw_filters(request))
        items, total = directory.list_customers(session, actor, filters, sort=sort, page=page, per_page=per_page)
        return jsonable({"items": items, "total": total})


# Declared before /customers/{customer_id}, which would otherwise take "export" for an id.
@router.get("/customers/export")
def export_customers(request: Request, segment: str | None = None, sort: str = "recent"):
    """The customers the list's filters give, as CSV (UTF-8 with a BOM, formulas neutralised)."""
    with acting(request) as (session, actor):
        text = export.export_customers(session, actor, segments.filters_with(session, actor, segment, _raw_filters(request)), sort=sort)
    return Response(text.encode("utf-8"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="customers.csv"'})


@router.post("/customers/tags")
def tag_customers(body: BulkTag, request: Request):
    """`{ids: [customer ids], tag}` → `{tagged}` (those that had it keep it); refused whole past 30 tags a customer."""
    with acting(request) as (session, actor):
        return {"tagged": details.tag_customers(session, actor, body.ids, body.tag)}


@router.get("/customers/{customer_id}")
def get_customer(customer_id: int, request: Request):
    """The list's fields plus note, first_order_at, average_order, orders, addresses, conversations, aftersales, coupons.
    `id` is the customer's (one per e-mail); `account_id` is their shopper account's, if any (…/points takes that one)."""
    with acting(request) as (session, actor):
        shown = details.get_customer(session, actor, customer_id)
        return jsonable({**shown, "coupons": coupons.wallet_of(session, actor.shop_id, shown["account_id"])})


@router.patch("/customers/{customer_id}")
def update_customer(customer_id: int, body: CustomerChanges, request: Request):
    """`{tags?, note?}`: the tags given replace the customer's (at most 30, each at most 20 characters)."""
    with acting(request) as (session, actor):
        return jsonable(details.update_customer(session, actor, customer_id, **body.model_dump(exclude_unset=True)))


@router.get("/segments")
def list_segments(request: Request):
    """→ `{items: [{id, name, filters, count, spent}], built_in: [{key, count, spent}], thresholds}`"""
    with acting(request) as (session, actor):
        return jsonable(segments.list_segments(session, actor))


@router.post("/segments", status_code=201)
def create_segment(body: SegmentBody, request: Request):
    """`{name, filters}` (the list's filter names) → 201 `{id, name, filters, count, spent}`"""
    with acting(request) as (session, actor):
        return jsonable(segments.create_segment(session, actor, name=body.name, filters=body.filters))


@router.put("/segments/{segment_id}")
def update_segment(segment_id: int, body: SegmentBody, request: Request):
    with acting(request) as (session, actor):
        return jsonable(segments.update_segment(session, actor, segment_id, name=body.name, filters=body.filters))


@router.delete("/segments/{segment_id}", status_code=204)
def delete_segment(segment_id: int, request: Request):
    with acting(request) as (session, actor):
        segments.delete_segment(session, actor, segment_id)
