"""推广中心 (分销): a logged-in shopper becomes a promoter, then sees their earnings (frozen, available,
withdrawn), their team, the commissions of their orders, a withdrawal form, their link and share poster."""

import reflex as rx

from shopapp.db import read_scope
from shopapp.services.core.errors import DomainError, Invalid
from shopapp.services.core.money import format_money, parse_money
from shopapp.services.customers import shoppers
from shopapp.services.marketing import affiliate_money, affiliates
from shopapp.ui import routes
from shopapp.ui.components.forms import INPUT, PRIMARY_BUTTON, form_error
from shopapp.ui.components.text import tr, tr_of
from shopapp.ui.components.time import shown_time
from shopapp.ui.state import FAILED, FormMixin
from shopapp.ui.store.layout import store_page
from shopapp.ui.store.state import StoreState


class PromoterState(FormMixin, StoreState):
    mine: dict[str, str] = {}  # code, link, poster, frozen, available, requested, withdrawn, level1, level2
    commissions: list[dict[str, str]] = []
    withdrawals: list[dict[str, str]] = []
    is_promoter: bool = False
    program_on: bool = False
    withdraw_sent: bool = False
    loaded: bool = False

    @rx.event
    def load(self):
        self._load_shop()
        self.errors, self.error, self.busy, self.withdraw_sent = {}, "", False, False
        self._load_mine()

    @rx.event
    def join(self, form: dict):
        self._start_submit()
        shop_id, token = int(self.shop["id"]), self._shopper_token()
        invite = (form.get("invite_code") or "").strip() or None
        done = self._submit(lambda session: affiliates.become_promoter(
            session, shop_id, shoppers.customer_for_token(session, shop_id, token).id, invite))
        if done is not FAILED:
            self._load_mine()

    @rx.event
    def withdraw(self, form: dict):
        self._start_submit()
        self.withdraw_sent = False
        shop_id, token = int(self.shop["id"]), self._shopper_token()
        typed = (form.get("amount") or "").strip()

        def act(session):
            try:
                amount = parse_money(typed, field="amount") if typed else ""
            except Invalid:
                amount = typed  # the service names the field
            customer = shoppers.customer_for_token(session, shop_id, token)
            return affiliate_money.request_withdrawal(session, shop_id, customer.id, amount)

        if self._submit(act) is not FAILED:
            self.withdraw_sent = True
            self._load_mine()

    def _load_mine(self):
        self.loaded = False
        if self.not_found or not self.shopper:
            self.mine, self.commissions, self.withdrawals, self.is_promoter, self.loaded = {}, [], [], False, True
            return
        shop_id, currency = int(self.shop["id"]), self.shop.get("currency", "CNY")
        try:
            with read_scope() as session:
                customer = shoppers.customer_for_token(session, shop_id, self._shopper_token())
                self.program_on = affiliates.active_program(session, shop_id) is not None
                found = affiliates.promoter_of(session, shop_id, customer.id)
                view = affiliate_money.promoter_view(session, shop_id, customer.id) if found else None
        except DomainError:
            self._forget_shopper()
            self.loaded = True
            return
        self.is_promoter = view is not None
        if view is not None:
            self.mine = _summary(view, self.shop["slug"], currency)
            self.commissions = [_commission_row(row, currency) for row in view["commissions"]]
            self.withdrawals = [_withdrawal_row(row, currency) for row in view["withdrawals"]]
        self.loaded = True


def _summary(view: dict, slug: str, currency: str) -> dict[str, str]:
    return {
        "code": view["code"], "link": view["link"], "poster": routes.promoter_poster(slug, view["code"]),
        **{name: format_money(view[name], currency) for name in ("frozen", "available", "requested", "withdrawn")},
        "level1": str(view["team"]["level1"]), "level2": str(view["team"]["level2"]), "invited": str(view["team"]["invited"]),
    }


def _commission_row(row: dict, currency: str) -> dict[str, str]:
    return {"order_no": row["order_no"], "level": str(row["level"]), "amount": format_money(row["amount"], currency),
            "status": row["status"], "status_key": "promoter.status." + row["status"], "at": shown_time(row["created_at"])}


def _withdrawal_row(row: dict, currency: str) -> dict[str, str]:
    return {"amount": format_money(row["amount"], currency), "status_key": "promoter.withdrawal." + row["status"], "at": shown_time(row["requested_at"])}


@store_page(routes.STORE_PROMOTER, title="推广中心", on_load=PromoterState.load)
def promoter_page() -> rx.Component:
    state = PromoterState
    return rx.el.div(
        rx.el.h1(tr("promoter.title"), class_name="text-xl font-bold"),
        rx.cond(
            state.shopper.contains("email"),
            rx.cond(state.is_promoter, _centre(), rx.cond(state.loaded, _join())),
            rx.cond(state.loaded, rx.el.div(
                rx.el.p(tr("promoter.log_in_first"), class_name="text-gray-600"),
                rx.el.a(tr("account.login_title"), href=routes.store_account(state.shop["slug"]),
                        class_name="mt-3 inline-block text-emerald-700 underline"),
                class_name="mt-4 rounded-2xl bg-white p-4",
            )),
        ),
        class_name="px-4 pb-10 pt-4",
    )


def _join() -> rx.Component:
    state = PromoterState
    return rx.cond(
        state.program_on,
        rx.el.form(
            rx.el.p(tr("promoter.join_hint"), class_name="text-sm text-gray-600"),
            form_error(state.error),
            rx.el.label(tr("promoter.invite_code"), html_for="invite_code", class_name="block text-sm font-medium"),
            rx.el.input(id="invite_code", name="invite_code", autocapitalize="characters", class_name=INPUT),
            rx.cond(state.errors.contains("invite_code"),
                    rx.el.p(state.errors["invite_code"], role="alert", class_name="text-sm text-red-600")),
            rx.el.button(tr("promoter.join"), type="submit", class_name=PRIMARY_BUTTON + " w-full", data_testid="promoter-join"),
            on_submit=state.join, reset_on_submit=False, no_validate=True, class_name="mt-3 space-y-3 rounded-2xl bg-white p-4",
        ),
        rx.el.p(tr("promoter.program_off"), class_name="mt-4 rounded-2xl bg-white p-4 text-gray-600"),
    )


def _money(label: str, name: str, strong: bool = False) -> rx.Component:
    return rx.el.div(
        rx.el.p(tr(label), class_name="text-xs text-gray-500"),
        rx.el.p(PromoterState.mine[name], data_testid=f"promoter-{name}",
                class_name="text-lg font-bold " + ("text-red-600" if strong else "text-gray-800")),
    )


def _centre() -> rx.Component:
    state = PromoterState
    return rx.el.div(
        rx.el.div(
            _money("promoter.available", "available", strong=True), _money("promoter.frozen", "frozen"),
            _money("promoter.withdrawn", "withdrawn"),
            class_name="grid grid-cols-3 gap-2 rounded-2xl bg-white p-4",
        ),
        rx.el.p(tr("promoter.frozen_hint"), class_name="text-xs text-gray-500"),
        rx.el.div(
            rx.el.p(tr("promoter.team"), class_name="font-semibold"),
            rx.el.p(tr("promoter.level1"), " ", rx.el.span(state.mine["level1"], data_testid="promoter-level1"), " · ",
                    tr("promoter.level2"), " ", rx.el.span(state.mine["level2"], data_testid="promoter-level2"),
                    class_name="text-sm text-gray-700"),
            class_name="rounded-2xl bg-white p-4",
        ),
        _share(),
        _withdraw_form(),
        rx.el.h2(tr("promoter.commissions"), class_name="font-semibold"),
        rx.cond(
            state.commissions.length() == 0,
            rx.el.p(tr("promoter.no_commissions"), class_name="py-4 text-center text-sm text-gray-500"),
            rx.el.ul(rx.foreach(state.commissions, _commission_item), class_name="divide-y rounded-2xl bg-white",
                     data_testid="promoter-commissions"),
        ),
        rx.cond(state.withdrawals.length() > 0, rx.el.div(
            rx.el.h2(tr("promoter.withdrawals"), class_name="font-semibold"),
            rx.el.ul(rx.foreach(state.withdrawals, _withdrawal_item), class_name="mt-2 divide-y rounded-2xl bg-white",
                     data_testid="promoter-withdrawals"),
        )),
        class_name="mt-3 space-y-3",
    )


def _share() -> rx.Component:
    state = PromoterState
    return rx.el.div(
        rx.el.p(tr("promoter.my_code"), " ", rx.el.span(state.mine["code"], data_testid="promoter-code", class_name="font-mono font-bold"),
                class_name="font-semibold"),
        rx.el.label(tr("promoter.link"), html_for="promoter_link", class_name="block text-sm text-gray-600"),
        rx.el.input(id="promoter_link", value=state.mine["link"], read_only=True, data_testid="promoter-link", class_name=INPUT),
        rx.el.img(src=state.mine["poster"], alt=tr("promoter.poster"), width="300", height="430",
                  class_name="mx-auto w-3/4 max-w-xs rounded-xl border", data_testid="promoter-poster"),
        rx.el.a(tr("promoter.save_poster"), href=state.mine["poster"], download="poster.png",
                class_name="block text-center text-sm text-emerald-700 underline"),
        class_name="space-y-2 rounded-2xl bg-white p-4",
    )


def _withdraw_form() -> rx.Component:
    state = PromoterState
    return rx.el.form(
        rx.el.p(tr("promoter.withdraw"), class_name="font-semibold"),
        form_error(state.error),
        rx.cond(state.withdraw_sent, rx.el.p(tr("promoter.withdraw_sent"), role="status", data_testid="promoter-withdraw-sent",
                                             class_name="rounded-lg bg-emerald-50 px-3 py-2 text-sm text-emerald-800")),
        rx.el.label(tr("promoter.amount"), html_for="withdraw_amount", class_name="block text-sm text-gray-600"),
        rx.el.input(id="withdraw_amount", name="amount", inputmode="decimal", class_name=INPUT),
        rx.cond(state.errors.contains("amount"), rx.el.p(state.errors["amount"], role="alert", class_name="text-sm text-red-600")),
        rx.el.button(tr("promoter.withdraw_submit"), type="submit", class_name=PRIMARY_BUTTON + " w-full",
                     data_testid="promoter-withdraw"),
        rx.el.p(tr("promoter.withdraw_hint"), class_name="text-xs text-gray-500"),
        on_submit=state.withdraw, reset_on_submit=True, no_validate=True, class_name="space-y-2 rounded-2xl bg-white p-4",
    )


def _commission_item(row: dict) -> rx.Component:
    return rx.el.li(
        rx.el.div(rx.el.p(row["order_no"], class_name="font-mono text-sm"),
                  rx.el.p(tr("promoter.level"), " ", row["level"], " · ", row["at"], class_name="text-xs text-gray-500")),
        rx.el.div(rx.el.p(row["amount"], class_name="font-semibold"),
                  rx.el.p(tr_of(row["status_key"], "promoter.status."), class_name="text-xs text-gray-600")),
        class_name="flex items-center justify-between p-3",
    )


def _withdrawal_item(row: dict) -> rx.Component:
    return rx.el.li(
        rx.el.p(row["at"], class_name="text-xs text-gray-500"),
        rx.el.p(row["amount"], " · ", tr_of(row["status_key"], "promoter.withdrawal."), class_name="text-sm"),
        class_name="flex items-center justify-between p-3",
    )
