"""The console's frame: navigation (a sidebar on desktop, a bar on phones), the shop's name, log-out."""

from collections.abc import Callable

import reflex as rx

from shopapp.ui import routes
from shopapp.ui.components.navigation import leave_to
from shopapp.ui.components.text import lang_switch, tr
from shopapp.ui.console.state import ConsoleState

# Only entries that work; the list grows as features land.
NAV = [
    (routes.CONSOLE, "console.nav.home"),
    (routes.CONSOLE_PRODUCTS, "console.nav.products"),
    (routes.CONSOLE_CATEGORIES, "console.nav.categories"),
    (routes.CONSOLE_ORDERS, "console.nav.orders"),
    (routes.CONSOLE_SHIPPING, "console.nav.shipping"),
    (routes.SUPPORT, "console.nav.support"),
    (routes.CONSOLE_SETTINGS, "console.nav.settings"),
]


def console_page(route: str, title_key: str, on_load: Callable | list[Callable] | None = None):
    """Register a console page: navigation around it, a log-in check before it loads."""

    def decorator(content: Callable[[], rx.Component]):
        extra = on_load if isinstance(on_load, list) else [on_load] if on_load else []
        loaders = [ConsoleState.check_login, *extra]

        def page() -> rx.Component:
            return _frame(route, content())

        page.__name__ = content.__name__
        return rx.page(route=route, title="开店宝 · 店铺后台", on_load=loaders)(page)

    return decorator


def _frame(route: str, content: rx.Component) -> rx.Component:
    return rx.el.div(
        leave_to(ConsoleState.leave_url),
        rx.el.aside(
            rx.el.div(ConsoleState.shop_name, class_name="truncate text-lg font-bold text-emerald-800", data_testid="console-shop-name"),
            rx.el.nav(*[_nav_link(href, key, _is_current(href, route)) for href, key in NAV], class_name="flex gap-1 overflow-x-auto md:mt-6 md:flex-col"),
            class_name="border-b bg-white px-4 py-3 md:w-56 md:shrink-0 md:border-b-0 md:border-r md:py-6",
        ),
        rx.el.div(
            rx.el.header(
                rx.el.a(
                    tr("console.nav.storefront"), href=routes.store_home(ConsoleState.shop_slug), target="_blank",
                    class_name="text-sm text-emerald-700 hover:underline",
                ),
                rx.el.div(
                    rx.el.span(ConsoleState.email, class_name="hidden text-sm text-gray-500 sm:inline"),
                    lang_switch(),
                    rx.el.button(tr("nav.logout"), on_click=ConsoleState.logout, type="button", class_name="text-sm text-gray-700 hover:text-red-700"),
                    class_name="flex items-center gap-3",
                ),
                class_name="flex items-center justify-between border-b bg-white px-4 py-3",
            ),
            rx.match(
                ConsoleState.payment_notice,
                ("sandbox", _banner("console.sandbox_banner", "sandbox-banner")),
                ("none", _banner("console.no_payment_banner", "no-payment-banner")),
                rx.fragment(),
            ),
            rx.el.main(
                rx.cond(ConsoleState.ready, content, rx.el.p(tr("console.loading"), class_name="text-gray-500")),
                class_name="p-4 md:p-8",
            ),
            class_name="min-w-0 flex-1",
        ),
        class_name="min-h-screen bg-gray-50 text-gray-900 md:flex",
    )


def _banner(key: str, test_id: str) -> rx.Component:
    return rx.el.div(
        tr(key), data_testid=test_id,  # a standing notice, not an alert: forms keep role="alert" for their errors
        class_name="border-b border-amber-300 bg-amber-50 px-4 py-2 text-sm font-medium text-amber-900",
    )


def _is_current(href: str, route: str) -> bool:
    return href == route or (href != routes.CONSOLE and route.startswith(href + "/"))


def _nav_link(href: str, key: str, active: bool) -> rx.Component:
    style = "bg-emerald-50 text-emerald-800 font-semibold" if active else "text-gray-700 hover:bg-gray-100"
    return rx.el.a(tr(key), href=href, class_name=f"rounded-lg px-3 py-2 text-sm {style}")
