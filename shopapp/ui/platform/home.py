"""The platform home: what we offer a would-be shop owner, and the way in."""

import reflex as rx

from shopapp.ui import routes
from shopapp.ui.components.forms import PRIMARY_BUTTON, SECONDARY_BUTTON
from shopapp.ui.components.text import tr
from shopapp.ui.platform.layout import platform_frame

FEATURES = ("decorate", "catalog", "orders", "marketing", "service", "data")
DEMO_SHOP = routes.store_home("demo-tea")


def home_page() -> rx.Component:
    return platform_frame(
        rx.el.section(
            rx.el.h1(tr("home.hero.title"), class_name="text-3xl font-extrabold leading-tight sm:text-5xl"),
            rx.el.p(tr("home.hero.subtitle"), class_name="mx-auto mt-4 max-w-2xl text-lg text-gray-600"),
            rx.el.div(
                rx.el.a(tr("home.hero.cta"), href=routes.SIGNUP, class_name=PRIMARY_BUTTON),
                rx.el.a(tr("home.hero.demo"), href=DEMO_SHOP, class_name=SECONDARY_BUTTON + " py-2.5 text-base"),
                class_name="mt-8 flex flex-wrap justify-center gap-3",
            ),
            class_name="py-12 text-center sm:py-20",
        ),
        rx.el.section(
            *[_feature(name) for name in FEATURES],
            class_name="grid gap-4 sm:grid-cols-2 lg:grid-cols-3",
        ),
        rx.el.section(
            rx.el.h2(tr("home.steps.title"), class_name="mb-6 text-center text-2xl font-bold"),
            rx.el.ol(
                *[_step(number, f"home.steps.{key}") for number, key in ((1, "one"), (2, "two"), (3, "three"))],
                class_name="grid gap-4 sm:grid-cols-3",
            ),
            class_name="mt-16",
        ),
    )


def _feature(name: str) -> rx.Component:
    return rx.el.div(
        rx.el.h3(tr(f"home.feature.{name}.title"), class_name="text-lg font-semibold text-emerald-800"),
        rx.el.p(tr(f"home.feature.{name}.body"), class_name="mt-2 text-gray-600"),
        class_name="rounded-2xl border border-gray-200 p-5",
    )


def _step(number: int, key: str) -> rx.Component:
    return rx.el.li(
        rx.el.span(str(number), class_name="mr-3 inline-flex h-8 w-8 items-center justify-center rounded-full bg-emerald-100 font-bold text-emerald-800"),
        tr(key),
        class_name="flex items-center rounded-2xl bg-gray-50 p-4",
    )
