"""The storefront's coupons: the 领券 block on the home and product pages (claiming needs a logged-in
shopper; a guest is sent to log in), and the shopper's coupon wallet under 我的."""

import reflex as rx

from shopapp.db import read_scope, session_scope
from shopapp.services.core.errors import DomainError
from shopapp.services.marketing import coupons
from shopapp.ui import routes
from shopapp.ui.components.text import tr
from shopapp.ui.components.time import shown_time
from shopapp.ui.store.layout import store_page
from shopapp.ui.store.state import StoreState


class CouponBlockState(StoreState):
    claimables: list[dict[str, str]] = []
    claimed: list[str] = []  # the coupons claimed on this visit
    problem: str = ""

    def _show_claimables(self, cards: list[dict[str, str]]):
        self.claimed, self.problem, self.claimables = [], "", cards

    @rx.event
    def claim(self, coupon_id: str):
        if not self.shopper:
            return rx.redirect(routes.store_account(self.shop["slug"]))
        self.problem = ""
        try:
            with session_scope() as session:
                coupons.claim(session, int(self.shop["id"]), self._shopper_token(), int(coupon_id))
        except DomainError as refused:
            self.problem = self._message(refused)
            if refused.code != "coupon_limit_reached":
                return
        self.claimed = [*self.claimed, coupon_id]


class WalletState(StoreState):
    items: list[dict[str, str]] = []
    loaded: bool = False

    @rx.event
    def load(self):
        self._load_shop()
        self.items, self.loaded = [], False
        if self.not_found:
            return
        if not self.shopper:
            return rx.redirect(routes.store_account(self.shop["slug"]))
        with read_scope() as session:
            found = coupons.wallet(session, int(self.shop["id"]), self._shopper_token())
        self.items = [_wallet_row(item) for item in found["items"]]
        self.loaded = True


def coupon_block(padded: bool = True) -> rx.Component:
    """领券: the shop's claimable coupons as a row of cards; nothing at all when there are none.
    `padded` False inside a block that has its own side padding (the product's details)."""
    state = CouponBlockState
    return rx.cond(
        state.claimables.length() > 0,
        rx.el.section(
            rx.el.h2(tr("store.coupons.title"), class_name="mb-2 font-semibold"),
            rx.el.ul(rx.foreach(state.claimables, _claimable), class_name="flex gap-2 overflow-x-auto pb-1"),
            rx.cond(state.problem != "", rx.el.p(state.problem, role="alert", class_name="mt-1 text-sm text-red-600")),
            class_name="px-4 pt-4" if padded else "pt-4", data_testid="coupon-block",
        ),
    )


def _claimable(item: dict) -> rx.Component:
    state = CouponBlockState
    taken = state.claimed.contains(item["id"])
    return rx.el.li(
        rx.el.p(item["description"], class_name="font-bold text-red-600"),
        rx.el.p(item["name"], class_name="truncate text-xs text-gray-600"),
        rx.el.button(
            rx.cond(taken, tr("store.coupons.claimed"), rx.cond(state.shopper.contains("email"), tr("store.coupons.claim"), tr("store.coupons.login_to_claim"))),
            on_click=state.claim(item["id"]), disabled=taken, type="button",
            class_name="mt-1 rounded-full bg-red-600 px-3 py-1 text-xs font-semibold text-white disabled:bg-gray-300",
            data_testid="claim-" + item["id"],
        ),
        class_name="w-36 shrink-0 rounded-xl border border-red-200 bg-red-50 p-2",
    )


@store_page(routes.STORE_COUPONS, title="我的优惠券", on_load=WalletState.load)
def wallet_page() -> rx.Component:
    state = WalletState
    return rx.el.div(
        rx.el.a(tr("store.coupons.back"), href=routes.store_account(state.shop["slug"]), class_name="text-sm text-emerald-700 underline"),
        rx.el.h1(tr("store.coupons.wallet"), class_name="mt-2 text-xl font-bold"),
        rx.cond(
            state.loaded & (state.items.length() == 0),
            rx.el.p(tr("store.coupons.none"), class_name="py-10 text-center text-gray-500", data_testid="wallet-empty"),
        ),
        rx.el.ul(rx.foreach(state.items, _wallet_entry), class_name="mt-3 space-y-2", data_testid="coupon-wallet"),
        class_name="px-4 pb-10 pt-4",
    )


def _wallet_entry(item: dict) -> rx.Component:
    unused = item["status"] == "unused"
    return rx.el.li(
        rx.el.div(
            rx.el.p(item["description"], class_name=rx.cond(unused, "font-bold text-red-600", "font-bold text-gray-400")),
            rx.el.p(item["name"], class_name="text-sm text-gray-700"),
            rx.cond(item["until"] != "", rx.el.p(tr("store.coupons.until"), " ", item["until"], class_name="text-xs text-gray-500")),
            class_name="min-w-0 flex-1",
        ),
        rx.match(
            item["status"],
            ("unused", rx.el.span(tr("store.coupons.status.unused"), class_name="text-sm text-red-600")),
            ("used", rx.el.span(tr("store.coupons.status.used"), class_name="text-sm text-gray-500")),
            rx.el.span(tr("store.coupons.status.expired"), class_name="text-sm text-gray-400"),
        ),
        class_name="flex items-center gap-2 rounded-2xl bg-white p-3",
    )


def claimable_cards(shop: dict, product_id: str | None) -> list[dict[str, str]]:
    """The 领券 strip's cards, the same for every shopper: the shop's, or a product's (`product_id`)."""
    if product_id is not None and not product_id.isdigit():
        return []
    with read_scope() as session:
        found = coupons.claimable_coupons(session, int(shop["id"]), int(product_id) if product_id else None)
    return cards_of(found)


def cards_of(claimable: list[dict]) -> list[dict[str, str]]:
    """The 领券 strip's cards for `coupons.claimable_coupons`' answer."""
    return [{"id": str(item["id"]), "name": item["name"], "description": item["description"]} for item in claimable]


def _wallet_row(item: dict) -> dict[str, str]:
    return {"id": str(item["id"]), "name": item["name"], "description": item["description"], "status": item["status"],
            "until": shown_time(item["expires_at"])}
