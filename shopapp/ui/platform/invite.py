"""Accepting a staff invitation: set a password (new) or give yours (existing), then into the console."""

import reflex as rx

from shopapp.db import session_scope
from shopapp.services.core.errors import DomainError
from shopapp.services.shops import staff
from shopapp.ui import routes
from shopapp.ui.components.forms import form_error, form_field, submit_button
from shopapp.ui.components.navigation import leave_to
from shopapp.ui.components.roles import role_label
from shopapp.ui.components.text import tr
from shopapp.ui.platform.layout import auth_card, platform_page
from shopapp.ui.state import FormMixin, LeaveMixin, SessionState


class InviteState(LeaveMixin, FormMixin, SessionState):
    invite: dict[str, str] = {}
    missing: bool = False

    @rx.event
    def load(self):
        try:
            with session_scope() as session:
                offer = staff.pending_invite(session, self.invite_code)
        except DomainError:
            self.invite, self.missing = {}, True
            return
        self.invite = {k: str(v) for k, v in offer.items()}
        self.missing = False

    @rx.event
    def accept(self, form: dict):
        self._start_submit()
        yield
        try:
            with session_scope() as session:
                signed = staff.accept_invite(session, token=self.invite_code, password=form.get("password", ""))
        except DomainError as exc:
            self._show_error(exc)
            return
        self._leave(self._sign_in_url(signed.token))


@platform_page(routes.INVITE, title="开店宝 · 加入店铺", on_load=InviteState.load)
def invite_page() -> rx.Component:
    return auth_card(
        "invite.title",
        leave_to(InviteState),
        rx.cond(
            InviteState.missing,
            rx.el.p(tr("invite.not_found"), class_name="text-gray-700"),
            rx.cond(InviteState.invite.contains("email"), _accept_form()),
        ),
    )


def _accept_form() -> rx.Component:
    return rx.el.form(
        rx.el.p(
            InviteState.invite["shop_name"], " · ", role_label(InviteState.invite["role"]),
            class_name="mb-2 font-semibold",
        ),
        rx.el.p(InviteState.invite["email"], class_name="mb-4 text-gray-600"),
        form_error(InviteState.error),
        form_field(
            rx.cond(InviteState.invite["has_account"] == "True", tr("invite.enter_password"), tr("invite.set_password")),
            "password", InviteState.errors, type="password", hint_key="form.password_hint",
        ),
        submit_button("invite.accept", InviteState.busy),
        on_submit=InviteState.accept,
        reset_on_submit=False,
        no_validate=True,
    )
