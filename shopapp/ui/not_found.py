"""The page for any address we do not know."""

import reflex as rx

from shopapp.ui import routes
from shopapp.ui.components.text import tr


def not_found_page() -> rx.Component:
    return rx.el.main(
        rx.el.div("404", class_name="text-6xl font-black text-gray-200"),
        rx.el.h1(tr("notfound.title"), class_name="mt-4 text-2xl font-bold"),
        rx.el.p(tr("notfound.body"), class_name="mt-2 text-gray-600"),
        rx.el.a(tr("store.not_found.home"), href=routes.HOME, class_name="mt-6 inline-block text-emerald-700 underline"),
        class_name="flex min-h-screen flex-col items-center justify-center px-6 text-center",
    )
