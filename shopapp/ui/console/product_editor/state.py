"""The product editor's state: its concerns' mixins (details, variant grid, pictures, AI copy) on one
signed-in form, which loads a product and saves it whole."""

from __future__ import annotations

import reflex as rx

from shopapp.db import session_scope
from shopapp.services.catalog import categories, products, views
from shopapp.services.core.errors import DomainError, Invalid
from shopapp.services.core.validation import id_from_text
from shopapp.ui import routes
from shopapp.ui.console.product_editor.ai_copy import AiCopyMixin
from shopapp.ui.console.product_editor.details import DetailsMixin
from shopapp.ui.console.product_editor.pictures import PicturesMixin
from shopapp.ui.console.product_editor.stock_history import StockHistoryState
from shopapp.ui.console.product_editor.variants import VariantGridMixin
from shopapp.ui.console.state import ConsoleState
from shopapp.ui.state import FormMixin


class ProductEditorState(AiCopyMixin, PicturesMixin, VariantGridMixin, DetailsMixin, FormMixin, ConsoleState):
    saved: bool = False
    saved_as: str = ""  # the status kept in the catalogue (the select may show an unsaved choice)
    just_created: bool = False  # the "saved" notice outlives the redirect to the new product's own page
    form_key: int = 0  # bumped after every load, so inputs show the loaded values

    @rx.event
    def load(self):
        actor = self._signed_in()
        if actor is None:
            return
        self.errors, self.error, self.busy = {}, "", False
        self.saved, self.just_created = self.just_created, False
        with session_scope() as session:
            self.categories = [{"id": str(c["id"]), "name": c["name"]} for c in categories.list_categories(session, actor.shop_id)]
            if self.product_id == "new":
                self._show_new()
                self.saved_as = ""
            else:
                try:
                    product = views.get_product(session, actor.shop_id, id_from_text(self.product_id))
                except (DomainError, ValueError):
                    return rx.redirect(routes.CONSOLE_PRODUCTS)
                self._show(views.product_dict(session, product, with_cost=True))
        self.form_key += 1

    @rx.event
    def save(self):
        self._start_submit()
        self.saved = False
        yield
        try:
            data = self._data()
            with session_scope() as session:
                actor = self._actor()
                if self.is_new:
                    product = products.create_product(session, actor, data)
                else:
                    product = products.update_product(session, actor, int(self.product["id"]), data)
                session.flush()
                shown = views.product_dict(session, product, with_cost=True)
        except DomainError as exc:
            self._show_error(exc)
            return
        was_new = self.is_new
        self._show(shown)
        self.busy, self.saved = False, True
        self.form_key += 1
        if was_new:
            self.just_created = True
            yield rx.redirect(routes.console_product(shown["id"]))
        else:
            yield StockHistoryState.refresh  # a saved stock change shows in the open ledger

    @rx.event
    def publish(self):
        """上架 in one click: the product goes on sale and is saved with whatever else was changed."""
        self.product = {**self.product, "status": "active"}
        return ProductEditorState.save

    def _show_new(self):
        self._show_new_details()
        self._show_new_grid()
        self.images = []

    def _show(self, product: dict):
        self.saved_as = product["status"]
        self._show_details(product)
        self._show_grid(product)
        self._show_images(product)

    def _show_error(self, exc: DomainError):
        super()._show_error(exc)
        # The service names a pre-sale's parts "presale.ships_at"; the form's inputs are "presale_ships_at".
        self.errors = {name.replace("presale.", "presale_"): message for name, message in self.errors.items()}

    def _data(self) -> dict:
        """The whole form as the catalogue service takes it; every wrong cell is named at once."""
        errors: dict[str, str] = {}
        variants = self._variants_data(errors)
        details = self._details_data(errors)
        if errors:
            raise Invalid(fields=errors)
        return {**details, "options": self._options(), "variants": variants}
