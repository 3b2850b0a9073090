"""Words on screen come from the catalogue, in the reader's language."""

import reflex as rx

from shopapp.ui.state import LangState


def tr(key: str) -> rx.Var:
    return LangState.tr[key]


def lang_switch() -> rx.Component:
    return rx.el.button(
        tr("nav.language"),
        on_click=LangState.toggle_lang,
        type="button",
        class_name="text-sm px-2 py-1 rounded border border-gray-300 text-gray-700 hover:bg-gray-100",
        data_testid="lang-switch",
    )
