"""The platform's own pages: `platform_page` registers one (route, title, on_load); the frame around
them has a header with log-in / sign-up and a footer."""

from collections.abc import Callable

import reflex as rx

from shopapp.ui import routes
from shopapp.ui.components.text import lang_switch, tr


def platform_page(route: str, title: str, on_load: Callable | None = None):
    """Register a platform page (the home, sign-up and log-in are added by the app itself)."""

    def decorator(content: Callable[[], rx.Component]):
        return rx.page(route=route, title=title, on_load=on_load)(content)

    return decorator


def platform_frame(*children: rx.Component) -> rx.Component:
    return rx.el.div(
        rx.el.header(
            rx.el.a(tr("app.name"), href=routes.HOME, class_name="text-xl font-bold text-emerald-800"),
            rx.el.nav(
                lang_switch(),
                rx.el.a(tr("nav.login"), href=routes.LOGIN, class_name="text-sm text-gray-700 hover:text-emerald-700"),
                rx.el.a(
                    tr("nav.signup"), href=routes.SIGNUP,
                    class_name="text-sm rounded-lg bg-emerald-700 px-3 py-1.5 font-semibold text-white hover:bg-emerald-800",
                ),
                class_name="flex items-center gap-3",
            ),
            class_name="mx-auto flex max-w-6xl items-center justify-between px-4 py-3",
        ),
        rx.el.main(*children, class_name="mx-auto max-w-6xl px-4"),
        rx.el.footer(tr("home.footer"), class_name="mt-16 border-t py-6 text-center text-sm text-gray-500"),
        class_name="min-h-screen bg-white text-gray-900",
    )


def auth_card(title_key: str, *children: rx.Component) -> rx.Component:
    return platform_frame(
        rx.el.div(
            rx.el.h1(tr(title_key), class_name="mb-6 text-2xl font-bold"),
            *children,
            class_name="mx-auto mt-6 w-full max-w-md rounded-2xl border border-gray-200 p-6 shadow-sm sm:mt-12",
        )
    )
