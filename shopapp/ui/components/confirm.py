"""A destructive button that asks "are you sure?" in place before it acts (with ConfirmMixin's ask / cancel)."""

import reflex as rx

from shopapp.ui.components.forms import DANGER_BUTTON, SECONDARY_BUTTON
from shopapp.ui.components.text import tr


def confirm_button(asking, ask, confirm, cancel, label_key: str, question_key: str) -> rx.Component:
    """`label_key` on the button; once asked, `question_key` with yes (`confirm`) and cancel beside it."""
    return rx.cond(
        asking,
        rx.el.span(
            rx.el.span(tr(question_key), class_name="text-sm text-red-700"),
            rx.el.button(tr("confirm.yes"), on_click=confirm, type="button", class_name=DANGER_BUTTON),
            rx.el.button(tr("form.cancel"), on_click=cancel, type="button", class_name=SECONDARY_BUTTON),
            class_name="flex flex-wrap items-center gap-2",
        ),
        rx.el.button(tr(label_key), on_click=ask, type="button", class_name=DANGER_BUTTON),
    )
