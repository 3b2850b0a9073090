"""收款与结算 on the billing page: which collection is on (the platform's, or the shop's own Alipay app),
the balance the platform holds for the shop and its latest moves; connecting an app (keys never shown again)."""

import reflex as rx

from shopapp.services.core.clock import shop_time
from shopapp.services.core.money import format_money
from shopapp.services.settlement import accounts, ledger
from shopapp.ui.components.forms import SECONDARY_BUTTON, form_error, form_field, submit_button
from shopapp.ui.components.text import tr, tr_of
from shopapp.ui.console.state import ConsoleState
from shopapp.ui.state import FAILED, FormMixin


class MoneyState(FormMixin, ConsoleState):
    mode_key: str = ""  # money.mode.platform, money.mode.own_alipay
    app_id: str = ""
    balance: str = ""
    commission: str = ""
    entries: list[dict[str, str]] = []

    @rx.event
    def load(self):
        view = self._read(ledger.money_view)
        if view is None:
            return
        self.mode_key = f"money.mode.{view['mode']}"
        self.app_id = view["alipay_app_id"]
        self.balance, self.commission = format_money(view["balance"]), format_money(view["commission_total"])
        self.entries = [{"kind_key": f"money.entry.{e['kind']}", "reference": e["reference"], "amount": format_money(e["amount"]),
                         "day": f"{shop_time(e['at']):%Y-%m-%d}"} for e in view["entries"]]

    @rx.event
    def connect(self, form: dict):
        self._start_submit()
        yield
        done = self._submit(lambda session: accounts.connect_own_alipay(
            session, self._actor(), form.get("app_id", ""), form.get("private_key", ""), form.get("alipay_public_key", "")))
        if done is not FAILED:
            yield MoneyState.load

    @rx.event
    def use_platform(self):
        self._submit(lambda session: accounts.use_platform_collection(session, self._actor()))
        return MoneyState.load


def money_section() -> rx.Component:
    return rx.el.div(
        rx.el.p(tr("money.mode"), ": ", rx.el.strong(tr_of(MoneyState.mode_key, "money.mode."), data_testid="payment-mode"),
                rx.cond(MoneyState.app_id != "", rx.el.span(" · AppID ", MoneyState.app_id, class_name="font-mono text-sm"))),
        rx.el.p(tr("money.balance"), ": ", rx.el.strong(MoneyState.balance, data_testid="shop-balance"), " · ",
                tr("money.commission_total"), ": ", MoneyState.commission, class_name="text-sm"),
        rx.el.ul(rx.foreach(MoneyState.entries, lambda e: rx.el.li(
            rx.el.span(e["day"]), rx.el.span(tr_of(e["kind_key"], "money.entry.")), rx.el.span(e["reference"], class_name="font-mono"),
            rx.el.span(e["amount"]), class_name="flex flex-wrap justify-between gap-2 py-1 text-sm")), class_name="my-3 divide-y"),
        rx.cond(ConsoleState.can_edit_shop, rx.cond(
            MoneyState.app_id != "",
            rx.el.button(tr("money.use_platform"), on_click=MoneyState.use_platform, type="button", class_name=SECONDARY_BUTTON),
            rx.el.form(
                rx.el.p(tr("money.connect_hint"), class_name="mb-3 text-sm text-gray-600"),
                form_error(MoneyState.error),
                form_field("money.app_id", "app_id", MoneyState.errors),
                form_field("money.private_key", "private_key", MoneyState.errors, multiline=True, auto_complete="off"),
                form_field("money.alipay_public_key", "alipay_public_key", MoneyState.errors, multiline=True),
                rx.el.div(submit_button("money.connect", MoneyState.busy), class_name="w-48"),
                on_submit=MoneyState.connect, reset_on_submit=True, no_validate=True,
            ))),
    )
