"""A limited-time discount's own price per variant (限时折扣 at a fixed price), picked rather than typed: the
owner searches a variant by product name or SKU, taps it, and types its activity price in yuan; the form
sends them as `prices` ("variant id=price" lines, what promotion_forms reads)."""

import reflex as rx

from shopapp.services.catalog import variant_choices
from shopapp.services.core.validation import typed_ids
from shopapp.ui.components.forms import INPUT
from shopapp.ui.components.text import tr
from shopapp.ui.console.state import ConsoleState


class VariantPricesState(ConsoleState):
    query: str = ""
    found: list[dict[str, str]] = []  # {id, label}
    rows: list[dict[str, str]] = []  # {id, label, price}
    lines: str = ""  # the rows as the form sends them

    @rx.event
    def search(self, query: str):
        self.query = query
        found = self._read(lambda session, actor: variant_choices.variant_choices(session, actor, query))
        chosen = {r["id"] for r in self.rows}
        self.found = [v for v in found or [] if v["id"] not in chosen]

    @rx.event
    def add(self, variant: dict[str, str]):
        self._set_rows([*self.rows, {"id": variant["id"], "label": variant["label"], "price": ""}])
        self.found, self.query = [], ""

    @rx.event
    def remove(self, variant_id: str):
        self._set_rows([r for r in self.rows if r["id"] != variant_id])

    @rx.event
    def set_price(self, variant_id: str, price: str):
        self._set_rows([{**r, "price": price.strip()} if r["id"] == variant_id else r for r in self.rows])

    @rx.event
    def fill(self, lines: str):
        """The prices of the promotion being edited ("12=29.9" lines), named by their variants' labels."""
        typed = dict(line.partition("=")[::2] for line in (lines or "").splitlines() if "=" in line)
        wanted = typed_ids(" ".join(typed), "prices", {})
        labels = self._read(lambda session, actor: variant_choices.variant_labels(session, actor, wanted)) or []
        self._set_rows([{**v, "price": typed.get(v["id"], "")} for v in labels])

    @rx.event
    def clear(self):
        self.query, self.found = "", []
        self._set_rows([])

    def _set_rows(self, rows: list[dict[str, str]]):
        self.rows, self.lines = rows, "\n".join(f"{r['id']}={r['price']}" for r in rows)


def variant_prices(errors: rx.Var) -> rx.Component:
    state = VariantPricesState
    return rx.el.fieldset(
        rx.el.legend(tr("prices.legend"), class_name="mb-1 text-sm font-medium text-gray-800"),
        rx.el.input(type="hidden", name="prices", value=state.lines),
        rx.foreach(state.rows, lambda r: rx.el.div(
            rx.el.span(r["label"], class_name="min-w-0 flex-1 truncate text-sm"),
            rx.el.input(name="price_" + r["id"], default_value=r["price"], inputmode="decimal", placeholder="¥",
                        aria_label=tr("prices.price"), on_blur=lambda value: state.set_price(r["id"], value),
                        class_name=INPUT + " w-28", data_testid="variant-price"),
            rx.el.button("×", type="button", on_click=state.remove(r["id"]), aria_label=tr("scope.remove"), class_name="px-2 text-gray-500"),
            class_name="mt-2 flex items-center gap-2", data_testid="variant-price-row")),
        rx.el.input(name="prices_query", type="search", value=state.query, on_change=state.search, placeholder=tr("prices.search"),
                    aria_label=tr("prices.search"), autocomplete="off", class_name=INPUT + " mt-2", data_testid="prices-search"),
        rx.cond(state.found.length() > 0, rx.el.ul(rx.foreach(state.found, lambda v: rx.el.li(rx.el.button(
            v["label"], type="button", on_click=state.add(v),
            class_name="block w-full px-3 py-2 text-left text-sm hover:bg-gray-50", data_testid="prices-option"))),
            class_name="mt-1 max-h-60 divide-y overflow-y-auto rounded-lg border bg-white")),
        rx.cond(errors.contains("prices"), rx.el.p(errors["prices"], role="alert", class_name="mt-1 text-sm text-red-600")),
        class_name="mb-2",
    )
