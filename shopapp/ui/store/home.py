"""A shop's home page: its products, mobile first."""

import reflex as rx

from shopapp.db import session_scope
from shopapp.services import catalog
from shopapp.services.pricing import format_money
from shopapp.ui import routes
from shopapp.ui.components.text import tr
from shopapp.ui.store.layout import store_frame
from shopapp.ui.store.state import StoreState


class StoreHomeState(StoreState):
    products: list[dict[str, str]] = []

    @rx.event
    def load(self):
        self._load_shop()
        if self.not_found:
            self.products = []
            return
        with session_scope() as session:
            items, _ = catalog.list_products(session, int(self.shop["id"]), active_only=True, per_page=60)
        self.products = [product_card(item, self.shop) for item in items]


def product_card(item: dict, shop: dict[str, str]) -> dict[str, str]:
    """What a product card shows, as plain strings for the page."""
    image = item["image"] or {}
    low, high = item["price_min"] or 0, item["price_max"] or 0
    return {
        "title": item["title"],
        "price": format_money(low, shop["currency"]),
        "price_from": "yes" if low != high else "",
        "thumb_url": image.get("thumb_url", ""),
        "url": routes.product_page(shop["slug"], item["id"]),
        "sold_out": "yes" if item["stock"] <= 0 else "",
        "presale": "yes" if item["presale"] else "",
    }


@rx.page(route=routes.STORE_HOME, title=StoreHomeState.shop["name"].to(str), on_load=StoreHomeState.load)
def store_home() -> rx.Component:
    return store_frame(
        rx.cond(
            StoreHomeState.shop["description"] != "",
            rx.el.p(StoreHomeState.shop["description"], class_name="px-4 pt-4 text-gray-600"),
        ),
        rx.el.h2(tr("store.products"), class_name="px-4 pb-2 pt-6 text-base font-semibold"),
        rx.cond(
            StoreHomeState.products.length() == 0,
            rx.el.p(tr("store.empty"), class_name="px-4 py-12 text-center text-gray-500"),
            rx.el.ul(rx.foreach(StoreHomeState.products, _product_card), class_name="grid grid-cols-2 gap-3 px-4 sm:grid-cols-3 lg:grid-cols-4"),
        ),
    )


def _product_card(product: dict) -> rx.Component:
    return rx.el.li(
        rx.el.a(
            rx.el.img(src=product["thumb_url"], alt=product["title"], loading="lazy", width="480", height="480",
                      class_name="aspect-square w-full rounded-t-xl bg-gray-100 object-cover"),
            rx.el.div(
                rx.el.h3(product["title"], class_name="line-clamp-2 text-sm text-gray-900"),
                rx.el.p(
                    product["price"],
                    rx.cond(product["price_from"] != "", rx.el.span(" ", tr("store.from_price"), class_name="text-xs font-normal text-gray-500")),
                    class_name="mt-1 font-semibold text-red-600",
                ),
                rx.cond(product["presale"] != "", rx.el.span(tr("store.presale"), class_name="mt-1 inline-block rounded bg-amber-100 px-1.5 text-xs text-amber-800")),
                rx.cond(product["sold_out"] != "", rx.el.span(tr("store.sold_out"), class_name="mt-1 inline-block rounded bg-gray-200 px-1.5 text-xs text-gray-600")),
                class_name="p-2",
            ),
            href=product["url"],
        ),
        class_name="overflow-hidden rounded-xl bg-white shadow-sm",
    )
