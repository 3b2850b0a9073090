"""A shop's home page, mobile first: the sections the owner arranged (banner, categories, products, text)."""

from __future__ import annotations

import dataclasses
import json

import reflex as rx

from shopapp.db import read_scope
from shopapp.redis_states import reads_too
from shopapp.services.core import changes
from shopapp.services.core.errors import DomainError
from shopapp.services.core.money import format_money
from shopapp.services.core.remembered import Remembered
from shopapp.services.insights import recommendations
from shopapp.services.marketing import coupons, promotion_badges
from shopapp.services.shops import design, design_pages
from shopapp.ui import routes
from shopapp.ui.components.picture import product_picture
from shopapp.ui.components.text import tr
from shopapp.ui.components.time import server_clock
from shopapp.ui.page_events import hydrating
from shopapp.ui.store.coupons import CouponBlockState, cards_of, coupon_block
from shopapp.ui.store.draft_listener import draft_listener
from shopapp.ui.store.layout import store_page
from shopapp.ui.store.section_data import HomeSection, running_coupons, running_flash_sales, section_view
from shopapp.ui.store.sections import section
from shopapp.ui.store.state import StoreState

MAX_LIVE_DRAFT = 400_000  # characters of one page's design posted by the editor (100 sections fit well under it)
# A promotion's badge on a card or a product page ("限时 8 折", "满 300 减 40").
BADGE = "mr-1 mt-1 inline-block rounded border border-red-500 px-1 text-xs text-red-600"


class StoreHomeState(StoreState):
    sections: list[HomeSection] = []
    page_title: str = ""
    page_missing: bool = False

    @rx.event
    @hydrating  # sets is_hydrated itself: no set_is_hydrated event after it (ui/page_events.py)
    def load(self):
        """The 微页面 in the address as published; the draft with the shop's preview token."""
        self._load_page()

    @rx.event
    @hydrating
    @reads_too(CouponBlockState)  # with Redis, in the event's own read (redis_states)
    async def load_home(self):
        """The home and its 领券 strip in one event, so one render: loaded by a second on_load, the strip
        arrived after the sections and pushed them down (a layout shift of 0.15 on a phone)."""
        reads = self._load_page()
        (await self.get_state(CouponBlockState))._show_claimables(reads.strip if reads else [])

    def _load_page(self) -> _PageReads | None:
        self._load_shop()
        if self.not_found:
            self.sections = []
            return None
        with read_scope() as session:
            return self._show(session, design.design_for_visit(session, int(self.shop["id"]), self.preview_token()))

    @rx.event
    def show_draft(self, body: str):
        """The editor's unsaved design, posted into its framed preview (draft_listener): shown at once if
        the preview token and every check of a save allow it; anything else leaves the page as it was."""
        if not self.shop or len(body) > MAX_LIVE_DRAFT:
            return
        try:
            sent = json.loads(body)
            if not isinstance(sent, dict) or sent.get("handle") != self._handle():
                return
            with read_scope() as session:
                shown = design.live_preview(session, int(self.shop["id"]), self.preview_token(), sent["handle"], sent.get("theme"), sent.get("page"))
                self._load_theme(shown["theme"])
                self._show(session, shown)
        except (ValueError, DomainError):
            return

    def _handle(self) -> str:
        path = self.router.url.path.rstrip("/")
        return path.rsplit("/pages/", 1)[1] if "/pages/" in path else "home"

    def _show(self, session, shown: dict) -> _PageReads:
        page = shown["pages"].get(self._handle())
        self.page_missing = page is None
        if page is None or self.preview_token():  # a draft, or no page: filled afresh
            reads = _page_reads(session, self.shop, None, page or {"sections": []}, self._handle())
        elif self.shopper and any(s["type"] == "recommended" for s in page.get("sections", [])):  # their own picks
            reads = _page_reads(session, self.shop, self.shopper["id"], page, self._handle(), published=True)
        else:  # what was published, as every guest sees it: read once a second
            reads = _reads_for_everyone(session, self.shop, self._handle(), page)
        filled, offers = reads.filled, reads.offers
        flash = [{**f, "now": server_clock()} for f in reads.flash]  # the countdowns tick from the clock now
        self.page_title = (page or {}).get("title", "") or self.shop["name"]
        first = next((i for i, f in enumerate(filled) if f["type"] in ("banner", "image_text", "image_grid", "hotzone")), -1)
        # Only the first product list's first cards are on the first screen: they load at once (with high
        # priority unless a picture above is the page's largest paint); every later list loads as scrolled.
        listing = next((i for i, f in enumerate(filled) if f["products"]), -1)
        self.sections = [
            section_view(f, self.shop, [
                product_card(item, self.shop, offers.get(item["id"]), position=n if i == listing else None, urgent=not 0 <= first < i)
                for n, item in enumerate(f["products"])], i == first, reads.coupons, flash)
            for i, f in enumerate(filled)
        ]
        return reads


@dataclasses.dataclass(frozen=True)
class _PageReads:
    """What a page's sections show from the database, and the home's 领券 strip. Read-only: kept for others."""

    filled: list[dict]
    offers: dict
    coupons: list[dict]
    flash: list[dict]
    strip: list[dict[str, str]]


def _page_reads(session, shop: dict[str, str], shopper_id: str | None, page: dict, handle: str,
                published: bool = False) -> _PageReads:
    """The page `handle`'s reads; `published`: its products filled once a second (design_pages). Only the
    home has the 领券 strip; it and a coupon section share one read of the claimable coupons."""
    shop_id = int(shop["id"])
    filled = (design_pages.filled_published_page(session, shop_id, handle, page) if published
              else design_pages.filled_page(session, shop_id, page))
    filled = _with_recommendations(session, shop_id, shopper_id, filled)
    has_coupons = any(f["type"] == "coupons" for f in filled)
    claimable = coupons.claimable_coupons(session, shop_id) if has_coupons or handle == "home" else []
    return _PageReads(
        filled=filled, offers=card_offers(session, shop, [item for section in filled for item in section["products"]]),
        coupons=running_coupons(claimable) if has_coupons else [],
        flash=running_flash_sales(session, shop) if any(f["type"] == "flash_sale" for f in filled) else [],
        strip=cards_of(claimable) if handle == "home" else [],
    )


# A published page as every guest sees it, per (shop, handle): read once a second per worker, as a product
# page's blocks are (product_views), with the page it was read for and the shop's stamp (core.changes).
_for_everyone: Remembered[tuple[int, str], tuple[dict, tuple[int, int], _PageReads]] = Remembered(1.0)


def _reads_for_everyone(session, shop: dict[str, str], handle: str, page: dict) -> _PageReads:
    key = (int(shop["id"]), handle)
    stamp = changes.stamp(key[0])
    found = _for_everyone.get(key)
    if found is not None and found[0] is page and found[1] == stamp:
        return found[2]
    reads = _page_reads(session, shop, None, page, handle, published=True)
    _for_everyone.put(key, (page, stamp, reads))
    return reads


def _with_recommendations(session, shop_id: int, shopper_id: str | None, filled: list[dict]) -> list[dict]:
    """The 猜你喜欢 sections' products: the logged-in shopper's precomputed picks (best sellers for anyone else)."""
    if not any(f["type"] == "recommended" for f in filled):
        return filled
    customer_id = int(shopper_id) if shopper_id else None
    return [
        {**f, "products": recommendations.for_shopper(session, shop_id, customer_id, int(f.get("settings", {}).get("limit") or 6))}
        if f["type"] == "recommended" else f
        for f in filled
    ]


def card_offers(session, shop: dict[str, str], items: list[dict]) -> dict:
    """The running promotions of every card on a page, asked once for them all."""
    return promotion_badges.for_products(session, int(shop["id"]), [(item["id"], item["price_min"] or 0) for item in items])


def product_card(item: dict, shop: dict[str, str], offer=None, position: int | None = None, urgent: bool = True) -> dict[str, str]:
    """What a product card shows, as plain strings for the page; `offer` (card_offers) its promotions:
    a limited discount's price with the usual one struck through, and up to two badges. `position`: the
    card's place in a list on the first screen (its first 4 pictures load at once, the first 2 with high
    priority when `urgent`); None for a card further down, whose picture loads as the shopper scrolls."""
    on_first_screen = position is not None and position < 4
    image = item["image"] or {}
    low, high = item["price_min"] or 0, item["price_max"] or 0
    offer = offer or promotion_badges.NOTHING
    badges = list(offer.badges) + ["", ""]
    return {
        "title": item["title"],
        "price": format_money(offer.sale_price if offer.sale_price is not None else low, shop["currency"]),
        "was_price": format_money(low, shop["currency"]) if offer.sale_price is not None else "",
        "badge": badges[0],
        "badge2": badges[1],
        "price_from": "yes" if low != high else "",
        "thumb_url": image.get("thumb_url", ""),
        "url": routes.product_page(shop["slug"], item["id"]),
        "sold_out": "yes" if item["stock"] <= 0 else "",
        "presale": "yes" if item["presale"] else "",
        "rating": f"{item['rating']['average']:.1f}" if item.get("rating", {}).get("count") else "",
        "rating_count": str(item.get("rating", {}).get("count", 0)),
        "loading": "eager" if on_first_screen else "lazy",
        "priority": "high" if on_first_screen and urgent and position < 2 else "auto",
    }


@store_page(routes.STORE_HOME, title=StoreHomeState.shop["name"].to(str), on_load=StoreHomeState.load_home)
def store_home() -> tuple[rx.Component, ...]:
    # The 领券 strip (claim in place) while the shop has claimable coupons, whatever the design holds.
    return (coupon_block(), rx.foreach(StoreHomeState.sections, _section), draft_listener(on_draft=StoreHomeState.show_draft))


@store_page(routes.STORE_MICRO_PAGE, title=StoreHomeState.page_title, on_load=StoreHomeState.load)
def store_micro_page() -> tuple[rx.Component, ...]:
    """A 微页面: built like the home, at /s/{slug}/pages/{handle}."""
    return (
        rx.cond(StoreHomeState.page_missing, rx.el.p(tr("store.section.page_missing"), class_name="px-4 py-16 text-center text-gray-600",
                                                     data_testid="page-missing")),
        rx.foreach(StoreHomeState.sections, _section),
        draft_listener(on_draft=StoreHomeState.show_draft),
    )


def _section(s: HomeSection) -> rx.Component:
    return section(s, product_grid, product_row)


def product_grid(products, columns="2") -> rx.Component:
    return rx.el.ul(rx.foreach(products, _product_card), class_name=rx.match(
        columns, ("1", "grid grid-cols-1 gap-3 px-4 sm:grid-cols-2"), ("3", "grid grid-cols-3 gap-2 px-4 lg:grid-cols-4"),
        "grid grid-cols-2 gap-3 px-4 sm:grid-cols-3 lg:grid-cols-4",
    ))


def product_row(products) -> rx.Component:
    """A product carousel: one row the shopper swipes (CSS scroll snap, no script)."""
    return rx.el.ul(rx.foreach(products, _product_card), class_name="flex snap-x gap-3 overflow-x-auto px-4 [&>li]:w-40 [&>li]:shrink-0 [&>li]:snap-start")


def _product_card(product: dict) -> rx.Component:
    return rx.el.li(
        rx.el.a(
            product_picture(product["thumb_url"], product["title"], "aspect-square w-full rounded-t-xl bg-gray-100 object-cover",
                            width="480", height="480", loading=product["loading"], fetchpriority=product["priority"]),
            rx.el.div(
                rx.el.h3(product["title"], class_name="line-clamp-2 text-sm text-gray-900"),
                rx.el.p(
                    product["price"],
                    rx.cond(product["price_from"] != "", rx.el.span(" ", tr("store.from_price"), class_name="text-xs font-normal text-gray-500")),
                    rx.cond(product["was_price"] != "", rx.el.s(product["was_price"], class_name="ml-1 text-xs font-normal text-gray-500")),
                    class_name="mt-1 font-semibold text-red-600",
                ),
                rx.cond(product["badge"] != "", rx.el.span(product["badge"], class_name=BADGE, data_testid="promotion-badge")),
                rx.cond(product["badge2"] != "", rx.el.span(product["badge2"], class_name=BADGE, data_testid="promotion-badge")),
                rx.cond(product["rating"] != "", rx.el.p(
                    "★ ", product["rating"], rx.el.span(" (", product["rating_count"], ")", class_name="text-gray-500"),
                    class_name="mt-0.5 text-xs text-amber-600", data_testid="card-rating",
                )),
                rx.cond(product["presale"] != "", rx.el.span(tr("store.presale"), class_name="mt-1 inline-block rounded bg-amber-100 px-1.5 text-xs text-amber-800")),
                rx.cond(product["sold_out"] != "", rx.el.span(tr("store.sold_out"), class_name="mt-1 inline-block rounded bg-gray-200 px-1.5 text-xs text-gray-600")),
                class_name="p-2",
            ),
            href=product["url"],
        ),
        class_name="overflow-hidden rounded-xl bg-white shadow-sm",
    )
