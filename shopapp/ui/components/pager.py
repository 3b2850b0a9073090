"""Previous / next paging under every list that holds one page at a time."""

import reflex as rx

from shopapp.ui.components.forms import SECONDARY_BUTTON
from shopapp.ui.components.text import tr


def shown_total(total: int, q: str, counted_up_to: int) -> str:
    """A list's total as people read it: "10000+" where a search stopped counting at the
    service's limit (search.MAX_COUNTED, orders.MAX_COUNTED); a list without a query counts all."""
    return f"{total}+" if q.strip() and total >= counted_up_to else str(total)


def pager(page: rx.Var, pages: rx.Var, total: rx.Var, on_prev, on_next) -> rx.Component:
    return rx.el.nav(
        rx.el.span(tr("list.total"), ": ", total, class_name="text-sm text-gray-600"),
        rx.el.div(
            rx.el.button(tr("list.prev"), on_click=on_prev, disabled=page <= 1, type="button", class_name=SECONDARY_BUTTON + " disabled:opacity-40"),
            rx.el.span(page, " / ", pages, class_name="text-sm text-gray-700", data_testid="pager-position"),
            rx.el.button(tr("list.next"), on_click=on_next, disabled=page >= pages, type="button", class_name=SECONDARY_BUTTON + " disabled:opacity-40"),
            class_name="flex items-center gap-3",
        ),
        aria_label="pagination",
        class_name="mt-4 flex items-center justify-between",
    )
