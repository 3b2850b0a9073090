"""The shopper's cart: lines with quantities, problems said plainly, the savings and the total the
checkout will charge for the goods (the same pipeline prices both), on to checkout."""

import reflex as rx

from shopapp.db import one_read, read_scope, session_scope
from shopapp.redis_states import reads_too
from shopapp.services.checkout import cart as carts
from shopapp.services.checkout import quote as checkout_quote
from shopapp.services.core.errors import DomainError
from shopapp.services.core.money import format_money
from shopapp.ui import routes
from shopapp.ui.components.forms import PRIMARY_BUTTON
from shopapp.ui.components.picture import product_picture
from shopapp.ui.components.savings import line_money, line_price, next_tier_text, saving_rows, savings_list
from shopapp.ui.components.text import tr
from shopapp.ui.page_events import hydrating
from shopapp.ui.store.layout import store_page
from shopapp.ui.store.recommendations import RecommendationsState, cart_shelf
from shopapp.ui.store.state import StoreState


class CartPageState(StoreState):
    lines: list[dict[str, str]] = []
    subtotal: str = ""
    savings: list[dict[str, str]] = []
    discount_total: str = ""  # "" without savings
    total: str = ""  # the goods after their savings; shipping is chosen at checkout
    next_tier: str = ""  # "再买 ¥23 可减 ¥40" when a promotion's next tier is near
    can_checkout: bool = False
    problem: str = ""
    loaded: bool = False

    @rx.event
    @hydrating  # sets is_hydrated itself: no set_is_hydrated event after it (ui/page_events.py)
    @reads_too(RecommendationsState)  # with Redis, the shelf comes in the event's own read (redis_states)
    async def load(self):
        shelf = await self.get_state(RecommendationsState)
        with one_read():  # the shop, the priced cart and the shelf read in one session and transaction (db.one_read)
            self._load_shop(count_cart=False)  # _show sets the count from the priced view
            self.problem = ""
            if not self.not_found:
                view = self._view()
                self._show(view)
                shelf._load_for_cart([i["product_id"] for i in (view or {}).get("items", []) if i["product_id"]])
        self.loaded = True

    @rx.event
    def change_qty(self, variant_id: str, step: int):
        line = next((line for line in self.lines if line["variant_id"] == variant_id), None)
        if line is None:
            return
        qty = int(line["qty"]) + step
        self._change(lambda session, token: carts.update_item(session, int(self.shop["id"]), token, int(variant_id), qty, view=False))

    @rx.event
    def remove(self, variant_id: str):
        self._change(lambda session, token: carts.remove_item(session, int(self.shop["id"]), token, int(variant_id), view=False))

    def _change(self, change):
        self.problem = ""
        try:
            with session_scope() as session:
                token = self._cart_token()
                change(session, token)
                view = self._priced(session, token)
        except DomainError as exc:
            self.problem = self._message(exc)
            view = self._view()
        self._show(view)

    def _view(self) -> dict | None:
        token = self._cart_token()
        if not token:
            return None
        try:
            with read_scope() as session:
                return self._priced(session, token)
        except DomainError:
            return None

    def _priced(self, session, token: str) -> dict:
        return checkout_quote.cart_view(session, int(self.shop["id"]), token, customer_token=self._shopper_token() or None)

    def _show(self, view: dict | None):
        if view is None:
            self.lines, self.subtotal, self.can_checkout, self.cart_count = [], "", False, 0
            self.savings, self.discount_total, self.total, self.next_tier = [], "", "", ""
            return
        currency = view["currency"]
        self.lines = [_line(item, currency, self._catalogue(), self.shop["slug"]) for item in view["items"]]
        self.subtotal = format_money(view["subtotal"], currency)
        self.savings = saving_rows(view["discounts"], currency, self._catalogue())
        self.discount_total = "-" + format_money(view["discount_total"], currency) if view["discount_total"] else ""
        self.total = format_money(view["total"], currency)
        self.next_tier = next_tier_text(view, currency, self._catalogue())
        self.can_checkout, self.cart_count = view["can_checkout"], view["item_count"]


def _line(item: dict, currency: str, words: dict[str, str], slug: str) -> dict[str, str]:
    problem = item["problem"] or ""
    message = words.get(f"error.{problem}", "").format(available=item.get("available", 0)) if problem else ""
    return {
        "variant_id": str(item["variant_id"]), "title": item["title"], "options": " / ".join(item["option_values"]),
        "qty": str(item["qty"]), **line_money(item, currency), "image": item["image_url"] or "",
        "url": routes.product_page(slug, item["product_id"]) if item["product_id"] else "",
        "problem": message, "presale": str(item["presale_ships_at"] or ""),
    }


@store_page(routes.STORE_CART, title="购物车", on_load=CartPageState.load)
def cart_page() -> tuple[rx.Component, ...]:
    state = CartPageState
    return (
        rx.el.h1(tr("store.cart"), class_name="px-4 pt-4 text-xl font-bold"),
        rx.cond(state.problem != "", rx.el.p(state.problem, role="alert", class_name="mx-4 mt-2 rounded-lg bg-red-50 px-3 py-2 text-sm text-red-700")),
        rx.cond(
            state.lines.length() == 0,
            rx.cond(state.loaded, rx.el.div(
                rx.el.p(tr("store.cart_empty"), class_name="text-gray-500", data_testid="cart-empty"),
                rx.el.a(tr("store.keep_shopping"), href=routes.store_home(state.shop["slug"]), class_name="mt-4 inline-block text-emerald-700 underline"),
                class_name="px-4 py-16 text-center",
            )),
            rx.el.div(
                rx.el.ul(rx.foreach(state.lines, _cart_line), class_name="divide-y bg-white", data_testid="cart-lines"),
                _summary(),
                cart_shelf(),
                rx.el.div(
                    rx.el.div(
                        rx.el.span(tr("saving.goods_total"), class_name="text-gray-600"),
                        rx.el.span(state.total, class_name="text-xl font-bold text-red-600", data_testid="cart-total"),
                        class_name="flex items-baseline gap-2",
                    ),
                    rx.cond(
                        state.can_checkout,
                        rx.el.a(tr("store.checkout"), href=routes.store_checkout(state.shop["slug"]), class_name=PRIMARY_BUTTON + " bg-red-600 hover:bg-red-700"),
                        rx.el.span(tr("store.fix_cart_first"), class_name="text-sm text-red-700"),
                    ),
                    class_name="fixed inset-x-0 bottom-0 z-20 flex items-center justify-between border-t bg-white p-3 md:static md:mt-4",
                ),
                class_name="mt-3 pb-24",
            ),
        ),
    )


def _summary() -> rx.Component:
    """The subtotal at list prices, each saving line by line, and what the next tier would take off."""
    state = CartPageState
    return rx.el.section(
        rx.el.div(rx.el.span(tr("store.subtotal"), class_name="text-gray-600"),
                  rx.el.span(state.subtotal, data_testid="cart-subtotal"), class_name="flex justify-between"),
        savings_list(state.savings, "cart-savings"),
        rx.cond(state.discount_total != "", rx.el.div(
            rx.el.span(tr("saving.total"), class_name="text-gray-600"),
            rx.el.span(state.discount_total, class_name="font-semibold text-red-600", data_testid="cart-discount-total"),
            class_name="flex justify-between",
        )),
        rx.cond(state.next_tier != "", rx.el.p(state.next_tier, class_name="rounded bg-red-50 px-2 py-1 text-red-700", data_testid="next-tier")),
        class_name="mt-3 space-y-1 bg-white p-3 text-sm",
    )


def _cart_line(line: dict) -> rx.Component:
    state = CartPageState
    return rx.el.li(
        rx.el.a(product_picture(line["image"], line["title"], "h-20 w-20 shrink-0 rounded-lg bg-gray-100 object-cover", width="80", height="80"),
                href=line["url"]),
        rx.el.div(
            rx.el.p(line["title"], class_name="line-clamp-2 text-sm"),
            rx.cond(line["options"] != "", rx.el.p(line["options"], class_name="text-xs text-gray-500")),
            rx.cond(line["presale"] != "", rx.el.p(tr("store.presale_notice"), " ", line["presale"], class_name="text-xs text-amber-700")),
            rx.cond(line["problem"] != "", rx.el.p(line["problem"], role="alert", class_name="text-xs text-red-600")),
            rx.el.div(
                rx.el.span(line["unit_price"], class_name="font-semibold text-red-600"),
                rx.el.div(
                    rx.el.button("−", on_click=state.change_qty(line["variant_id"], -1), type="button",
                                 disabled=line["qty"] == "1", aria_label=tr("store.qty_less"), class_name="h-8 w-8"),
                    rx.el.span(line["qty"], class_name="w-8 text-center", data_testid="line-qty"),
                    rx.el.button("+", on_click=state.change_qty(line["variant_id"], 1), type="button",
                                 aria_label=tr("store.qty_more"), class_name="h-8 w-8"),
                    class_name="flex items-center rounded-lg border border-gray-300",
                ),
                class_name="mt-1 flex items-center justify-between",
            ),
            rx.cond(line["saving"] != "", rx.el.p(line_price(line), class_name="mt-1 text-right text-sm")),
            rx.el.button(tr("store.remove"), on_click=state.remove(line["variant_id"]), type="button", class_name="mt-1 text-xs text-gray-500 underline"),
            class_name="min-w-0 flex-1",
        ),
        class_name="flex gap-3 p-3",
    )
