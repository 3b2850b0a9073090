"""A Chinese delivery address: 收货人, 手机号, 省/市/区 pickers, 详细地址, 邮编. The checkout and the
积分商城 (a product reward is delivered) both take one with it; the page's state mixes in AddressMixin
(and FormMixin's `errors`), and may answer a new province with `_province_chosen()` (the checkout requotes)."""

import reflex as rx

from shopapp.services.shops import regions
from shopapp.ui.components.forms import INPUT, form_field
from shopapp.ui.components.text import tr


class AddressMixin(rx.State, mixin=True):
    provinces: list[str] = []
    cities: list[str] = []
    districts: list[str] = []
    province: str = ""
    city: str = ""
    district: str = ""

    def _start_address(self):
        """The pickers' choices (the provinces once, kept by a later call)."""
        if not self.provinces:
            self.provinces = regions.provinces()

    def _province_chosen(self):
        """What the page does once the province changed (nothing here)."""
        return None

    @rx.event
    def choose_province(self, province: str):
        self.province, self.city, self.district = province, "", ""
        self.cities, self.districts = regions.cities(province), []
        return self._province_chosen()

    @rx.event
    def choose_city(self, city: str):
        self.city, self.district = city, ""
        self.districts = regions.districts(self.province, city)

    @rx.event
    def choose_district(self, district: str):
        self.district = district

    def _address(self, form: dict) -> dict:
        """The address as checkout.place checks it: the form's fields and the pickers' choices."""
        return {
            "name": form.get("name", ""), "phone": form.get("phone", ""), "province": self.province, "city": self.city,
            "district": self.district, "line1": form.get("line1", ""), "postcode": form.get("postcode", ""),
        }


def address_fields(state) -> rx.Component:
    """The address's fields inside the page's form (`state` mixes in AddressMixin and FormMixin)."""
    errors = state.errors
    return rx.fragment(
        form_field("address.name", "name", errors, autocomplete="name"),
        form_field("address.phone", "phone", errors, type="tel", autocomplete="tel", inputmode="numeric"),
        rx.el.div(
            _picker(state, "address.province", "province", state.provinces, state.province, state.choose_province),
            _picker(state, "address.city", "city", state.cities, state.city, state.choose_city),
            _picker(state, "address.district", "district", state.districts, state.district, state.choose_district),
            class_name="grid grid-cols-3 gap-2",
        ),
        form_field("address.line1", "line1", errors, autocomplete="street-address"),
        form_field("address.postcode", "postcode", errors, inputmode="numeric", autocomplete="postal-code"),
    )


def _picker(state, label_key: str, name: str, options, value, on_change) -> rx.Component:
    errors = state.errors
    return rx.el.div(
        rx.el.label(tr(label_key), html_for=name, class_name="mb-1 block text-sm font-medium text-gray-800"),
        rx.el.select(
            rx.el.option(tr("store.choose"), value=""),
            rx.foreach(options, lambda option: rx.el.option(option, value=option)),
            id=name, name=name, value=value, on_change=on_change, class_name=INPUT + " px-2",
            aria_invalid=rx.cond(errors.contains(name), "true", "false"),
        ),
        rx.cond(errors.contains(name), rx.el.p(errors[name], role="alert", class_name="mt-1 text-sm text-red-600")),
        class_name="mb-4 min-w-0",
    )
