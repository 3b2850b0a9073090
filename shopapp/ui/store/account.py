"""The shopper's account in this shop: log in, register or reset a forgotten password, then the
order history; log out.

Logging in brings the guest cart along (services.customers); the tokens stay in this browser
only (StoreState), and an order in the history opens without its link's token.
"""

import reflex as rx

from shopapp.db import session_scope
from shopapp.services.checkout import shopper_sign_in
from shopapp.services.core.errors import DomainError
from shopapp.services.core.money import format_money
from shopapp.services.customers import email_verification, password_resets, shoppers
from shopapp.services.orders import listing
from shopapp.ui import routes
from shopapp.ui.components.forms import SECONDARY_BUTTON, form_error, form_field, submit_button
from shopapp.ui.components.pager import PagesMixin, pager
from shopapp.ui.components.status import order_status_label
from shopapp.ui.components.text import tr
from shopapp.ui.components.time import shown_time
from shopapp.ui.state import FAILED, FormMixin
from shopapp.ui.store.layout import store_page
from shopapp.ui.store.state import StoreState

PER_PAGE = 10


class AccountState(FormMixin, PagesMixin, StoreState):
    mode: str = "login"  # login, register, forgot
    reset_sent: bool = False
    verification_sent: bool = False
    history: list[dict[str, str]] = []
    loaded: bool = False

    @rx.event
    def load(self):
        self._load_shop()
        self.errors, self.error, self.busy, self.page, self.reset_sent = {}, "", False, 1, False
        if not self.not_found:
            self._load_history()
        self.loaded = True

    @rx.event
    def switch(self, mode: str):
        self.mode, self.errors, self.error, self.reset_sent = mode, {}, "", False

    @rx.event
    def submit(self, form: dict):
        self._start_submit()
        yield
        email, password, shop_id = form.get("email", ""), form.get("password", ""), int(self.shop["id"])
        cart_token = self._cart_token() or None
        ref = self.affiliate_ref or None  # a promoter's link this tab came by (分销)

        def act(session):
            if self.mode == "forgot":
                return password_resets.request_shopper_reset(session, shop_id, email)
            if self.mode == "register":
                return shopper_sign_in.register(session, shop_id, email=email, password=password,
                                          name=form.get("name", ""), cart_token=cart_token, ref=ref)
            return shopper_sign_in.log_in(session, shop_id, email=email, password=password,
                                    cart_token=cart_token, ip=self.router.session.client_ip, ref=ref)

        result = self._submit(act)
        if result is FAILED:
            return
        if self.mode == "forgot":
            self.reset_sent = True
        else:
            self._welcome(result)
            back = self.router.url.query_parameters.get("next", "")  # a page of this shop that sent them to log in
            if back.startswith(f"/s/{self.shop['slug']}/") and "//" not in back and "\\" not in back:
                yield rx.redirect(back)

    @rx.event
    def resend_verification(self):
        shop_id, token = int(self.shop["id"]), self._shopper_token()
        self._start_submit()
        done = self._submit(lambda session: email_verification.send_verification(
            session, shop_id, shoppers.customer_for_token(session, shop_id, token),
        ))
        self.verification_sent = done is not FAILED

    @rx.event
    def log_out(self):
        with session_scope() as session:
            shoppers.log_out(session, self._shopper_token())
        self._forget_shopper()
        self.history, self.mode = [], "login"
        self._counted(0, PER_PAGE)

    def _load_page(self):
        self._load_history()

    def _welcome(self, logged_in: shoppers.LoggedIn):
        self._remember_shopper(logged_in)
        with session_scope() as session:
            self.cart_count = self._count_cart(session)
        self._load_history()

    def _load_history(self):
        if not self.shopper:
            self.history = []
            self._counted(0, PER_PAGE)
            return
        try:
            with session_scope() as session:
                rows, total = listing.customer_orders(
                    session, int(self.shop["id"]), self._shopper_token(), page=self.page, per_page=PER_PAGE,
                )
        except DomainError:
            self._forget_shopper()
            return
        self._counted(total, PER_PAGE)
        slug = self.shop["slug"]
        self.history = [{
            "order_no": row["order_no"], "status": row["status"], "items": str(row["item_count"]),
            "total": format_money(row["total"], row["currency"]), "at": shown_time(row["created_at"]),
            "url": routes.store_account_order(slug, row["order_no"]),
        } for row in rows]


class VerifyEmailState(AccountState):
    """The page the sign-up e-mail's link opens: the address is proven, its guest orders join the account."""

    joined: int = 0
    verified: bool = False

    @rx.event
    def verify(self):
        self._load_shop()
        self.loaded, self.verified, self.joined, self.error = False, False, 0, ""
        if self.not_found:
            return
        shop_id, token = int(self.shop["id"]), self.verify_token
        self._start_submit()
        result = self._submit(lambda session: email_verification.verify_email(session, shop_id, token))
        if result is not FAILED:
            self.verified, self.joined = True, result["orders_joined"]
            self._load_shop()  # a shopper logged in here now shows as verified
        self.loaded = True


class PasswordResetState(AccountState):
    """The page the e-mailed link opens: a new password, then logged in and on to the account."""

    @rx.event
    def save_password(self, form: dict):
        self._start_submit()
        yield
        logged_in = self._submit(lambda session: password_resets.reset_shopper_password(
            session, int(self.shop["id"]), self.reset_token, form.get("password", ""),
        ))
        if logged_in is FAILED:
            return
        self._welcome(logged_in)
        yield rx.redirect(routes.store_account(self.shop["slug"]))


@store_page(routes.STORE_ACCOUNT, title="我的", on_load=AccountState.load)
def account_page() -> rx.Component:
    state = AccountState
    return rx.cond(
        state.shopper.contains("email"),
        _orders(),
        rx.cond(state.loaded, rx.cond(state.reset_sent, _reset_sent(), _log_in_form())),
    )


@store_page(routes.STORE_VERIFY_EMAIL, title="验证邮箱", on_load=VerifyEmailState.verify)
def verify_email_page() -> rx.Component:
    state = VerifyEmailState
    return rx.el.div(
        rx.el.h1(tr("verify.title"), class_name="mb-2 text-xl font-bold"),
        rx.cond(
            state.loaded,
            rx.cond(
                state.verified,
                rx.el.p(tr("verify.done"), " ", rx.cond(state.joined > 0, rx.el.span(tr("verify.joined_before"), " ", state.joined, " ", tr("verify.joined_after"))),
                        role="status", class_name="text-emerald-800", data_testid="verify-result"),
                rx.el.p(state.error, role="alert", class_name="text-red-700", data_testid="verify-result"),
            ),
        ),
        rx.el.a(tr("verify.to_account"), href=routes.store_account(state.shop["slug"]), class_name="mt-4 inline-block text-emerald-700 underline"),
        class_name="mx-4 mt-4 rounded-2xl bg-white p-4",
    )


@store_page(routes.STORE_PASSWORD_RESET, title="设置新密码", on_load=PasswordResetState.load)
def password_reset_page() -> rx.Component:
    state = PasswordResetState
    return rx.el.form(
        rx.el.h1(tr("reset.new_title"), class_name="mb-4 text-xl font-bold"),
        form_error(state.error),
        form_field("reset.new_password", "password", state.errors, type="password", autocomplete="new-password",
                   hint_key="form.password_hint"),
        submit_button("reset.save", state.busy),
        on_submit=state.save_password, reset_on_submit=False, no_validate=True,
        class_name="mx-4 mt-4 rounded-2xl bg-white p-4",
    )


def _log_in_form() -> rx.Component:
    state = AccountState
    errors = state.errors
    return rx.el.form(
        rx.el.h1(rx.match(state.mode, ("register", tr("account.register_title")), ("forgot", tr("reset.request_title")), tr("account.login_title")),
                 class_name="text-xl font-bold"),
        rx.el.p(rx.cond(state.mode == "forgot", tr("reset.request_intro"), tr("account.why")), class_name="mb-4 mt-1 text-sm text-gray-600"),
        form_error(state.error),
        rx.cond(state.mode == "register", form_field("account.name", "name", errors, autocomplete="name")),
        form_field("form.email", "email", errors, type="email", autocomplete="email"),
        rx.cond(state.mode != "forgot", form_field(
            "form.password", "password", errors, type="password",
            autocomplete=rx.cond(state.mode == "register", "new-password", "current-password"), hint_key="form.password_hint",
        )),
        rx.match(
            state.mode,
            ("register", submit_button("account.register", state.busy, data_testid="account-submit")),
            ("forgot", submit_button("reset.send", state.busy, data_testid="account-submit")),
            submit_button("form.submit_login", state.busy, data_testid="account-submit"),
        ),
        rx.el.div(
            rx.cond(state.mode == "login", _switch("reset.forgot", "forgot"), _switch("account.have_account", "login")),
            rx.cond(state.mode != "register", _switch("account.no_account", "register")),
            class_name="mt-4 flex justify-between gap-2",
        ),
        on_submit=state.submit,
        reset_on_submit=False,
        no_validate=True,
        class_name="mx-4 mt-4 rounded-2xl bg-white p-4",
    )


def _switch(label_key: str, mode: str) -> rx.Component:
    return rx.el.button(tr(label_key), on_click=AccountState.switch(mode), type="button", class_name="text-sm text-emerald-700 underline")


def _reset_sent() -> rx.Component:
    return rx.el.div(
        rx.el.p(tr("reset.sent"), role="status", data_testid="reset-sent"),
        _switch("reset.back_to_login", "login"),
        class_name="mx-4 mt-4 space-y-3 rounded-2xl bg-white p-4 text-sm text-emerald-800",
    )


def _orders() -> rx.Component:
    state = AccountState
    return rx.el.div(
        rx.el.div(
            rx.el.h1(tr("account.hello"), " ", state.shopper["name"], class_name="text-xl font-bold", data_testid="account-name"),
            rx.el.button(tr("account.log_out"), on_click=state.log_out, type="button", class_name=SECONDARY_BUTTON),
            class_name="flex items-center justify-between gap-2",
        ),
        rx.cond(state.shopper["verified"] != "yes", _verify_notice()),
        rx.el.a(tr("points.mine"), " ›", href=routes.store_points(state.shop["slug"]), class_name="mt-3 block rounded-2xl bg-white p-3 font-medium", data_testid="account-points"),
        rx.el.a(tr("mall.title"), " ›", href=routes.store_points_mall(state.shop["slug"]), class_name="mt-3 block rounded-2xl bg-white p-3 font-medium", data_testid="account-points-mall"),
        rx.el.a(tr("store.coupons.wallet"), href=routes.store_coupons(state.shop["slug"]), class_name="mt-3 block rounded-2xl bg-white p-3 font-medium", data_testid="wallet-link"),
        rx.el.a(tr("promoter.title"), " ›", href=routes.store_promoter(state.shop["slug"]), class_name="mt-3 block rounded-2xl bg-white p-3 font-medium", data_testid="account-promoter"),
        rx.el.h2(tr("account.orders"), class_name="mt-4 font-semibold"),
        rx.cond(
            state.history.length() == 0,
            rx.el.div(
                rx.el.p(tr("account.no_orders"), class_name="text-gray-500", data_testid="account-no-orders"),
                rx.el.a(tr("store.keep_shopping"), href=routes.store_home(state.shop["slug"]), class_name="mt-3 inline-block text-emerald-700 underline"),
                class_name="py-10 text-center",
            ),
            rx.el.div(
                rx.el.ul(rx.foreach(state.history, _order_row), class_name="mt-2 divide-y rounded-2xl bg-white", data_testid="account-orders"),
                rx.cond(state.pages > 1, pager(state.page, state.pages, state.total, state.turn_page(-1), state.turn_page(1))),
            ),
        ),
        class_name="px-4 pb-10 pt-4",
    )


def _verify_notice() -> rx.Component:
    """Until the address is proven, guest orders made with it stay out of the history: say so, and how."""
    state = AccountState
    return rx.el.div(
        rx.el.p(tr("account.verify_hint"), " ", state.shopper["email"]),
        rx.cond(
            state.verification_sent,
            rx.el.p(tr("account.verify_sent"), role="status", class_name="mt-2 font-medium"),
            rx.el.button(tr("account.verify_resend"), on_click=state.resend_verification, type="button",
                         class_name=SECONDARY_BUTTON + " mt-2"),
        ),
        rx.cond(state.error != "", rx.el.p(state.error, role="alert", class_name="mt-2 text-red-700")),
        class_name="mt-3 rounded-2xl bg-amber-50 p-3 text-sm text-amber-900", data_testid="verify-notice",
    )


def _order_row(row: dict) -> rx.Component:
    return rx.el.li(rx.el.a(
        rx.el.div(
            rx.el.span(tr("order.number"), " ", row["order_no"], class_name="text-sm text-gray-500"),
            rx.el.span(order_status_label(row["status"]), class_name="text-sm font-semibold text-red-600"),
            class_name="flex justify-between",
        ),
        rx.el.div(
            rx.el.span(row["at"], " · ", row["items"], " ", tr("account.pieces"), class_name="text-sm text-gray-600"),
            rx.el.span(row["total"], class_name="font-bold"),
            class_name="mt-1 flex justify-between",
        ),
        href=row["url"], class_name="block p-3",
    ))
