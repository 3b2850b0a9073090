"""Bulk edits in the product list: tick products, choose an action (status, price, stock, tag), apply to all of them."""

from __future__ import annotations

import reflex as rx

from shopapp.db import session_scope
from shopapp.services.catalog import bulk
from shopapp.services.core.errors import DomainError
from shopapp.services.core.money import parse_money
from shopapp.ui.components.forms import INPUT, PRIMARY_BUTTON
from shopapp.ui.components.text import tr

BULK_ACTIONS = ("set_status", "price_by_amount", "price_by_percent", "set_stock", "add_tag")


class BulkEditMixin(rx.State, mixin=True):
    """The ticked product ids and the chosen action; the list reloads (its `load`) after an edit."""

    selected: list[str] = []
    bulk_action: str = "set_status"
    notice: str = ""
    problem: str = ""

    @rx.event
    def toggle(self, product_id: str):
        self.selected = [i for i in self.selected if i != product_id] if product_id in self.selected else [*self.selected, product_id]

    @rx.event
    def toggle_all(self):
        ids = [r["id"] for r in self.rows]
        self.selected = [] if all(i in self.selected for i in ids) else ids

    @rx.event
    def choose_bulk_action(self, action: str):
        self.bulk_action = action

    @rx.event
    def apply_bulk(self, form: dict):
        self.notice, self.problem = "", ""
        value = form.get("value", "")
        try:
            if self.bulk_action == "price_by_amount":
                value = parse_money(value, allow_negative=True)
            with session_scope() as session:
                count = bulk.bulk_edit(session, self._actor(), [int(i) for i in self.selected], self.bulk_action, value)
        except DomainError as exc:
            fields = self._field_messages(exc)
            self.problem = next(iter(fields.values()), self._message(exc))
            return
        self.notice = self._text("products.bulk.done").format(count=count)
        self.selected = []
        return type(self).load


def bulk_bar(state) -> rx.Component:
    """The chosen products, an action and its value, apply; then what happened; `state` has BulkEditMixin."""
    return rx.cond(
        state.selected.length() > 0,
        rx.el.form(
            rx.el.span(tr("products.bulk.selected"), ": ", state.selected.length(), class_name="text-sm font-semibold"),
            rx.el.select(
                *[rx.el.option(tr(f"products.bulk.{action}"), value=action) for action in BULK_ACTIONS],
                value=state.bulk_action, on_change=state.choose_bulk_action,
                aria_label=tr("products.bulk.action"), class_name=INPUT + " sm:w-48",
            ),
            rx.match(
                state.bulk_action,
                ("set_status", rx.el.select(
                    *[rx.el.option(tr(f"products.status.{s}"), value=s) for s in ("active", "draft", "archived")],
                    name="value", aria_label=tr("products.bulk.value"), class_name=INPUT + " sm:w-32",
                )),
                rx.el.input(name="value", aria_label=tr("products.bulk.value"), placeholder=tr("products.bulk.value_hint"), class_name=INPUT + " sm:w-32"),
            ),
            rx.el.button(tr("products.bulk.apply"), type="submit", class_name=PRIMARY_BUTTON + " py-2 text-sm"),
            on_submit=state.apply_bulk,
            reset_on_submit=True,
            class_name="mt-4 flex flex-col gap-2 rounded-2xl border border-emerald-200 bg-emerald-50 p-3 sm:flex-row sm:items-center",
        ),
        rx.cond(
            (state.notice != "") | (state.problem != ""),
            rx.el.p(
                state.notice, state.problem, role="status",
                class_name=rx.cond(state.problem != "", "mt-4 text-sm text-red-700", "mt-4 text-sm text-emerald-700"),
            ),
        ),
    )
