"""The operator's log-in (/ops/login): operators only, made by `python -m shopapp create-operator`."""

import reflex as rx

from shopapp.services.core.errors import Unauthorized
from shopapp.services.platform import operators
from shopapp.ui import routes
from shopapp.ui.components.forms import form_error, form_field, submit_button
from shopapp.ui.components.navigation import leave_to
from shopapp.ui.components.text import lang_switch, tr
from shopapp.ui.platform.ops.state import OpsState
from shopapp.ui.state import FAILED, FormMixin


def _operator_login(session, form: dict, ip: str) -> str:
    token = operators.login(session, email=form.get("email", ""), password=form.get("password", ""), ip=ip)
    if token is None:  # not an operator: the same words as a wrong password, nothing to learn here
        raise Unauthorized("wrong_credentials")
    return token


class OpsLoginState(FormMixin, OpsState):
    @rx.event
    def submit(self, form: dict):
        self._start_submit()
        yield
        token = self._submit(lambda session: _operator_login(session, form, self.router.session.client_ip))
        if token is FAILED:
            return
        self.busy = True
        self._leave(self._sign_in_url(token))


@rx.page(route=routes.OPS_LOGIN, title="开店宝 · 平台运营登录")
def ops_login_page() -> rx.Component:
    errors = OpsLoginState.errors
    return rx.el.div(
        leave_to(OpsLoginState),
        rx.el.div(
            rx.el.div(rx.el.h1(tr("ops.login.title"), class_name="text-2xl font-bold"), lang_switch(),
                      class_name="mb-6 flex items-center justify-between"),
            rx.el.form(
                form_error(OpsLoginState.error),
                form_field("form.email", "email", errors, type="email", autocomplete="username"),
                form_field("form.password", "password", errors, type="password", autocomplete="current-password"),
                submit_button("form.submit_login", OpsLoginState.busy),
                on_submit=OpsLoginState.submit, reset_on_submit=False, no_validate=True,
            ),
            rx.el.p(tr("ops.login.hint"), class_name="mt-4 text-sm text-gray-500"),
            class_name="mx-auto mt-10 w-full max-w-md rounded-2xl border border-gray-200 bg-white p-6 shadow-sm",
        ),
        class_name="min-h-screen bg-gray-50 px-4 py-6 text-gray-900",
    )
