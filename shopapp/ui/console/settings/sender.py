"""Where the shop's parcels come from (寄件地址): kept in settings, asked for on an order before its first label."""

import reflex as rx

from shopapp.services.shops import regions, shops
from shopapp.services.shops.shops import SENDER_FIELDS
from shopapp.ui.components.forms import INPUT, form_error, form_field, submit_button
from shopapp.ui.components.text import tr
from shopapp.ui.console.state import ConsoleState
from shopapp.ui.state import FAILED, FormMixin


class SenderAddressState(FormMixin, ConsoleState):
    sender: dict[str, str] = {}
    ready: bool = False  # labels can be printed
    loaded: bool = False
    saved: bool = False

    @rx.event
    def load(self):
        shop = self._read(lambda session, actor: shops.shop_settings(shops.get_shop(session, actor.shop_id)))
        if shop is not None:
            self._show(shop["sender_address"])
            self.saved, self.loaded = False, True

    @rx.event
    def save(self, form: dict):
        self._start_submit()
        self.saved = False
        address = {field: form.get(f"sender_{field}", "") for field in SENDER_FIELDS}
        shop = self._submit(lambda session: shops.shop_settings(
            shops.update_profile(session, self._actor(), {"sender_address": address})))
        if shop is FAILED:
            # "sender_address.phone" -> the form's "sender_phone"
            self.errors = {name.replace("sender_address.", "sender_"): message for name, message in self.errors.items()}
            return
        self._show(shop["sender_address"])
        self.saved = True

    def _show(self, address: dict):
        self.sender = {field: str(address.get(field, "")) for field in SENDER_FIELDS}
        self.ready = bool(self.sender["line1"])


def sender_address_form(intro_key: str = "settings.sender_hint") -> rx.Component:
    """The address form; `intro_key` says why it is asked here."""
    state, errors = SenderAddressState, SenderAddressState.errors
    return rx.el.form(
        rx.el.p(tr(intro_key), class_name="mb-3 text-sm text-gray-600"),
        form_error(state.error),
        rx.el.fieldset(
            rx.el.div(
                form_field("settings.sender_name", "sender_name", errors, value=state.sender["name"], autocomplete="name"),
                form_field("settings.sender_phone", "sender_phone", errors, value=state.sender["phone"], inputmode="tel"),
                class_name="grid gap-x-3 sm:grid-cols-2",
            ),
            rx.el.div(
                rx.el.div(
                    rx.el.label(tr("settings.sender_province"), html_for="sender_province", class_name="mb-1 block text-sm font-medium text-gray-800"),
                    rx.el.select(rx.el.option("—", value=""), *[rx.el.option(p, value=p) for p in regions.provinces()],
                                 id="sender_province", name="sender_province", default_value=state.sender["province"], class_name=INPUT),
                    rx.cond(errors.contains("sender_province"), rx.el.p(errors["sender_province"], role="alert", class_name="mt-1 text-sm text-red-600")),
                    class_name="mb-4",
                ),
                form_field("settings.sender_city", "sender_city", errors, value=state.sender["city"]),
                form_field("settings.sender_district", "sender_district", errors, value=state.sender["district"]),
                class_name="grid gap-x-3 sm:grid-cols-3",
            ),
            form_field("settings.sender_line1", "sender_line1", errors, value=state.sender["line1"]),
            form_field("settings.sender_postcode", "sender_postcode", errors, value=state.sender["postcode"], inputmode="numeric"),
            disabled=~ConsoleState.can_edit_shop,
        ),
        rx.el.div(
            rx.el.div(submit_button("settings.sender_save", state.busy), class_name="w-48"),
            rx.cond(state.saved, rx.el.span(tr("form.saved"), role="status", class_name="text-sm text-emerald-700")),
            class_name="flex items-center gap-4",
        ),
        on_submit=state.save,
        reset_on_submit=False,
        no_validate=True,
        data_testid="sender-address-form",
    )
