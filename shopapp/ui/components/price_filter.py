"""The price filter of a product list (the console's and the storefront's): two amounts in yuan."""

from __future__ import annotations

import reflex as rx

from shopapp.services.catalog import search
from shopapp.services.core.errors import DomainError
from shopapp.services.core.money import yuan_text
from shopapp.ui.components.forms import SECONDARY_BUTTON
from shopapp.ui.components.text import tr

_AMOUNT = "w-24 rounded border border-gray-300 px-2 py-1 text-sm"


class PriceFilterMixin(rx.State, mixin=True):
    """The range as the list uses it (yuan, blank for no limit) and why the last one typed was refused."""

    price_min: str = ""
    price_max: str = ""
    price_problem: str = ""

    def _set_price_range(self, lowest: str, highest: str) -> bool:
        """Take a typed range; a wrong one is explained and leaves the list's range as it was."""
        try:
            low, high = search.price_range(lowest, highest)
        except DomainError as refused:
            self.price_problem = self._problem_text(refused)
            return False
        self.price_min, self.price_max, self.price_problem = yuan_text(low), yuan_text(high), ""
        return True

    def _price_range(self) -> dict[str, int | None]:
        """The range as search_products takes it (checked when it was set)."""
        low, high = search.price_range(self.price_min, self.price_max)
        return {"price_min": low, "price_max": high}


def price_filter(state) -> rx.Component:
    """¥ [lowest] – [highest] [apply]; `state` has PriceFilterMixin and a `filter_by_price(form)` event."""
    return rx.el.form(
        rx.el.span("¥", class_name="text-sm text-gray-600"),
        _amount("price_min", "filter.price_min", state.price_min),
        rx.el.span("–", class_name="text-sm text-gray-600"),
        _amount("price_max", "filter.price_max", state.price_max),
        rx.el.button(tr("filter.apply"), type="submit", class_name=SECONDARY_BUTTON),
        rx.cond(state.price_problem != "", rx.el.p(state.price_problem, role="alert", class_name="w-full text-sm text-red-600")),
        on_submit=state.filter_by_price, reset_on_submit=False, class_name="flex flex-wrap items-center gap-2",
        data_testid="price-filter",
    )


def _amount(name: str, label_key: str, value: rx.Var) -> rx.Component:
    # Uncontrolled, remounted (key) when the list's range changes, so a refused entry stays as typed.
    return rx.el.input(
        name=name, default_value=value, key=value, inputmode="decimal", placeholder=tr(label_key),
        aria_label=tr(label_key), class_name=_AMOUNT,
    )
