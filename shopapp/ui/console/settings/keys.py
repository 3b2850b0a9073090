"""The shop's API keys in the console's settings (owners and admins): create one (shown once), revoke."""

import reflex as rx

from shopapp.db import session_scope
from shopapp.services.shops import api_keys
from shopapp.ui.components.confirm import confirm_button
from shopapp.ui.components.forms import form_error, form_field, submit_button
from shopapp.ui.components.text import tr
from shopapp.ui.console.state import ConsoleState
from shopapp.ui.state import FAILED, ConfirmMixin, FormMixin


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
                {"id": str(k["id"]), "name": k["name"], "prefix": k["prefix"], "revoked": "yes" if k["revoked"] else "",
                 "made_by": k["created_by"]["email"] if k["created_by"] else ""}
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


def api_keys_section() -> rx.Component:
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
        rx.cond(key["made_by"] != "", rx.el.span(tr("settings.api_keys.made_by"), " ", key["made_by"],
                                                 class_name="text-sm text-gray-500", data_testid="api-key-made-by")),
        rx.cond(
            key["revoked"] != "",
            rx.el.span(tr("settings.api_keys.revoked"), class_name="text-sm text-gray-500"),
            confirm_button(ApiKeysState.confirming == key["id"], ApiKeysState.ask(key["id"]), ApiKeysState.revoke,
                         ApiKeysState.cancel, "settings.api_keys.revoke", "settings.api_keys.revoke_confirm"),
        ),
        class_name="flex flex-wrap items-center justify-between gap-2 py-2",
    )
