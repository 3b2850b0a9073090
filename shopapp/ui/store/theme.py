"""The shop's theme on every storefront page: colours, corner radius, button style and font scale as CSS
variables on the frame (assets/shopapp.css maps the storefront's own colour classes onto them), and the
header menu, the phone's bottom tab bar and the footer's links the owner chose in 店铺装修."""

from __future__ import annotations

import reflex as rx

from shopapp.services.shops import design_rules


def theme_view(theme: dict) -> dict:
    """What StoreState keeps of a design's theme: a style of CSS variables and the frame's choices."""
    style = design_rules.theme_variables(theme)
    links = lambda name: [{"label": i.get("label", ""), "link": i.get("link", "")} for i in theme.get(name) or []]  # noqa: E731
    return {
        "style": style, "button_style": theme.get("button_style", "filled"), "header_layout": theme.get("header_layout", "left"),
        "logo_url": theme.get("logo_url", ""), "menu": links("menu"), "tab_bar": links("tab_bar"), "footer_links": links("footer_links"),
    }


def header_menu(menu) -> rx.Component:
    return rx.cond(menu.length() > 0, rx.el.nav(
        rx.foreach(menu, lambda item: rx.el.a(item["label"], href=item["link"], class_name="whitespace-nowrap px-2 py-1 text-sm")),
        aria_label="menu", class_name="flex gap-1 overflow-x-auto border-b px-2 py-1", data_testid="store-menu",
    ))


def tab_bar(items) -> rx.Component:
    """The phone's bottom tab bar (hidden from tablets up, where the header has room)."""
    return rx.cond(items.length() > 0, rx.fragment(
        rx.el.nav(
            rx.foreach(items, lambda item: rx.el.a(item["label"], href=item["link"], class_name="flex-1 py-3 text-center text-sm")),
            aria_label="tabs", class_name="fixed inset-x-0 bottom-0 z-10 flex border-t bg-white sm:hidden", data_testid="store-tab-bar",
        ),
        rx.el.div(class_name="h-12 sm:hidden"),
    ))


def footer_links(items) -> rx.Component:
    return rx.cond(items.length() > 0, rx.el.nav(
        rx.foreach(items, lambda item: rx.el.a(item["label"], href=item["link"], class_name="underline")),
        aria_label="footer", class_name="mb-3 flex flex-wrap justify-center gap-3",
    ))
