"""The shop's profile in the console's settings: name, description, contacts, currency, policies, logo, low-stock line."""

import reflex as rx

from shopapp.db import session_scope
from shopapp.i18n import pick_lang
from shopapp.services.catalog import media
from shopapp.services.core.errors import DomainError
from shopapp.services.shops import shops
from shopapp.services.shops.shops import CURRENCIES
from shopapp.ui.components.forms import SECONDARY_BUTTON, form_error, form_field, select_field, submit_button
from shopapp.ui.components.text import tr
from shopapp.ui.components.uploads import refusal_messages, refused_files
from shopapp.ui.console.state import ConsoleState
from shopapp.ui.state import FAILED, FormMixin

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
    def refuse_logo(self, lines: list[str]):
        """The browser kept the file back (too big, not an image): say why beside the logo, with the limit."""
        self.errors = {"logo": "；".join(refusal_messages(lines, pick_lang(self.lang), media.MAX_UPLOAD_BYTES))}

    @rx.event
    async def upload_logo(self, files: list[rx.UploadFile]):
        if not files:
            return  # the browser refused the file: refuse_logo says why
        self.errors = {}
        for file in files[:1]:
            data = await file.read()
            try:
                with session_scope() as session:
                    shop = shops.set_logo(session, self._actor(), data)
                    self.profile = {**self.profile, "logo_url": shop.logo_url}
            except DomainError as exc:
                self.errors = {"logo": next(iter(self._field_messages(exc).values()), self._message(exc))}


def profile_form() -> rx.Component:
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
                id=LOGO_UPLOAD, multiple=False, max_size=media.MAX_UPLOAD_BYTES,
                on_drop_rejected=lambda rejected: ProfileState.refuse_logo(refused_files(rejected)),
                accept={"image/jpeg": [".jpg", ".jpeg"], "image/png": [".png"], "image/webp": [".webp"], "image/gif": [".gif"]},
                on_drop=ProfileState.upload_logo(rx.upload_files(upload_id=LOGO_UPLOAD)),
                disabled=~ConsoleState.can_edit_shop,
            ),
            class_name="flex items-center gap-4",
        ),
        rx.cond(ProfileState.errors.contains("logo"), rx.el.p(ProfileState.errors["logo"], role="alert", class_name="mt-1 text-sm text-red-600")),
        class_name="mb-4",
    )
