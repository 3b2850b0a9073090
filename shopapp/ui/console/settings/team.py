"""The shop's staff in the console's settings: members and pending invitations, invite, remove, revoke."""

import reflex as rx

from shopapp.db import session_scope
from shopapp.services.core.errors import DomainError
from shopapp.services.shops import staff
from shopapp.ui.components.confirm import confirm_button
from shopapp.ui.components.forms import form_error, form_field, select_field, submit_button
from shopapp.ui.components.roles import role_label
from shopapp.ui.components.text import tr
from shopapp.ui.console.state import ConsoleState
from shopapp.ui.state import FAILED, ConfirmMixin, FormMixin


class StaffState(ConfirmMixin, FormMixin, ConsoleState):
    members: list[dict[str, str]] = []
    invites: list[dict[str, str]] = []
    notice: str = ""

    @rx.event
    def load(self):
        listing = self._read(staff.list_staff)
        if listing is None:
            return
        self.members = [{k: str(v) for k, v in m.items()} for m in listing["members"]]
        self.invites = [{k: str(v) for k, v in i.items()} for i in listing["invites"]]
        self.confirming = ""

    @rx.event
    def invite(self, form: dict):
        self._start_submit()
        self.notice = ""
        yield
        invited = self._submit(
            lambda session: staff.invite(session, self._actor(), email=form.get("invite_email", ""), role=form.get("invite_role", "")),
            fields="invite_",
        )
        if invited is FAILED:
            return
        self.notice = self._text("settings.staff.invite_sent").format(email=form.get("invite_email", "").strip())
        yield StaffState.load


    @rx.event
    def confirm(self):
        kind, _, raw_id = self.confirming.partition(":")
        try:
            with session_scope() as session:
                remove = staff.remove if kind == "member" else staff.revoke_invite
                remove(session, self._actor(), int(raw_id))
        except DomainError as exc:
            self.error = self._message(exc)
        return StaffState.load


def staff_section() -> rx.Component:
    return rx.el.div(
        form_error(StaffState.error),
        rx.el.ul(rx.foreach(StaffState.members, _member_row), class_name="divide-y", data_testid="staff-list"),
        rx.cond(StaffState.members.length() <= 1, rx.el.p(tr("settings.staff.empty"), class_name="py-2 text-sm text-gray-500")),
        rx.cond(
            StaffState.invites.length() > 0,
            rx.el.div(
                rx.el.h3(tr("settings.staff.pending"), class_name="mt-4 text-sm font-semibold text-gray-700"),
                rx.el.ul(rx.foreach(StaffState.invites, _invite_row), class_name="divide-y"),
            ),
        ),
        rx.cond(ConsoleState.can_edit_shop, _invite_form()),
    )


def _member_row(member: dict) -> rx.Component:
    key = "member:" + member["id"]
    return rx.el.li(
        rx.el.span(member["email"], class_name="truncate"),
        rx.el.span(role_label(member["role"]), class_name="text-sm text-gray-600"),
        rx.cond(
            ConsoleState.can_edit_shop & (member["role"] != "owner"),
            confirm_button(StaffState.confirming == key, StaffState.ask(key), StaffState.confirm, StaffState.cancel,
                         "settings.staff.remove", "settings.staff.remove_confirm"),
        ),
        class_name="flex flex-wrap items-center justify-between gap-2 py-2",
    )


def _invite_row(invite: dict) -> rx.Component:
    key = "invite:" + invite["id"]
    return rx.el.li(
        rx.el.span(invite["email"], class_name="truncate"),
        rx.el.span(role_label(invite["role"]), class_name="text-sm text-gray-600"),
        rx.cond(
            ConsoleState.can_edit_shop,
            confirm_button(StaffState.confirming == key, StaffState.ask(key), StaffState.confirm, StaffState.cancel,
                         "settings.staff.revoke", "settings.staff.remove_confirm"),
        ),
        class_name="flex flex-wrap items-center justify-between gap-2 py-2 text-gray-600",
    )


def _invite_form() -> rx.Component:
    errors = StaffState.errors
    return rx.el.form(
        rx.el.h3(tr("settings.staff.invite"), class_name="mb-2 mt-4 text-sm font-semibold text-gray-700"),
        rx.el.div(
            rx.el.div(form_field("form.email", "invite_email", errors, type="email"), class_name="flex-1"),
            rx.el.div(
                select_field("settings.staff.role", "invite_role", [(r, f"role.{r}") for r in staff.INVITABLE_ROLES], errors),
                class_name="sm:w-40",
            ),
            class_name="flex flex-col gap-x-3 sm:flex-row",
        ),
        rx.el.div(submit_button("settings.staff.invite", StaffState.busy), class_name="w-40"),
        rx.cond(StaffState.notice != "", rx.el.p(StaffState.notice, role="status", class_name="mt-2 text-sm text-emerald-700")),
        on_submit=StaffState.invite,
        reset_on_submit=True,
        no_validate=True,
    )
