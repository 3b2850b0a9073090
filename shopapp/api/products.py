"""The shop's catalogue over HTTP: products, their images, CSV import and export, stock, categories."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from shopapp.api.bodies import bounded_body, form_in, refuse_declared_size
from shopapp.api.deps import acting, bearer_token, jsonable
from shopapp.api.errors import request_lang
from shopapp.db import session_scope
from shopapp.i18n import field_message
from shopapp.services.catalog import categories, media, product_csv, products, views
from shopapp.services.core.errors import Invalid
from shopapp.services.core.permissions import Actor
from shopapp.services.inventory import availability, ledger
from shopapp.services.shops import accounts

router = APIRouter(tags=["catalog"])

# Room for the multipart boundaries, part headers and the alt text around the picture itself.
MAX_IMAGE_REQUEST_BYTES = media.MAX_UPLOAD_BYTES + 64 * 1024


class ImageChange(BaseModel):
    # Any: the service checks them, so every door answers the same field codes.
    alt: Any = None
    position: Any = None


class StockChange(BaseModel):
    delta: Any = None
    set_to: Any = Field(None, alias="set")
    reason: Any = None


class NewCategory(BaseModel):
    name: Any = None
    parent_id: Any = None


# Products ------------------------------------------------------------------------------------

@router.get("/products")
def list_products(
    request: Request, q: str | None = None, status: str | None = None, category_id: int | None = None,
    price_min: int | None = None, price_max: int | None = None, in_stock: bool | None = None, sort: str = "relevance",
    page: int = 1, per_page: int = 50,
):
    with acting(request) as (session, actor):
        items, total = products.list_products(
            session, actor.shop_id, q=q, status=status, category_id=category_id, price_min=price_min, price_max=price_max,
            in_stock=in_stock, sort=sort, page=page, per_page=per_page,
        )
        return jsonable({"items": items, "total": total})


@router.post("/products", status_code=201)
def create_product(request: Request, data: dict = Body(...)):
    with acting(request) as (session, actor):
        product = products.create_product(session, actor, data)
        return jsonable(views.product_dict(session, product, with_cost=True))


# Declared before /products/{product_id}, which would otherwise take "export" for an id.
@router.get("/products/export")
def export_products(request: Request):
    with acting(request) as (session, actor):
        text = product_csv.export_csv(session, actor)
    return Response(
        text.encode("utf-8"), media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="products.csv"'},
    )


@router.post("/products/import")
async def import_products(request: Request, dry_run: bool = False):
    """A CSV body; answers every problem with its row number, and changes nothing when there is one."""
    refuse_declared_size(request, product_csv.MAX_IMPORT_BYTES)
    actor = await run_in_threadpool(_actor, request)
    text = product_csv.decode_csv(await bounded_body(request, product_csv.MAX_IMPORT_BYTES))
    result = await run_in_threadpool(_import, actor, text, dry_run)
    lang = request_lang(request)
    return {
        "created": result.created,
        "updated": result.updated,
        "dry_run": dry_run,
        "errors": [
            {
                "row": error.row, "column": error.column, "code": error.code,
                "message": f"{error.column}: {field_message(error.code, lang)}" if error.column
                else field_message(error.code, lang),
            }
            for error in result.errors
        ],
    }


@router.get("/products/{product_id}")
def get_product(product_id: int, request: Request):
    with acting(request) as (session, actor):
        product = views.get_product(session, actor.shop_id, product_id)
        return jsonable(views.product_dict(session, product, with_cost=True))


@router.patch("/products/{product_id}")
def update_product(product_id: int, request: Request, changes: dict = Body(...)):
    with acting(request) as (session, actor):
        product = products.update_product(session, actor, product_id, changes)
        return jsonable(views.product_dict(session, product, with_cost=True))


@router.delete("/products/{product_id}", status_code=204)
def delete_product(product_id: int, request: Request):
    with acting(request) as (session, actor):
        products.delete_product(session, actor, product_id)


# Images --------------------------------------------------------------------------------------

@router.post("/products/{product_id}/images", status_code=201)
async def add_image(product_id: int, request: Request):
    """Multipart `file` (JPEG, PNG, WebP or GIF, at most 10 MB) and optional `alt`."""
    refuse_declared_size(request, MAX_IMAGE_REQUEST_BYTES)
    actor = await run_in_threadpool(_actor, request)
    form = await form_in(request, await bounded_body(request, MAX_IMAGE_REQUEST_BYTES), max_files=1, max_fields=5)
    try:
        upload, alt = form.get("file"), form.get("alt") or ""
        if not isinstance(upload, UploadFile):
            raise Invalid(fields={"file": "required"})
        data = await upload.read()
    finally:
        await form.close()
    return await run_in_threadpool(_add_image, actor, product_id, data, alt if isinstance(alt, str) else "")


@router.patch("/products/{product_id}/images/{image_id}")
def update_image(product_id: int, image_id: int, body: ImageChange, request: Request):
    """`alt` and/or `position` (0 makes it the main image)."""
    with acting(request) as (session, actor):
        image = media.update_image(
            session, actor, image_id, alt=body.alt, position=body.position, product_id=product_id,
        )
        return views.image_dict(image)


@router.delete("/products/{product_id}/images/{image_id}", status_code=204)
def delete_image(product_id: int, image_id: int, request: Request):
    with acting(request) as (session, actor):
        media.delete_image(session, actor, image_id, product_id=product_id)


# Stock and categories ------------------------------------------------------------------------

@router.post("/variants/{variant_id}/stock")
def change_stock(variant_id: int, body: StockChange, request: Request):
    """`{delta}` or `{set}`, with a `reason`; stock never goes below zero (409)."""
    with acting(request) as (session, actor):
        stock = ledger.adjust_stock_as(
            session, actor, variant_id, reason=body.reason, delta=body.delta, set_to=body.set_to,
        )
        return {"variant_id": variant_id, "stock": stock}


@router.get("/products/{product_id}/stock-moves")
def stock_moves(product_id: int, request: Request, page: int = 1, per_page: int = 20):
    """The product's stock ledger, newest first: who moved how many units, why, before and after."""
    with acting(request) as (session, actor):
        items, total = ledger.stock_history(session, actor, product_id, page=page, per_page=per_page)
        return jsonable({"items": items, "total": total})


@router.get("/stock/low")
def low_stock(request: Request, threshold: int | None = None, page: int = 1, per_page: int = 50):
    with acting(request) as (session, actor):
        items, total = availability.low_stock(session, actor.shop_id, threshold=threshold, page=page, per_page=per_page)
        return {"items": items, "total": total}


@router.get("/categories")
def list_categories(request: Request):
    with acting(request) as (session, actor):
        items = categories.list_categories(session, actor.shop_id)
        return {"items": items, "total": len(items)}


@router.post("/categories", status_code=201)
def create_category(body: NewCategory, request: Request):
    with acting(request) as (session, actor):
        category = categories.create_category(session, actor, body.name, body.parent_id)
        return {"id": category.id, "name": category.name, "parent_id": category.parent_id, "position": category.position}


# Helpers -------------------------------------------------------------------------------------

def _actor(request: Request) -> Actor:
    """Who the token belongs to, in a transaction of its own: on SQLite any transaction holds the
    write lock, so it must not stay open while a body arrives or a picture is decoded."""
    with session_scope() as session:
        return accounts.authenticate(session, bearer_token(request))


def _add_image(actor: Actor, product_id: int, data: bytes, alt: str) -> dict:
    # add_product_image decodes the picture before its first query, so no write lock is held meanwhile.
    with session_scope() as session:
        return views.image_dict(media.add_product_image(session, actor, product_id, data, alt))


def _import(actor: Actor, text: str, dry_run: bool):
    with session_scope() as session:
        return product_csv.import_csv(session, actor, text, dry_run=dry_run)
