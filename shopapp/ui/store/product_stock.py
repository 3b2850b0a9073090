"""The product page's stock line: in stock, a pre-sale's date and places left, or sold out with
"notify me" (a back-in-stock alert). `state` is the product page's state (ui/store/product.py)."""

import reflex as rx

from shopapp.ui.components.forms import INPUT, PRIMARY_BUTTON
from shopapp.ui.components.text import tr


def presale_notice(state) -> rx.Component:
    """The chosen variant's pre-sale: when it ships, and how many places are left when there is a quota."""
    return rx.cond(state.current["ships_at"] != "", rx.el.div(
        rx.el.p(tr("store.presale_notice"), " ", state.current["ships_at"], data_testid="presale-notice"),
        rx.cond(
            (state.current["places_left"] != "") & (state.current["stock"] != "0"),
            rx.el.p(tr("store.presale_left_before"), " ", rx.el.b(state.current["places_left"]), " ", tr("store.presale_left_after"),
                    class_name="mt-1 font-medium", data_testid="presale-places"),
        ),
        class_name="mt-2 rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-800",
    ))


def stock_state(state) -> rx.Component:
    return rx.cond(
        state.current["stock"].to(int) > 0,
        rx.cond(state.current["ships_at"] != "", rx.fragment(),
                rx.el.p(tr("store.in_stock"), class_name="mt-4 text-sm text-emerald-700", data_testid="stock-state")),
        rx.cond(
            state.current["places_left"] != "",
            # A quota used up: the pre-sale is over for this variant, there is no restock to wait for.
            rx.el.p(tr("store.presale_sold_out"), class_name="mt-4 rounded-xl bg-gray-50 p-3 text-sm font-medium text-gray-800",
                    data_testid="stock-state"),
            _notify_me(state),
        ),
    )


def _notify_me(state) -> rx.Component:
    return rx.el.div(
        rx.el.p(tr("store.sold_out_notify"), class_name="text-sm font-medium text-gray-800", data_testid="stock-state"),
        rx.cond(
            state.notify_done,
            rx.el.p(tr("store.notify_done"), role="status", class_name="mt-2 text-sm text-emerald-700"),
            rx.el.form(
                rx.el.input(name="email", type="email", placeholder=tr("form.email"), aria_label=tr("form.email"),
                            autocomplete="email", class_name=INPUT),
                rx.el.button(tr("store.notify_me"), type="submit", class_name=PRIMARY_BUTTON + " whitespace-nowrap"),
                on_submit=state.notify_me,
                reset_on_submit=False,
                class_name="mt-2 flex gap-2",
            ),
        ),
        rx.cond(state.notify_error != "", rx.el.p(state.notify_error, role="alert", class_name="mt-1 text-sm text-red-600")),
        class_name="mt-4 rounded-xl bg-gray-50 p-3",
    )
