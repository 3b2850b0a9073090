"""What the shop's data suggests (issue 22): recommendations for shoppers, restock suggestions for the owner.
Product copy is POST /products/{id}/ai-copy (api/ai.py)."""

from fastapi import APIRouter, Request

from shopapp.api.deps import acting, bearer_token, jsonable
from shopapp.db import read_scope
from shopapp.services.core.errors import DomainError
from shopapp.services.customers import shoppers
from shopapp.services.insights import recommendations, restock
from shopapp.services.shops import shops

router = APIRouter(tags=["insights"])


@router.get("/store/{slug}/products/{product_id}/recommendations")
def product_recommendations(slug: str, product_id: int, limit: int = 6):
    """{bought_together: [product], similar: [product]}, worked out by the nightly job; 404 for a product not on sale."""
    with read_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        return jsonable(recommendations.for_product(session, shop.id, product_id, max(1, min(limit, 8))))


@router.get("/store/{slug}/recommendations")
def shopper_recommendations(slug: str, request: Request, limit: int = 6):
    """猜你喜欢: with a shopper's token (Authorization: Bearer cs_...) their own list (`personal`: true); without
    one, or before the job knows them, the shop's best sellers."""
    with read_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        customer_id = None
        token = bearer_token(request)
        if token:
            try:
                customer_id = shoppers.customer_for_token(session, shop.id, token).id
            except DomainError:
                customer_id = None
        personal = bool(customer_id and recommendations.product_ids(session, shop.id, "for_you", customer_id))
        items = recommendations.for_shopper(session, shop.id, customer_id, max(1, min(limit, 8)))
        return jsonable({"items": items, "personal": personal})


@router.get("/restock-suggestions")
def restock_suggestions(request: Request, page: int = 1, per_page: int = 50, all: bool = False):  # noqa: A002 - the query's name
    """*manage_catalog* → {items, total, page, pages, lead_days, target_days}: SKUs to restock, most urgent first."""
    with acting(request) as (session, actor):
        return jsonable(restock.suggestions(session, actor, page=page, per_page=per_page, all_skus=all))
