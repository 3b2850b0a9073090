"""Words on screen come from the catalogue, in the reader's language."""

import reflex as rx

from shopapp.i18n import CATALOGUES
from shopapp.ui.state import LangState

ZH, EN = CATALOGUES["zh-CN"], CATALOGUES["en"]


def tr(key: str) -> rx.Var:
    """Both languages' words are compiled into the page and the browser shows the reader's: no
    catalogue travels in the state. A key missing from a catalogue fails the build, not the page."""
    return rx.cond(LangState.english, EN[key], ZH[key])


def tr_of(key: rx.Var, *prefixes: str) -> rx.Var:
    """The words for a key the page's state holds (e.g. an event type), from the catalogue entries
    under `prefixes`: only those are compiled into the page."""
    zh = {k: v for k, v in ZH.items() if k.startswith(prefixes)}
    en = {k: EN[k] for k in zh}
    return rx.cond(LangState.english, rx.Var.create(en)[key.to(str)], rx.Var.create(zh)[key.to(str)]).to(str)


def lang_switch() -> rx.Component:
    return rx.el.button(
        tr("nav.language"),
        on_click=LangState.toggle_lang,
        type="button",
        class_name="text-sm px-2 py-1 rounded border border-gray-300 text-gray-700 hover:bg-gray-100",
        data_testid="lang-switch",
    )
