"""Public storefront reads, per shop slug."""

from fastapi import APIRouter

from shopapp.api.deps import jsonable
from shopapp.db import read_scope
from shopapp.services.catalog import products, views
from shopapp.services.core.errors import NotFound
from shopapp.services.shops import design, shops

router = APIRouter(prefix="/store/{slug}", tags=["storefront"])


@router.get("")
def shop_home(slug: str):
    with read_scope() as session:
        return shops.public_shop_by_slug(session, slug)


@router.get("/design")
def store_design(slug: str, page: str = "home", preview: str = ""):
    """What shoppers see of the shop's design: `{theme, page}` as published (the draft with the shop's preview token)."""
    with read_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        shown = design.design_for_visit(session, shop.id, preview)
        if page not in shown["pages"]:
            raise NotFound()
        return jsonable({"theme": shown["theme"], "page": shown["pages"][page]})


@router.get("/products")
def store_products(
    slug: str, q: str | None = None, category_id: int | None = None, price_min: int | None = None,
    price_max: int | None = None, in_stock: bool | None = None, sort: str = "relevance", page: int = 1, per_page: int = 50,
):
    """The shop's active products; drafts and archived ones are never listed."""
    with read_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        items, total = products.list_products(
            session, shop.id, q=q, category_id=category_id, price_min=price_min, price_max=price_max, in_stock=in_stock,
            sort=sort, page=page, per_page=per_page, active_only=True,
        )
        return jsonable({"items": items, "total": total})


@router.get("/products/{product_id}")
def store_product(slug: str, product_id: int):
    """An active product without cost data; a draft, or another shop's product, is not found."""
    with read_scope() as session:
        shop = shops.shop_by_slug(session, slug)
        return jsonable(views.storefront_product(session, shop.id, product_id))
