"""Console 积分与会员, second half: one customer's points (found by e-mail) with the owner's adjustment,
and the 积分商城's rewards. The page itself is points.py."""

import reflex as rx

from shopapp.services.core.errors import NotFound
from shopapp.services.customers import shoppers
from shopapp.services.marketing import points, rewards
from shopapp.ui.components.forms import INPUT, PRIMARY_BUTTON, SECONDARY_BUTTON, form_error
from shopapp.ui.components.points import move_item, move_row
from shopapp.ui.components.text import tr
from shopapp.ui.console.state import ConsoleState
from shopapp.ui.state import FAILED, FormMixin


class CustomerPointsState(FormMixin, ConsoleState):
    customer: dict[str, str] = {}  # id, email, available, frozen, level
    moves: list[dict[str, str]] = []
    reward_rows: list[dict[str, str]] = []
    adjust_key: int = 0  # the adjustment form empties after each one that worked
    adjusted: bool = False
    reward_key: int = 0  # the new-reward form empties after each reward added

    @rx.event
    def load(self):
        self.customer, self.moves, self.adjusted = {}, [], False
        self._load_rewards()

    @rx.event
    def find(self, form: dict):
        self._start_submit()
        self.adjusted = False
        email = (form.get("email") or "").strip().lower()

        def look_up(session):
            actor = self._actor()
            found = shoppers.customer_by_email(session, actor.shop_id, email)
            if found is None:
                raise NotFound("customer_not_found")
            return points.owner_view(session, actor, found.id)

        view = self._submit(look_up)
        if view is not FAILED:
            self._show(view)

    @rx.event
    def adjust(self, form: dict):
        if not self.customer:
            return
        self._start_submit()
        customer_id = int(self.customer["id"])
        delta = (form.get("delta") or "").strip()
        delta = int(delta) if delta.lstrip("-").isdigit() and len(delta) < 12 else delta
        done = self._submit(lambda session: points.adjust(session, self._actor(), customer_id, delta, form.get("reason", "")))
        if done is FAILED:
            self.error = "；".join(self.errors.values()) or self.error  # one line: the form has no place per field
            return
        self._show(self._read(lambda session, actor: points.owner_view(session, actor, customer_id)))
        self.adjusted, self.adjust_key = True, self.adjust_key + 1

    @rx.event
    def add_reward(self, form: dict):
        self._start_submit()
        costs = {name: _whole(form.get(name)) for name in ("points", "stock")}
        # A coupon's id instead of a SKU: the reward sells the coupon into the shopper's wallet.
        if (form.get("coupon_id") or "").strip() and not (form.get("sku") or "").strip():
            data = {"kind": "coupon", "coupon_id": _whole(form.get("coupon_id")), **costs}
        else:
            data = {"kind": "product", "sku": form.get("sku", ""), **costs}
        done = self._submit(lambda session: rewards.create_reward(session, self._actor(), data), fields="reward_")
        if done is FAILED:
            self.error = ""
            return
        self.reward_key += 1
        self._load_rewards()

    def _load_rewards(self):
        found = self._read(rewards.list_rewards)
        self.reward_rows = [_reward_row(reward) for reward in found or []]

    def _show(self, view: dict | None):
        if view is None:
            return
        level = view["level"] or {}
        self.customer = {
            "id": str(view["customer"]["id"]), "email": view["customer"]["email"], "available": str(view["available"]),
            "frozen": str(view["frozen"]), "level": level.get("name", ""),
        }
        self.moves = [move_row(move) for move in view["moves"]]


def _whole(text) -> int | str:
    """A number as typed ("300") as the service takes it; anything else as typed, for the service to name."""
    text = (text or "").strip()
    return int(text) if text.isdigit() and len(text) < 12 else text


def _reward_row(reward: dict) -> dict[str, str]:
    return {
        "id": str(reward["id"]), "title": reward["title"] or f"#{reward['variant_id']}", "points": str(reward["points"]),
        "stock": str(reward["stock"]), "redeemed": str(reward["redeemed"]),
    }


def customer_points() -> rx.Component:
    state = CustomerPointsState
    return rx.el.section(
        rx.el.h2(tr("points.customer_title"), class_name="text-lg font-semibold"),
        rx.el.form(
            rx.el.input(name="email", type="email", placeholder=tr("points.customer_email"), aria_label=tr("points.customer_email"),
                        class_name=INPUT),
            rx.el.button(tr("points.find"), type="submit", class_name=SECONDARY_BUTTON, data_testid="points-find"),
            on_submit=state.find, reset_on_submit=False, no_validate=True, class_name="flex gap-2",
        ),
        form_error(state.error),
        rx.cond(state.customer.contains("id"), _customer_card()),
        class_name="space-y-3 rounded-2xl border bg-white p-4",
    )


def _reward_form() -> rx.Component:
    state = CustomerPointsState

    def field(name: str, label: str, **attrs) -> rx.Component:
        error = "reward_" + name
        return rx.el.div(
            rx.el.input(name=name, placeholder=tr(label), aria_label=tr(label), key=state.reward_key, class_name=INPUT, **attrs),
            rx.cond(state.errors.contains(error), rx.el.p(state.errors[error], role="alert", class_name="mt-1 text-sm text-red-600")),
            class_name="min-w-0 flex-1",
        )

    return rx.el.form(
        field("sku", "points.reward_sku"),
        field("coupon_id", "points.reward_coupon_id", inputmode="numeric"),
        field("points", "points.reward_points", inputmode="numeric"),
        field("stock", "points.reward_stock", inputmode="numeric"),
        rx.el.button(tr("points.add_reward"), type="submit", class_name=SECONDARY_BUTTON, data_testid="points-add-reward"),
        on_submit=state.add_reward, reset_on_submit=False, no_validate=True, class_name="flex flex-col gap-2 sm:flex-row sm:items-start",
    )


def _customer_card() -> rx.Component:
    state = CustomerPointsState
    return rx.el.div(
        rx.el.p(state.customer["email"], " · ", tr("points.available"), " ",
                rx.el.span(state.customer["available"], class_name="font-bold", data_testid="customer-points-available"),
                " · ", tr("points.frozen"), " ", state.customer["frozen"],
                rx.cond(state.customer["level"] != "", rx.el.span(" · ", state.customer["level"])),
                class_name="text-sm"),
        rx.cond(state.adjusted, rx.el.p(tr("points.adjusted"), role="status", class_name="text-sm text-emerald-800")),
        rx.el.form(
            rx.el.input(name="delta", inputmode="numeric", placeholder=tr("points.delta"), aria_label=tr("points.delta"),
                        key=state.adjust_key, class_name=INPUT + " sm:w-32"),
            rx.el.input(name="reason", placeholder=tr("points.reason"), aria_label=tr("points.reason"), key=state.adjust_key, class_name=INPUT),
            rx.el.button(tr("points.adjust"), type="submit", class_name=PRIMARY_BUTTON, data_testid="points-adjust"),
            on_submit=state.adjust, reset_on_submit=False, no_validate=True, class_name="flex flex-col gap-2 sm:flex-row",
        ),
        rx.el.ul(rx.foreach(state.moves, move_item), class_name="divide-y rounded-xl border", data_testid="customer-points-moves"),
        class_name="space-y-3",
    )


def rewards_list() -> rx.Component:
    state = CustomerPointsState
    return rx.el.section(
        rx.el.h2(tr("points.rewards"), class_name="text-lg font-semibold"),
        rx.el.p(tr("points.rewards_hint"), class_name="text-sm text-gray-500"),
        rx.cond(
            state.reward_rows.length() == 0,
            rx.el.p(tr("points.no_rewards"), class_name="text-sm text-gray-500"),
            rx.el.ul(rx.foreach(state.reward_rows, lambda reward: rx.el.li(
                rx.el.span(reward["title"], class_name="font-medium"),
                rx.el.span(reward["points"], " ", tr("points.unit"), " · ", tr("points.stock"), " ", reward["stock"], " · ",
                           tr("points.redeemed"), " ", reward["redeemed"], class_name="text-sm text-gray-600"),
                class_name="flex justify-between gap-2 p-3",
            )), class_name="divide-y rounded-xl border", data_testid="points-rewards"),
        ),
        _reward_form(),
        class_name="space-y-3 rounded-2xl border bg-white p-4",
    )
