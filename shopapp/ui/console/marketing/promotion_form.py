"""The promotion form: name, schedule and scope for every kind, then the kind's own fields (the tier editor for 满减)."""

import reflex as rx

from shopapp.ui.components.forms import INPUT, PRIMARY_BUTTON, SECONDARY_BUTTON, form_error
from shopapp.ui.components.text import tr
from shopapp.ui.console.marketing.promotions_state import PromotionsState
from shopapp.ui.console.marketing.scope_picker import scope_picker
from shopapp.ui.console.marketing.variant_prices import variant_prices

REWARDS = (("amount_off", "marketing.reward.amount_off"), ("percent_off", "marketing.reward.percent_off"),
           ("gift_variant_id", "marketing.reward.gift"), ("free_shipping", "marketing.reward.free_shipping"))


def promotion_form() -> rx.Component:
    state = PromotionsState
    kind = state.promotion_kind
    return rx.el.form(
        rx.el.h2(rx.cond(state.editing != "", tr("marketing.edit_title"), tr("marketing.new_title")), class_name="text-lg font-semibold"),
        form_error(state.error),
        field("name", "marketing.name"),
        rx.el.div(field("starts_at", "marketing.starts_at", type="datetime-local"), field("ends_at", "marketing.ends_at", type="datetime-local"),
                  class_name="grid gap-3 sm:grid-cols-2"),
        scope_picker(state.errors),
        rx.cond(kind == "limited_discount", rx.el.div(
            field("percent_off", "marketing.percent_off", inputmode="numeric"),
            variant_prices(state.errors),
            field("per_customer_limit", "marketing.per_customer_limit", inputmode="numeric"),
            check("stacks_with_member", "marketing.stacks_with_member"),
            class_name="flex flex-col gap-3",
        )),
        rx.cond(kind == "second_half", field("percent_off", "marketing.second_percent_off", inputmode="numeric")),
        rx.cond(kind == "bundle", rx.el.div(
            field("qty", "marketing.bundle_qty", inputmode="numeric"), field("price", "marketing.bundle_price", inputmode="decimal"),
            class_name="grid gap-3 sm:grid-cols-2",
        )),
        rx.cond(kind == "tiered", _tiers()),
        rx.el.div(
            rx.el.button(rx.cond(state.busy, tr("form.saving"), tr("form.save")), type="submit", class_name=PRIMARY_BUTTON,
                         data_testid="promotion-save"),
            rx.cond(state.editing != "", rx.el.button(tr("form.cancel"), on_click=state.start_new, type="button", class_name=SECONDARY_BUTTON)),
            class_name="flex gap-2",
        ),
        key=state.form_key.to_string(),
        on_submit=state.save, reset_on_submit=False,
        class_name="mt-6 flex flex-col gap-3 rounded-2xl border bg-white p-4", data_testid="promotion-form",
    )


def _tiers() -> rx.Component:
    state = PromotionsState
    return rx.el.fieldset(
        rx.el.legend(tr("marketing.tiers"), class_name="text-sm font-medium text-gray-800"),
        rx.el.select(
            rx.el.option(tr("marketing.measure.amount"), value="amount"), rx.el.option(tr("marketing.measure.qty"), value="qty"),
            name="tier_measure", default_value=state.form["tier_measure"].to(str) | "amount", aria_label=tr("marketing.measure"),
            class_name=INPUT + " mt-2",
        ),
        rx.foreach(state.tiers, _tier_row),
        _error("tiers"),
        rx.el.div(
            rx.el.button(tr("marketing.add_tier"), on_click=state.add_tier, type="button", class_name=SECONDARY_BUTTON),
            rx.cond(state.tiers.length() > 1, rx.el.button(tr("marketing.remove_tier"), on_click=state.remove_tier, type="button",
                                                            class_name=SECONDARY_BUTTON)),
            class_name="mt-2 flex gap-2",
        ),
        check("repeat", "marketing.repeat"),
        class_name="flex flex-col gap-2",
    )


def _tier_row(tier: dict, n) -> rx.Component:
    name = "tier_" + n.to_string()
    return rx.el.div(
        rx.el.span(tr("marketing.tier_reach"), class_name="text-sm text-gray-700"),
        rx.el.input(name=name + "_min", default_value=tier["min"], inputmode="decimal", aria_label=tr("marketing.tier_min"),
                    class_name=INPUT + " w-28", data_testid="tier-min"),
        rx.el.select(*[rx.el.option(tr(key), value=value) for value, key in REWARDS], name=name + "_reward",
                     default_value=tier["reward"], aria_label=tr("marketing.tier_reward"), class_name=INPUT + " w-32",
                     on_change=lambda reward: PromotionsState.choose_reward(n, reward)),
        rx.cond(
            tier["reward"] == "gift_variant_id",
            rx.el.select(rx.el.option(tr("marketing.gift_choose"), value=""),
                         rx.foreach(PromotionsState.gifts, lambda g: rx.el.option(g["label"], value=g["id"])),
                         name=name + "_value", default_value=tier["value"], aria_label=tr("marketing.gift_choose"),
                         class_name=INPUT + " w-56", data_testid="tier-gift"),
            rx.el.input(name=name + "_value", default_value=tier["value"], inputmode="decimal", aria_label=tr("marketing.tier_value"),
                        class_name=INPUT + " w-28", data_testid="tier-value"),
        ),
        _error("tiers." + n.to_string() + ".min_amount"), _error("tiers." + n.to_string() + ".min_qty"),
        _error("tiers." + n.to_string() + ".amount_off"), _error("tiers." + n.to_string() + ".percent_off"),
        class_name="mt-2 flex flex-wrap items-center gap-2",
    )


def field(name: str, label_key: str, type: str = "text", multiline: bool = False, **attrs) -> rx.Component:
    errors = PromotionsState.errors
    control = dict(id=f"promotion-{name}", name=name, default_value=PromotionsState.form[name].to(str) | "",
                   aria_invalid=rx.cond(errors.contains(name), "true", "false"), class_name=INPUT, **attrs)
    return rx.el.div(
        rx.el.label(tr(label_key), html_for=f"promotion-{name}", class_name="mb-1 block text-sm font-medium text-gray-800"),
        rx.el.textarea(rows=3, **control) if multiline else rx.el.input(type=type, **control),
        _error(name),
    )


def check(name: str, label_key: str) -> rx.Component:
    return rx.el.label(
        rx.el.input(type="checkbox", name=name, default_checked=PromotionsState.form[name].to(str) == "on", class_name="mr-2"),
        tr(label_key), class_name="flex items-center text-sm text-gray-800",
    )


def _error(name) -> rx.Component:
    errors = PromotionsState.errors
    return rx.cond(errors.contains(name), rx.el.p(errors[name], role="alert", class_name="mt-1 w-full text-sm text-red-600"))
