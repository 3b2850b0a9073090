"""What a product looks like: to its shop's staff, to shoppers, and as a row of a list (the bottom of the catalogue)."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from shopapp.models import Product, ProductCategory, ProductImage, Variant
from shopapp.services.catalog.media import first_images, image_urls
from shopapp.services.catalog.ratings import rating_of
from shopapp.services.core.errors import NotFound
from shopapp.services.core.permissions import shop_row
from shopapp.services.inventory import availability

STATUSES = ("draft", "active", "archived")
PRODUCT_TYPES = ("physical", "virtual")


def get_product(session: Session, shop_id: int, product_id: int) -> Product:
    return shop_row(session, Product, shop_id, product_id)


def product_dict(session: Session, product: Product, *, with_cost: bool) -> dict:
    """The product as the API shows it; `with_cost` only for the shop's own staff."""
    images = session.exec(
        select(ProductImage).where(ProductImage.shop_id == product.shop_id, ProductImage.product_id == product.id)
        .order_by(ProductImage.position, ProductImage.id)
    ).all()
    category_ids = session.exec(
        select(ProductCategory.category_id).where(
            ProductCategory.shop_id == product.shop_id, ProductCategory.product_id == product.id,
        ).order_by(ProductCategory.category_id)
    ).all()
    return {
        "id": product.id,
        "title": product.title,
        "description_html": product.description_html,
        "status": product.status,
        "product_type": product.product_type,
        "options": product.options,
        "variants": [_variant_dict(v, product, with_cost) for v in variants_of(session, product)],
        "images": [image_dict(image) for image in images],
        "category_ids": list(category_ids),
        "tags": product.tags,
        "seo_title": product.seo_title,
        "seo_description": product.seo_description,
        "presale": _presale_dict(product),
        "rating": rating_of(product),
        "created_at": product.created_at,
        "updated_at": product.updated_at,
    }


def storefront_product(session: Session, shop_id: int, product_id: int) -> dict:
    """An active product as shoppers see it: no cost, only the variants on sale; drafts are not found."""
    product = get_product(session, shop_id, product_id)
    if product.status != "active":
        raise NotFound()
    shown = product_dict(session, product, with_cost=False)
    shown["variants"] = [variant for variant in shown["variants"] if variant["enabled"]]
    return shown


def variants_of(session: Session, product: Product) -> list[Variant]:
    return list(session.exec(
        select(Variant).where(Variant.shop_id == product.shop_id, Variant.product_id == product.id)
        .order_by(Variant.position, Variant.id)
    ).all())


def variant_values(variant: Variant) -> dict:
    return {
        "sku": variant.sku, "option_values": variant.option_values, "price": variant.price,
        "compare_at_price": variant.compare_at_price, "cost": variant.cost, "stock": variant.stock,
        "weight_grams": variant.weight_grams, "barcode": variant.barcode, "enabled": variant.enabled,
        "presale": _presale_dict(variant),
    }


def _variant_dict(variant: Variant, product: Product, with_cost: bool) -> dict:
    """The variant with its own fields, plus (read-only) what a shopper gets: `available` units,
    which `sells_from` says are pre-sale places ("variant_quota", "product_quota") or "stock",
    and `presale_ships_at`, the day it ships on pre-sale (its own, else its product's)."""
    shipping = availability.presale_date(variant, product)
    shown = {
        "id": variant.id, **variant_values(variant), "available": availability.available(variant, product),
        "sells_from": availability.sells_from(variant, product),
        "presale_ships_at": shipping.isoformat() if shipping else None,
    }
    if not with_cost:
        del shown["cost"]
    return shown


def image_dict(image: ProductImage) -> dict:
    """An image as the API shows it: {id, url, thumb_url, alt}."""
    urls = image_urls(image)
    return {"id": image.id, "url": urls["url"], "thumb_url": urls["thumb_url"], "alt": image.alt}


def _presale_dict(row: Product | Variant) -> dict | None:
    """A product's or a variant's own pre-sale as the API shows it: {ships_at, quota, sold}."""
    if not row.presale_ships_at:
        return None
    return {"ships_at": row.presale_ships_at.isoformat(), "quota": row.presale_quota, "sold": row.presale_sold}


def product_summaries(session: Session, shop_id: int, products: list[Product]) -> list[dict]:
    """List rows: price range and stock of the enabled variants, whether any can be bought, and the first image."""
    ids = [p.id for p in products]
    figures = {
        row[0]: row[1:] for row in session.exec(
            select(
                Variant.product_id, func.min(Variant.price), func.max(Variant.price), func.sum(Variant.stock), func.count(),
                func.min(Variant.presale_ships_at),
            )
            .where(Variant.shop_id == shop_id, Variant.product_id.in_(ids), Variant.enabled.is_(True))
            .group_by(Variant.product_id)
        ).all()
    }
    pictures = first_images(session, shop_id, ids)
    summaries = []
    for product in products:
        price_min, price_max, stock, variant_count, variant_presale = figures.get(product.id, (None, None, 0, 0, None))
        image = pictures.get(product.id)
        # A product with only some variants on pre-sale is shown on pre-sale from its earliest one's date.
        presale = _presale_dict(product) or ({"ships_at": variant_presale.isoformat()} if variant_presale else None)
        summaries.append({
            "id": product.id, "title": product.title, "status": product.status,
            "product_type": product.product_type, "price_min": price_min, "price_max": price_max,
            "stock": int(stock or 0), "variant_count": variant_count, "in_stock": product.in_stock,
            "image": image_dict(image) if image else None, "presale": presale,
            "rating": rating_of(product),  # from the row itself: no query per card
            "updated_at": product.updated_at,
        })
    return summaries
