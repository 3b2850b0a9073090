"""The console's refund form: an amount, or units of each line refunded at what they were paid.

Typing how many units of a line come back fills the amount in from the lines' `paid` (PRICING.md:
k of n units give back floor(paid × k / n), the last units what is left), as refunds.paid_for_units
works it out; the owner may still change it before refunding.
"""

from __future__ import annotations

import reflex as rx

from shopapp.db import session_scope
from shopapp.services.core.errors import DomainError
from shopapp.services.core.money import parse_money, yuan_text
from shopapp.services.orders import refunds, state
from shopapp.ui.components.forms import DANGER_BUTTON, INPUT
from shopapp.ui.components.text import tr


class RefundMixin(rx.State, mixin=True):
    """Mixed into the order page's state, which provides `order`, `items`, `problem`, `form_key`,
    `_act()`, `_actor()` and `_field_messages()`."""

    refund_units: dict[str, str] = {}  # order item id -> units typed
    refund_amount: str = ""  # yuan, filled in from the units' paid
    amount_key: int = 0  # remounts the amount box when it is filled in

    @rx.event
    def set_refund_units(self, item_id: str, text: str):
        self.refund_units = {**self.refund_units, item_id: (text or "").strip()}
        lines = refund_lines(self.refund_units)
        if lines is None:
            self.problem = self._text("field.must_be_whole_number")
            return
        self.problem = ""
        try:
            with session_scope() as session:
                order = state.get_order(session, self._actor(), int(self.order["id"]))
                amount = refunds.paid_for_units(session, order, lines) if lines else 0
        except DomainError as exc:
            self.problem = self._problem_text(exc)
            return
        self.refund_amount, self.amount_key = (yuan_text(amount) if amount else ""), self.amount_key + 1

    @rx.event
    def refund(self, form: dict):
        try:
            amount = parse_money(form.get("amount", ""), field="amount")
        except DomainError as exc:
            self.problem = next(iter(self._field_messages(exc).values()))
            return
        lines = refund_lines(self.refund_units)
        if lines is None:
            self.problem = self._text("field.must_be_whole_number")
            return
        restock = bool(form.get("restock"))
        items = [{**line, "restock": restock} for line in lines] or None
        self._act(lambda session, actor: refunds.refund(
            session, actor, int(self.order["id"]), amount, form.get("reason", ""), items,
            idempotency_key=form.get("attempt") or None), notice_key="orders.refunded_notice")
        if not self.problem:
            self.refund_units, self.refund_amount = {}, ""


def refund_lines(typed: dict[str, str]) -> list[dict] | None:
    """[{order_item_id, qty}] for the lines with units typed; None when something typed is not a whole number."""
    lines = []
    for item_id, text in typed.items():
        if not text or text == "0":
            continue
        if not text.isdigit():
            return None
        lines.append({"order_item_id": int(item_id), "qty": int(text)})
    return lines


def refund_form(page_state) -> rx.Component:
    return rx.el.form(
        rx.el.p(tr("orders.refundable"), ": ¥", page_state.order["refundable"], class_name="mb-2 text-sm text-gray-600"),
        rx.el.input(type="hidden", name="attempt", value=page_state.form_key.to_string() + "-" + page_state.order["id"]),
        rx.el.p(tr("orders.refund_lines"), class_name="mb-1 text-xs text-gray-500"),
        rx.foreach(page_state.items, lambda i: rx.el.label(
            rx.el.span(i["title"], rx.cond(i["options"] != "", " · " + i["options"], ""), " (", i["paid"], ")", class_name="flex-1 text-sm"),
            rx.el.input(inputmode="numeric", placeholder="0", aria_label=tr("orders.refund_qty") + " " + i["title"],
                        on_blur=lambda text: page_state.set_refund_units(i["id"], text),
                        class_name="w-16 rounded border px-2 py-1 text-right"),
            rx.el.span("/ ", i["qty"], class_name="text-sm text-gray-500"),
            class_name="mb-2 flex items-center gap-2",
        )),
        rx.el.label(rx.el.input(type="checkbox", name="restock", default_checked=True, class_name="mr-2"), tr("orders.refund_restock"),
                    class_name="mb-2 flex items-center text-sm"),
        rx.el.div(
            rx.el.input(name="amount", inputmode="decimal", placeholder=tr("orders.refund_amount"), aria_label=tr("orders.refund_amount"),
                        default_value=page_state.refund_amount, key=page_state.amount_key.to_string(), class_name=INPUT + " sm:w-32",
                        data_testid="refund-amount"),
            rx.el.input(name="reason", placeholder=tr("orders.refund_reason"), aria_label=tr("orders.refund_reason"), class_name=INPUT),
            class_name="flex flex-col gap-2 sm:flex-row",
        ),
        rx.el.button(tr("orders.refund_button"), type="submit", class_name=DANGER_BUTTON + " mt-3"),
        on_submit=page_state.refund, reset_on_submit=False,
    )
