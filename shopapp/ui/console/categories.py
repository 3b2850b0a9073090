"""Console categories: the shop's category tree, added to, renamed and pruned."""

import reflex as rx

from shopapp.db import session_scope
from shopapp.services.catalog import categories
from shopapp.services.core.errors import DomainError
from shopapp.ui import routes
from shopapp.ui.components.confirm import confirm_button
from shopapp.ui.components.forms import INPUT, PRIMARY_BUTTON, form_error
from shopapp.ui.components.text import tr
from shopapp.ui.console.layout import console_page
from shopapp.ui.console.state import ConsoleState
from shopapp.ui.state import ConfirmMixin, FormMixin


class CategoriesState(ConfirmMixin, FormMixin, ConsoleState):
    rows: list[dict[str, str]] = []  # depth-first, with "depth" for indentation

    @rx.event
    def load(self):
        flat = self._read(lambda session, actor: categories.list_categories(session, actor.shop_id))
        if flat is not None:
            self.rows, self.confirming = _tree_rows(flat), ""

    @rx.event
    def add(self, form: dict):
        parent = form.get("parent_id", "")
        self._change(lambda session, actor: categories.create_category(session, actor, form.get("name", ""), int(parent) if parent else None))

    @rx.event
    def rename(self, category_id: str, name: str):
        self._change(lambda session, actor: categories.rename_category(session, actor, int(category_id), name))


    @rx.event
    def remove(self):
        category_id = self.confirming
        self._change(lambda session, actor: categories.delete_category(session, actor, int(category_id)))

    def _change(self, change):
        self.errors, self.error = {}, ""
        try:
            with session_scope() as session:
                change(session, self._actor())
        except DomainError as exc:
            self._show_error(exc)
        self.load()


def _tree_rows(flat: list[dict]) -> list[dict[str, str]]:
    children: dict = {}
    for category in flat:
        children.setdefault(category["parent_id"], []).append(category)
    rows: list[dict[str, str]] = []

    def walk(parent_id, depth: int):
        for category in children.get(parent_id, []):
            rows.append({"id": str(category["id"]), "name": category["name"], "indent": f"{depth * 1.5}rem"})
            walk(category["id"], depth + 1)

    walk(None, 0)
    return rows


@console_page(routes.CONSOLE_CATEGORIES, "console.nav.categories", on_load=CategoriesState.load)
def categories_page() -> rx.Component:
    state = CategoriesState
    return rx.el.div(
        rx.el.h1(tr("console.nav.categories"), class_name="text-2xl font-bold"),
        form_error(state.error),
        rx.el.form(
            rx.el.input(name="name", placeholder=tr("categories.name"), aria_label=tr("categories.name"), class_name=INPUT + " sm:w-56"),
            rx.el.select(
                rx.el.option(tr("categories.top_level"), value=""),
                rx.foreach(state.rows, lambda c: rx.el.option(c["name"], value=c["id"])),
                name="parent_id", aria_label=tr("categories.parent"), class_name=INPUT + " sm:w-48",
            ),
            rx.el.button(tr("categories.add"), type="submit", class_name=PRIMARY_BUTTON + " py-2 text-sm"),
            on_submit=state.add, reset_on_submit=True,
            class_name="mt-4 flex flex-col gap-2 sm:flex-row",
        ),
        rx.cond(state.errors.contains("name"), rx.el.p(state.errors["name"], role="alert", class_name="mt-1 text-sm text-red-600")),
        rx.cond(
            state.rows.length() == 0,
            rx.el.p(tr("categories.empty"), class_name="mt-6 rounded-2xl border border-dashed bg-white p-8 text-center text-gray-500"),
            rx.el.ul(rx.foreach(state.rows, _row), class_name="mt-4 divide-y rounded-2xl border bg-white", data_testid="category-tree"),
        ),
        class_name="max-w-2xl",
    )


def _row(row: dict) -> rx.Component:
    state = CategoriesState
    return rx.el.li(
        rx.el.input(default_value=row["name"], aria_label=row["name"], key=row["id"] + row["name"],
                    on_blur=lambda value: state.rename(row["id"], value),
                    class_name="min-w-0 flex-1 rounded border border-transparent px-2 py-1 hover:border-gray-300",
                    style={"marginLeft": row["indent"]}),
        confirm_button(state.confirming == row["id"], state.ask(row["id"]), state.remove, state.cancel,
                       "products.remove", "categories.delete_confirm"),
        class_name="flex items-center gap-2 p-2",
    )
