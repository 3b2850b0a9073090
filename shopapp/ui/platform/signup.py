"""Sign-up: a new owner opens a shop in one form."""

import reflex as rx

from shopapp.services.shops import accounts
from shopapp.ui import routes
from shopapp.ui.components.forms import form_error, form_field, submit_button
from shopapp.ui.components.navigation import leave_to
from shopapp.ui.components.text import tr
from shopapp.ui.platform.layout import auth_card
from shopapp.ui.state import FAILED, FormMixin, LeaveMixin, SessionState


class SignupState(LeaveMixin, FormMixin, SessionState):
    @rx.event
    def submit(self, form: dict):
        self._start_submit()
        yield
        signed = self._submit(lambda session: accounts.signup(
            session, email=form.get("email", ""), password=form.get("password", ""),
            shop_name=form.get("shop_name", ""), shop_slug=form.get("shop_slug", ""),
        ))
        if signed is FAILED:
            return
        self.busy = True  # until the next page is here
        self._leave(self._sign_in_url(signed.token))


def signup_page() -> rx.Component:
    errors = SignupState.errors
    return auth_card(
        "signup.title",
        leave_to(SignupState),
        rx.el.p(tr("signup.subtitle"), class_name="-mt-4 mb-6 text-gray-600"),
        rx.el.form(
            form_error(SignupState.error),
            form_field("form.email", "email", errors, type="email", autocomplete="email", required=True),
            form_field("form.password", "password", errors, type="password", hint_key="form.password_hint", autocomplete="new-password"),
            form_field("form.shop_name", "shop_name", errors, autocomplete="organization"),
            form_field("form.shop_slug", "shop_slug", errors, hint_key="form.shop_slug_hint", autocapitalize="none", spellcheck="false"),
            submit_button("form.submit_signup", SignupState.busy),
            on_submit=SignupState.submit,
            reset_on_submit=False,
            no_validate=True,
        ),
        rx.el.a(tr("signup.have_account"), href=routes.LOGIN, class_name="mt-4 block text-center text-sm text-emerald-700"),
    )
