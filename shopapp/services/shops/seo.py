"""What search engines and chat-app link previews see of a shop: titles, descriptions, images, JSON-LD, sitemaps."""

from __future__ import annotations

import html
import re
from datetime import datetime

from sqlmodel import Session, select

from shopapp.models import Product
from shopapp.services.catalog import ratings, search, views
from shopapp.services.core.money import yuan_text
from shopapp.services.shops import design, design_pages, shops
from shopapp.settings import get_settings

_SPACE = re.compile(r"\s+")
JSON_LD_REVIEWS = 5


def shop_url(slug: str, site: str | None = None) -> str:
    """The shop home's canonical address: its own site's root (a custom domain or subdomain, `site` being
    that origin) or the platform's /s/<slug>."""
    return f"{site}/" if site else f"{get_settings().public_url}/s/{slug}"


def product_url(slug: str, product_id: int, site: str | None = None) -> str:
    return f"{site}/p/{product_id}" if site else f"{get_settings().public_url}/s/{slug}/p/{product_id}"


def shop_page_tags(session: Session, slug: str, site: str | None = None) -> dict:
    """Tags for a shop's home; NotFound when there is no such shop. `site`: the origin of the shop's own
    site the page is served on (custom domain or subdomain), whose addresses the tags then use."""
    shop = shops.shop_by_slug(session, slug)
    url = shop_url(shop.slug, site)
    return {
        "title": shop.name,
        "description": shop.description or shop.name,
        "image": _absolute(shop.logo_url, site),
        "url": url,
        "type": "website",
        "json_ld": {"@context": "https://schema.org", "@type": "Store", "name": shop.name, "url": url,
                    **({"telephone": shop.contact_phone} if shop.contact_phone else {})},
        "first_image": _home_first_image(session, shop.id),
        "icon": favicon(session, shop.id),
    }


def product_page_tags(session: Session, slug: str, product_id: int, site: str | None = None) -> dict:
    """Tags for an active product's page, with schema.org Product JSON-LD; NotFound otherwise."""
    shop = shops.shop_by_slug(session, slug)
    product = views.storefront_product(session, shop.id, product_id)
    url = product_url(shop.slug, product["id"], site)
    # One line of words: a preview shows no markup and no runs of spaces.
    description = _SPACE.sub(" ", search.plain_text(product["seo_description"] or product["description_html"])).strip()[:300] or product["title"]
    image = _absolute(product["images"][0]["url"], site) if product["images"] else ""
    prices = [v["price"] for v in product["variants"]] or [0]
    in_stock = any(v["available"] > 0 and not v["presale_ships_at"] for v in product["variants"])
    presale = any(v["available"] > 0 and v["presale_ships_at"] for v in product["variants"])
    offer = {
        "@type": "AggregateOffer" if len(set(prices)) > 1 else "Offer",
        "priceCurrency": shop.currency,
        "availability": "https://schema.org/InStock" if in_stock else (
            "https://schema.org/PreOrder" if presale else "https://schema.org/OutOfStock"),
        "url": url,
    }
    if offer["@type"] == "Offer":
        offer["price"] = yuan_text(prices[0])
    else:
        offer.update(lowPrice=yuan_text(min(prices)), highPrice=yuan_text(max(prices)), offerCount=len(prices))
    json_ld = {
        "@context": "https://schema.org", "@type": "Product", "name": product["title"], "description": description,
        "image": [_absolute(i["url"], site) for i in product["images"]],
        "sku": next((v["sku"] for v in product["variants"] if v["sku"]), None) or str(product["id"]),
        "brand": {"@type": "Brand", "name": shop.name}, "offers": offer,
        **_review_markup(session, shop.id, product),
    }
    return {
        "title": f"{product['seo_title'] or product['title']} · {shop.name}",
        "description": description,
        "image": image,
        "url": url,
        "type": "product",
        "first_image": product["images"][0]["url"] if product["images"] else "",
        "icon": favicon(session, shop.id),
        "json_ld": json_ld,
    }


def _review_markup(session: Session, shop_id: int, product: dict) -> dict:
    """schema.org AggregateRating and the latest few Reviews, only once the product has published reviews
    (an empty rating is an error to search engines)."""
    rating = product["rating"]
    if not rating["count"]:
        return {}
    latest, _ = ratings.published_reviews(session, shop_id, product["id"], per_page=JSON_LD_REVIEWS)
    return {
        "aggregateRating": {"@type": "AggregateRating", "ratingValue": rating["average"], "reviewCount": rating["count"],
                            "bestRating": 5, "worstRating": 1},
        "review": [{
            "@type": "Review", "reviewRating": {"@type": "Rating", "ratingValue": r["rating"], "bestRating": 5, "worstRating": 1},
            "author": {"@type": "Person", "name": r["author_masked"] or "匿名"}, "reviewBody": r["text"],
            "datePublished": _day(r["at"]),
        } for r in latest],
    }


def favicon(session: Session, shop_id: int) -> str:
    """The favicon the owner chose in 店铺装修 (published), "" for the platform's own."""
    return design.published_design(session, shop_id)["theme"].get("favicon_url", "")


def _home_first_image(session: Session, shop_id: int) -> str:
    """The first picture the shop's home shows, top down (on a phone, its largest: the page's LCP), so the
    page can ask for it with the page: a banner's or picture section's own, else the first product card's."""
    home = design.published_design(session, shop_id)["pages"]["home"]
    for section in design_pages.filled_page(session, shop_id, home):
        settings, blocks = section.get("settings", {}), section.get("blocks") or [{}]
        picture = blocks[0].get("image_url") or settings.get("image_url")
        if picture and section["type"] in ("banner", "image_text", "image_grid", "hotzone"):
            return picture
        if section["products"]:
            return (section["products"][0]["image"] or {}).get("thumb_url", "")
    return ""


def sitemap(session: Session, slug: str, site: str | None = None) -> str:
    """The shop's sitemap.xml: its home and every active product."""
    shop = shops.shop_by_slug(session, slug)
    rows = session.exec(
        select(Product.id, Product.updated_at).where(Product.shop_id == shop.id, Product.status == "active").order_by(Product.id)
    ).all()
    urls = [(shop_url(shop.slug, site), shop.updated_at)] + [(product_url(shop.slug, pid, site), changed) for pid, changed in rows]
    entries = "".join(f"<url><loc>{html.escape(loc)}</loc><lastmod>{_day(changed)}</lastmod></url>" for loc, changed in urls)
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'


def _absolute(url: str, site: str | None = None) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url or ""
    return (site or get_settings().public_url) + url


def _day(moment: datetime | None) -> str:
    return moment.date().isoformat() if moment else ""
