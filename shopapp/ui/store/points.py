"""我的积分: the logged-in shopper's points (available and frozen), member level, and every move."""

import reflex as rx

from shopapp.db import read_scope
from shopapp.services.core.errors import DomainError
from shopapp.services.core.money import format_money
from shopapp.services.customers import shoppers
from shopapp.services.marketing import points
from shopapp.ui import routes
from shopapp.ui.components.pager import PagesMixin, pager
from shopapp.ui.components.points import move_item, move_row
from shopapp.ui.components.text import tr
from shopapp.ui.store.layout import store_page
from shopapp.ui.store.state import StoreState

PER_PAGE = 20


class PointsState(PagesMixin, StoreState):
    balance: dict[str, str] = {}  # available, frozen, level, discount, next_level, next_needs
    moves: list[dict[str, str]] = []
    loaded: bool = False

    @rx.event
    def load(self):
        self._load_shop()
        self.page = 1
        self._load_points()

    def _load_page(self):
        self._load_points()

    def _load_points(self):
        self.loaded = False
        if self.not_found or not self.shopper:
            self.balance, self.moves, self.loaded = {}, [], True
            return
        shop_id = int(self.shop["id"])
        try:
            with read_scope() as session:
                customer = shoppers.customer_for_token(session, shop_id, self._shopper_token())
                mine = points.account_dict(session, shop_id, customer.id, page=self.page, per_page=PER_PAGE)
        except DomainError:
            self._forget_shopper()
            self.loaded = True
            return
        self.balance = _balance(mine, self.shop.get("currency", "CNY"))
        self.moves, self.loaded = [move_row(move) for move in mine["moves"]], True
        self._counted(mine["total"], PER_PAGE)


def _balance(mine: dict, currency: str) -> dict[str, str]:
    level, upcoming = mine["level"] or {}, mine["next_level"] or {}
    return {
        "available": str(mine["available"]), "frozen": str(mine["frozen"]), "level": level.get("name", ""),
        "discount": str(level.get("discount_percent", "")), "next_level": upcoming.get("name", ""),
        "next_needs": format_money(upcoming["min_spent"] - mine["lifetime_spent"], currency) if upcoming else "",
    }


@store_page(routes.STORE_POINTS, title="我的积分", on_load=PointsState.load)
def points_page() -> rx.Component:
    state = PointsState
    return rx.cond(
        state.shopper.contains("email"),
        rx.el.div(
            rx.el.h1(tr("points.mine"), class_name="text-xl font-bold"),
            _summary(),
            rx.el.h2(tr("points.moves"), class_name="mt-4 font-semibold"),
            rx.cond(
                state.moves.length() == 0,
                rx.el.p(tr("points.no_moves"), class_name="py-8 text-center text-gray-500", data_testid="points-no-moves"),
                rx.el.div(
                    rx.el.ul(rx.foreach(state.moves, move_item), class_name="mt-2 divide-y rounded-2xl bg-white", data_testid="points-moves"),
                    rx.cond(state.pages > 1, pager(state.page, state.pages, state.total, state.turn_page(-1), state.turn_page(1))),
                ),
            ),
            class_name="px-4 pb-10 pt-4",
        ),
        rx.cond(state.loaded, rx.el.div(
            rx.el.p(tr("points.log_in_first"), class_name="text-gray-600"),
            rx.el.a(tr("account.login_title"), href=routes.store_account(state.shop["slug"]), class_name="mt-3 inline-block text-emerald-700 underline"),
            class_name="mx-4 mt-4 rounded-2xl bg-white p-4",
        )),
    )


def _summary() -> rx.Component:
    state = PointsState
    return rx.el.div(
        rx.el.div(
            rx.el.div(rx.el.p(tr("points.available"), class_name="text-sm text-gray-500"),
                      rx.el.p(state.balance["available"], class_name="text-2xl font-bold text-red-600", data_testid="points-available")),
            rx.el.div(rx.el.p(tr("points.frozen"), class_name="text-sm text-gray-500"),
                      rx.el.p(state.balance["frozen"], class_name="text-2xl font-bold text-gray-700", data_testid="points-frozen")),
            class_name="grid grid-cols-2 gap-3",
        ),
        rx.el.p(tr("points.frozen_hint"), class_name="mt-2 text-xs text-gray-500"),
        rx.el.a(tr("mall.title"), " ›", href=routes.store_points_mall(state.shop["slug"]),
                class_name="mt-3 block rounded-xl bg-red-50 p-3 font-medium text-red-700", data_testid="points-mall-link"),
        rx.cond(
            state.balance["level"] != "",
            rx.el.p(tr("points.level"), " ", state.balance["level"], " · ", tr("points.level_discount"), " ",
                    state.balance["discount"], "%", class_name="mt-2 text-sm font-medium text-amber-800", data_testid="points-level"),
        ),
        rx.cond(
            state.balance["next_level"] != "",
            rx.el.p(tr("points.next_before"), " ", state.balance["next_needs"], " ", tr("points.next_after"), " ",
                    state.balance["next_level"], class_name="mt-1 text-sm text-gray-600"),
        ),
        class_name="mt-3 rounded-2xl bg-white p-4",
    )
