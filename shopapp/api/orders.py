"""The shop's orders for its staff and API keys: list, read, cancel."""

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel

from shopapp.api.deps import acting, jsonable
from shopapp.services.orders import cancel, export, listing, state, views

router = APIRouter(prefix="/orders", tags=["orders"])


class Cancellation(BaseModel):
    reason: str = ""


@router.get("")
def list_orders(
    request: Request, response: Response, status: str | None = None, q: str | None = None,
    created_from: str | None = None, created_to: str | None = None, page: int = 1, per_page: int = 50,
    after: str | None = None,
):
    """`?page=&per_page=` like every list. A client walking all the orders follows the header
    `Link: <...?after=...>; rel="next"` instead (RFC 8288, as Shopify's and GitHub's APIs page):
    the cursor meets every order once, however deep and however many arrive meanwhile."""
    with acting(request) as (session, actor):
        items, total = listing.list_orders(
            session, actor, status=status, q=q, created_from=created_from, created_to=created_to,
            page=page, per_page=per_page, after=after,
        )
        cursor = listing.next_after(items, per_page)
        if cursor:
            following = request.url.remove_query_params("page").include_query_params(after=cursor)
            response.headers["Link"] = f'<{following}>; rel="next"'
        return jsonable({"items": items, "total": total})


# Declared before /orders/{order_id}, which would otherwise take "export" for an id.
@router.get("/export")
def export_orders(
    request: Request, status: str | None = None, q: str | None = None,
    created_from: str | None = None, created_to: str | None = None,
):
    """The orders the list's filters give, one row per order line, as the console's export (CSV, UTF-8 with a BOM)."""
    with acting(request) as (session, actor):
        text = export.export_orders(session, actor, status=status, q=q, created_from=created_from, created_to=created_to)
    return Response(
        text.encode("utf-8"), media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="orders.csv"'},
    )


@router.get("/{order_id}")
def get_order(order_id: int, request: Request):
    with acting(request) as (session, actor):
        return jsonable(views.order_dict(session, state.get_order(session, actor, order_id)))


@router.post("/{order_id}/cancel")
def cancel_order(order_id: int, request: Request, body: Cancellation | None = None):
    with acting(request) as (session, actor):
        order = cancel.cancel_order(session, actor, order_id, (body or Cancellation()).reason)
        return jsonable(views.order_dict(session, order))
