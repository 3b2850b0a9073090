"""砍价 on a phone: the run's page (product, price now, progress bar, the helpers and their cuts, the share
link), "帮砍一刀" for a logged-in friend, and for the starter a short address form that buys at the price now."""

from datetime import datetime

import reflex as rx

from shopapp.db import read_scope, session_scope
from shopapp.services.checkout import bargain_orders
from shopapp.services.core.errors import DomainError
from shopapp.services.core.money import format_money
from shopapp.services.marketing import bargain_runs
from shopapp.services.shops import regions
from shopapp.settings import get_settings
from shopapp.ui import routes
from shopapp.ui.components.forms import INPUT, PRIMARY_BUTTON, form_error, form_field
from shopapp.ui.components.navigation import leave_to
from shopapp.ui.components.text import tr, tr_of
from shopapp.ui.components.time import shown_time
from shopapp.ui.state import FormMixin, LeaveMixin
from shopapp.ui.store.layout import store_page
from shopapp.ui.store.state import StoreState


class BargainRunState(LeaveMixin, FormMixin, StoreState):
    run: dict[str, str] = {}
    cuts: list[dict[str, str]] = []
    progress: str = "0%"
    share_url: str = ""
    notice: str = ""
    buying: bool = False
    provinces: list[str] = []
    cities: list[str] = []
    districts: list[str] = []
    province: str = ""
    city: str = ""
    district: str = ""
    missing: bool = False

    @rx.event
    def load(self):
        self._load_shop()
        self.notice, self.buying, self.errors, self.error, self.busy = "", False, {}, "", False
        if not self.not_found:
            self._load_run()

    def _load_run(self):
        try:
            with read_scope() as session:
                view = bargain_runs.run_view(session, int(self.shop["id"]), self.run_id, self._shopper_token() or None)
        except DomainError:
            self.missing, self.run, self.cuts = True, {}, []
            return
        money = lambda amount: format_money(amount, self.shop.get("currency", "CNY"))  # noqa: E731
        span = view["start_price"] - view["floor_price"]
        self.missing = False
        self.run = {
            "title": view["title"], "options": view["options"], "price": money(view["price"]), "floor": money(view["floor_price"]),
            "start": money(view["start_price"]), "cut_total": money(view["cut_total"]), "status": view["status"], "status_key": f"bargain.status_{view['status']}",
            "left": money(view["price"] - view["floor_price"]), "starter": view["starter_masked"],
            "expires": shown_time(datetime.fromisoformat(view["expires_at"].replace("Z", "+00:00"))),
            "product_url": routes.product_page(self.shop["slug"], view["product_id"]),
            "mine": "yes" if view["mine"] else "", "helped": "yes" if view["helped"] else "",
            "can_buy": "yes" if view["mine"] and (view["status"] == "finished" or (view["status"] == "open" and view["buy_before_floor"])) else "",
        }
        self.cuts = [{"name": c["name_masked"], "cut": money(c["cut"])} for c in view["cuts"]]
        self.progress = f"{(view['cut_total'] * 100 // span) if span else 100}%"
        self.share_url = get_settings().public_url + view["share_path"]

    @rx.event
    def help_cut(self):
        if not self.shopper:  # log in, then back here
            return rx.redirect(routes.store_log_in_then(self.shop["slug"], routes.store_bargain_run(self.shop["slug"], self.run_id)))
        self.error = ""
        try:
            with session_scope() as session:
                done = bargain_runs.cut(session, int(self.shop["id"]), self.run_id, self._shopper_token())
        except DomainError as refused:
            self.error = self._message(refused)
            self._load_run()
            return
        self._load_run()
        self.notice = self._text("bargain.you_cut").format(amount=format_money(done["cut"], self.shop.get("currency", "CNY")))

    @rx.event
    def open_buy(self):
        self.buying, self.provinces = True, regions.provinces()

    @rx.event
    def choose_province(self, province: str):
        self.province, self.city, self.district = province, "", ""
        self.cities, self.districts = regions.cities(province), []

    @rx.event
    def choose_city(self, city: str):
        self.city, self.district = city, ""
        self.districts = regions.districts(self.province, city)

    @rx.event
    def choose_district(self, district: str):
        self.district = district

    @rx.event
    def buy(self, form: dict):
        self._start_submit()
        yield
        address = {
            "name": form.get("name", ""), "phone": form.get("phone", ""), "province": self.province, "city": self.city,
            "district": self.district, "line1": form.get("line1", ""), "postcode": form.get("postcode", ""),
        }
        try:
            with session_scope() as session:
                placed = bargain_orders.checkout(session, int(self.shop["id"]), self.run_id, self._shopper_token(), address)
        except DomainError as exc:
            self._show_error(exc)
            self.errors = {key.removeprefix("address."): message for key, message in self.errors.items()}
            return
        self.busy = False
        if placed["payment"]:
            self._leave(placed["payment"]["pay_url"])
        else:
            yield rx.redirect(routes.store_order(self.shop["slug"], placed["order_no"], placed["token"]))


@store_page(routes.STORE_BARGAIN_RUN, title="砍价", on_load=BargainRunState.load)
def bargain_run_page() -> rx.Component:
    state = BargainRunState
    return rx.cond(
        state.missing,
        rx.el.p(tr("bargain.missing"), class_name="px-6 py-16 text-center", data_testid="bargain-missing"),
        rx.el.div(
            leave_to(state),
            _head(),
            form_error(state.error),
            rx.cond(state.notice != "", rx.el.p(state.notice, role="status", class_name="rounded-xl bg-emerald-50 p-3 text-emerald-800",
                                                data_testid="bargain-notice")),
            _actions(),
            _helpers(),
            rx.el.div(
                rx.el.p(tr("bargain.share"), class_name="text-sm text-gray-600"),
                rx.el.input(value=state.share_url, read_only=True, aria_label=tr("bargain.share"), class_name=INPUT + " mt-1 text-sm",
                            data_testid="bargain-share"),
                class_name="rounded-2xl bg-white p-4",
            ),
            class_name="space-y-3 px-4 pb-10 pt-4",
        ),
    )


def _head() -> rx.Component:
    run = BargainRunState.run
    return rx.el.section(
        rx.el.p(run["starter"], " ", tr("bargain.asks"), class_name="text-sm text-gray-500"),
        rx.el.a(rx.el.h1(run["title"], class_name="text-lg font-bold"), href=run["product_url"]),
        rx.el.p(run["options"], class_name="text-sm text-gray-500"),
        rx.el.div(
            rx.el.span(tr("bargain.price_now"), " "),
            rx.el.b(run["price"], class_name="text-2xl text-red-600", data_testid="bargain-price"),
            rx.el.s(run["start"], class_name="ml-2 text-sm text-gray-400"),
            class_name="mt-2",
        ),
        rx.el.div(rx.el.div(class_name="h-3 rounded-full bg-red-500", style={"width": BargainRunState.progress}),
                  class_name="mt-3 h-3 w-full overflow-hidden rounded-full bg-red-100", role="progressbar",
                  aria_label=tr("bargain.progress"), data_testid="bargain-progress"),
        rx.el.p(tr("bargain.cut_so_far"), " ", run["cut_total"], " · ", tr("bargain.floor"), " ", run["floor"], " · ",
                tr("bargain.left"), " ", run["left"], class_name="mt-2 text-sm text-gray-600"),
        rx.el.p(tr_of(run["status_key"], "bargain.status_"), " · ", tr("bargain.expires"), " ", run["expires"],
                class_name="mt-1 text-sm font-medium text-gray-800", data_testid="bargain-status"),
        class_name="rounded-2xl bg-white p-4",
    )


def _actions() -> rx.Component:
    state = BargainRunState
    run = state.run
    return rx.cond(
        run["mine"] == "yes",
        rx.cond(run["can_buy"] == "yes", rx.cond(state.buying, _buy_form(), rx.el.button(
            tr("bargain.buy"), " ", run["price"], on_click=state.open_buy, type="button",
            class_name=PRIMARY_BUTTON + " w-full bg-red-600 hover:bg-red-700", data_testid="bargain-buy")),
            rx.el.p(tr("bargain.ask_friends"), class_name="rounded-xl bg-amber-50 p-3 text-sm text-amber-800")),
        rx.cond((run["status"] == "open") & (run["helped"] != "yes"), rx.el.button(
            tr("bargain.help"), on_click=state.help_cut, type="button",
            class_name=PRIMARY_BUTTON + " w-full bg-red-600 hover:bg-red-700", data_testid="bargain-help")),
    )


def _helpers() -> rx.Component:
    return rx.el.section(
        rx.el.h2(tr("bargain.helpers"), class_name="mb-2 font-semibold"),
        rx.cond(BargainRunState.cuts.length() == 0, rx.el.p(tr("bargain.no_helpers"), class_name="text-sm text-gray-500")),
        rx.el.ul(rx.foreach(BargainRunState.cuts, lambda c: rx.el.li(
            rx.el.span(c["name"]), rx.el.span(tr("bargain.cut"), " ", c["cut"], class_name="text-red-600"),
            class_name="flex justify-between py-2")), class_name="divide-y", data_testid="bargain-helpers"),
        class_name="rounded-2xl bg-white p-4",
    )


def _buy_form() -> rx.Component:
    state = BargainRunState
    errors = state.errors
    return rx.el.form(
        form_field("address.name", "name", errors, autocomplete="name"),
        form_field("address.phone", "phone", errors, type="tel", autocomplete="tel", inputmode="numeric"),
        rx.el.div(
            _picker("address.province", "province", state.provinces, state.province, state.choose_province),
            _picker("address.city", "city", state.cities, state.city, state.choose_city),
            _picker("address.district", "district", state.districts, state.district, state.choose_district),
            class_name="grid grid-cols-3 gap-2",
        ),
        form_field("address.line1", "line1", errors, autocomplete="street-address"),
        form_field("address.postcode", "postcode", errors, inputmode="numeric", autocomplete="postal-code"),
        rx.el.button(rx.cond(state.busy, tr("form.saving"), tr("store.place_order")), type="submit", disabled=state.busy,
                     class_name=PRIMARY_BUTTON + " w-full bg-red-600 hover:bg-red-700", data_testid="bargain-place"),
        on_submit=state.buy, reset_on_submit=False, no_validate=True, class_name="rounded-2xl bg-white p-4",
    )


def _picker(label_key: str, name: str, options, value, on_change) -> rx.Component:
    errors = BargainRunState.errors
    return rx.el.div(
        rx.el.label(tr(label_key), html_for=name, class_name="mb-1 block text-sm font-medium text-gray-800"),
        rx.el.select(rx.el.option(tr("store.choose"), value=""), rx.foreach(options, lambda o: rx.el.option(o, value=o)),
                     id=name, name=name, value=value, on_change=on_change, class_name=INPUT + " px-2"),
        rx.cond(errors.contains(name), rx.el.p(errors[name], role="alert", class_name="mt-1 text-sm text-red-600")),
        class_name="mb-4 min-w-0",
    )
