"""The storefront's shell: `store_page` registers a page (route, title, on_load) inside the shop's frame,
its header and footer, or a friendly page when the shop does not exist."""

from collections.abc import Callable

import reflex as rx

from shopapp.ui import routes
from shopapp.ui.components.text import lang_switch, tr
from shopapp.ui.store.chat_widget import chat_widget
from shopapp.ui.store.state import StoreState
from shopapp.ui.store.theme import footer_links, header_menu, tab_bar


def store_page(route: str, title: str | rx.Var, on_load: Callable | list[Callable]):
    """Register a storefront page in the shop's frame. `title` is fixed ("购物车") or the page's own Var
    (the shop's or the product's name), so it follows what the page shows; `content` answers the frame's
    children: one component or a tuple of them."""

    def decorator(content: Callable[[], rx.Component | tuple[rx.Component, ...]]):
        def page() -> rx.Component:
            shown = content()
            return store_frame(*shown) if isinstance(shown, tuple) else store_frame(shown)

        page.__name__ = content.__name__
        # Reflex writes a page's compiled components into one file per module of its page function: named
        # after the page's own module, each storefront page loads its own, not every shop page's (one
        # 330 KB file with the order page's upload library, fetched by the home and product pages).
        page.__module__ = content.__module__
        return rx.page(route=route, title=title, on_load=on_load)(page)

    return decorator


def store_frame(*children: rx.Component) -> rx.Component:
    return rx.cond(
        StoreState.not_found,
        shop_not_found(),
        rx.el.div(
            rx.el.header(
                rx.el.a(
                    rx.cond(StoreState.theme["logo_url"] != "",
                            rx.el.img(src=StoreState.theme["logo_url"], alt="", class_name="h-8 w-8 rounded-full object-cover"),
                            rx.cond(StoreState.shop["logo_url"] != "",
                                    rx.el.img(src=StoreState.shop["logo_url"], alt="", class_name="h-8 w-8 rounded-full object-cover"))),
                    rx.el.span(StoreState.shop["name"], class_name="truncate", data_testid="store-name"),
                    href=routes.store_home(StoreState.shop["slug"]),
                    class_name="flex min-w-0 items-center gap-2 text-lg font-bold text-gray-900",
                ),
                rx.el.div(
                    lang_switch(),
                    rx.el.a(tr("store.account"), href=routes.store_account(StoreState.shop["slug"]),
                            class_name="px-1 py-1 text-sm text-gray-800", data_testid="account-link"),
                    rx.el.a(
                        tr("store.cart"),
                        rx.cond(StoreState.cart_count > 0, rx.el.span(
                            StoreState.cart_count, class_name="ml-1 rounded-full bg-red-600 px-1.5 text-xs text-white", data_testid="cart-count",
                        )),
                        href=routes.store_cart(StoreState.shop["slug"]),
                        class_name="rounded border border-gray-300 px-2 py-1 text-sm text-gray-800",
                    ),
                    class_name="flex items-center gap-2",
                ),
                class_name=rx.cond(
                    StoreState.theme["header_layout"] == "center",
                    "sticky top-0 z-10 flex flex-col items-center gap-2 border-b bg-white/95 px-4 py-3 backdrop-blur",
                    "sticky top-0 z-10 flex items-center justify-between gap-2 border-b bg-white/95 px-4 py-3 backdrop-blur",
                ),
            ),
            header_menu(StoreState.menu),
            # At least a screen tall: the footer never jumps down when the page's content arrives.
            rx.el.main(*children, class_name="mx-auto min-h-screen max-w-5xl"),
            _footer(),
            chat_widget(),
            tab_bar(StoreState.tab_bar),
            class_name="shop-themed min-h-screen bg-gray-50 text-gray-900",
            style=StoreState.theme_style,
            data_button=StoreState.theme["button_style"],
        ),
    )


def shop_not_found() -> rx.Component:
    return rx.el.main(
        rx.el.div("404", class_name="text-6xl font-black text-gray-200"),
        rx.el.h1(tr("store.not_found.title"), class_name="mt-4 text-2xl font-bold", data_testid="store-not-found"),
        rx.el.p(tr("store.not_found.body"), class_name="mt-2 text-gray-600"),
        rx.el.a(tr("store.not_found.home"), href=routes.HOME, class_name="mt-6 inline-block text-emerald-700 underline"),
        class_name="flex min-h-screen flex-col items-center justify-center px-6 text-center",
    )


def _footer() -> rx.Component:
    return rx.el.footer(
        footer_links(StoreState.footer_links),
        rx.cond(
            (StoreState.shop["shipping_policy"] != "") | (StoreState.shop["returns_policy"] != ""),
            rx.el.div(
                rx.el.h2(tr("store.policies"), class_name="mb-2 font-semibold"),
                _policy("store.shipping_policy", StoreState.shop["shipping_policy"]),
                _policy("store.returns_policy", StoreState.shop["returns_policy"]),
                class_name="mb-6 text-left text-sm text-gray-600",
            ),
        ),
        rx.cond(StoreState.shop["contact_phone"] != "", rx.el.p(tr("store.contact"), ": ", StoreState.shop["contact_phone"])),
        rx.el.p(tr("store.powered_by"),
                # Only once the shop is known: before that the address would name no shop.
                rx.cond(StoreState.shop["slug"], rx.fragment(" · ", rx.el.a(
                    tr("store.report.link"), href=routes.store_report(StoreState.shop["slug"]), rel="nofollow",
                    class_name="underline", data_testid="report-link"))),
                class_name="mt-2"),
        class_name="mx-auto max-w-5xl px-4 py-8 text-center text-xs text-gray-500",
    )


def _policy(title_key: str, text) -> rx.Component:
    return rx.cond(
        text != "",
        rx.el.details(rx.el.summary(tr(title_key), class_name="cursor-pointer py-1"), rx.el.p(text, class_name="whitespace-pre-line pb-2")),
    )
