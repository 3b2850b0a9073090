"""忘记密码 for owners and staff: ask for a link by e-mail, then choose a new password from it."""

import reflex as rx

from shopapp.db import session_scope
from shopapp.services.core.errors import DomainError
from shopapp.services.shops import password_resets
from shopapp.ui import routes
from shopapp.ui.components.forms import form_error, form_field, submit_button
from shopapp.ui.components.navigation import leave_to
from shopapp.ui.components.text import tr
from shopapp.ui.platform.layout import auth_card, platform_page
from shopapp.ui.state import FAILED, FormMixin, LangState, LeaveMixin, SessionState


class ForgotPasswordState(FormMixin, LangState):
    sent: bool = False

    @rx.event
    def submit(self, form: dict):
        self._start_submit()
        yield
        if self._submit(lambda session: password_resets.request_owner_reset(session, form.get("email", ""))) is not FAILED:
            self.sent = True


class ResetPasswordState(LeaveMixin, FormMixin, SessionState):
    live_api_keys: int = 0  # keys the account made: the page offers to revoke them with the new password

    @rx.event
    def load(self):
        self.live_api_keys = 0
        try:
            with session_scope() as session:
                self.live_api_keys = password_resets.live_keys_for_link(session, self.reset_token)
        except DomainError:
            pass  # a used or expired link: saving says so

    @rx.event
    def submit(self, form: dict):
        self._start_submit()
        yield
        revoke = bool(form.get("revoke_api_keys"))
        signed = self._submit(lambda session: password_resets.reset_owner_password(
            session, self.reset_token, form.get("password", ""), revoke_api_keys=revoke,
        ))
        if signed is FAILED:
            return
        self.busy = True  # until the next page is here
        self._leave(self._sign_in_url(signed.token))


@platform_page(routes.FORGOT_PASSWORD, title="开店宝 · 找回密码")
def forgot_password_page() -> rx.Component:
    state = ForgotPasswordState
    return auth_card(
        "reset.request_title",
        rx.cond(
            state.sent,
            rx.el.p(tr("reset.sent"), role="status", class_name="rounded-lg bg-emerald-50 px-3 py-2 text-emerald-800", data_testid="reset-sent"),
            rx.el.form(
                rx.el.p(tr("reset.request_intro"), class_name="mb-4 text-sm text-gray-600"),
                form_error(state.error),
                form_field("form.email", "email", state.errors, type="email", autocomplete="email"),
                submit_button("reset.send", state.busy),
                on_submit=state.submit, reset_on_submit=False, no_validate=True,
            ),
        ),
        rx.el.a(tr("reset.back_to_login"), href=routes.LOGIN, class_name="mt-4 block text-center text-sm text-emerald-700"),
    )


@platform_page(routes.RESET_PASSWORD, title="开店宝 · 设置新密码", on_load=ResetPasswordState.load)
def reset_password_page() -> rx.Component:
    state = ResetPasswordState
    return auth_card(
        "reset.new_title",
        leave_to(state),
        rx.el.form(
            form_error(state.error),
            form_field("reset.new_password", "password", state.errors, type="password", autocomplete="new-password",
                       hint_key="form.password_hint"),
            rx.cond(
                state.live_api_keys > 0,
                rx.el.label(
                    rx.el.input(type="checkbox", name="revoke_api_keys", default_checked=True, class_name="mr-2 mt-1"),
                    rx.el.span(tr("reset.revoke_api_keys"), " (", state.live_api_keys, ")"),
                    class_name="mb-4 flex items-start text-sm text-gray-700", data_testid="revoke-api-keys",
                ),
            ),
            submit_button("reset.save", state.busy),
            on_submit=state.submit, reset_on_submit=False, no_validate=True,
        ),
        rx.el.a(tr("reset.forgot"), href=routes.FORGOT_PASSWORD, class_name="mt-4 block text-center text-sm text-emerald-700"),
    )
