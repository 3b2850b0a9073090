"""Which products a promotion or coupon covers, picked rather than typed: the owner searches products by name
or SKU and taps them (each shown as a chip that can be removed), and ticks categories; the form sends them as
`product_ids` and `category_ids` ("3, 5"). Nothing picked: the whole shop."""

import reflex as rx

from shopapp.services.catalog import categories, variant_choices
from shopapp.services.core.validation import typed_ids
from shopapp.ui.components.forms import INPUT
from shopapp.ui.components.text import tr
from shopapp.ui.console.state import ConsoleState

CHIP = "inline-flex items-center gap-1 rounded-full border px-3 py-1 text-sm"


class ScopePickerState(ConsoleState):
    query: str = ""
    found: list[dict[str, str]] = []  # {id, label}
    products: list[dict[str, str]] = []  # the chosen ones {id, label}
    product_ids: list[str] = []  # their ids, for the form
    categories: list[dict[str, str]] = []  # every category of the shop {id, name}
    category_ids: list[str] = []  # the ticked ones
    searched: bool = False

    @rx.event
    def search(self, query: str):
        self.query = query
        found = self._read(lambda session, actor: variant_choices.product_choices(session, actor, query))
        chosen = {p["id"] for p in self.products}
        self.found, self.searched = [p for p in found or [] if p["id"] not in chosen], True

    @rx.event
    def add(self, product: dict[str, str]):
        if all(p["id"] != product["id"] for p in self.products):
            self._chosen([*self.products, {"id": product["id"], "label": product["label"]}])
        self.found, self.query, self.searched = [], "", False

    @rx.event
    def remove(self, product_id: str):
        self._chosen([p for p in self.products if p["id"] != product_id])

    @rx.event
    def toggle_category(self, category_id: str):
        ticked = category_id in self.category_ids
        self.category_ids = [c for c in self.category_ids if c != category_id] if ticked else [*self.category_ids, category_id]

    @rx.event
    def fill(self, product_ids: str, category_ids: str):
        """The scope of the promotion being edited ("3, 5" as its form shows them)."""
        wanted = typed_ids(product_ids, "product_ids", {})
        self._chosen(self._read(lambda session, actor: variant_choices.product_labels(session, actor, wanted)) or [])
        self.category_ids = [str(i) for i in typed_ids(category_ids, "category_ids", {})]
        self._load_categories()

    @rx.event
    def clear(self):
        self.query, self.found, self.category_ids, self.searched = "", [], [], False
        self._chosen([])
        self._load_categories()

    def _chosen(self, products: list[dict[str, str]]):
        self.products, self.product_ids = products, [p["id"] for p in products]

    def _load_categories(self):
        shown = self._read(lambda session, actor: categories.list_categories(session, actor.shop_id))
        self.categories = [{"id": str(c["id"]), "name": c["name"]} for c in shown or []]


def scope_picker(errors: rx.Var) -> rx.Component:
    """The two scope fields, with their errors under them."""
    state = ScopePickerState
    return rx.el.fieldset(
        rx.el.legend(tr("scope.products"), class_name="mb-1 text-sm font-medium text-gray-800"),
        rx.el.input(type="hidden", name="product_ids", value=state.product_ids.join(", ")),
        rx.el.input(type="hidden", name="category_ids", value=state.category_ids.join(", ")),
        rx.el.div(rx.foreach(state.products, lambda p: rx.el.span(
            p["label"],
            rx.el.button("×", type="button", on_click=state.remove(p["id"]), aria_label=tr("scope.remove"), class_name="text-gray-500"),
            class_name=CHIP + " bg-emerald-50", data_testid="scope-product")), class_name="flex flex-wrap gap-2"),
        rx.el.input(id="scope_search", name="scope_query", type="search", value=state.query, on_change=state.search, placeholder=tr("scope.search"),
                    aria_label=tr("scope.search"), autocomplete="off", class_name=INPUT + " mt-2", data_testid="scope-search"),
        rx.cond(state.found.length() > 0, rx.el.ul(rx.foreach(state.found, lambda p: rx.el.li(rx.el.button(
            p["label"], type="button", on_click=state.add(p),
            class_name="block w-full px-3 py-2 text-left text-sm hover:bg-gray-50", data_testid="scope-option"))),
            class_name="mt-1 max-h-60 divide-y overflow-y-auto rounded-lg border bg-white"),
            rx.cond(state.searched, rx.el.p(tr("scope.nothing"), class_name="mt-1 text-sm text-gray-500"))),
        _error(errors, "product_ids"),
        rx.cond(state.categories.length() > 0, rx.el.div(
            rx.el.p(tr("scope.categories"), class_name="mt-3 mb-1 text-sm font-medium text-gray-800"),
            rx.el.div(rx.foreach(state.categories, lambda c: rx.el.button(
                c["name"], type="button", on_click=state.toggle_category(c["id"]),
                aria_pressed=rx.cond(state.category_ids.contains(c["id"]), "true", "false"),
                class_name=rx.cond(state.category_ids.contains(c["id"]), CHIP + " border-emerald-600 bg-emerald-50", CHIP + " bg-white"),
                data_testid="scope-category")), class_name="flex flex-wrap gap-2"),
        )),
        _error(errors, "category_ids"),
        rx.el.p(tr("marketing.scope_hint"), class_name="mt-1 text-sm text-gray-500"),
        class_name="mb-4",
    )


def _error(errors: rx.Var, name: str) -> rx.Component:
    return rx.cond(errors.contains(name), rx.el.p(errors[name], role="alert", class_name="mt-1 text-sm text-red-600"))
