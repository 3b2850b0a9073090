"""What every shopper sees on a product page, read once a second per product and worker.

A product page's load read seven blocks (the product with its promotions, coupons, reviews, shelves, bargains,
group buy, 秒杀): 12-15 ms of a worker's CPU (py-spy), the same for every shopper of that product. So a crowd on
one product (a 秒杀 opening, a shared link) costs one read a second per worker, not one per shopper. What is a
shopper's own (their cart, coupons claimed, the countdowns' clock) the states add when they show it.

Never older than this worker's own writes: a write to a table these blocks show moves the shop's stamp
(services/core/changes), and a view read under an older stamp is read again. Another worker's write shows
within a second, as the shop's public fields and published design do (services/shops).
"""

from __future__ import annotations

from dataclasses import dataclass

from shopapp.db import one_read, read_scope
from shopapp.services.catalog import views
from shopapp.services.core import changes
from shopapp.services.core.errors import DomainError
from shopapp.services.core.money import format_money
from shopapp.services.core.remembered import Remembered
from shopapp.services.core.validation import id_from_text
from shopapp.ui.store.bargain_start import bargains_view
from shopapp.ui.store.coupons import claimable_cards
from shopapp.ui.store.flash_sale import flash_sale_view
from shopapp.ui.store.group_offer import group_offer_view
from shopapp.ui.store.product_reviews import reviews_view
from shopapp.ui.store.promotion_tags import priced_variants
from shopapp.ui.store.recommendations import product_shelves_view


@dataclass(frozen=True)
class ProductPageViews:
    """Read-only for the states: they assign these values, never change them in place."""

    product: dict  # ProductPageState's vars, by name
    coupons: list[dict[str, str]]
    reviews: dict | None  # the first page of all reviews (None: no such product)
    shelves: dict[str, list[dict[str, str]]]
    bargains: list[dict[str, str]]
    group: dict
    flash: dict


_kept: Remembered[tuple[int, str], tuple[tuple[int, int], ProductPageViews]] = Remembered(1.0)


def product_page_views(shop: dict, product_id: str) -> ProductPageViews:
    """The blocks of a product page of `shop` (the storefront state's shop dict)."""
    key = (int(shop["id"]), product_id)
    stamp = changes.stamp(key[0])  # before reading: a write during the read makes the next visit read again
    found = _kept.get(key)
    if found is not None and found[0] == stamp:
        return found[1]
    with one_read():  # the blocks' reads in one session (db.one_read)
        product = product_view(shop, product_id)
        page = ProductPageViews(
            product=product, coupons=claimable_cards(shop, product_id),
            reviews=reviews_view(shop, product_id, "all", 1),
            shelves={} if product["missing"] else product_shelves_view(shop, product_id),
            bargains=bargains_view(shop, product_id), group=group_offer_view(shop, product_id),
            flash=flash_sale_view(shop, product_id),
        )
    _kept.put(key, (stamp, page))
    return page


def forget_product_views() -> None:
    """Forget every product page read (the tests' next shop may reuse this one's id)."""
    _kept.forget()


def product_view(shop: dict, product_id: str) -> dict:
    """The product's own vars: text, pictures, options, variants priced with the running promotions, the
    variant chosen first (the first in stock), badges and a limited price's end."""
    try:
        with read_scope() as session:
            shown = views.storefront_product(session, int(shop["id"]), id_from_text(product_id))
            sale, badges, sale_ends = priced_variants(session, shop, shown)
    except (DomainError, ValueError):
        return {"missing": True, "product": {}, "images": [], "options": [], "option_values": [], "variants": [],
                "chosen": [], "badges": [], "sale_ends": {}}
    currency = shop["currency"]
    in_stock = next((v for v in shown["variants"] if v["available"] > 0), shown["variants"][0] if shown["variants"] else None)
    return {
        "missing": False,
        "product": {"id": str(shown["id"]), "title": shown["title"], "description_html": shown["description_html"]},
        "images": [{"url": i["url"], "thumb": i["thumb_url"], "alt": i["alt"] or shown["title"]} for i in shown["images"]],
        "options": [o["name"] for o in shown["options"]],
        "option_values": [o["values"] for o in shown["options"]],
        "variants": [_variant_view(v, sale, currency) for v in shown["variants"]],
        "chosen": list(in_stock["option_values"]) if in_stock else [],
        "badges": badges, "sale_ends": sale_ends,
    }


def _variant_view(variant: dict, sale: dict[int, str], currency: str) -> dict[str, str]:
    """"stock" is what can be bought now: pre-sale places when the variant sells from a quota ("places_left" then
    says how many), else its stock."""
    price = format_money(variant["price"], currency)
    if variant["id"] in sale:
        compare_at = price
    elif (variant["compare_at_price"] or 0) > variant["price"]:
        compare_at = format_money(variant["compare_at_price"], currency)
    else:
        compare_at = ""
    return {
        "id": str(variant["id"]), "key": "|".join(variant["option_values"]), "price": sale.get(variant["id"]) or price,
        "compare_at": compare_at, "stock": str(variant["available"]), "ships_at": variant["presale_ships_at"] or "",
        "places_left": str(variant["available"]) if variant["sells_from"] != "stock" else "",
    }
