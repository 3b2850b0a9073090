"""Previous / next paging under every list that holds one page at a time: the state's part (PagesMixin) and
the bar under the list (pager)."""

import reflex as rx

from shopapp.services.core.paging import page_count
from shopapp.ui.components.forms import SECONDARY_BUTTON
from shopapp.ui.components.text import tr


class PagesMixin(rx.State, mixin=True):
    """`page` of `pages`, `total` rows. A list state sets the count with `_counted` when it loads a page and says
    how to load one in `_load_page` (what it returns, an event, is returned to the browser)."""

    page: int = 1
    total: int = 0
    pages: int = 1  # set with total: a computed var here made Reflex write this state for every tab

    @rx.event
    def turn_page(self, step: int):
        self.page = max(1, min(self.pages, self.page + step))
        return self._load_page()

    def _counted(self, total: int, per_page: int) -> None:
        self.total, self.pages = total, page_count(total, per_page)

    def _load_page(self):
        raise NotImplementedError


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
