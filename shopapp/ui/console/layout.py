"""The console's frame: navigation (a sidebar on desktop, a drawer behind a menu button on phones), the shop's name, log-out."""

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
    (routes.CONSOLE_RESTOCK, "console.nav.restock"),
    (routes.CONSOLE_CATEGORIES, "console.nav.categories"),
    (routes.CONSOLE_ORDERS, "console.nav.orders"),
    (routes.CONSOLE_CUSTOMERS, "console.nav.customers"),
    (routes.CONSOLE_SHIPPING, "console.nav.shipping"),
    (routes.CONSOLE_MARKETING, "console.nav.marketing"),
    (routes.CONSOLE_REVIEWS, "console.nav.reviews"),
    (routes.CONSOLE_DESIGN, "console.nav.design"),
    (routes.CONSOLE_FINANCE, "console.nav.finance"),
    (routes.CONSOLE_REPORTS, "console.nav.reports"),
    (routes.SUPPORT, "console.nav.support"),
    (routes.CONSOLE_BILLING, "console.nav.billing"),
    (routes.CONSOLE_DOMAINS, "console.nav.domains"),
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
    links = [_nav_link(href, key, _is_current(href, route)) for href, key in NAV]
    return rx.el.div(
        leave_to(ConsoleState),
        rx.el.aside(
            rx.el.div(ConsoleState.shop_name, class_name="truncate text-lg font-bold text-emerald-800"),
            rx.el.nav(*links, class_name="mt-6 flex flex-col gap-1"),
            class_name="hidden w-56 shrink-0 border-r bg-white px-4 py-6 md:block",
        ),
        _drawer(links),
        rx.el.div(
            rx.el.header(
                rx.el.div(
                    rx.el.button(
                        rx.el.span("☰", aria_hidden="true", class_name="text-lg leading-none"), rx.el.span(tr("console.menu"), class_name="sr-only"),
                        on_click=ConsoleState.open_menu, type="button", aria_label=tr("console.menu"), aria_expanded=rx.cond(ConsoleState.menu_open, "true", "false"),
                        class_name="rounded-lg border px-2.5 py-1.5 text-gray-700 md:hidden", data_testid="console-menu-button",
                    ),
                    # The shop's name: in the bar on phones, atop the sidebar on desktop (one test id, the visible one).
                    rx.el.span(ConsoleState.shop_name, class_name="min-w-0 truncate font-bold text-emerald-800 md:hidden", data_testid="console-shop-name"),
                    rx.el.a(
                        tr("console.nav.storefront"), href=routes.store_home(ConsoleState.shop_slug), target="_blank",
                        class_name="hidden text-sm text-emerald-700 hover:underline md:inline",
                    ),
                    class_name="flex min-w-0 items-center gap-2",
                ),
                rx.el.div(
                    rx.el.span(ConsoleState.email, class_name="hidden text-sm text-gray-500 lg:inline"),
                    lang_switch(),
                    rx.el.button(tr("nav.logout"), on_click=ConsoleState.logout, type="button", class_name="whitespace-nowrap text-sm text-gray-700 hover:text-red-700"),
                    class_name="flex shrink-0 items-center gap-3",
                ),
                class_name="flex items-center justify-between gap-2 border-b bg-white px-4 py-3",
            ),
            rx.match(
                ConsoleState.payment_notice,
                ("sandbox", _banner("console.sandbox_banner", "sandbox-banner")),
                ("none", _banner("console.no_payment_banner", "no-payment-banner")),
                ("suspended", _banner("ops.console_suspended_banner", "suspended-banner")),
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


def _drawer(links: list[rx.Component]) -> rx.Component:
    """Phones: the menu slides in from the left over the page; the shade behind it or ✕ closes it."""
    return rx.cond(ConsoleState.menu_open, rx.el.div(
        rx.el.div(on_click=ConsoleState.close_menu, class_name="absolute inset-0 bg-black/30"),
        rx.el.nav(
            rx.el.div(
                rx.el.span(ConsoleState.shop_name, class_name="min-w-0 truncate text-lg font-bold text-emerald-800"),
                rx.el.button("✕", on_click=ConsoleState.close_menu, type="button", aria_label=tr("console.close_menu"),
                             class_name="rounded-lg px-2 py-1 text-gray-600"),
                class_name="mb-4 flex items-center justify-between gap-2",
            ),
            *links,
            rx.el.a(tr("console.nav.storefront"), href=routes.store_home(ConsoleState.shop_slug), target="_blank",
                    class_name="mt-4 rounded-lg px-3 py-2 text-sm text-emerald-700"),
            rx.el.p(ConsoleState.email, class_name="mt-2 truncate px-3 text-xs text-gray-500"),
            aria_label=tr("console.menu"), data_testid="console-drawer",
            class_name="relative flex h-full w-72 max-w-[85vw] flex-col gap-1 overflow-y-auto bg-white p-4 shadow-xl",
        ),
        role="dialog", aria_modal="true", class_name="fixed inset-0 z-50 md:hidden",
    ))


def _is_current(href: str, route: str) -> bool:
    return href == route or (href != routes.CONSOLE and route.startswith(href + "/"))


def _nav_link(href: str, key: str, active: bool) -> rx.Component:
    style = "bg-emerald-50 text-emerald-800 font-semibold" if active else "text-gray-700 hover:bg-gray-100"
    return rx.el.a(tr(key), href=href, aria_current="page" if active else None,
                   class_name=f"whitespace-nowrap rounded-lg px-3 py-2 text-sm {style}")
