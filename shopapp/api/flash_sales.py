"""秒杀 flash sales: the owner's sales and their reports, the storefront's list and a shopper's flash order."""

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from shopapp.api.deps import acting, bearer_token, jsonable
from shopapp.db import read_scope, session_scope
from shopapp.services.checkout import flash_orders
from shopapp.services.marketing import flash_sales
from shopapp.services.shops import shops

router = APIRouter(tags=["flash sales"])


@router.post("/flash-sales", status_code=201)
def create_flash_sale(data: dict, request: Request):
    """`{name, variant_id, price, quantity, per_customer_limit, starts_at, ends_at, pay_minutes?}` → 201 `{id, …, sold}`."""
    with acting(request) as (session, actor):
        return flash_sales.create_flash_sale(session, actor, data)


@router.get("/flash-sales")
def list_flash_sales(request: Request, status: str | None = None):
    with acting(request) as (session, actor):
        items = flash_sales.list_flash_sales(session, actor, status=status)
        return {"items": items, "total": len(items)}


@router.get("/flash-sales/{sale_id}")
def get_flash_sale(sale_id: str, request: Request):
    with acting(request) as (session, actor):
        return flash_sales.get_flash_sale(session, actor, sale_id)


@router.post("/flash-sales/{sale_id}/end")
def end_flash_sale(sale_id: str, request: Request):
    with acting(request) as (session, actor):
        return flash_sales.end_flash_sale(session, actor, sale_id)


@router.get("/flash-sales/{sale_id}/report")
def flash_sale_report(sale_id: str, request: Request):
    """Paid orders only, net of refunds: `{orders, paid_orders, units, revenue, discount_total, customers, new_customers}`."""
    with acting(request) as (session, actor):
        return flash_sales.flash_sale_report(session, actor, sale_id)


@router.get("/store/{slug}/flash-sales")
def store_flash_sales(slug: str, product_id: int | None = None):
    """Current and coming sales `{items: [{id, variant_id, price, quantity, left, starts_at, ends_at, …}], now}`."""
    with read_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        return jsonable({"items": flash_sales.storefront_sales(session, shop.id, product_id=product_id), "now": flash_sales.utcnow()})


@router.post("/store/{slug}/flash-sales/{sale_id}/orders", status_code=201)
async def flash_order(slug: str, sale_id: str, data: dict, request: Request):
    """*shopper* `{qty, email?, address, shipping_method_id?}` → 201 `{order_no, total, payment, …}`;
    409 `sold_out` / `limit_reached` / `not_started` / `ended`."""
    # The rush's thousands of losers are answered here on the event loop from the process's memory of the
    # sale: no thread, no query, no Redis. Only the rest queue for a thread (and the database).
    flash_orders.refuse_from_memory(slug, sale_id, ask_gate=False)
    return await run_in_threadpool(_buy, slug, sale_id, bearer_token(request), data)


def _buy(slug: str, sale_id: str, token: str, data: dict) -> dict:
    return jsonable(flash_orders.buy(read_scope, session_scope, slug, sale_id, token, data))


# The shopper's try is also routed by a router of its own, included before every other (api/__init__.py): a rush's
# thousands of tries a second were each matched against the ~200 routes listed before it, a third of a sold-out
# answer's time. Left out of the schema: the route above, in its place, documents the endpoint (docs/api.md).
rush_router = APIRouter()
rush_router.add_api_route("/store/{slug}/flash-sales/{sale_id}/orders", flash_order, methods=["POST"], status_code=201,
                          include_in_schema=False)
