"""A product's stock ledger in its editor: every move, who made it, why, before and after."""

import reflex as rx

from shopapp.services.inventory import ledger
from shopapp.ui.components.forms import SECONDARY_BUTTON
from shopapp.ui.components.pager import PagesMixin, pager
from shopapp.ui.components.text import tr
from shopapp.ui.components.time import shown_time
from shopapp.ui.console.state import ConsoleState

PER_PAGE = 20


class StockHistoryState(PagesMixin, ConsoleState):
    open: bool = False
    moves: list[dict[str, str]] = []

    @rx.event
    def toggle(self):
        self.open, self.page = not self.open, 1
        if self.open:
            self._load()

    def _load_page(self):
        self._load()

    @rx.event
    def refresh(self):
        if self.open:
            self.page = 1
            self._load()

    @rx.event
    def close(self):
        """On every load of the editor: another product's ledger must not stay open."""
        self.open, self.moves = False, []
        self._counted(0, PER_PAGE)

    def _load(self):
        if not self.product_id.isdigit() or len(self.product_id) > 18:
            return
        found = self._read(lambda session, actor: ledger.stock_history(
            session, actor, int(self.product_id), page=self.page, per_page=PER_PAGE,
        ))
        if found is not None:
            moves, total = found
            self._counted(total, PER_PAGE)
            self.moves = [_move(m) for m in moves]


def _move(move: dict) -> dict[str, str]:
    what = " / ".join(move["option_values"]) or move["sku"] or "—"
    if move["pool"] != "stock":
        what = f"{what} · {move['pool']}"
    return {
        "at": shown_time(move["created_at"]), "what": what, "delta": f"{move['delta']:+d}",
        "counts": f"{move['before']} → {move['after']}", "reason": move["reason"], "who": move["actor_name"],
        "down": "yes" if move["delta"] < 0 else "",
    }


def stock_history() -> rx.Component:
    state = StockHistoryState
    return rx.el.div(
        rx.el.button(rx.cond(state.open, tr("stock_history.hide"), tr("stock_history.show")), on_click=state.toggle,
                     type="button", aria_expanded=rx.cond(state.open, "true", "false"), class_name=SECONDARY_BUTTON),
        rx.cond(state.open, rx.cond(
            state.total == 0,
            rx.el.p(tr("stock_history.empty"), class_name="mt-3 text-sm text-gray-500"),
            rx.el.div(
                rx.el.div(rx.el.table(
                    rx.el.thead(rx.el.tr(*[rx.el.th(tr(f"stock_history.{c}"), class_name="p-2 text-left") for c in
                                           ("at", "what", "delta", "counts", "reason", "who")])),
                    rx.el.tbody(rx.foreach(state.moves, _row)),
                    class_name="w-full text-sm",
                ), class_name="mt-3 overflow-x-auto"),
                pager(state.page, state.pages, state.total, state.turn_page(-1), state.turn_page(1)),
                data_testid="stock-history",
            ),
        )),
    )


def _row(move: dict) -> rx.Component:
    return rx.el.tr(
        rx.el.td(move["at"], class_name="whitespace-nowrap p-2 text-gray-600"),
        rx.el.td(move["what"], class_name="p-2"),
        rx.el.td(move["delta"], class_name=rx.cond(move["down"] != "", "p-2 font-medium text-red-700", "p-2 font-medium text-emerald-700")),
        rx.el.td(move["counts"], class_name="whitespace-nowrap p-2"),
        rx.el.td(move["reason"], class_name="p-2"),
        rx.el.td(move["who"], class_name="p-2 text-gray-600"),
        class_name="border-t",
    )
