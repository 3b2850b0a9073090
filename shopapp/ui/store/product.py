"""A product page on the storefront: gallery, variant picker, price and stock, pre-sale, notify-me."""

from __future__ import annotations

import reflex as rx

from shopapp.db import session_scope
from shopapp.redis_states import reads_too
from shopapp.services.checkout import cart as carts
from shopapp.services.core.errors import DomainError
from shopapp.services.inventory import stock_alerts
from shopapp.ui import routes
from shopapp.ui.components.forms import PRIMARY_BUTTON, SECONDARY_BUTTON
from shopapp.ui.components.picture import picture_placeholder
from shopapp.ui.components.text import tr
from shopapp.ui.components.time import server_clock
from shopapp.ui.page_events import hydrating
from shopapp.ui.store.bargain_start import BargainStartState, bargain_start
from shopapp.ui.store.coupons import CouponBlockState, coupon_block
from shopapp.ui.store.flash_sale import FlashSaleBlockState, flash_sale_block
from shopapp.ui.store.group_offer import GroupOfferState, group_offer
from shopapp.ui.store.layout import store_page
from shopapp.ui.store.product_reviews import ProductReviewsState, rating_link, reviews_section
from shopapp.ui.store.product_stock import presale_notice, stock_state
from shopapp.ui.store.product_views import product_page_views
from shopapp.ui.store.promotion_tags import promotion_tags
from shopapp.ui.store.recommendations import RecommendationsState, product_shelves
from shopapp.ui.store.state import StoreState

# The product page's blocks: each a state of its own, filled by the page's one load.
BLOCKS = (CouponBlockState, ProductReviewsState, RecommendationsState, BargainStartState, GroupOfferState, FlashSaleBlockState)


class ProductPageState(StoreState):
    product: dict[str, str] = {}
    images: list[dict[str, str]] = []
    options: list[str] = []  # option names, in order
    option_values: list[list[str]] = []
    variants: list[dict[str, str]] = []  # {id, key, price, compare_at, stock, ships_at, places_left}
    chosen: list[str] = []
    missing: bool = False
    notify_done: bool = False
    notify_error: str = ""
    qty: int = 1
    cart_message: str = ""
    cart_problem: str = ""
    badges: list[str] = []
    sale_ends: dict[str, str] = {}

    @rx.event
    @hydrating  # sets is_hydrated itself: no set_is_hydrated event after it (ui/page_events.py)
    @reads_too(*BLOCKS)  # with Redis, the blocks' states come in the event's own read (redis_states)
    async def load(self):
        """The page's one on_load: the product, then its blocks (coupons, reviews, recommendations, bargain,
        group buy, flash sale) in the same event (one state lock, one delta), not an event each paying
        Reflex's lock, load, save and delta. What they show is read once a second for every shopper
        (product_views); the shop and the shopper's own header are this tab's."""
        coupons, reviews, recommendations, bargain, group, flash = [await self.get_state(block) for block in BLOCKS]
        self._load_shop()
        self.notify_done, self.notify_error = False, ""
        if self.not_found:
            return
        page = product_page_views(self.shop, self.product_id)
        self._show_product(page.product)
        coupons._show_claimables(page.coupons)
        reviews._show_first_page(page.reviews)
        recommendations._show_for_product(page.shelves)
        bargain._show_for_product(page.bargains)
        group._show_for_product(page.group)
        flash._show_for_product(page.flash)

    def _show_product(self, view: dict):
        self._keep(**view)
        if self.sale_ends:  # the countdown ticks from the server's clock now, not when the view was read
            self.sale_ends = {**self.sale_ends, "now": server_clock()}

    @rx.event
    def choose(self, dimension: int, value: str):
        chosen = list(self.chosen)
        chosen[dimension] = value
        self.chosen = chosen
        self.notify_done, self.notify_error, self.cart_message, self.cart_problem = False, "", "", ""

    @rx.event
    def change_qty(self, step: int):
        self.qty = max(1, min(99, self.qty + step))

    @rx.event
    def add_to_cart(self, then_checkout: bool = False):
        self.cart_message, self.cart_problem = "", ""
        try:
            with session_scope() as session:
                # The cart (a new one on the first add), the add and the header's count in one call: one
                # read of the cart and its lines instead of five.
                token, count = carts.add_to_cart(session, int(self.shop["id"]), self._cart_token(), int(self.current["id"]),
                                                 self.qty, customer_id=self._shopper_id())
                self._track_cart_add(session, self.product["id"])
        except DomainError as exc:
            self.cart_problem = self._message(exc)
            return
        self._keep_cart(token)
        self.cart_count = count
        if then_checkout:
            return rx.redirect(routes.store_checkout(self.shop["slug"]))
        self.cart_message = self._text("store.added_to_cart")

    @rx.var
    def current(self) -> dict[str, str]:
        key = "|".join(self.chosen)
        return next((v for v in self.variants if v["key"] == key),
                    {"id": "", "price": "", "compare_at": "", "stock": "0", "ships_at": "", "places_left": ""})

    @rx.var
    def choices(self) -> list[list[dict[str, str]]]:
        """Per option, each value with whether it is chosen and whether that combination is on sale and in stock."""
        stock = {v["key"]: int(v["stock"]) for v in self.variants}
        rows = []
        for dimension, values in enumerate(self.option_values):
            row = []
            for value in values:
                combo = list(self.chosen)
                combo[dimension] = value
                key = "|".join(combo)
                state = "in_stock" if stock.get(key, 0) > 0 else ("sold_out" if key in stock else "unavailable")
                row.append({"value": value, "dimension": str(dimension), "chosen": "yes" if self.chosen[dimension] == value else "",
                            "state": state})
            rows.append(row)
        return rows

    @rx.event
    def notify_me(self, form: dict):
        self.notify_error = ""
        try:
            with session_scope() as session:
                stock_alerts.register(session, int(self.shop["id"]), int(self.product["id"]),
                                      variant_id=int(self.current["id"]), email=form.get("email", ""))
        except DomainError as exc:
            self.notify_error = next(iter(self._field_messages(exc).values()), self._message(exc))
            return
        self.notify_done = True


@store_page(routes.STORE_PRODUCT, title=ProductPageState.product["title"].to(str), on_load=ProductPageState.load)
def product_page() -> rx.Component:
    state = ProductPageState
    return rx.cond(
        state.missing,
        rx.el.div(
            rx.el.h1(tr("store.product_missing"), class_name="text-xl font-bold", data_testid="product-missing"),
            rx.el.a(tr("store.products"), href=routes.store_home(state.shop["slug"]), class_name="mt-4 inline-block text-emerald-700 underline"),
            class_name="px-6 py-16 text-center",
        ),
        rx.el.article(
            _gallery(),
            rx.el.div(
                rx.el.h1(state.product["title"], class_name="text-xl font-bold leading-snug", data_testid="product-title"),
                rating_link(),
                rx.el.div(
                    rx.el.span(state.current["price"], class_name="text-2xl font-bold text-red-600", data_testid="product-price"),
                    rx.cond(state.current["compare_at"] != "",
                            rx.el.s(state.current["compare_at"], class_name="ml-2 text-sm text-gray-400")),
                    class_name="mt-2",
                ),
                promotion_tags(state.badges, state.sale_ends),
                flash_sale_block(),
                group_offer(),
                presale_notice(ProductPageState),
                coupon_block(padded=False),
                bargain_start(),
                _picker(),
                stock_state(ProductPageState),
                _buy_bar(),
                class_name="px-4 py-4 md:py-0",
            ),
            # Below the buy box only once the product is known: drawn before, they sat on the first screen
            # and were pushed down when the price's blocks arrived (a layout shift of 0.1 on a phone).
            rx.cond(state.product.contains("id"), rx.fragment(
                rx.el.section(
                    rx.el.h2(tr("store.details"), class_name="mb-2 font-semibold"),
                    rx.html(state.product["description_html"], class_name="prose max-w-none text-gray-700"),
                    class_name="px-4 py-4 md:col-span-2",
                ),
                reviews_section(),
                product_shelves(),
            )),
            class_name="bg-white pb-24 md:grid md:grid-cols-2 md:gap-6 md:p-6",
        ),
    )


def _gallery() -> rx.Component:
    state = ProductPageState
    return rx.el.div(
        rx.el.div(
            rx.foreach(state.images, lambda image, i: rx.el.img(
                src=image["url"], alt=image["alt"], width="960", height="960",
                loading=rx.cond(i == 0, "eager", "lazy"), fetchpriority=rx.cond(i == 0, "high", "auto"),
                class_name="aspect-square w-full shrink-0 snap-center object-cover",
            )),
            # A product without pictures shows the placeholder, not an empty grey square.
            rx.cond(state.product.contains("id") & (state.images.length() == 0),
                    picture_placeholder(state.product["title"], "aspect-square w-full shrink-0")),
            # The square is there before the pictures arrive, so nothing below it jumps. A named
            # group: aria-label on a plain div is prohibited (Lighthouse's accessibility audit).
            class_name="flex aspect-square w-full snap-x snap-mandatory overflow-x-auto bg-gray-100",
            role="group",
            aria_label=tr("store.gallery"),
            data_testid="gallery",
        ),
        rx.cond(state.images.length() > 1, rx.el.p(
            state.images.length(), " ", tr("store.photos_swipe"), class_name="px-4 pt-1 text-xs text-gray-500",
        )),
    )


def _picker() -> rx.Component:
    state = ProductPageState
    return rx.el.div(
        rx.foreach(state.options, lambda name, dimension: rx.el.fieldset(
            rx.el.legend(name, class_name="mb-2 text-sm text-gray-600"),
            rx.el.div(rx.foreach(state.choices[dimension], _value_button), class_name="flex flex-wrap gap-2"),
            class_name="mt-4",
        )),
    )


def _value_button(choice: dict) -> rx.Component:
    state = ProductPageState
    return rx.el.button(
        choice["value"],
        rx.cond(choice["state"] == "sold_out", rx.el.span(" · ", tr("store.sold_out"), class_name="text-xs")),
        on_click=state.choose(choice["dimension"].to(int), choice["value"]),
        type="button",
        disabled=choice["state"] == "unavailable",
        aria_pressed=rx.cond(choice["chosen"] != "", "true", "false"),
        class_name=rx.cond(
            choice["chosen"] != "",
            "rounded-lg border-2 border-red-500 bg-red-50 px-3 py-1.5 text-sm text-red-700",
            rx.cond(choice["state"] == "in_stock",
                    "rounded-lg border border-gray-300 px-3 py-1.5 text-sm text-gray-800",
                    "rounded-lg border border-dashed border-gray-300 px-3 py-1.5 text-sm text-gray-400"),
        ),
    )


def _buy_bar() -> rx.Component:
    """Quantity and the two buttons; a bar stuck to the bottom of a phone's screen, in place on a desktop."""
    state = ProductPageState
    return rx.cond(
        state.current["stock"].to(int) > 0,
        rx.el.div(
            rx.cond(state.cart_problem != "", rx.el.p(state.cart_problem, role="alert", class_name="mb-2 text-sm text-red-600")),
            rx.cond(state.cart_message != "", rx.el.p(
                state.cart_message, " ",
                rx.el.a(tr("store.go_to_cart"), href=routes.store_cart(state.shop["slug"]), class_name="underline"),
                role="status", class_name="mb-2 text-sm text-emerald-700",
            )),
            rx.el.div(
                rx.el.div(
                    rx.el.button("−", on_click=state.change_qty(-1), type="button", aria_label=tr("store.qty_less"), class_name="h-10 w-10 text-lg"),
                    rx.el.span(state.qty, class_name="w-8 text-center", aria_live="polite", data_testid="qty"),
                    rx.el.button("+", on_click=state.change_qty(1), type="button", aria_label=tr("store.qty_more"), class_name="h-10 w-10 text-lg"),
                    role="group", aria_label=tr("store.qty"),
                    class_name="flex items-center rounded-lg border border-gray-300",
                ),
                rx.el.button(tr("store.add_to_cart"), on_click=state.add_to_cart(False), type="button",
                             class_name=SECONDARY_BUTTON + " flex-1 py-2.5 text-base"),
                rx.el.button(tr("store.buy_now"), on_click=state.add_to_cart(True), type="button",
                             class_name=PRIMARY_BUTTON + " flex-1 bg-red-600 hover:bg-red-700"),
                class_name="flex items-center gap-2",
            ),
            class_name="fixed inset-x-0 bottom-0 z-20 border-t bg-white p-3 md:static md:mt-6 md:border-0 md:p-0",
            data_testid="buy-bar",
        ),
    )
