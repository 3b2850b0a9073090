"""Console settings (/console/settings): the shop's profile, its staff and its API keys, one section each."""

import reflex as rx

from shopapp.ui import routes
from shopapp.ui.components.text import tr
from shopapp.ui.console.layout import console_page
from shopapp.ui.console.settings.keys import ApiKeysState, api_keys_section
from shopapp.ui.console.settings.profile import ProfileState, profile_form
from shopapp.ui.console.settings.sender import SenderAddressState, sender_address_form
from shopapp.ui.console.settings.team import StaffState, staff_section
from shopapp.ui.console.state import ConsoleState


@console_page(routes.CONSOLE_SETTINGS, "console.nav.settings", on_load=[ProfileState.load, SenderAddressState.load, StaffState.load, ApiKeysState.load])
def console_settings() -> rx.Component:
    return rx.el.div(
        _section("settings.profile", rx.cond(ProfileState.profile.contains("name"), profile_form())),
        _section("settings.sender", rx.cond(SenderAddressState.loaded, sender_address_form())),
        _section("settings.staff", staff_section()),
        rx.cond(ConsoleState.can_edit_shop, _section("settings.api_keys", api_keys_section())),
        class_name="max-w-3xl space-y-6",
    )


def _section(title_key: str, *children) -> rx.Component:
    return rx.el.section(
        rx.el.h2(tr(title_key), class_name="mb-4 text-lg font-semibold"),
        *children,
        class_name="rounded-2xl border bg-white p-5",
    )
