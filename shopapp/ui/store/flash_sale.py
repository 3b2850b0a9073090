"""The storefront's 秒杀 block on a product page: the countdown to the start on the server's clock and the
button opened at the second, both in the browser (assets/countdown.js), the sold bar ("已抢 80%"), "已抢光"
when gone, and the flash order itself (checkout/flash_orders: the gate first, only a winner writes an order).

The button opens with no event to the server: a thousand tabs waiting for the second would otherwise each
ask the server's clock several times a second. A press a moment early (a phone whose clock runs ahead of
what countdown.js corrected) is refused by the gate, which keeps the sale's own times."""

from __future__ import annotations

from datetime import datetime

import reflex as rx

from shopapp.db import read_scope, session_scope
from shopapp.services.checkout import flash_orders
from shopapp.services.core.clock import utcnow
from shopapp.services.core.errors import DomainError, NotFound
from shopapp.services.core.money import format_money
from shopapp.services.core.validation import id_from_text
from shopapp.services.marketing import flash_sales
from shopapp.ui import routes
from shopapp.ui.components.forms import PRIMARY_BUTTON
from shopapp.ui.components.text import tr
from shopapp.ui.components.time import countdown_clock, server_clock
from shopapp.ui.store.state import StoreState

ADDRESS_FIELDS = ("name", "phone", "province", "city", "district", "line1", "postcode")


class FlashSaleBlockState(StoreState):
    sale: dict[str, str] = {}  # {id, name, price, regular, left, quantity, sold_percent}
    phase: str = ""  # "", "coming", "open", "gone", "ended"
    starts_at: str = ""  # ISO: what the countdown counts to
    clock_now: str = ""  # the server's clock when the sale was read, for the countdown to tick from
    problem: str = ""

    def _show_for_product(self, view: dict):
        """Part of the product page's load: the sale it read for every shopper (product_views), its phase
        and the server's clock now, for the countdown and the button to open from in the browser."""
        self.sale, self.phase, self.starts_at, self.problem = {}, "", "", ""
        if not view:
            return
        self.sale = view["sale"]
        self.starts_at, self.clock_now = view["starts_at"], server_clock()
        self.phase = _phase(view["starts_at"], view["ends_at"], int(view["sale"]["left"]))

    @rx.event
    def buy(self, form: dict):
        """立即抢购: a guest is sent to log in; a winner goes to the order's page to pay."""
        if not self.shopper:
            return rx.redirect(routes.store_account(self.shop["slug"]))
        self.problem = ""
        address = {name: str(form.get(name, "")) for name in ADDRESS_FIELDS}
        try:
            placed = flash_orders.buy(read_scope, session_scope, self.shop["slug"], self.sale["id"], self._shopper_token(),
                                      {"qty": 1, "address": address})
        except DomainError as refused:
            self.problem = self._message(refused)
            if refused.code == "sold_out":
                self.phase = "gone"
            return None
        return rx.redirect(routes.store_order(self.shop["slug"], placed["order_no"], placed["token"]))


def flash_sale_view(shop: dict, product_id: str) -> dict:
    """The product's current or coming 秒杀, the same for every shopper ({} when none)."""
    try:
        product = id_from_text(product_id)  # a missing product's page: no number the database could hold
    except NotFound:
        return {}
    with read_scope() as session:
        found = flash_sales.storefront_sales(session, int(shop["id"]), product_id=product)
    if not found:
        return {}
    item, currency = found[0], shop["currency"]
    return {
        "sale": {"id": str(item["id"]), "name": item["name"], "price": format_money(item["price"], currency),
                 "regular": format_money(item["regular_price"], currency), "left": str(item["left"]),
                 "quantity": str(item["quantity"]), "sold_percent": str(item["sold_percent"]),
                 "limit": str(item["per_customer_limit"])},
        "starts_at": item["starts_at"], "ends_at": item["ends_at"],
    }


def flash_sale_block() -> rx.Component:
    """The product page's 秒杀 panel; nothing when the product has no current or coming sale."""
    state = FlashSaleBlockState
    return rx.cond(state.sale.contains("id"), rx.el.section(
        rx.el.div(
            rx.el.span("⚡ ", tr("flash.title"), class_name="font-bold"),
            rx.el.span(state.sale["name"], class_name="ml-2 truncate text-sm"),
            class_name="flex items-center",
        ),
        rx.el.div(
            rx.el.span(state.sale["price"], class_name="text-2xl font-bold", data_testid="flash-price"),
            rx.el.s(state.sale["regular"], class_name="ml-2 text-sm opacity-80"),
            rx.el.span(tr("flash.limit"), " ", state.sale["limit"], class_name="ml-auto text-xs"),
            class_name="mt-1 flex items-baseline",
        ),
        rx.match(
            state.phase,
            ("coming", _coming()),
            ("open", _open_part()),
            ("gone", rx.el.div(_sold_bar(), rx.el.p(tr("flash.gone"), class_name="mt-2 text-center font-bold", data_testid="flash-gone"))),
            rx.el.p(tr("flash.ended"), class_name="mt-2 text-sm"),
        ),
        rx.cond(state.problem != "", rx.el.p(state.problem, role="alert", class_name="mt-2 text-sm font-medium", data_testid="flash-problem")),
        aria_label=tr("flash.title"), data_testid="flash-sale",
        class_name="mt-3 rounded-xl bg-gradient-to-r from-red-600 to-orange-500 p-3 text-white",
    ))


def _coming() -> rx.Component:
    """The countdown and a shut button; the buy form beside them, hidden until countdown.js marks the block
    open at the start (data-opens-at, on the server's clock from data-countdown-now: shopapp.css shows it)."""
    state = FlashSaleBlockState
    return rx.el.div(
        rx.el.div(
            rx.el.p(tr("flash.starts_in"), " ", countdown_clock(state.starts_at, state.clock_now, tr("store.days"), class_name="font-mono font-bold", data_testid="flash-countdown"),
                    class_name="mt-2 text-sm"),
            rx.el.button(tr("flash.not_yet"), type="button", disabled=True, data_testid="flash-not-yet",
                         class_name=PRIMARY_BUTTON + " mt-2 w-full opacity-50"),
            class_name="flash-until-open",
        ),
        _open_part(class_name="flash-when-open"),
        data_opens_at=state.starts_at, data_countdown_now=state.clock_now,
    )


def _open_part(**props) -> rx.Component:
    return rx.el.div(_sold_bar(), _buy_form(), **props)


def _sold_bar() -> rx.Component:
    state = FlashSaleBlockState
    return rx.el.div(
        rx.el.div(rx.el.div(class_name="h-2 rounded-full bg-yellow-300", style={"width": state.sale["sold_percent"] + "%"}),
                  class_name="h-2 flex-1 rounded-full bg-white/30"),
        rx.el.span(tr("flash.sold"), " ", state.sale["sold_percent"], "%", class_name="ml-2 whitespace-nowrap text-xs", data_testid="flash-sold"),
        class_name="mt-2 flex items-center",
    )


def _buy_form() -> rx.Component:
    field = "w-full rounded bg-white px-2 py-1 text-sm text-gray-900"
    return rx.el.form(
        rx.cond(FlashSaleBlockState.shopper.contains("email"), rx.el.div(
            *[rx.el.input(name=name, placeholder=label, aria_label=label, required=True, class_name=field) for name, label in (
                ("name", tr("address.name")), ("phone", tr("address.phone")), ("province", tr("address.province")),
                ("city", tr("address.city")), ("district", tr("address.district")), ("line1", tr("address.line1")),
                ("postcode", tr("address.postcode")))],
            class_name="mt-2 grid grid-cols-2 gap-1",
        )),
        rx.el.button(tr("flash.buy"), type="submit", data_testid="flash-buy",
                     class_name=PRIMARY_BUTTON + " mt-2 w-full bg-yellow-300 text-red-700"),
        on_submit=FlashSaleBlockState.buy, reset_on_submit=False,
    )


def _phase(starts_at: str, ends_at: str, left: int) -> str:
    """The sale's phase now, on the server's clock; after this the page opens the button itself (countdown.js)."""
    now = utcnow()
    if now >= _moment(ends_at):
        return "ended"
    if now < _moment(starts_at):
        return "coming"
    return "open" if left > 0 else "gone"


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
