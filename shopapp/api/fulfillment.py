"""Shipping over HTTP: parcels of an order, merged parcels, labels (PDF), tracking events, carriers."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel

from shopapp.api.deps import acting, jsonable
from shopapp.services.core.errors import Invalid
from shopapp.services.orders import fulfillment, waybills

router = APIRouter(tags=["fulfillment"])


class NewShipment(BaseModel):
    # Any: the service checks every field, so the API and the console answer the same field codes.
    items: Any = None  # [{order_item_id, qty}]; left out: everything not shipped yet
    carrier: Any = None
    tracking_no: Any = None


class MergedShipment(BaseModel):
    order_ids: Any = None
    carrier: Any = None
    tracking_no: Any = None


class NewTrackingEvent(BaseModel):
    status: Any = None
    description: Any = None
    at: Any = None
    location: Any = ""


@router.get("/carriers")
def list_carriers():
    items = fulfillment.carriers()
    return {"items": items, "total": len(items)}


@router.post("/orders/{order_id}/shipments", status_code=201)
def ship(order_id: int, body: NewShipment, request: Request):
    with acting(request) as (session, actor):
        shipment = fulfillment.ship(session, actor, order_id, body.items, body.carrier, body.tracking_no)
        return jsonable(fulfillment.shipment_dict(session, shipment))


@router.post("/shipments/merge", status_code=201)
def merge_ship(body: MergedShipment, request: Request):
    with acting(request) as (session, actor):
        shipment = fulfillment.merge_ship(session, actor, body.order_ids, body.carrier, body.tracking_no)
        return jsonable(fulfillment.shipment_dict(session, shipment))


@router.get("/shipments/labels.pdf")
def labels(request: Request, ids: str = ""):
    """Many labels in one PDF for batch printing: ?ids=1,2,3."""
    try:
        shipment_ids = [int(part) for part in ids.split(",") if part.strip()]
    except ValueError:
        raise Invalid(fields={"ids": "invalid"}) from None
    return _pdf(_render(request, shipment_ids), "labels.pdf")


@router.get("/shipments/{shipment_id}")
def get_shipment(shipment_id: int, request: Request):
    with acting(request) as (session, actor):
        return jsonable(fulfillment.shipment_dict(session, fulfillment.get_shipment(session, actor, shipment_id)))


@router.get("/shipments/{shipment_id}/label.pdf")
def label(shipment_id: int, request: Request):
    return _pdf(_render(request, [shipment_id]), f"label-{shipment_id}.pdf")


@router.post("/shipments/{shipment_id}/events", status_code=201)
def add_tracking_event(shipment_id: int, body: NewTrackingEvent, request: Request):
    with acting(request) as (session, actor):
        event = fulfillment.add_tracking_event(
            session, actor, shipment_id, body.status, body.description, body.at, body.location,
        )
        return jsonable(fulfillment.event_dict(event))


def _render(request: Request, shipment_ids: list[int]) -> bytes:
    with acting(request) as (session, actor):
        pages = waybills.labels(session, actor, shipment_ids)
    return waybills.render(pages)  # after the commit: drawing needs no database


def _pdf(data: bytes, filename: str) -> Response:
    headers = {"Content-Disposition": f'inline; filename="{filename}"'}
    return Response(data, media_type="application/pdf", headers=headers)
