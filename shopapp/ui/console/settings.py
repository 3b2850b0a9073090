"""Console settings: the shop's profile, its staff and its API keys."""

import reflex as rx

from shopapp.db import session_scope
from shopapp.services import api_keys, shops, staff
from shopapp.services.errors import DomainError
from shopapp.services.shops import CURRENCIES
from shopapp.ui import routes
from shopapp.ui.components.confirm import confirm_button
from shopapp.ui.components.forms import SECONDARY_BUTTON, form_error, form_field, select_field, submit_button
from shopapp.ui.components.roles import role_label
from shopapp.ui.components.text import tr
from shopapp.ui.console.layout import console_page
from shopapp.ui.console.state import ConsoleState
from shopapp.ui.state import FAILED, ConfirmMixin, FormMixin

PROFILE_TEXT_FIELDS = ("name", "description", "contact_email", "contact_phone")
LOGO_UPLOAD = "shop_logo"
POLICY_FIELDS = ("shipping_policy", "returns_policy")


class ProfileState(FormMixin, ConsoleState):
    profile: dict[str, str] = {}
    saved: bool = False

    @rx.event
    def load(self):
        shop = self._read(lambda session, actor: shops.shop_settings(shops.get_shop(session, actor.shop_id)))
        if shop is not None:
            self.profile = {key: str(value) for key, value in shop.items()}
            self.saved = False

    @rx.event
    def save(self, form: dict):
        self._start_submit()
        self.saved = False
        yield
        profile = self._submit(lambda session: shops.shop_settings(shops.update_profile(session, self._actor(), form)))
        if profile is FAILED:
            return
        self.profile = {key: str(value) for key, value in profile.items()}
        self.saved, self.shop_name = True, self.profile["name"]

    @rx.event
    async def upload_logo(self, files: list[rx.UploadFile]):
        self.errors = {}
        for file in files[:1]:
            data = await file.read()
            try:
                with session_scope() as session:
                    shop = shops.set_logo(session, self._actor(), data)
                    self.profile = {**self.profile, "logo_url": shop.logo_url}
            except DomainError as exc:
                self.errors = {"logo": next(iter(self._field_messages(exc).values()), self._message(exc))}


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
        self.notice = self.tr["settings.staff.invite_sent"].format(email=form.get("invite_email", "").strip())
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


class ApiKeysState(ConfirmMixin, FormMixin, ConsoleState):
    keys: list[dict[str, str]] = []
    new_key: str = ""

    @rx.event
    def load(self):
        actor = self._signed_in()
        if actor is None or not self.can_edit_shop:
            self.keys = []
            return
        with session_scope() as session:
            self.keys = [
                {"id": str(k["id"]), "name": k["name"], "prefix": k["prefix"], "revoked": "yes" if k["revoked"] else ""}
                for k in api_keys.list_keys(session, actor)
            ]
        self.confirming = ""

    @rx.event
    def create(self, form: dict):
        self._start_submit()
        self.new_key = ""
        yield
        created = self._submit(lambda session: api_keys.create(session, self._actor(), form.get("key_name", "")), fields="key_")
        if created is FAILED:
            return
        self.new_key = created[1]
        yield ApiKeysState.load


    @rx.event
    def revoke(self):
        with session_scope() as session:
            api_keys.revoke(session, self._actor(), int(self.confirming))
        return ApiKeysState.load


@console_page(routes.CONSOLE_SETTINGS, "console.nav.settings", on_load=[ProfileState.load, StaffState.load, ApiKeysState.load])
def console_settings() -> rx.Component:
    return rx.el.div(
        _section("settings.profile", rx.cond(ProfileState.profile.contains("name"), _profile_form())),
        _section("settings.staff", _staff()),
        rx.cond(ConsoleState.can_edit_shop, _section("settings.api_keys", _api_keys())),
        class_name="max-w-3xl space-y-6",
    )


def _section(title_key: str, *children) -> rx.Component:
    return rx.el.section(
        rx.el.h2(tr(title_key), class_name="mb-4 text-lg font-semibold"),
        *children,
        class_name="rounded-2xl border bg-white p-5",
    )


def _profile_form() -> rx.Component:
    errors, profile = ProfileState.errors, ProfileState.profile
    return rx.el.form(
        rx.cond(~ConsoleState.can_edit_shop, rx.el.p(tr("settings.no_permission"), class_name="mb-4 text-sm text-amber-700")),
        form_error(ProfileState.error),
        rx.el.fieldset(
            _logo(),
            *[form_field(f"settings.{name}", name, errors, value=profile[name]) for name in PROFILE_TEXT_FIELDS],
            select_field("settings.currency", "currency", [(c, f"currency.{c}") for c in CURRENCIES], errors, value=profile["currency"]),
            *[form_field(f"settings.{name}", name, errors, value=profile[name], multiline=True) for name in POLICY_FIELDS],
            form_field("settings.low_stock_threshold", "low_stock_threshold", errors, type="number", min="0",
                       inputmode="numeric", value=profile["low_stock_threshold"], hint_key="settings.low_stock_threshold_hint"),
            disabled=~ConsoleState.can_edit_shop,
        ),
        rx.el.div(
            rx.el.div(submit_button("form.save", ProfileState.busy), class_name="w-40"),
            rx.cond(ProfileState.saved, rx.el.span(tr("form.saved"), role="status", class_name="text-sm text-emerald-700")),
            class_name="flex items-center gap-4",
        ),
        on_submit=ProfileState.save,
        reset_on_submit=False,
        no_validate=True,
    )


def _logo() -> rx.Component:
    logo = ProfileState.profile["logo_url"]
    return rx.el.div(
        rx.el.span(tr("settings.logo"), class_name="mb-1 block text-sm font-medium text-gray-800"),
        rx.el.div(
            rx.cond(logo != "", rx.el.img(src=logo, alt=tr("settings.logo"), class_name="h-16 w-16 rounded-full border object-cover"),
                    rx.el.div(class_name="h-16 w-16 rounded-full bg-gray-100")),
            rx.upload.root(
                rx.el.div(tr("settings.logo_upload"), class_name=SECONDARY_BUTTON + " cursor-pointer"),
                id=LOGO_UPLOAD, multiple=False, max_size=10 * 1024 * 1024,
                accept={"image/jpeg": [".jpg", ".jpeg"], "image/png": [".png"], "image/webp": [".webp"], "image/gif": [".gif"]},
                on_drop=ProfileState.upload_logo(rx.upload_files(upload_id=LOGO_UPLOAD)),
                disabled=~ConsoleState.can_edit_shop,
            ),
            class_name="flex items-center gap-4",
        ),
        rx.cond(ProfileState.errors.contains("logo"), rx.el.p(ProfileState.errors["logo"], role="alert", class_name="mt-1 text-sm text-red-600")),
        class_name="mb-4",
    )


def _staff() -> rx.Component:
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


def _api_keys() -> rx.Component:
    return rx.el.div(
        rx.el.p(tr("settings.api_keys.hint"), class_name="mb-3 text-sm text-gray-600"),
        rx.cond(
            ApiKeysState.new_key != "",
            rx.el.div(
                rx.el.p(tr("settings.api_keys.created"), class_name="text-sm font-semibold"),
                rx.el.code(ApiKeysState.new_key, class_name="block break-all text-sm", data_testid="new-api-key"),
                class_name="mb-3 rounded-lg bg-amber-50 p-3",
            ),
        ),
        rx.cond(ApiKeysState.keys.length() == 0, rx.el.p(tr("settings.api_keys.empty"), class_name="text-sm text-gray-500")),
        rx.el.ul(rx.foreach(ApiKeysState.keys, _key_row), class_name="divide-y"),
        rx.el.form(
            form_error(ApiKeysState.error),
            form_field("settings.api_keys.name", "key_name", ApiKeysState.errors),
            rx.el.div(submit_button("settings.api_keys.create", ApiKeysState.busy), class_name="w-40"),
            on_submit=ApiKeysState.create,
            reset_on_submit=True,
            no_validate=True,
            class_name="mt-4",
        ),
    )


def _key_row(key: dict) -> rx.Component:
    return rx.el.li(
        rx.el.span(key["name"], class_name="font-medium"),
        rx.el.code(key["prefix"] + "…", class_name="text-sm text-gray-500"),
        rx.cond(
            key["revoked"] != "",
            rx.el.span(tr("settings.api_keys.revoked"), class_name="text-sm text-gray-500"),
            confirm_button(ApiKeysState.confirming == key["id"], ApiKeysState.ask(key["id"]), ApiKeysState.revoke,
                         ApiKeysState.cancel, "settings.api_keys.revoke", "settings.api_keys.revoke_confirm"),
        ),
        class_name="flex flex-wrap items-center justify-between gap-2 py-2",
    )
