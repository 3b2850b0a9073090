"""Checkout: contact, a Chinese address with 省/市/区 pickers, shipping, note, the shopper's savings
(a code, a coupon, points: checkout_savings.py); totals always from the server's quote."""

import uuid

import reflex as rx

from shopapp.db import session_scope
from shopapp.services.analytics import tracking
from shopapp.services.checkout import place as checkout
from shopapp.services.checkout import quote as checkout_quote
from shopapp.services.checkout import shipping
from shopapp.services.core.errors import DomainError
from shopapp.services.core.money import format_money
from shopapp.services.marketing import offers
from shopapp.ui import routes
from shopapp.ui.components.address import AddressMixin, address_fields
from shopapp.ui.components.forms import PRIMARY_BUTTON, form_error, form_field
from shopapp.ui.components.navigation import leave_to
from shopapp.ui.components.text import tr
from shopapp.ui.page_events import hydrating
from shopapp.ui.state import FormMixin, LeaveMixin
from shopapp.ui.store.checkout_savings import SavingsMixin, savings_rows, savings_section
from shopapp.ui.store.layout import store_page
from shopapp.ui.store.state import StoreState


class CheckoutState(AddressMixin, SavingsMixin, LeaveMixin, FormMixin, StoreState):
    methods: list[dict[str, str]] = []
    method_id: str = ""
    totals: dict[str, str] = {}
    needs_shipping: bool = True  # False for a cart of virtual goods only: no address, no shipping
    attempt: str = ""  # one Idempotency-Key per visit: a double tap never places two orders

    @rx.event
    @hydrating  # sets is_hydrated itself: no set_is_hydrated event after it (ui/page_events.py)
    def load(self):
        self._load_shop()
        if self.not_found:
            return
        if not self._cart_token():
            return rx.redirect(routes.store_cart(self.shop["slug"]))
        self._start_address()
        self.attempt = uuid.uuid4().hex
        self.errors, self.error, self.busy = {}, "", False
        self.coupon_code, self._picked, self.points_typed, self.code_key = "", "", "", self.code_key + 1
        return self._requote()

    def _province_chosen(self):
        return self._requote()

    @rx.event
    def choose_method(self, method_id: str):
        self.method_id = method_id
        return self._requote()

    def _requote(self):
        try:
            with session_scope() as session:
                shop_id, token = int(self.shop["id"]), self._cart_token()
                quote, refused = checkout_quote.quote_with_choices(
                    session, shop_id, token, self._typed_choices(), shipping_method_id=int(self.method_id) if self.method_id else None,
                    province=self.province or None, customer_token=self._shopper_token() or None,
                )
                # Free-over thresholds count the goods after their savings, as the quote charges them.
                methods = shipping.store_methods(session, shop_id, province=self.province or None, weight_grams=quote["weight_grams"],
                                                 subtotal=quote["total"] - quote["shipping_total"])
        except DomainError as exc:
            if exc.code in ("cart_not_found", "cart_empty"):
                return rx.redirect(routes.store_cart(self.shop["slug"]))
            self._show_error(exc)
            return
        if not quote["can_checkout"] or not quote["items"]:
            return rx.redirect(routes.store_cart(self.shop["slug"]))
        currency = quote["currency"]
        self.needs_shipping = quote["needs_shipping"]
        chosen = quote["shipping_method"]
        self.method_id = str(chosen["id"]) if chosen else ""
        # The chosen method costs what the quote charges (a 满包邮 tier or a free-shipping coupon waives it).
        self.methods = [
            {"id": str(m["id"]), "name": m["name"],
             "fee": format_money(quote["shipping_total"] if str(m["id"]) == self.method_id else m["fee"], currency)}
            for m in methods
        ]
        self.totals = {
            "items": str(quote["item_count"]), "subtotal": format_money(quote["subtotal"], currency),
            "shipping": format_money(quote["shipping_total"], currency), "total": format_money(quote["total"], currency),
        }
        self._show_savings(quote, currency)
        self._show_refusals(refused)

    @rx.event
    def place(self, form: dict):
        self._start_submit()
        yield
        address = self._address(form)
        try:
            with session_scope() as session:
                placed = checkout.place_order(
                    session, int(self.shop["id"]), self._cart_token(), form.get("email", ""), address,
                    int(self.method_id) if self.method_id else None, form.get("note", ""), self.attempt,
                    customer_token=self._shopper_token() or None, choices=offers.checked_choices(**self._typed_choices()),
                )
                tracking.tag_order(session, int(self.shop["id"]), placed["order_id"], self._visitor_id())
        except DomainError as exc:
            self._show_error(exc)
            self.errors = {key.removeprefix("address."): message for key, message in self.errors.items()}
            return
        self._forget_cart()
        self.busy, self.cart_count = False, 0
        if placed["payment"]:
            # The pay page is the gateway's, not one of our app's routes: a full page load, not an in-app move.
            self._leave(placed["payment"]["pay_url"])
        else:
            yield rx.redirect(routes.store_order(self.shop["slug"], placed["order_no"], placed["token"]))


ORDER_FORM = "checkout-form"


@store_page(routes.STORE_CHECKOUT, title="结算", on_load=CheckoutState.load)
def checkout_page() -> rx.Component:
    state = CheckoutState
    # The order's form holds the contact, address, shipping and note; the savings have forms of their
    # own (a typed code applied with Enter must not place the order), so the pay button names its form.
    return rx.el.div(
        leave_to(state),
        rx.el.h1(tr("store.checkout"), class_name="text-xl font-bold"),
        form_error(state.error),
        _order_form(),
        savings_section(state),
        _summary(),
        rx.el.div(
            rx.el.span(tr("store.total"), " ", rx.el.b(state.totals["total"], class_name="text-xl text-red-600", data_testid="checkout-total")),
            rx.el.button(rx.cond(state.busy, tr("form.saving"), tr("store.place_order")), type="submit", form=ORDER_FORM, disabled=state.busy,
                         class_name=PRIMARY_BUTTON + " bg-red-600 hover:bg-red-700"),
            class_name="fixed inset-x-0 bottom-0 z-20 flex items-center justify-between border-t bg-white p-3 md:static md:mt-4",
        ),
        class_name="space-y-3 px-4 pb-28 pt-4",
    )


def _order_form() -> rx.Component:
    state = CheckoutState
    errors = state.errors
    return rx.el.form(
        _box("store.contact_section",
             form_field("form.email", "email", errors, type="email", autocomplete="email", hint_key="store.email_hint",
                        value=state.shopper.get("email", ""), key=state.shopper.get("email", "guest"))),
        rx.cond(state.needs_shipping, _box("store.address_section", address_fields(state))),
        rx.cond(state.needs_shipping, _box("store.shipping_section", _methods()),
                rx.el.p(tr("store.no_shipping_needed"), class_name="rounded-2xl bg-white p-4 text-sm text-gray-600")),
        _box("store.note_section", form_field("store.note", "note", errors, multiline=True)),
        id=ORDER_FORM, on_submit=state.place, reset_on_submit=False, no_validate=True, class_name="space-y-3",
    )


def _box(title_key: str, *children) -> rx.Component:
    return rx.el.section(rx.el.h2(tr(title_key), class_name="mb-3 font-semibold"), *children, class_name="rounded-2xl bg-white p-4")


def _methods() -> rx.Component:
    state = CheckoutState
    return rx.el.fieldset(
        rx.el.legend(tr("store.shipping_section"), class_name="sr-only"),
        rx.foreach(state.methods, lambda m: rx.el.label(
            rx.el.input(type="radio", name="shipping_method", value=m["id"], checked=state.method_id == m["id"],
                        on_change=state.choose_method(m["id"]), class_name="mr-2"),
            rx.el.span(m["name"], class_name="flex-1"),
            rx.el.span(m["fee"], class_name="text-gray-700"),
            class_name="flex items-center rounded-lg border px-3 py-2",
        )),
        rx.cond(state.errors.contains("shipping_method_id"), rx.el.p(state.errors["shipping_method_id"], role="alert", class_name="text-sm text-red-600")),
        class_name="space-y-2",
    )


def _summary() -> rx.Component:
    totals = CheckoutState.totals
    return rx.el.section(
        _total_row("store.subtotal", totals["subtotal"]),
        savings_rows(CheckoutState),
        _total_row("store.shipping_fee", totals["shipping"]),
        class_name="space-y-1 rounded-2xl bg-white p-4 text-sm",
    )


def _total_row(key: str, value) -> rx.Component:
    return rx.el.div(rx.el.span(tr(key), class_name="text-gray-600"), rx.el.span(value), class_name="flex justify-between")
