"""The one form field (label, input, hint, error next to it) and the buttons every form uses."""

from __future__ import annotations

import reflex as rx

from shopapp.ui.components.text import tr

INPUT = (
    "w-full rounded-lg border border-gray-300 px-3 py-2.5 text-base text-gray-900 bg-white "
    "focus:outline-none focus:ring-2 focus:ring-emerald-500 focus:border-emerald-500 "
    "aria-[invalid=true]:border-red-500"
)


def form_field(
    label_key: str | rx.Var,  # a catalogue key, or words already chosen (a cond of two tr())
    name: str,
    errors: rx.Var,
    *,
    type: str = "text",
    hint_key: str | None = None,
    value: rx.Var | str | None = None,
    multiline: bool = False,
    **attrs,
) -> rx.Component:
    """A labelled field; `errors` is the page state's {field: message} dict."""
    has_error = errors.contains(name)
    control_attrs = dict(
        id=name, name=name, class_name=INPUT, aria_invalid=rx.cond(has_error, "true", "false"),
        aria_describedby=f"{name}-note", **attrs,
    )
    if value is not None:
        control_attrs["default_value"] = value
    control = rx.el.textarea(rows=4, **control_attrs) if multiline else rx.el.input(type=type, **control_attrs)
    note = rx.cond(
        has_error,
        rx.el.p(errors[name], id=f"{name}-note", role="alert", class_name="mt-1 text-sm text-red-600"),
        rx.el.p(tr(hint_key), id=f"{name}-note", class_name="mt-1 text-sm text-gray-500") if hint_key else rx.fragment(),
    )
    return rx.el.div(
        rx.el.label(tr(label_key) if isinstance(label_key, str) else label_key, html_for=name, class_name="block mb-1 text-sm font-medium text-gray-800"),
        control,
        note,
        class_name="mb-4",
    )


def select_field(label_key: str, name: str, options: list[tuple[str, str]], errors: rx.Var, value=None) -> rx.Component:
    """A labelled <select>; options are (value, catalogue key) pairs."""
    return rx.el.div(
        rx.el.label(tr(label_key) if isinstance(label_key, str) else label_key, html_for=name, class_name="block mb-1 text-sm font-medium text-gray-800"),
        rx.el.select(
            *[rx.el.option(tr(key), value=option) for option, key in options],
            id=name, name=name, class_name=INPUT, **({"default_value": value} if value is not None else {}),
        ),
        rx.cond(errors.contains(name), rx.el.p(errors[name], role="alert", class_name="mt-1 text-sm text-red-600")),
        class_name="mb-4",
    )


def form_error(message: rx.Var) -> rx.Component:
    return rx.cond(
        message != "",
        rx.el.div(message, role="alert", class_name="mb-4 rounded-lg bg-red-50 px-3 py-2 text-sm text-red-700"),
    )


def submit_button(label_key: str, busy: rx.Var, **attrs) -> rx.Component:
    return rx.el.button(
        rx.cond(busy, tr("form.saving"), tr(label_key)),
        type="submit",
        disabled=busy,
        class_name=PRIMARY_BUTTON + " w-full",
        **attrs,
    )


PRIMARY_BUTTON = (
    "inline-flex items-center justify-center rounded-lg bg-emerald-700 px-4 py-2.5 text-base font-semibold "
    "text-white hover:bg-emerald-800 disabled:opacity-60"
)
SECONDARY_BUTTON = (
    "inline-flex items-center justify-center rounded-lg border border-gray-300 bg-white px-3 py-2 text-sm "
    "font-medium text-gray-800 hover:bg-gray-50"
)
# A search form's button beside its box: on a 390 px phone the box gives way, the label never
# breaks (搜/索).
SEARCH_BUTTON = SECONDARY_BUTTON + " shrink-0 whitespace-nowrap"
DANGER_BUTTON = (
    "inline-flex items-center justify-center rounded-lg border border-red-300 bg-white px-3 py-1.5 text-sm "
    "font-medium text-red-700 hover:bg-red-50"
)
