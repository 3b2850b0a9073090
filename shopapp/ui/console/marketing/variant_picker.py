"""The product picker of the activities' forms (秒杀, 砍价, 拼团): the owner types part of a product's name or
SKU, taps the variant found, and the form sends its id as `variant_id` (or its product's as `product_id`, for
an activity on a whole product); nobody types an id."""

import reflex as rx

from shopapp.services.marketing import bargain_forms
from shopapp.ui.components.forms import INPUT
from shopapp.ui.components.text import tr
from shopapp.ui.console.state import ConsoleState


class VariantPickerState(ConsoleState):
    query: str = ""
    found: list[dict[str, str]] = []  # {id, label}
    chosen: dict[str, str] = {}  # {id, product_id, label} once picked
    searched: bool = False

    @rx.event
    def search(self, query: str):
        self.query = query
        found = self._read(lambda session, actor: bargain_forms.variant_choices(session, actor, query))
        self.found, self.searched = found or [], True

    @rx.event
    def pick(self, choice: dict[str, str]):
        self.chosen, self.found, self.query, self.searched = dict(choice), [], "", False

    @rx.event
    def clear(self):
        self.chosen, self.found, self.query, self.searched = {}, [], "", False


def variant_picker(label_key: str, errors: rx.Var, submits: str = "variant_id") -> rx.Component:
    """The picker as one form field named `submits` ("variant_id", or "product_id": the chosen variant's
    product), with its error under it."""
    key = "product_id" if submits == "product_id" else "id"
    state = VariantPickerState
    return rx.el.div(
        rx.el.label(tr(label_key), html_for="variant_search", class_name="mb-1 block text-sm font-medium text-gray-800"),
        rx.el.input(type="hidden", name=submits, value=rx.cond(state.chosen.contains(key), state.chosen[key], "")),
        rx.cond(state.chosen.contains("id"), rx.el.div(
            rx.el.span(state.chosen["label"], class_name="flex-1 text-sm", data_testid="variant-chosen"),
            rx.el.button(tr("picker.change"), type="button", on_click=state.clear, class_name="text-sm text-blue-700 underline"),
            class_name="flex items-center gap-2 rounded-lg border bg-gray-50 px-3 py-2",
        ), rx.el.div(
            rx.el.input(id="variant_search", name="variant_query", type="search", value=state.query, on_change=state.search, placeholder=tr("picker.placeholder"),
                        autocomplete="off", class_name=INPUT, data_testid="variant-search",
                        aria_invalid=rx.cond(errors.contains(submits), "true", "false")),
            rx.cond(state.found.length() > 0, rx.el.ul(rx.foreach(state.found, lambda v: rx.el.li(rx.el.button(
                v["label"], type="button", on_click=state.pick(v),
                class_name="block w-full px-3 py-2 text-left text-sm hover:bg-gray-50", data_testid="variant-option"))),
                class_name="mt-1 max-h-60 divide-y overflow-y-auto rounded-lg border bg-white"),
                rx.cond(state.searched, rx.el.p(tr("picker.nothing"), class_name="mt-1 text-sm text-gray-500"))),
        )),
        rx.cond(errors.contains(submits), rx.el.p(errors[submits], role="alert", class_name="mt-1 text-sm text-red-600")),
        class_name="mb-4",
    )
