"""Console shipping: the methods a shopper chooses from at checkout, what each costs and where it goes."""

import reflex as rx

from shopapp.services.checkout import shipping
from shopapp.services.core.money import format_money, yuan_text
from shopapp.services.shops import shops
from shopapp.ui import routes
from shopapp.ui.components.forms import INPUT, PRIMARY_BUTTON, SECONDARY_BUTTON, form_error
from shopapp.ui.components.text import tr
from shopapp.ui.console.layout import console_page
from shopapp.ui.console.state import ConsoleState
from shopapp.ui.state import FAILED, FormMixin

FEE_FIELDS = (("base_fee", "shipping.base_fee"), ("per_kg_fee", "shipping.per_kg_fee"), ("free_over", "shipping.free_over"))


class ShippingState(FormMixin, ConsoleState):
    methods: list[dict[str, str]] = []
    editing: str = ""  # the id of the method in the form, "" for a new one
    form: dict[str, str] = {}  # the form's starting values, in yuan
    regions: list[str] = []  # the provinces ticked in the form; none is everywhere
    saved: str = ""
    form_key: int = 0  # bumped whenever the form should show other values, so its fields remount with them
    allowed: bool = True  # the role may manage shipping (owners, admins, operations)

    @rx.event
    def load(self):
        found = self._read(lambda session, actor: (
            shipping.list_methods(session, actor), shops.get_shop(session, actor.shop_id).currency,
        ))
        self.allowed = found is not None
        if found is not None:
            methods, currency = found
            self.methods = [_row(m, currency) for m in methods]

    @rx.event
    def edit(self, method_id: str):
        method = next((m for m in self.methods if m["id"] == method_id), None)
        if method is None:
            return
        self.editing, self.errors, self.error, self.saved = method_id, {}, "", ""
        self.form = {field: method[f"{field}_yuan"] for field, _ in FEE_FIELDS} | {"name": method["name"]}
        self.regions = [r for r in method["regions"].split("、") if r]
        self.form_key += 1

    @rx.event
    def start_new(self):
        self.editing, self.form, self.regions, self.errors, self.error, self.saved = "", {}, [], {}, "", ""
        self.form_key += 1

    @rx.event
    def toggle_region(self, province: str):
        self.regions = [r for r in self.regions if r != province] if province in self.regions else [*self.regions, province]

    @rx.event
    def save(self, form: dict):
        self._start_submit()
        editing = self.editing
        saved = self._submit(lambda session: self._save(session, editing, form))
        if saved is FAILED:
            self.form = {field: form.get(field, "") for field, _ in FEE_FIELDS} | {"name": form.get("name", "")}
            return
        self.saved = saved["name"]
        self.editing, self.form, self.regions = "", {}, []
        self.form_key += 1  # the saved method's values leave the form
        return ShippingState.load

    @rx.event
    def switch(self, method_id: str, active: bool):
        """Take a method off the checkout (or put it back); its orders keep their method's name."""
        self._submit(lambda session: shipping.update_method(session, self._actor(), int(method_id), {"active": active}))
        return ShippingState.load

    def _save(self, session, editing: str, form: dict) -> dict:
        data = shipping.typed_method(form, list(self.regions))
        if editing:
            return shipping.update_method(session, self._actor(), int(editing), data)
        return shipping.create_method(session, self._actor(), data)


def _row(method: dict, currency: str) -> dict[str, str]:
    free_over = method["free_over"]
    return {
        "id": str(method["id"]), "name": method["name"], "active": "yes" if method["active"] else "",
        "base_fee": format_money(method["base_fee"], currency), "per_kg_fee": format_money(method["per_kg_fee"], currency),
        "free_over": format_money(free_over, currency) if free_over is not None else "",
        "regions": "、".join(method["regions"]),
        "base_fee_yuan": yuan_text(method["base_fee"]), "per_kg_fee_yuan": yuan_text(method["per_kg_fee"]),
        "free_over_yuan": yuan_text(free_over),
    }


@console_page(routes.CONSOLE_SHIPPING, "console.nav.shipping", on_load=ShippingState.load)
def shipping_page() -> rx.Component:
    state = ShippingState
    return rx.el.div(
        rx.el.h1(tr("console.nav.shipping"), class_name="text-2xl font-bold"),
        rx.el.p(tr("shipping.intro"), class_name="mt-1 text-sm text-gray-600"),
        rx.cond(~state.allowed, rx.el.p(tr("error.role_not_allowed"), role="alert", class_name="mt-4 text-sm text-amber-700")),
        rx.cond(state.saved != "", rx.el.p(tr("shipping.saved"), " ", state.saved, role="status",
                                            class_name="mt-4 rounded-lg bg-emerald-50 px-3 py-2 text-sm text-emerald-800")),
        rx.el.ul(rx.foreach(state.methods, _method), class_name="mt-4 divide-y rounded-2xl border bg-white", data_testid="shipping-methods"),
        rx.cond(state.allowed, _method_form()),
        class_name="max-w-3xl",
    )


def _method(method: dict) -> rx.Component:
    state = ShippingState
    return rx.el.li(
        rx.el.div(
            rx.el.p(method["name"], rx.cond(method["active"] == "", rx.el.span(tr("shipping.inactive"), class_name="ml-2 rounded bg-gray-100 px-2 text-xs text-gray-600")),
                    class_name="font-medium"),
            rx.el.p(tr("shipping.base_fee"), " ", method["base_fee"], " · ", tr("shipping.per_kg_fee"), " ", method["per_kg_fee"],
                    rx.cond(method["free_over"] != "", rx.el.span(" · ", tr("shipping.free_over"), " ", method["free_over"])),
                    class_name="text-sm text-gray-700"),
            rx.el.p(tr("shipping.regions"), ": ", rx.cond(method["regions"] != "", method["regions"], tr("shipping.everywhere")),
                    class_name="text-sm text-gray-500"),
            class_name="min-w-0 flex-1",
        ),
        rx.el.button(tr("shipping.edit"), on_click=state.edit(method["id"]), type="button", class_name=SECONDARY_BUTTON),
        rx.cond(
            method["active"] != "",
            rx.el.button(tr("shipping.deactivate"), on_click=state.switch(method["id"], False), type="button", class_name=SECONDARY_BUTTON),
            rx.el.button(tr("shipping.activate"), on_click=state.switch(method["id"], True), type="button", class_name=SECONDARY_BUTTON),
        ),
        class_name="flex flex-wrap items-center gap-2 p-3",
    )


def _method_form() -> rx.Component:
    state = ShippingState
    return rx.el.form(
        rx.el.h2(rx.cond(state.editing != "", tr("shipping.edit_title"), tr("shipping.new_title")), class_name="text-lg font-semibold"),
        form_error(state.error),
        _field("name", "shipping.name", state.form["name"]),
        rx.el.div(*[_field(field, key, state.form[field], money=True) for field, key in FEE_FIELDS],
                  class_name="grid gap-3 sm:grid-cols-3"),
        rx.el.p(tr("shipping.fee_hint"), class_name="text-sm text-gray-500"),
        rx.el.fieldset(
            rx.el.legend(tr("shipping.regions"), " (", tr("shipping.regions_hint"), ")", class_name="text-sm font-medium text-gray-800"),
            rx.el.div(*[_province(p) for p in shipping.PROVINCES], class_name="mt-2 flex flex-wrap gap-1"),
            rx.cond(state.errors.contains("regions"), rx.el.p(state.errors["regions"], role="alert", class_name="mt-1 text-sm text-red-600")),
        ),
        rx.el.div(
            rx.el.button(rx.cond(state.busy, tr("form.saving"), tr("form.save")), type="submit", class_name=PRIMARY_BUTTON),
            rx.cond(state.editing != "", rx.el.button(tr("form.cancel"), on_click=state.start_new, type="button", class_name=SECONDARY_BUTTON)),
            class_name="flex gap-2",
        ),
        # Remounted for another method (or emptied after a save), so the right values fill the fields.
        key=state.form_key.to_string(),
        on_submit=state.save, reset_on_submit=False,
        class_name="mt-6 flex flex-col gap-3 rounded-2xl border bg-white p-4", data_testid="shipping-form",
    )


def _field(name: str, label_key: str, value, money: bool = False) -> rx.Component:
    errors = ShippingState.errors
    return rx.el.div(
        rx.el.label(tr(label_key), html_for=f"shipping-{name}", class_name="mb-1 block text-sm font-medium text-gray-800"),
        rx.el.input(id=f"shipping-{name}", name=name, default_value=value, inputmode="decimal" if money else "text",
                    placeholder="¥" if money else "", aria_invalid=rx.cond(errors.contains(name), "true", "false"), class_name=INPUT),
        rx.cond(errors.contains(name), rx.el.p(errors[name], role="alert", class_name="mt-1 text-sm text-red-600")),
    )


def _province(province: str) -> rx.Component:
    ticked = ShippingState.regions.contains(province)
    return rx.el.button(
        province, on_click=ShippingState.toggle_region(province), type="button", aria_pressed=rx.cond(ticked, "true", "false"),
        class_name=rx.cond(ticked, "rounded-full border border-emerald-600 bg-emerald-50 px-2 py-0.5 text-xs text-emerald-800",
                           "rounded-full border border-gray-300 px-2 py-0.5 text-xs text-gray-700"),
    )
