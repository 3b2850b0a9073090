"""积分商城: what the shop's points buy now (a coupon into 我的优惠券, or a product as a ¥0 order), the
shopper's available points, and 兑换 after a confirmation; a product that is delivered asks for the
address first (the checkout's address fields). A guest is sent to log in and comes back here."""

import reflex as rx

from shopapp.db import read_scope, session_scope
from shopapp.services.checkout import redeem
from shopapp.services.core.errors import DomainError
from shopapp.services.customers import shoppers
from shopapp.services.marketing import points, rewards
from shopapp.ui import routes
from shopapp.ui.components.address import AddressMixin, address_fields
from shopapp.ui.components.forms import PRIMARY_BUTTON, SECONDARY_BUTTON, form_error
from shopapp.ui.components.text import tr
from shopapp.ui.state import FormMixin
from shopapp.ui.store.layout import store_page
from shopapp.ui.store.state import StoreState


class PointsMallState(AddressMixin, FormMixin, StoreState):
    items: list[dict[str, str]] = []  # {id, kind, title, points, stock, enough ("yes"/"")}
    available: str = ""  # the shopper's available points; "" for a guest
    asking: dict[str, str] = {}  # the reward being confirmed: {id, kind, title, points}
    coupon_done: str = ""  # the coupon just redeemed, now in 我的优惠券
    done_id: str = ""  # its reward, while still listed ("": the message shows above the list)
    loaded: bool = False

    @rx.event
    def load(self):
        self._load_shop()
        self.asking, self.coupon_done, self.done_id, self.errors, self.error, self.busy = {}, "", "", {}, "", False
        self._load_mall()

    def _load_mall(self):
        self.loaded = False
        if self.not_found:
            self.items, self.available = [], ""
            return
        shop_id = int(self.shop["id"])
        with read_scope() as session:
            found = rewards.store_rewards(session, shop_id)
            mine = self._available(session, shop_id)
        self.available = "" if mine is None else str(mine)
        self.items = [_item(reward, mine) for reward in found]
        self.loaded = True

    def _available(self, session, shop_id: int) -> int | None:
        if not self.shopper:
            return None
        try:
            customer = shoppers.customer_for_token(session, shop_id, self._shopper_token())
        except DomainError:
            self._forget_shopper()
            return None
        return points.balances(session, shop_id, customer.id)["available"]

    @rx.event
    def ask(self, reward_id: str):
        """兑换 tapped: a guest goes to log in (and comes back); a shopper is asked to confirm."""
        if not self.shopper:
            return rx.redirect(routes.store_log_in_then(self.shop["slug"], routes.store_points_mall(self.shop["slug"])))
        chosen = next((item for item in self.items if item["id"] == reward_id), None)
        self.errors, self.error, self.coupon_done, self.done_id = {}, "", "", ""
        if chosen is None:
            return
        self.asking = {key: chosen[key] for key in ("id", "kind", "title", "points")}
        if chosen["kind"] == "product":
            self._start_address()

    @rx.event
    def cancel(self):
        self.asking, self.errors, self.error = {}, {}, ""

    @rx.event
    def confirm(self, form: dict):
        """Redeem the reward being asked about: a coupon stays on this page (with a link to the wallet), a
        product's ¥0 order opens its page; a refusal (not enough points, sold out) says why and takes nothing."""
        if not self.asking:
            return
        self._start_submit()
        yield
        reward_id, kind, title = int(self.asking["id"]), self.asking["kind"], self.asking["title"]
        address = self._address(form) if kind == "product" else None
        try:
            with session_scope() as session:
                done = redeem.redeem(session, int(self.shop["id"]), reward_id, self._shopper_token(), address)
        except DomainError as refused:
            self._show_error(refused)
            self.errors = {key.removeprefix("address."): message for key, message in self.errors.items()}
            if not self.errors:  # not enough points, sold out, logged out: said above the list, nothing taken
                self.asking = {}
            if refused.code in ("login_required", "invalid_token"):
                self._forget_shopper()
            self._load_mall()
            return
        self.busy, self.asking = False, {}
        if "order_no" in done:
            yield rx.redirect(routes.store_account_order(self.shop["slug"], done["order_no"]))
            return
        self.coupon_done = title
        self._load_mall()
        self.done_id = str(reward_id) if any(item["id"] == str(reward_id) for item in self.items) else ""


def _item(reward: dict, available: int | None) -> dict[str, str]:
    return {
        "id": str(reward["id"]), "kind": reward["kind"], "title": reward["title"], "points": str(reward["points"]),
        "stock": str(reward["stock"]), "enough": "yes" if available is None or available >= reward["points"] else "",
    }


@store_page(routes.STORE_POINTS_MALL, title="积分商城", on_load=PointsMallState.load)
def points_mall_page() -> rx.Component:
    state = PointsMallState
    return rx.el.div(
        rx.el.h1(tr("mall.title"), class_name="text-xl font-bold"),
        _balance(),
        rx.cond((state.coupon_done != "") & (state.done_id == ""), _coupon_done()),
        rx.cond(state.asking.contains("id"), rx.fragment(), form_error(state.error)),
        rx.cond(
            state.items.length() == 0,
            rx.cond(state.loaded, rx.el.p(tr("mall.empty"), class_name="py-10 text-center text-gray-500", data_testid="mall-empty")),
            rx.el.ul(rx.foreach(state.items, _reward), class_name="grid grid-cols-1 gap-3", data_testid="mall-rewards"),
        ),
        class_name="space-y-3 px-4 pb-10 pt-4",
    )


def _balance() -> rx.Component:
    state = PointsMallState
    slug = state.shop["slug"]
    return rx.cond(
        state.shopper.contains("email"),
        rx.el.a(
            rx.el.span(tr("mall.my_points"), class_name="text-sm text-gray-600"),
            rx.el.span(state.available, class_name="text-2xl font-bold text-red-600", data_testid="mall-available"),
            href=routes.store_points(slug), class_name="flex items-center justify-between rounded-2xl bg-white p-4",
        ),
        rx.el.p(tr("mall.log_in_hint"), " ", rx.el.a(tr("account.login_title"), href=routes.store_account(slug) + "?back=" + routes.store_points_mall(slug),
                                                      class_name="text-emerald-700 underline", data_testid="mall-log-in"),
                class_name="rounded-2xl bg-white p-4 text-sm text-gray-600"),
    )


def _reward(item: dict) -> rx.Component:
    state = PointsMallState
    row = rx.el.div(
        rx.el.div(
            rx.el.p(item["title"], class_name="font-medium"),
            rx.el.p(rx.cond(item["kind"] == "coupon", tr("mall.kind_coupon"), tr("mall.kind_product")), " · ",
                    tr("mall.stock"), " ", item["stock"], class_name="text-sm text-gray-500"),
            rx.el.p(item["points"], " ", tr("mall.points_unit"), class_name="mt-1 font-bold text-red-600"),
            class_name="min-w-0 flex-1",
        ),
        rx.el.div(
            rx.el.button(tr("mall.redeem"), on_click=state.ask(item["id"]), type="button", disabled=item["enough"] != "yes",
                         class_name=PRIMARY_BUTTON + " bg-red-600 hover:bg-red-700 disabled:bg-gray-300", data_testid="mall-redeem"),
            rx.cond(item["enough"] != "yes", rx.el.p(tr("mall.not_enough"), class_name="mt-1 text-xs text-gray-500")),
            class_name="shrink-0 text-right",
        ),
        class_name="flex items-center justify-between gap-3",
    )
    # The question and the outcome under the reward tapped, where the eye is (not at the top of a long list).
    return rx.el.li(
        row,
        rx.cond(state.asking["id"] == item["id"], _confirmation()),
        rx.cond(state.done_id == item["id"], _coupon_done()),
        class_name="rounded-2xl bg-white p-4", data_testid="mall-reward",
    )


def _confirmation() -> rx.Component:
    state = PointsMallState
    asking = state.asking
    return rx.el.form(
        rx.el.p(tr("mall.confirm_before"), " ", rx.el.b(asking["points"]), " ", tr("mall.confirm_middle"), " ",
                rx.el.b(asking["title"]), tr("mall.confirm_after"), class_name="font-medium", data_testid="mall-question"),
        rx.cond(asking["kind"] == "product", rx.el.div(
            rx.el.h2(tr("store.address_section"), class_name="mb-3 mt-3 font-semibold"), address_fields(state))),
        form_error(state.error),
        rx.el.div(
            rx.el.button(rx.cond(state.busy, tr("form.saving"), tr("mall.confirm")), type="submit", disabled=state.busy,
                         class_name=PRIMARY_BUTTON + " bg-red-600 hover:bg-red-700", data_testid="mall-confirm"),
            rx.el.button(tr("form.cancel"), on_click=state.cancel, type="button", class_name=SECONDARY_BUTTON),
            class_name="mt-3 flex flex-wrap gap-2",
        ),
        on_submit=state.confirm, reset_on_submit=False, no_validate=True,
        class_name="mt-3 rounded-xl border-2 border-red-200 p-3", data_testid="mall-confirmation",
    )


def _coupon_done() -> rx.Component:
    state = PointsMallState
    return rx.el.div(
        rx.el.p(tr("mall.coupon_done"), " ", rx.el.b(state.coupon_done), class_name="text-emerald-800"),
        rx.el.a(tr("mall.see_wallet"), " ›", href=routes.store_coupons(state.shop["slug"]),
                class_name="mt-1 inline-block font-medium text-emerald-700 underline", data_testid="mall-wallet-link"),
        role="status", class_name="mt-3 rounded-xl bg-emerald-50 p-3", data_testid="mall-coupon-done",
    )
