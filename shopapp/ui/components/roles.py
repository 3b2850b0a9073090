"""A staff role shown in the reader's language."""

import reflex as rx

from shopapp.ui.components.text import tr


def role_label(role: rx.Var) -> rx.Component:
    return rx.match(
        role,
        ("owner", tr("role.owner")),
        ("admin", tr("role.admin")),
        ("operations", tr("role.operations")),
        ("support", tr("role.support")),
        role,
    )
