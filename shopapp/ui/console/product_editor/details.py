"""The product's own details in the editor: title, status, type, categories, tags, pre-sale, SEO."""

from __future__ import annotations

import reflex as rx

from shopapp.services.catalog import views
from shopapp.ui.components.forms import INPUT, form_field
from shopapp.ui.components.text import tr
from shopapp.ui.console.product_editor.typed import count_text, presale


class DetailsMixin(rx.State, mixin=True):
    is_new: bool = True
    product: dict[str, str] = {}
    description: str = ""
    categories: list[dict[str, str]] = []
    chosen_categories: list[str] = []

    @rx.event
    def set_field(self, name: str, value: str):
        self.product[name] = value

    @rx.event
    def set_description(self, html: str):
        self.description = html

    @rx.event
    def toggle_category(self, category_id: str):
        chosen = self.chosen_categories
        self.chosen_categories = [c for c in chosen if c != category_id] if category_id in chosen else [*chosen, category_id]

    def _show_new_details(self):
        self.is_new, self.description, self.chosen_categories = True, "", []
        self.product = {"title": "", "status": "draft", "product_type": "physical", "seo_title": "", "seo_description": "",
                        "tags": "", "presale_ships_at": "", "presale_quota": "", "presale_sold": "0"}

    def _show_details(self, product: dict):
        self.is_new = False
        shown_presale = product["presale"] or {}
        self.product = {
            "id": str(product["id"]), "title": product["title"], "status": product["status"],
            "product_type": product["product_type"], "seo_title": product["seo_title"],
            "seo_description": product["seo_description"], "tags": ", ".join(product["tags"]),
            "presale_ships_at": shown_presale.get("ships_at", ""), "presale_quota": count_text(shown_presale.get("quota")),
            "presale_sold": str(shown_presale.get("sold") or 0),
        }
        self.description = product["description_html"]
        self.chosen_categories = [str(i) for i in product["category_ids"]]

    def _details_data(self, errors: dict[str, str]) -> dict:
        """The details as the catalogue service takes them; a wrong pre-sale quota goes into `errors`."""
        return {
            "title": self.product["title"], "description_html": self.description, "status": self.product["status"],
            "product_type": self.product["product_type"], "seo_title": self.product["seo_title"],
            "seo_description": self.product["seo_description"],
            "tags": [t.strip() for t in self.product["tags"].replace("，", ",").split(",") if t.strip()],
            "category_ids": [int(c) for c in self.chosen_categories],
            "presale": presale(self.product["presale_ships_at"], self.product["presale_quota"], "presale_quota", errors),
        }


def basics(state) -> rx.Component:
    """Title, status and type, categories, tags, pre-sale; `state` has DetailsMixin and FormMixin."""
    return rx.el.div(
        _text(state, "products.field.title", "title"),
        rx.el.div(
            _choice(state, "products.field.status", "status", [(s, f"products.status.{s}") for s in views.STATUSES]),
            _choice(state, "products.field.type", "product_type", [(t, f"products.type.{t}") for t in views.PRODUCT_TYPES]),
            class_name="grid gap-x-4 sm:grid-cols-2",
        ),
        rx.el.fieldset(
            rx.el.legend(tr("products.field.categories"), class_name="mb-1 text-sm font-medium text-gray-800"),
            rx.cond(state.categories.length() == 0, rx.el.p(tr("products.no_categories"), class_name="text-sm text-gray-500")),
            rx.el.div(rx.foreach(state.categories, lambda category: _category_choice(state, category)), class_name="flex flex-wrap gap-2"),
            rx.cond(state.errors.contains("category_ids"), rx.el.p(state.errors["category_ids"], role="alert", class_name="mt-1 text-sm text-red-600")),
            class_name="mb-4",
        ),
        _text(state, "products.field.tags", "tags", hint_key="products.tags_hint"),
        rx.el.div(
            _text(state, "products.field.presale", "presale_ships_at", type="date", hint_key="products.presale_hint"),
            rx.el.div(
                _text(state, "products.field.presale_quota", "presale_quota", inputmode="numeric", hint_key="products.presale_quota_hint"),
                rx.cond(state.product["presale_sold"] != "0", rx.el.p(
                    tr("products.presale_sold"), " ", state.product["presale_sold"], class_name="-mt-3 mb-4 text-sm text-amber-800",
                    data_testid="presale-sold",
                )),
            ),
            class_name="grid gap-x-4 sm:grid-cols-2",
        ),
    )


def seo(state) -> rx.Component:
    return rx.el.div(
        _text(state, "products.field.seo_title", "seo_title", hint_key="products.seo_title_hint"),
        _text(state, "products.field.seo_description", "seo_description"),
    )


def _text(state, label_key: str, name: str, **attrs) -> rx.Component:
    return form_field(label_key, name, state.errors, value=state.product[name],
                      on_blur=lambda value: state.set_field(name, value), **attrs)


def _choice(state, label_key: str, name: str, options: list[tuple[str, str]]) -> rx.Component:
    return rx.el.div(
        rx.el.label(tr(label_key), html_for=name, class_name="mb-1 block text-sm font-medium text-gray-800"),
        rx.el.select(*[rx.el.option(tr(key), value=value) for value, key in options], id=name, value=state.product[name],
                     on_change=lambda value: state.set_field(name, value), class_name=INPUT),
        class_name="mb-4",
    )


def _category_choice(state, category: dict) -> rx.Component:
    return rx.el.label(
        rx.el.input(type="checkbox", checked=state.chosen_categories.contains(category["id"]),
                    on_change=state.toggle_category(category["id"]), class_name="mr-1"),
        category["name"],
        class_name="flex items-center rounded-lg border px-2 py-1 text-sm",
    )
