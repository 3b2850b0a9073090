"""The product's options (颜色, 容量 ...) and its variant grid: one row per combination, prices and stock typed in cells."""

from __future__ import annotations

import json

import reflex as rx

from shopapp.services.catalog import products
from shopapp.services.core.errors import DomainError
from shopapp.services.core.money import yuan_text
from shopapp.ui.components.forms import DANGER_BUTTON, INPUT, SECONDARY_BUTTON
from shopapp.ui.components.text import tr
from shopapp.ui.console.product_editor.typed import count_text, money, presale, whole

MONEY_CELLS = ("price", "compare_at_price", "cost")
NUMBER_CELLS = ("stock", "weight_grams")
GRID_COLUMNS = (("sku", "products.col.sku", "w-32"), ("price", "products.col.price", "w-24"),
                ("compare_at_price", "products.col.compare_at", "w-24"), ("cost", "products.col.cost", "w-24"),
                ("stock", "products.col.stock", "w-20"), ("weight_grams", "products.col.weight", "w-20"),
                ("barcode", "products.col.barcode", "w-32"), ("presale_ships_at", "products.col.presale_ships_at", "w-36"),
                ("presale_quota", "products.col.presale_quota", "w-20"))
# The keyboard a phone shows for each cell.
_INPUT_MODES = {"sku": "text", "barcode": "numeric", "presale_quota": "numeric", "stock": "numeric", "weight_grams": "numeric"}


class VariantGridMixin(rx.State, mixin=True):
    """The options as typed ({name, values: "a, b"}) and the grid's rows as text cells."""

    options: list[dict[str, str]] = []
    variants: list[dict[str, str]] = []

    @rx.event
    def set_option(self, index: int, key: str, value: str):
        self.options[index][key] = value

    @rx.event
    def add_option(self):
        if len(self.options) < products.MAX_OPTIONS:
            self.options.append({"name": "", "values": ""})

    @rx.event
    def remove_option(self, index: int):
        self.options.pop(index)
        return type(self).generate_grid

    @rx.event
    def generate_grid(self):
        """Rebuild the variant grid from the options; rows that still fit keep what was typed."""
        self.errors = {}
        current = [_variant_spec_for_grid(row) for row in self.variants]
        try:
            grid = products.plan_variant_grid(self._options(), current)
        except DomainError as exc:
            self._show_error(exc)
            return
        self.variants = [_variant_row(spec, keep=spec.get("row")) for spec in grid]
        self.form_key += 1

    @rx.event
    def set_cell(self, index: int, key: str, value: str):
        self.variants[index][key] = value

    @rx.event
    def toggle_enabled(self, index: int):
        self.variants[index]["enabled"] = "" if self.variants[index]["enabled"] else "yes"

    def _show_new_grid(self):
        self.options = []
        self.variants = [_variant_row({"price": 0, "stock": 0, "enabled": True, "option_values": []})]

    def _show_grid(self, product: dict):
        self.options = [{"name": o["name"], "values": ", ".join(o["values"])} for o in product["options"]]
        self.variants = [_variant_row(v) for v in product["variants"]]

    def _options(self) -> list[dict]:
        return [
            {"name": o["name"].strip(), "values": [v.strip() for v in o["values"].replace("，", ",").split(",") if v.strip()]}
            for o in self.options
        ]

    def _variants_data(self, errors: dict[str, str]) -> list[dict]:
        """The grid as the catalogue service takes it; money typed in yuan becomes 分 here, wrong cells go into `errors`."""
        variants = []
        for index, row in enumerate(self.variants):
            spec = {"sku": row["sku"].strip() or None, "option_values": json.loads(row["option_values"]),
                    "barcode": row["barcode"].strip(), "enabled": bool(row["enabled"])}
            if row["id"]:
                spec["id"] = int(row["id"])
            for key in MONEY_CELLS:
                if row[key].strip() or key == "price":
                    spec[key] = money(row[key], f"variants.{index}.{key}", errors)
                else:
                    spec[key] = None
            for key in NUMBER_CELLS:
                if key == "stock" and row["id"] and row["stock"] == row["stock_loaded"]:
                    continue  # untouched: never overwrite sales made since the form was opened
                spec[key] = whole(row[key], f"variants.{index}.{key}", errors)
            spec["presale"] = presale(row["presale_ships_at"], row["presale_quota"], f"variants.{index}.presale_quota", errors)
            variants.append(spec)
        return variants


def _variant_row(spec: dict, keep: dict | None = None) -> dict[str, str]:
    """A variant as the grid's text cells; `keep` is a row already on screen whose typing wins."""
    if keep is not None:
        return {**keep, "option_values": json.dumps(spec["option_values"], ensure_ascii=False),
                "label": " / ".join(spec["option_values"]) or "—"}
    return {
        "id": str(spec.get("id") or ""),
        "option_values": json.dumps(spec.get("option_values") or [], ensure_ascii=False),
        "label": " / ".join(spec.get("option_values") or []) or "—",
        "sku": spec.get("sku") or "",
        "price": yuan_text(spec.get("price")),
        "compare_at_price": yuan_text(spec.get("compare_at_price")),
        "cost": yuan_text(spec.get("cost")),
        "stock": str(spec.get("stock") or 0),
        "stock_loaded": str(spec.get("stock") or 0),
        "weight_grams": str(spec.get("weight_grams") or 0),
        "barcode": spec.get("barcode") or "",
        "enabled": "yes" if spec.get("enabled", True) else "",
        "presale_ships_at": (spec.get("presale") or {}).get("ships_at") or "",
        "presale_quota": count_text((spec.get("presale") or {}).get("quota")),
    }


def _variant_spec_for_grid(row: dict[str, str]) -> dict:
    """What the grid planner needs of an on-screen row; the row itself rides along to be kept."""
    return {"option_values": json.loads(row["option_values"]), "price": money(row["price"], "price", {}) or 0, "row": row}


# The views: `state` has VariantGridMixin and FormMixin --------------------------------------------

def options_editor(state) -> rx.Component:
    return rx.el.div(
        rx.el.p(tr("products.options_hint"), class_name="mb-3 text-sm text-gray-600"),
        rx.foreach(state.options, lambda option, index: _option_row(state, option, index)),
        rx.cond(state.errors.contains("options"), rx.el.p(state.errors["options"], role="alert", class_name="mb-2 text-sm text-red-600")),
        rx.el.div(
            rx.cond(state.options.length() < products.MAX_OPTIONS,
                    rx.el.button(tr("products.add_option"), on_click=state.add_option, type="button", class_name=SECONDARY_BUTTON)),
            rx.el.button(tr("products.generate_grid"), on_click=state.generate_grid, type="button", class_name=SECONDARY_BUTTON,
                         data_testid="generate-grid"),
            class_name="flex flex-wrap gap-2",
        ),
        class_name="mb-4",
    )


def _option_row(state, option: dict, index) -> rx.Component:
    prefix = "options." + index.to_string()
    return rx.el.div(
        rx.el.input(default_value=option["name"], placeholder=tr("products.option_name"), aria_label=tr("products.option_name"),
                    on_blur=lambda value: state.set_option(index, "name", value), class_name=INPUT + " sm:w-40"),
        rx.el.input(default_value=option["values"], placeholder=tr("products.option_values"), aria_label=tr("products.option_values"),
                    on_blur=lambda value: state.set_option(index, "values", value), class_name=INPUT),
        rx.el.button(tr("products.remove"), on_click=state.remove_option(index), type="button", class_name=DANGER_BUTTON + " whitespace-nowrap"),
        rx.cond(state.errors.contains(prefix + ".name"), rx.el.p(state.errors[prefix + ".name"], role="alert", class_name="text-sm text-red-600")),
        rx.cond(state.errors.contains(prefix + ".values"), rx.el.p(state.errors[prefix + ".values"], role="alert", class_name="text-sm text-red-600")),
        class_name="mb-2 flex flex-col gap-2 sm:flex-row sm:items-center",
    )


def variant_grid(state) -> rx.Component:
    return rx.el.div(
        rx.el.table(
            rx.el.thead(rx.el.tr(
                rx.el.th(tr("products.col.variant"), class_name="p-2 text-left"),
                *[rx.el.th(tr(key), class_name="p-2 text-left") for _, key, _ in GRID_COLUMNS],
                rx.el.th(tr("products.col.enabled"), class_name="p-2"),
                class_name="border-b text-xs text-gray-600",
            )),
            rx.el.tbody(rx.foreach(state.variants, lambda row, index: _variant_cells(state, row, index))),
            class_name="w-full text-sm",
        ),
        class_name="overflow-x-auto",
        data_testid="variant-grid",
    )


def _variant_cells(state, row: dict, index) -> rx.Component:
    prefix = "variants." + index.to_string() + "."
    return rx.el.tr(
        rx.el.td(row["label"], class_name="whitespace-nowrap p-2 font-medium"),
        *[
            rx.el.td(
                rx.el.input(
                    default_value=row[key], aria_label=row["label"] + " " + tr(label_key),
                    on_blur=lambda value, key=key: state.set_cell(index, key, value),
                    aria_invalid=rx.cond(state.errors.contains(prefix + key), "true", "false"),
                    type="date" if key == "presale_ships_at" else "text",
                    inputmode=_INPUT_MODES.get(key, "decimal"),
                    class_name=f"{width} rounded border border-gray-300 px-2 py-1 aria-[invalid=true]:border-red-500",
                ),
                rx.cond(state.errors.contains(prefix + key), rx.el.p(state.errors[prefix + key], role="alert", class_name="text-xs text-red-600")),
                class_name="p-1 align-top",
            )
            for key, label_key, width in GRID_COLUMNS
        ],
        rx.el.td(rx.el.input(type="checkbox", checked=row["enabled"] != "", on_change=state.toggle_enabled(index),
                             aria_label=row["label"] + " " + tr("products.col.enabled")), class_name="p-2 text-center"),
        class_name="border-b last:border-0",
    )
