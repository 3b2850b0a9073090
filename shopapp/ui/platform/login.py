"""Log-in to the console."""

import reflex as rx

from shopapp.services.shops import accounts
from shopapp.ui import routes
from shopapp.ui.components.forms import form_error, form_field, submit_button
from shopapp.ui.components.navigation import leave_to
from shopapp.ui.components.text import tr
from shopapp.ui.platform.layout import auth_card
from shopapp.ui.state import FAILED, FormMixin, LeaveMixin, SessionState


class LoginState(LeaveMixin, FormMixin, SessionState):
    @rx.event
    def submit(self, form: dict):
        self._start_submit()
        yield
        signed = self._submit(lambda session: accounts.login(
            session, email=form.get("email", ""), password=form.get("password", ""), ip=self.router.session.client_ip,
        ))
        if signed is FAILED:
            return
        self.busy = True  # until the next page is here
        self._leave(self._sign_in_url(signed.token))


def login_page() -> rx.Component:
    errors = LoginState.errors
    return auth_card(
        "login.title",
        leave_to(LoginState),
        rx.el.form(
            form_error(LoginState.error),
            form_field("form.email", "email", errors, type="email", autocomplete="email"),
            form_field("form.password", "password", errors, type="password", autocomplete="current-password"),
            submit_button("form.submit_login", LoginState.busy),
            on_submit=LoginState.submit,
            reset_on_submit=False,
            no_validate=True,
        ),
        rx.el.a(tr("reset.forgot"), href=routes.FORGOT_PASSWORD, class_name="mt-4 block text-center text-sm text-gray-600"),
        rx.el.a(tr("login.no_account"), href=routes.SIGNUP, class_name="mt-2 block text-center text-sm text-emerald-700"),
    )
