"""Console home: the shop at a glance and what to do next."""

import reflex as rx

from shopapp.db import session_scope
from shopapp.services import dashboard
from shopapp.ui import routes
from shopapp.ui.components.roles import role_label
from shopapp.ui.components.text import tr
from shopapp.ui.console.layout import console_page
from shopapp.ui.console.state import ConsoleState


class ConsoleHomeState(ConsoleState):
    numbers: dict[str, int] = {}

    @rx.event
    def load(self):
        actor = self._signed_in()
        if actor is None:
            return
        with session_scope() as session:
            self.numbers = dashboard.overview(session, actor)


@console_page(routes.CONSOLE, "console.nav.home", on_load=ConsoleHomeState.load)
def console_home() -> rx.Component:
    return rx.el.div(
        rx.el.h1(tr("console.welcome"), ", ", ConsoleState.shop_name, class_name="text-2xl font-bold", data_testid="console-welcome"),
        rx.el.div(
            rx.el.span(tr("console.home.storefront_link"), ": ", class_name="text-gray-600"),
            rx.el.a(
                "/s/" + ConsoleState.shop_slug, href="/s/" + ConsoleState.shop_slug,
                class_name="font-mono text-emerald-700 hover:underline", data_testid="storefront-link",
            ),
            rx.el.span(" · ", tr("console.home.role"), ": ", role_label(ConsoleState.role), class_name="text-gray-600"),
            class_name="mt-2 text-sm",
        ),
        rx.el.div(
            _number("console.home.products", ConsoleHomeState.numbers["products_active"]),
            _number("console.home.variants", ConsoleHomeState.numbers["variants"]),
            _number("console.home.staff", ConsoleHomeState.numbers["staff"]),
            class_name="mt-6 grid grid-cols-3 gap-3",
        ),
        rx.el.section(
            rx.el.h2(tr("console.home.next"), class_name="text-lg font-semibold"),
            rx.el.ul(
                _next_step(routes.CONSOLE_SETTINGS, "console.home.next.profile"),
                _next_step(routes.CONSOLE_SETTINGS, "console.home.next.staff"),
                _next_step("/s/" + ConsoleState.shop_slug, "console.home.next.share"),
                class_name="mt-3 space-y-2",
            ),
            class_name="mt-8 rounded-2xl border bg-white p-5",
        ),
    )


def _number(label_key: str, value) -> rx.Component:
    return rx.el.div(
        rx.el.div(value, class_name="text-2xl font-bold"),
        rx.el.div(tr(label_key), class_name="text-sm text-gray-600"),
        class_name="rounded-2xl border bg-white p-4",
    )


def _next_step(href, key: str) -> rx.Component:
    return rx.el.li(rx.el.a("→ ", tr(key), href=href, class_name="text-emerald-700 hover:underline"))
