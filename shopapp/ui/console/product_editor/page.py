"""The product editor's page (/console/products/[product_id], "new" for a new one): its sections and the save bar."""

import reflex as rx

from shopapp.ui import routes
from shopapp.ui.components.forms import PRIMARY_BUTTON, SECONDARY_BUTTON, form_error
from shopapp.ui.components.rich_text import rich_text_editor
from shopapp.ui.components.text import tr
from shopapp.ui.console.layout import console_page
from shopapp.ui.console.product_editor.ai_copy import ai_copy
from shopapp.ui.console.product_editor.details import basics, seo
from shopapp.ui.console.product_editor.pictures import pictures
from shopapp.ui.console.product_editor.state import ProductEditorState
from shopapp.ui.console.product_editor.stock_history import StockHistoryState, stock_history
from shopapp.ui.console.product_editor.variants import options_editor, variant_grid


@console_page(routes.CONSOLE_PRODUCT, "console.nav.products", on_load=[ProductEditorState.load, StockHistoryState.close])
def product_editor() -> rx.Component:
    state = ProductEditorState
    return rx.el.div(
        rx.el.div(
            rx.el.a("← ", tr("console.nav.products"), href=routes.CONSOLE_PRODUCTS, class_name="text-sm text-emerald-700"),
            rx.el.h1(rx.cond(state.is_new, tr("products.new"), state.product["title"]), class_name="mt-1 text-2xl font-bold"),
            class_name="mb-4",
        ),
        form_error(state.error),
        rx.el.div(
            _section("products.section.basics", basics(state)),
            _section("products.section.description", rich_text_editor(
                value=state.description, on_change=state.set_description, placeholder=tr("products.description_hint"),
            ), rx.cond(~state.is_new, ai_copy(state))),
            rx.cond(~state.is_new, _section("products.section.images", pictures(state)),
                    _section("products.section.images", rx.el.p(tr("products.images_after_save"), class_name="text-sm text-gray-500"))),
            _section("products.section.variants", options_editor(state), variant_grid(state)),
            _section("products.section.seo", seo(state)),
            rx.cond(~state.is_new, _section("stock_history.title", stock_history())),
            key=state.form_key.to_string(),
            class_name="space-y-4",
        ),
        _save_bar(),
        class_name="max-w-5xl",
    )


def _section(title_key: str, *children) -> rx.Component:
    return rx.el.section(
        rx.el.h2(tr(title_key), class_name="mb-3 text-lg font-semibold"),
        *children,
        class_name="rounded-2xl border bg-white p-4 sm:p-5",
    )


def _save_bar() -> rx.Component:
    """Save, with what shoppers see of the product beside it: a draft is said to be hidden, with 上架 one click away."""
    state = ProductEditorState
    draft_saved = state.saved & (state.saved_as != "active")
    return rx.el.div(
        rx.cond(state.saved_as != "", rx.el.span(
            rx.match(state.saved_as, ("active", tr("products.visible")), ("draft", tr("products.hidden_draft")), tr("products.hidden_archived")),
            class_name=rx.cond(state.saved_as == "active", "rounded-full bg-emerald-50 px-3 py-1 text-sm text-emerald-800",
                               "rounded-full bg-amber-50 px-3 py-1 text-sm text-amber-800"),
            data_testid="product-visibility",
        )),
        rx.cond(state.saved, rx.el.span(
            rx.cond(draft_saved, tr("products.saved_hidden"), tr("form.saved")), role="status",
            class_name=rx.cond(draft_saved, "text-sm font-medium text-amber-700", "text-sm text-emerald-700"),
            data_testid="save-notice",
        )),
        rx.el.div(
            rx.cond((state.saved_as != "") & (state.saved_as != "active"), rx.el.button(
                tr("products.publish"), on_click=state.publish, disabled=state.busy, type="button",
                class_name=SECONDARY_BUTTON + " border-emerald-600 text-emerald-800", data_testid="publish-product",
            )),
            rx.el.button(rx.cond(state.busy, tr("form.saving"), tr("form.save")), on_click=state.save, disabled=state.busy,
                         type="button", class_name=PRIMARY_BUTTON, data_testid="save-product"),
            class_name="ml-auto flex gap-2",
        ),
        class_name="sticky bottom-0 mt-4 flex flex-wrap items-center gap-3 border-t bg-gray-50/95 py-3",
    )
