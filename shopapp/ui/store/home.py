"""A shop's home page, mobile first: the sections the owner arranged (banner, categories, products, text)."""

import dataclasses

import reflex as rx

from shopapp.db import read_scope
from shopapp.services.core.money import format_money
from shopapp.services.marketing import promotion_badges
from shopapp.services.shops import themes
from shopapp.ui import routes
from shopapp.ui.components.forms import INPUT
from shopapp.ui.components.picture import product_picture
from shopapp.ui.components.text import tr
from shopapp.ui.store.layout import store_page
from shopapp.ui.store.state import StoreState

# A promotion's badge on a card or a product page ("限时 8 折", "满 300 减 40").
BADGE = "mr-1 mt-1 inline-block rounded border border-red-500 px-1 text-xs text-red-600"


@dataclasses.dataclass
class HomeSection:
    type: str = ""
    title: str = ""
    subtitle: str = ""
    text: str = ""
    image_url: str = ""
    link: str = ""
    products: list[dict[str, str]] = dataclasses.field(default_factory=list)
    categories: list[dict[str, str]] = dataclasses.field(default_factory=list)


class StoreHomeState(StoreState):
    sections: list[HomeSection] = []

    @rx.event
    def load(self):
        self._load_shop()
        if self.not_found:
            self.sections = []
            return
        with read_scope() as session:
            filled = themes.home_page(session, int(self.shop["id"]))
            offers = card_offers(session, self.shop, [item for section in filled for item in section["products"]])
        self.sections = [self._section(section, offers) for section in filled]

    @rx.event
    def search(self, form: dict):
        return rx.redirect(routes.store_search(self.shop["slug"], q=form.get("q", "").strip()))

    def _section(self, section: dict, offers: dict) -> HomeSection:
        slug = self.shop["slug"]
        return HomeSection(
            type=section["type"], title=section.get("title", ""), subtitle=section.get("subtitle", ""),
            text=section.get("text", ""), image_url=section.get("image_url", ""), link=section.get("link", ""),
            products=[product_card(item, self.shop, offers.get(item["id"])) for item in section["products"]],
            categories=[{"name": c["name"], "url": routes.store_search(slug, category=str(c["id"]))} for c in section["categories"]],
        )


def card_offers(session, shop: dict[str, str], items: list[dict]) -> dict:
    """The running promotions of every card on a page, asked once for them all."""
    return promotion_badges.for_products(session, int(shop["id"]), [(item["id"], item["price_min"] or 0) for item in items])


def product_card(item: dict, shop: dict[str, str], offer=None) -> dict[str, str]:
    """What a product card shows, as plain strings for the page; `offer` (card_offers) its promotions:
    a limited discount's price with the usual one struck through, and up to two badges."""
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
    }


@store_page(routes.STORE_HOME, title=StoreHomeState.shop["name"].to(str), on_load=StoreHomeState.load)
def store_home() -> tuple[rx.Component, ...]:
    return (
        rx.el.form(
            rx.el.input(name="q", type="search", placeholder=tr("store.search_placeholder"), aria_label=tr("store.search_placeholder"),
                        class_name=INPUT + " rounded-full bg-gray-100"),
            on_submit=StoreHomeState.search,
            class_name="px-4 pt-3",
        ),
        rx.foreach(StoreHomeState.sections, _section),
    )


def _section(section: HomeSection) -> rx.Component:
    return rx.match(
        section.type,
        ("banner", _banner(section)),
        ("category_list", _categories(section)),
        ("featured_products", _products(section, "store.featured")),
        ("product_grid", _products(section, "store.products")),
        ("rich_text", rx.el.section(rx.el.h2(section.title, class_name="mb-2 font-semibold"),
                                    rx.el.p(section.text, class_name="whitespace-pre-line text-gray-700"), class_name="px-4 pt-6")),
        ("image_text", rx.el.section(
            rx.el.img(src=section.image_url, alt=section.title, loading="lazy", class_name="w-full rounded-xl object-cover"),
            rx.el.h2(section.title, class_name="mt-2 font-semibold"), rx.el.p(section.text, class_name="text-gray-700"),
            class_name="px-4 pt-6",
        )),
        rx.fragment(),
    )


def _banner(section: HomeSection) -> rx.Component:
    shop = StoreHomeState.shop
    return rx.el.section(
        rx.el.h1(rx.cond(section.title != "", section.title, shop["name"]), class_name="text-2xl font-bold"),
        rx.el.p(rx.cond(section.subtitle != "", section.subtitle, shop["description"]), class_name="mt-1 text-sm opacity-90"),
        class_name="mx-4 mt-3 rounded-2xl bg-gradient-to-br from-emerald-700 to-emerald-500 px-5 py-8 text-white",
        style=rx.cond(section.image_url != "", {"backgroundImage": "url(" + section.image_url + ")", "backgroundSize": "cover"}, {}),
    )


def _categories(section: HomeSection) -> rx.Component:
    return rx.cond(
        section.categories.length() > 0,
        rx.el.nav(
            rx.foreach(section.categories, lambda c: rx.el.a(
                c["name"], href=c["url"], class_name="whitespace-nowrap rounded-full bg-white px-3 py-1.5 text-sm text-gray-800 shadow-sm",
            )),
            aria_label=tr("store.categories"),
            class_name="flex gap-2 overflow-x-auto px-4 pt-4",
        ),
    )


def _products(section: HomeSection, default_title_key: str) -> rx.Component:
    return rx.el.section(
        rx.el.h2(rx.cond(section.title != "", section.title, tr(default_title_key)), class_name="px-4 pb-2 pt-6 text-base font-semibold"),
        rx.cond(
            section.products.length() == 0,
            rx.el.p(tr("store.empty"), class_name="px-4 py-12 text-center text-gray-500"),
            product_grid(section.products),
        ),
        rx.cond(section.type == "product_grid", rx.el.a(
            tr("store.all_products"), " →", href=routes.store_search(StoreHomeState.shop["slug"]),
            class_name="block px-4 py-4 text-center text-sm text-emerald-700",
        )),
    )


def product_grid(products) -> rx.Component:
    return rx.el.ul(rx.foreach(products, _product_card), class_name="grid grid-cols-2 gap-3 px-4 sm:grid-cols-3 lg:grid-cols-4")


def _product_card(product: dict, index) -> rx.Component:
    first_screen = index < 4  # what a phone shows first loads at once; the rest as the shopper scrolls
    return rx.el.li(
        rx.el.a(
            product_picture(product["thumb_url"], product["title"], "aspect-square w-full rounded-t-xl bg-gray-100 object-cover",
                            width="480", height="480", loading=rx.cond(first_screen, "eager", "lazy"),
                            fetchpriority=rx.cond(index < 2, "high", "auto")),
            rx.el.div(
                rx.el.h3(product["title"], class_name="line-clamp-2 text-sm text-gray-900"),
                rx.el.p(
                    product["price"],
                    rx.cond(product["price_from"] != "", rx.el.span(" ", tr("store.from_price"), class_name="text-xs font-normal text-gray-500")),
                    rx.cond(product["was_price"] != "", rx.el.s(product["was_price"], class_name="ml-1 text-xs font-normal text-gray-400")),
                    class_name="mt-1 font-semibold text-red-600",
                ),
                rx.cond(product["badge"] != "", rx.el.span(product["badge"], class_name=BADGE, data_testid="promotion-badge")),
                rx.cond(product["badge2"] != "", rx.el.span(product["badge2"], class_name=BADGE, data_testid="promotion-badge")),
                rx.cond(product["presale"] != "", rx.el.span(tr("store.presale"), class_name="mt-1 inline-block rounded bg-amber-100 px-1.5 text-xs text-amber-800")),
                rx.cond(product["sold_out"] != "", rx.el.span(tr("store.sold_out"), class_name="mt-1 inline-block rounded bg-gray-200 px-1.5 text-xs text-gray-600")),
                class_name="p-2",
            ),
            href=product["url"],
        ),
        class_name="overflow-hidden rounded-xl bg-white shadow-sm",
    )
